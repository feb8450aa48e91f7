// The one door to shared state. DATABASE_URL (or DATABASE_URL_FILE) set: PostgreSQL, shared by every
// worker and CLI pointed at it. Absent: local files, the embedded default that needs no server.
// Workers call `ready()` at start so a wrong URL or a failed migration stops them before they poll.
import { readFileSync } from 'node:fs';
import { localFolders } from '../config/local-folders';
import { openLocalStore, type LocalStoreFolders } from './local';
import { maskDatabaseUrl, openPostgresStore, type PostgresStoreOptions } from './postgres';
import { StoreError, StoreErrorCode, type SharedStore } from './types';

export * from './types';
export { maskDatabaseUrl } from './postgres';

export interface StoreSettings extends LocalStoreFolders {
  /** postgres://user@host:5432/dossier; absent for local files. */
  databaseUrl?: string;
  postgres?: PostgresStoreOptions;
  /** How long a send's claim holds unless renewed (default two minutes; tests shorten it). */
  ledgerLeaseMs?: number;
}

/**
 * @example
 * const store = openStore(storeSettingsFromEnv(process.env));
 * await store.ready();
 * await store.files.read('video-conferencing-2020/statement-1.en.pdf');
 */
export function openStore(settings: StoreSettings): SharedStore {
  const { ledgerLeaseMs } = settings;
  return settings.databaseUrl
    ? openPostgresStore(settings.databaseUrl, { ...settings.postgres, ...(ledgerLeaseMs ? { leaseMs: ledgerLeaseMs } : {}) })
    : openLocalStore(settings, { ledgerLeaseMs });
}

/**
 * The same variables the worker reads (DATABASE_URL, DOSSIER_OUTPUT_DIR, DOSSIER_STATE_DIR,
 * DOSSIER_KEYSTORE_DIR; the folders default under DOSSIER_DATA_DIR when it is set).
 */
export function storeSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): StoreSettings {
  const { outputDir, stateDir, keysDir } = localFolders(env);
  return { databaseUrl: databaseUrlFrom(env), outputDir, stateDir, keysDir };
}

/**
 * Whether the environment names a shared store (DATABASE_URL or DATABASE_URL_FILE), without reading
 * it: a host so configured is one of several, and must not make up state of its own (master keys, a
 * local mailbox) that the others cannot see.
 */
export function namesSharedStore(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.DATABASE_URL !== undefined || Boolean(env.DATABASE_URL_FILE?.trim());
}

/**
 * DATABASE_URL, or the file DATABASE_URL_FILE names (a URL with a password is a secret); checked.
 * Neither set: local files. Set but empty (`DATABASE_URL=` from an unset compose variable, a secret
 * file not mounted yet) is refused rather than read as unset: a host that fell back to local files
 * would send, key and publish apart from the cluster, with nothing to show it.
 */
export function databaseUrlFrom(env: NodeJS.ProcessEnv = process.env): string | undefined {
  let url = env.DATABASE_URL?.trim();
  let source = 'DATABASE_URL';
  const file = env.DATABASE_URL_FILE?.trim();
  if (env.DATABASE_URL !== undefined && !url && !file) {
    throw new StoreError(
      StoreErrorCode.Unavailable,
      'DATABASE_URL is set but empty: give the PostgreSQL URL (or DATABASE_URL_FILE), or unset it to keep the state in local files on this host',
    );
  }
  if (!url && file) {
    source = `DATABASE_URL_FILE (${file})`;
    try {
      url = readFileSync(file, 'utf8').trim();
    } catch (err) {
      throw new StoreError(StoreErrorCode.Unavailable, `${source}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
    if (!url) throw new StoreError(StoreErrorCode.Unavailable, `${source}: the file is empty; it must hold the PostgreSQL URL (is the secret mounted?)`);
  }
  if (!url) return undefined;
  let protocol: string | undefined;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'postgres:' && protocol !== 'postgresql:') {
    throw new StoreError(
      StoreErrorCode.Unavailable,
      `${source}: "${maskDatabaseUrl(url)}" must be a PostgreSQL URL such as postgres://dossier@db.example.org:5432/dossier (password in PGPASSWORD or the URL)`,
    );
  }
  return url;
}
