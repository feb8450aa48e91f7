// `npm start`: the main job on embedded defaults (worker/main-job.ts); a bad option or setting ends
// it with one line naming it.
import { ConfigError } from '../config/temporal';
import { runMainJob } from './main-job';

runMainJob(process.argv.slice(2)).catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err instanceof Error ? err.message : err);
  process.exit(1);
});
