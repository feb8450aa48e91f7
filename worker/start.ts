// `npm start`: the main job on embedded defaults (worker/main-job.ts); a bad option or setting ends
// it with one line naming it.
import { runMainJob } from './main-job';
import { startUpFailureMessage } from './start-up-errors';

// Exits once everything it started has stopped, as `npm run worker` does (worker/main.ts): a socket
// a hung mail relay never closes must not keep it running after Ctrl-C.
runMainJob(process.argv.slice(2)).then(
  () => process.exit(0),
  (err) => {
    console.error(startUpFailureMessage(err));
    process.exit(1);
  },
);
