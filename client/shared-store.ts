// The shared store of a long-running process that reads it from several places (the workspace: sent
// mail, signed-out sessions, the holding pen). One store means one PostgreSQL pool for all of them,
// opened on first use so that a process that never needs it opens no connection, and closed once.
import { openStore, storeSettingsFromEnv, type SharedStore } from '../store';

export interface SharedStoreOnce {
  /** The store, opened on the first call. */
  (): SharedStore;
  /** Closes the store if it was opened; a later call opens it again. */
  close(): Promise<void>;
}

export function sharedStoreOnce(env: NodeJS.ProcessEnv = process.env): SharedStoreOnce {
  let store: SharedStore | undefined;
  const opened = (() => (store ??= openStore(storeSettingsFromEnv(env)))) as SharedStoreOnce;
  opened.close = async () => {
    const closing = store;
    store = undefined;
    await closing?.close();
  };
  return opened;
}
