// Where one host keeps its local state when no variable names a folder of its own. DOSSIER_DATA_DIR
// gathers all of it under one folder, so state moved to another disk, or two embedded set-ups side
// by side, never share a keystore, a ledger or a mailbox; unset, every default stays where it always
// was (the project's .data/, and out/ and .data/state under the working folder). A variable naming
// one folder (DOSSIER_STATE_DIR, DOSSIER_KEYSTORE_DIR…) still wins.
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../paths';

/** The data folder when DOSSIER_DATA_DIR is unset. */
export const PROJECT_DATA_DIR = join(PROJECT_ROOT, '.data');

export interface LocalFolders {
  /** `embedded.json`, the dev server's SQLite file and log, the codec token, the web session secret. */
  dataDir: string;
  /** The delivery ledger, stored documents and revoked sessions (DOSSIER_STATE_DIR). */
  stateDir: string;
  /** Wrapped data keys (DOSSIER_KEYSTORE_DIR). */
  keysDir: string;
  /** Published files, letters and the mail sink's `.eml` copies (DOSSIER_OUTPUT_DIR). */
  outputDir: string;
  /** The Maildir the embedded mail sink delivers the case mailbox's mail into (DOSSIER_MAILDIR). */
  maildir: string;
  /** The development master key `npm start` makes (DOSSIER_MASTER_KEYS_FILE names another). */
  devMasterKeysFile: string;
}

function named(env: NodeJS.ProcessEnv, variable: string): string | undefined {
  return env[variable]?.trim() || undefined;
}

/** `DOSSIER_DATA_DIR`, or the project's `.data/`. */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  const given = named(env, 'DOSSIER_DATA_DIR');
  return given ? resolve(given) : PROJECT_DATA_DIR;
}

/**
 * @param options.fromProject without DOSSIER_DATA_DIR, the two defaults that were always relative
 *   (`out`, `.data/state`) are taken under the project root instead of the working folder, as `npm
 *   start` and the CLI's output folder always took them.
 */
export function localFolders(env: NodeJS.ProcessEnv = process.env, { fromProject = false }: { fromProject?: boolean } = {}): LocalFolders {
  const given = named(env, 'DOSSIER_DATA_DIR');
  const data = dataDir(env);
  const relative = (path: string) => (fromProject ? resolve(PROJECT_ROOT, path) : resolve(path));
  return {
    dataDir: data,
    stateDir: resolve(named(env, 'DOSSIER_STATE_DIR') ?? (given ? join(data, 'state') : relative(join('.data', 'state')))),
    keysDir: resolve(named(env, 'DOSSIER_KEYSTORE_DIR') ?? join(data, 'keys')),
    outputDir: resolve(named(env, 'DOSSIER_OUTPUT_DIR') ?? (given ? join(data, 'out') : relative('out'))),
    maildir: resolve(named(env, 'DOSSIER_MAILDIR') ?? join(data, 'mailbox')),
    devMasterKeysFile: join(data, 'master.keys'),
  };
}

/**
 * `env` with DOSSIER_STATE_DIR and DOSSIER_OUTPUT_DIR named as `localFolders(env, { fromProject: true })`
 * finds them, unless already named: for a process run from any folder (the CLI) whose every store,
 * key loader and intake reads the environment, so none of them falls back to the working folder.
 */
export function withProjectFolders(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { stateDir, outputDir } = localFolders(env, { fromProject: true });
  return { ...env, DOSSIER_STATE_DIR: stateDir, DOSSIER_OUTPUT_DIR: outputDir };
}
