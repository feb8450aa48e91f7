// Where the Temporal server is and which task queue Dossier works on, read the same way by the
// worker and the case officer's client: TEMPORAL_* variables or a client configuration profile
// (@temporalio/envconfig), secrets from `*_FILE` when given. A bad value is a ConfigError naming it.
import { readFileSync } from 'node:fs';
import { platform } from 'node:os';
import { join } from 'node:path';
import { loadClientConnectConfig, type ClientConnectConfig } from '@temporalio/envconfig';
import { DossierError } from '../workflows/errors';

export const DEFAULT_TASK_QUEUE = 'dossier';

export interface TemporalTarget {
  connectionOptions: ClientConnectConfig['connectionOptions'];
  namespace: string;
}

export class ConfigError extends DossierError<'ConfigError'> {
  constructor(readonly problems: string[]) {
    super('ConfigError', `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Reads `NAME` or, when set, the file named by `NAME_FILE` (for secrets mounted as files). */
export function withFileSecrets(env: NodeJS.ProcessEnv, names: string[], problems: string[]): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const name of names) {
    const file = env[`${name}_FILE`];
    if (!file) continue;
    try {
      out[name] = readFileSync(file, 'utf8').trim();
    } catch (err) {
      problems.push(`${name}_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
  }
  return out;
}

/** Temporal connection from TEMPORAL_* variables or a client configuration profile. */
export function loadTemporalTarget(env: NodeJS.ProcessEnv = process.env): TemporalTarget {
  const problems: string[] = [];
  const resolved = withFileSecrets(env, ['TEMPORAL_API_KEY'], problems);
  if (problems.length) throw new ConfigError(problems);
  let loaded: ClientConnectConfig;
  try {
    loaded = loadClientConnectConfig({ overrideEnvVars: stringsOnly(resolved) });
  } catch (err) {
    // The SDK's "Profile 'x' not found in config data" names neither the variable nor the file it read.
    const profile = /^Profile '(.*)' not found/.exec((err as Error).message)?.[1];
    if (profile !== undefined) {
      throw new ConfigError([
        `TEMPORAL_PROFILE: no profile "${profile}" in ${clientConfigFile(resolved) ?? 'the Temporal client configuration file'} (set TEMPORAL_CONFIG_FILE to the file that holds it, or unset TEMPORAL_PROFILE)`,
      ]);
    }
    throw new ConfigError([`Temporal client configuration: ${(err as Error).message}`]);
  }
  const address = loaded.connectionOptions.address ?? 'localhost:7233';
  if (!/^[^\s:]+:\d{1,5}$/.test(address)) {
    throw new ConfigError([`TEMPORAL_ADDRESS: "${address}" must be host:port, e.g. localhost:7233`]);
  }
  return { connectionOptions: { ...loaded.connectionOptions, address }, namespace: loaded.namespace ?? 'default' };
}

/** The file @temporalio/envconfig reads profiles from: TEMPORAL_CONFIG_FILE, else its default for this platform. */
function clientConfigFile(env: NodeJS.ProcessEnv): string | undefined {
  if (env.TEMPORAL_CONFIG_FILE) return env.TEMPORAL_CONFIG_FILE;
  const os = platform();
  const dir =
    os === 'win32' ? env.APPDATA : os === 'darwin' ? env.HOME && join(env.HOME, 'Library', 'Application Support') : env.XDG_CONFIG_HOME || (env.HOME && join(env.HOME, '.config'));
  return dir ? join(dir, 'temporalio', 'temporal.toml') : undefined;
}

function stringsOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
