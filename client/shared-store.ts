// The shared store of a long-running process that reads it from several places (the workspace: sent
// mail, signed-out sessions, the holding pen). One store means one PostgreSQL pool for all of them,
// opened on first use so that a process that never needs it opens no connection, and closed once.
import { loadMasterKeys } from '../encryption/config';
import { maskDatabaseUrl, openStore, storeSettingsFromEnv, StoreError, StoreErrorCode, type SharedStore } from '../store';

export interface SharedStoreOnce {
  /** The store, opened on the first call; refused once closed (a request still running at stop). */
  (): SharedStore;
  /** Closes the store if it was opened. */
  close(): Promise<void>;
}

export function sharedStoreOnce(env: NodeJS.ProcessEnv = process.env): SharedStoreOnce {
  let store: SharedStore | undefined;
  let closed = false;
  const opened = (() => {
    // Reopened here, a pool would outlive the process's stop and hold its connections.
    if (closed) throw new StoreError(StoreErrorCode.Unavailable, 'the shared store is closed: this process is stopping');
    return (store ??= openStore(storeSettingsFromEnv(env)));
  }) as SharedStoreOnce;
  opened.close = async () => {
    closed = true;
    await store?.close();
  };
  return opened;
}

/**
 * Checks the variables that name the store (DATABASE_URL, DATABASE_URL_FILE) and its master keys
 * without opening anything, for a process that opens its store on first use: throws the error that
 * names the variable to fix. True when they name a cluster's database (PostgreSQL), not local files.
 */
export function checkSharedStoreSettings(env: NodeJS.ProcessEnv = process.env): boolean {
  const { databaseUrl } = storeSettingsFromEnv(env);
  loadMasterKeys(env);
  return databaseUrl !== undefined;
}

/**
 * The setting that names the shared store, for a log line saying it did not answer: DATABASE_URL
 * with its passwords masked, else the local state folder. The operator reading it knows which to check.
 */
export function storeSettingOf(env: NodeJS.ProcessEnv): string {
  try {
    const { databaseUrl, stateDir } = storeSettingsFromEnv(env);
    return databaseUrl ? `DATABASE_URL ${maskDatabaseUrl(databaseUrl)}` : `DOSSIER_STATE_DIR ${stateDir}`;
  } catch {
    return 'DATABASE_URL';
  }
}

/**
 * The shared store's own failure to answer, found by its code in `err` or its causes (the readers of
 * signed-out sessions and refreshes pass it on as ServerUnreachable): unreachable, or a schema that
 * could not be migrated because the first connection failed. Codes, not classes: they cross processes.
 */
export function storeFault(err: unknown): Error | undefined {
  for (let cause = err, depth = 0; cause instanceof Error && depth < 8; cause = cause.cause, depth++) {
    const { code } = cause as { code?: unknown };
    if (code === StoreErrorCode.Unavailable || code === StoreErrorCode.Migration) return cause;
  }
  return undefined;
}
