// A bundle of the engagement workflow alone (with the floor), without the campaign workflow and what
// it imports (the campaign-file schema, zod): to measure what those modules cost every cached
// workflow, since each workflow instantiates the bundle's modules for itself.
export { engagement } from '../../workflows/engagement';
export { engineFloor } from './floor';
export { reminderFloor } from './reminder-floor';
