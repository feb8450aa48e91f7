// The shared store of a long-running process that reads it from several places (the workspace: sent
// mail, signed-out sessions, the holding pen). One store means one PostgreSQL pool for all of them,
// opened on first use so that a process that never needs it opens no connection, and closed once.
import { loadMasterKeys } from '../encryption/config';
import { openStore, storeSettingsFromEnv, StoreError, StoreErrorCode, type SharedStore } from '../store';

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
 * names the variable to fix.
 */
export function checkSharedStoreSettings(env: NodeJS.ProcessEnv = process.env): void {
  storeSettingsFromEnv(env);
  loadMasterKeys(env);
}
