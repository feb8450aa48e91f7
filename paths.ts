// Where the project's own folders are, wherever a process starts from: the one definition of the
// project root that the tools, the embedded defaults, the tests and the bench build paths from.
import { resolve } from 'node:path';

export const PROJECT_ROOT = resolve(__dirname);
