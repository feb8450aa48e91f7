// One refresh per refresh token across every web process sharing the store. A provider that rotates
// refresh tokens and revokes the grant when an old one is used again (oidc-provider's
// rotateRefreshToken, Keycloak's "revoke refresh token", Auth0's rotation) would end a session whose
// two tabs, or two hosts behind a load balancer, re-check its roles at once with the same cookie: the
// first request to claim the old token asks the provider and records the outcome, sealed, under the
// token's digest; the others take that outcome, new refresh token included, instead of asking.
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TokenRefreshes } from '../client/revoked-sessions';
import { SignInError, SignInWithdrawn, type OidcSignIn, type RolesNow } from './oidc';
import type { CookieSealer } from './session';

/**
 * How long a refresh's outcome answers for its old token: long enough for every request sent with the
 * old cookie before the browser had the new one, short enough that a stolen copy of that cookie is
 * soon worth nothing. A request with the old token after it asks the provider, which refuses it.
 */
export const REFRESH_KEPT_MS = 60_000;
/** How long another request waits for the claim holder's outcome: its two requests to the provider, 10 s each. */
const OUTCOME_WAIT_MS = 25_000;
const POLL_MS = 50;

type Outcome = { subject: string; expiresAt: number } & ({ held: RolesNow } | { withdrawn: string });

/**
 * `signIn.recheck`, asked once per old refresh token whatever the number of requests that carry it.
 * The outcome is sealed under the session key, so the store holds no refresh token in clear.
 */
export function recheckOncePerToken(signIn: Pick<OidcSignIn, 'recheck'>, refreshes: () => TokenRefreshes, sealer: CookieSealer) {
  return async (refreshToken: string, subject: string): Promise<RolesNow> => {
    const digest = createHash('sha256').update(refreshToken).digest('hex');
    const until = Date.now() + REFRESH_KEPT_MS;
    if (await refreshes().claim(digest, new Date(until))) {
      let outcome: Outcome;
      try {
        outcome = { subject, expiresAt: until, held: await signIn.recheck(refreshToken, subject) };
      } catch (err) {
        if (!(err instanceof SignInWithdrawn)) {
          // The provider did not answer: the next request with this token asks it again.
          await refreshes().release(digest).catch(() => undefined);
          throw err;
        }
        outcome = { subject, expiresAt: until, withdrawn: err.message };
      }
      // The provider has already spent the old token: a store that fails now must not lose the new
      // one, which this request's answer seals into its cookie; the others wait in vain and keep the roles.
      await refreshes().settle(digest, sealer.seal(outcome)).catch(() => undefined);
      if ('withdrawn' in outcome) throw new SignInWithdrawn(outcome.withdrawn);
      return outcome.held;
    }
    const deadline = Date.now() + OUTCOME_WAIT_MS;
    for (;;) {
      const found = await refreshes().outcome(digest);
      if (found.state === 'settled') {
        const outcome = sealer.open<Outcome>(found.outcome);
        if (!outcome) throw new SignInError('the recorded refresh of this session cannot be opened with this host\'s DOSSIER_SESSION_SECRET, or it ran out');
        if (outcome.subject !== subject) throw new SignInWithdrawn('the identity provider names another subject');
        if ('withdrawn' in outcome) throw new SignInWithdrawn(outcome.withdrawn);
        return outcome.held;
      }
      if (found.state === 'none') throw new SignInError('the request that was refreshing this session\'s token gave up: the identity provider did not answer it');
      if (Date.now() >= deadline) throw new SignInError(`the request refreshing this session's token recorded no outcome within ${OUTCOME_WAIT_MS / 1000} s`);
      await sleep(POLL_MS);
    }
  };
}

/** Refreshes known to this process alone, for a workspace given no shared store. */
export function inProcessRefreshes(): TokenRefreshes {
  const entries = new Map<string, { until: number; outcome?: string }>();
  const live = (digest: string) => {
    const entry = entries.get(digest);
    return entry && entry.until > Date.now() ? entry : undefined;
  };
  return {
    async claim(digest, until) {
      for (const [key, entry] of entries) if (entry.until <= Date.now()) entries.delete(key);
      if (live(digest)) return false;
      entries.set(digest, { until: until.getTime() });
      return true;
    },
    async settle(digest, outcome) {
      const entry = live(digest);
      if (entry) entry.outcome = outcome;
    },
    async outcome(digest) {
      const entry = live(digest);
      if (!entry) return { state: 'none' };
      return entry.outcome === undefined ? { state: 'pending' } : { state: 'settled', outcome: entry.outcome };
    },
    async release(digest) {
      entries.delete(digest);
    },
  };
}
