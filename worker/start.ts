// `npm start`: the main job on embedded defaults (worker/main-job.ts); a bad option or setting ends
// it with one line naming it.
import { runMainJob } from './main-job';
import { startUpFailureMessage } from './start-up-errors';

runMainJob(process.argv.slice(2)).catch((err) => {
  console.error(startUpFailureMessage(err));
  process.exit(1);
});
