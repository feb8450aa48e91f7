// `npm run web`: the workspace alone, against the Temporal server the TEMPORAL_* variables name (or
// the one `npm start` runs). Ctrl-C stops it.
import { WebConfigError } from './config';
import { startWorkspaceAlone } from './start';

async function main(): Promise<void> {
  const workspace = await startWorkspaceAlone();
  console.log('Ready. Press Ctrl-C to stop.');
  const stop = async () => {
    await workspace.stop();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err instanceof WebConfigError ? err.message : err instanceof Error ? err.message : err);
  process.exit(1);
});
