// Finds the Temporal CLI binary that runs the embedded dev server. The user's own install wins
// (TEMPORAL_CLI_PATH, then `temporal` on PATH); otherwise the copy `npm run setup` put in .tools/.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { PROJECT_ROOT } from '../paths';
import { DossierError } from '../workflows/errors';

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

export class TemporalCliMissingError extends DossierError<'TemporalCliMissing'> {
  constructor(what: string) {
    super(
      'TemporalCliMissing',
      `${what} was not found. Run \`npm run setup\` to install it into .tools/, ` +
        'set TEMPORAL_CLI_PATH to your own Temporal CLI, or set TEMPORAL_ADDRESS to use a running server.',
    );
  }
}

export function resolveTemporalCli(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TEMPORAL_CLI_PATH) {
    if (isExecutable(env.TEMPORAL_CLI_PATH)) return env.TEMPORAL_CLI_PATH;
    throw new TemporalCliMissingError(`TEMPORAL_CLI_PATH=${env.TEMPORAL_CLI_PATH} (not an executable file)`);
  }
  const candidates = [
    onPath('temporal', env),
    join(PROJECT_ROOT, '.tools', 'venv', 'bin', 'temporal'),
    join(PROJECT_ROOT, '.tools', 'go', 'bin', 'temporal'),
  ];
  const found = candidates.find((c): c is string => c !== undefined && isExecutable(c));
  if (!found) throw new TemporalCliMissingError('The Temporal CLI');
  return found;
}

export function resolveTimeSkippingServer(env: NodeJS.ProcessEnv = process.env): string {
  const path = env.TEMPORAL_TEST_SERVER_PATH ?? join(PROJECT_ROOT, '.tools', 'venv', 'bin', 'temporal-test-server');
  if (!isExecutable(path)) throw new TemporalCliMissingError(`The time-skipping test server (${path})`);
  return path;
}
