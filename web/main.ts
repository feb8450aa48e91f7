// `npm run web`: the workspace alone, against the Temporal server the TEMPORAL_* variables name (or
// the one `npm start` runs). Ctrl-C stops it.
import { unreadSettingWarnings } from '../config/unread-settings';
import { WebConfigError } from './config';
import { startWorkspaceAlone } from './start';

async function main(): Promise<void> {
  // Before the configuration is checked, as the worker does: a misspelt name may be why a setting it refuses is missing.
  for (const line of unreadSettingWarnings(process.env)) console.warn(line);
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
