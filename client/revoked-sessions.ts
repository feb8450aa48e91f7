// The workspace's signed-out sessions, kept in the shared store that the worker and the CLI use
// (local files on one host, or PostgreSQL for several), so that every web process sharing it
// refuses a cookie whose session was signed out on any of them; and its sessions' refresh-token
// refreshes, so that of the requests carrying one old token only one asks the provider; and its
// refused forms waiting for their page, which another web process may serve; and what each user chose
// for themselves (their language), which follows them to any browser and host.
import type { SharedStore } from '../store';
import { StoreError, StoreErrorCode, type RefusedFormStore, type RevokedSessions, type TokenRefreshes, type UserPreferences } from '../store/types';
import { ClientErrorCode, DossierClientError } from './errors';

export type { RefusedFormStore, RevokedSessions, TokenRefreshes, UserPreferences };

const reachable = <T>(work: Promise<T>): Promise<T> =>
  work.catch((err: unknown) => {
    if (err instanceof StoreError && err.code === StoreErrorCode.Unavailable) throw new DossierClientError(ClientErrorCode.ServerUnreachable, err.message, { cause: err });
    throw err;
  });

/**
 * The signed-out sessions of `store` (opened on first use, see sharedStoreOnce). An unreachable store
 * is a ServerUnreachable error, which the workspace answers with its "temporarily unavailable" page.
 */
export function revokedSessionsFrom(store: () => SharedStore): () => RevokedSessions {
  let sessions: RevokedSessions | undefined;
  return () => {
    if (!sessions) {
      const revoked = store().sessions;
      sessions = { revoke: (id, until) => reachable(revoked.revoke(id, until)), isRevoked: (id) => reachable(revoked.isRevoked(id)) };
    }
    return sessions;
  };
}

/** The refreshes of sessions' refresh tokens in `store` (opened on first use), unreachable as above. */
export function tokenRefreshesFrom(store: () => SharedStore): () => TokenRefreshes {
  let refreshes: TokenRefreshes | undefined;
  return () => {
    if (!refreshes) {
      const held = store().refreshes;
      refreshes = {
        claim: (digest, until) => reachable(held.claim(digest, until)),
        settle: (digest, holder, outcome, until) => reachable(held.settle(digest, holder, outcome, until)),
        outcome: (digest) => reachable(held.outcome(digest)),
        release: (digest, holder) => reachable(held.release(digest, holder)),
      };
    }
    return refreshes;
  };
}

/** The refused forms waiting in `store` (opened on first use), unreachable as above. */
export function refusedFormsFrom(store: () => SharedStore): () => RefusedFormStore {
  let forms: RefusedFormStore | undefined;
  return () => {
    if (!forms) {
      const kept = store().refusedForms;
      forms = { keep: (id, sealed, until) => reachable(kept.keep(id, sealed, until)), take: (id) => reachable(kept.take(id)) };
    }
    return forms;
  };
}

/** What each user chose for themselves, in `store` (opened on first use), unreachable as above. */
export function userPreferencesFrom(store: () => SharedStore): () => UserPreferences {
  let preferences: UserPreferences | undefined;
  return () => {
    if (!preferences) {
      const kept = store().preferences;
      preferences = { language: (subject) => reachable(kept.language(subject)), setLanguage: (subject, language) => reachable(kept.setLanguage(subject, language)) };
    }
    return preferences;
  };
}
