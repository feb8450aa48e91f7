// The workspace's signed-out sessions, kept in the shared store that the worker and the CLI use
// (local files on one host, or PostgreSQL for several), so that every web process sharing it
// refuses a cookie whose session was signed out on any of them.
import type { SharedStore } from '../store';
import { StoreError, StoreErrorCode, type RevokedSessions } from '../store/types';
import { ClientErrorCode, DossierClientError } from './errors';

export type { RevokedSessions };

/**
 * The signed-out sessions of `store` (opened on first use, see sharedStoreOnce). An unreachable store
 * is a ServerUnreachable error, which the workspace answers with its "temporarily unavailable" page.
 */
export function revokedSessionsFrom(store: () => SharedStore): () => RevokedSessions {
  let sessions: RevokedSessions | undefined;
  const reachable = <T>(work: Promise<T>): Promise<T> =>
    work.catch((err: unknown) => {
      if (err instanceof StoreError && err.code === StoreErrorCode.Unavailable) throw new DossierClientError(ClientErrorCode.ServerUnreachable, err.message, { cause: err });
      throw err;
    });
  return () => {
    if (!sessions) {
      const revoked = store().sessions;
      sessions = { revoke: (id, until) => reachable(revoked.revoke(id, until)), isRevoked: (id) => reachable(revoked.isRevoked(id)) };
    }
    return sessions;
  };
}
