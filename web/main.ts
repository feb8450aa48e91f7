// `npm run web`: the workspace alone, against the Temporal server the TEMPORAL_* variables name (or
// the one `npm start` runs). Ctrl-C stops it.
import { connectLazily } from '../client/connection';
import { WebConfigError } from './config';
import { startWorkspaceFor } from './start';

async function main(): Promise<void> {
  const connection = connectLazily(process.env);
  const workspace = await startWorkspaceFor(connection);
  console.log('Ready. Press Ctrl-C to stop.');
  const stop = async () => {
    await workspace.stop();
    await connection.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err instanceof WebConfigError ? err.message : err instanceof Error ? err.message : err);
  process.exit(1);
});
