// The workspace's signed-out sessions, kept in the shared store that the worker and the CLI use
// (local files, or PostgreSQL for several hosts), so that every web process refuses a cookie
// whose session was signed out on any of them.
import { openStore, storeSettingsFromEnv } from '../store';
import type { RevokedSessions } from '../store/types';

export type { RevokedSessions };

/** The store `env` configures, opened on first use and kept for the process. */
export function revokedSessionsFrom(env: NodeJS.ProcessEnv = process.env): () => RevokedSessions {
  let sessions: RevokedSessions | undefined;
  return () => (sessions ??= openStore(storeSettingsFromEnv(env)).sessions);
}
