// One refresh per refresh token across every web process sharing the store. A provider that rotates
// refresh tokens and revokes the grant when an old one is used again (oidc-provider's
// rotateRefreshToken, Keycloak's "revoke refresh token", Auth0's rotation) would end a session whose
// two tabs, or two hosts behind a load balancer, re-check its roles with the same cookie, at once or
// hours apart: the first request to claim the old token asks the provider and records the outcome,
// sealed, under the token's digest; the others follow the recorded outcomes from their token to the
// newest one, instead of asking the provider with a token it has already spent.
import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TokenRefreshes } from '../client/revoked-sessions';
import { SignInError, SignInWithdrawn, type OidcSignIn, type RolesNow } from './oidc';
import type { CookieSealer } from './session';

/**
 * How long a claim stands without an outcome (its holder may have died), and how long an outcome that
 * spent no token (the provider does not rotate them, or refused the grant) answers for it: long enough
 * for every request sent with the same cookie at once. An outcome that rotated the token is kept
 * instead until the session itself ends: any copy of the cookie, however old, may still come back
 * with the spent token, and sign-out revokes the session's id, so an old copy is worth no more than
 * the current one. Each claim clears the entries past their time.
 */
export const REFRESH_KEPT_MS = 60_000;
/** How long another request waits for the claim holder's outcome: its two requests to the provider, 10 s each. */
const OUTCOME_WAIT_MS = 25_000;
const POLL_MS = 50;

type Outcome = { subject: string; expiresAt: number; checkedAt: number } & ({ held: RolesNow } | { withdrawn: string });
/** The roles held and when the provider said so: roles taken from a recorded refresh are as old as it. */
export type RolesChecked = RolesNow & { checkedAt: number };

const digestOf = (refreshToken: string) => createHash('sha256').update(refreshToken).digest('hex');

/**
 * `signIn.recheck`, asked once per refresh token whatever the number of requests that carry it. A
 * request whose token was already refreshed follows the recorded outcomes to the newest token: their
 * roles answer it while younger than `freshMs` (the roles' re-check interval), else the newest token,
 * never used yet, asks the provider. The outcome is sealed under the session key, so the store holds
 * no refresh token in clear.
 */
export function recheckOncePerToken(signIn: Pick<OidcSignIn, 'recheck'>, refreshes: () => TokenRefreshes, sealer: CookieSealer, freshMs: number) {
  const ask = async (refreshToken: string, digest: string, holder: string, subject: string, sessionEndsAt: number): Promise<RolesChecked> => {
    const checkedAt = Date.now();
    const briefly = checkedAt + REFRESH_KEPT_MS;
    let outcome: Outcome;
    try {
      const held = await signIn.recheck(refreshToken, subject);
      const rotated = held.refreshToken !== undefined && held.refreshToken !== refreshToken;
      outcome = { subject, checkedAt, expiresAt: rotated ? Math.max(sessionEndsAt, briefly) : briefly, held };
    } catch (err) {
      if (!(err instanceof SignInWithdrawn)) {
        // The provider did not answer: the next request with this token asks it again (unless
        // another has claimed it since this claim ran out, whose claim stands).
        await refreshes().release(digest, holder).catch(() => undefined);
        throw err;
      }
      outcome = { subject, checkedAt, expiresAt: briefly, withdrawn: err.message };
    }
    // The provider has already spent the old token: a store that fails now must not lose the new
    // one, which this request's answer seals into its cookie; the others wait in vain and keep the roles.
    // A store that refuses it holds a newer claimant's claim or outcome: this claim ran out while the
    // provider kept it waiting, and another request asked with the same token. Later requests follow
    // that one: some have already, their cookies carry its token and the chain of outcomes goes on
    // from it, so this one recorded over it would split the copies of the cookie between two tokens
    // of one grant (at a provider that detects reuse, one of the two asks revoked the grant anyway,
    // which the recorded outcome tells the next request). This request still answers with its own
    // outcome, its new token sealed into its own cookie: the provider gave that token to no one else.
    await refreshes().settle(digest, holder, sealer.seal(outcome), new Date(outcome.expiresAt)).catch(() => false);
    if ('withdrawn' in outcome) throw new SignInWithdrawn(outcome.withdrawn);
    return { ...outcome.held, checkedAt };
  };

  /** The outcome recorded for `digest`, once its claim holder settles it; undefined when nobody holds it. */
  const recorded = async (digest: string, subject: string): Promise<(Outcome & { held: RolesNow }) | undefined> => {
    const deadline = Date.now() + OUTCOME_WAIT_MS;
    for (;;) {
      const found = await refreshes().outcome(digest);
      if (found.state === 'settled') {
        const outcome = sealer.open<Outcome>(found.outcome);
        if (!outcome) throw new SignInError('the recorded refresh of this session cannot be opened with this host\'s DOSSIER_SESSION_SECRET, or it ran out');
        if (outcome.subject !== subject) throw new SignInWithdrawn('the identity provider names another subject');
        if ('withdrawn' in outcome) throw new SignInWithdrawn(outcome.withdrawn);
        return outcome;
      }
      if (found.state === 'none') return undefined;
      if (Date.now() >= deadline) throw new SignInError(`the request refreshing this session's token recorded no outcome within ${OUTCOME_WAIT_MS / 1000} s`);
      await sleep(POLL_MS);
    }
  };

  return async (refreshToken: string, subject: string, sessionEndsAt: number): Promise<RolesChecked> => {
    let token = refreshToken;
    let digest = digestOf(token);
    let newest: (Outcome & { held: RolesNow }) | undefined;
    const passed = new Set<string>();
    // Old token → newer → newest: each step one read of the store, the provider asked at most once.
    // Only a token with no outcome is claimed: a claim writes, and clears every entry past its time.
    for (;;) {
      const fresh = newest !== undefined && Date.now() < newest.checkedAt + freshMs;
      let outcome = await recorded(digest, subject);
      if (!outcome && !fresh) {
        const holder = await refreshes().claim(digest, new Date(Date.now() + REFRESH_KEPT_MS));
        if (holder !== undefined) return ask(token, digest, holder, subject, sessionEndsAt);
        outcome = await recorded(digest, subject);
      }
      if (!outcome) {
        if (fresh) return { ...newest!.held, checkedAt: newest!.checkedAt };
        throw new SignInError('the request that was refreshing this session\'s token gave up: the identity provider did not answer it');
      }
      passed.add(digest);
      const next = outcome.held.refreshToken;
      if (next === undefined || next === token) return { ...outcome.held, checkedAt: outcome.checkedAt };
      if (!newest || outcome.checkedAt >= newest.checkedAt) newest = outcome;
      token = next;
      digest = digestOf(next);
      if (passed.has(digest)) {
        // A provider that hands back a token it issued before makes the walk a cycle, whose last
        // outcome read need not be its newest. The newest names the token the provider holds now;
        // that token's own entry is taken, so its next refresh is recorded under the newest
        // outcome's time, where every request that goes round the same cycle looks. A second lap
        // ends the walk: on the in-process store (no timer between its reads) it would hold the process.
        token = newest.held.refreshToken!;
        digest = digestOf(`${token}\n${newest.checkedAt}`);
        if (passed.has(digest)) return { ...newest.held, checkedAt: newest.checkedAt };
      }
    }
  };
}

/** Refreshes known to this process alone, for a workspace given no shared store. */
export function inProcessRefreshes(): TokenRefreshes {
  const entries = new Map<string, { until: number; holder: string; outcome?: string }>();
  const live = (digest: string) => {
    const entry = entries.get(digest);
    return entry && entry.until > Date.now() ? entry : undefined;
  };
  return {
    async claim(digest, until) {
      for (const [key, entry] of entries) if (entry.until <= Date.now()) entries.delete(key);
      if (live(digest)) return undefined;
      const holder = randomBytes(16).toString('hex');
      entries.set(digest, { until: until.getTime(), holder });
      return holder;
    },
    async settle(digest, holder, outcome, until) {
      // Over this holder's own claim, even past its time, or where nothing else stands (see TokenRefreshes).
      const entry = live(digest);
      if (entry && entry.holder !== holder) return false;
      entries.set(digest, { until: until.getTime(), holder, outcome });
      return true;
    },
    async outcome(digest) {
      const entry = live(digest);
      if (!entry) return { state: 'none' };
      return entry.outcome === undefined ? { state: 'pending' } : { state: 'settled', outcome: entry.outcome };
    },
    async release(digest, holder) {
      if (entries.get(digest)?.holder === holder) entries.delete(digest);
    },
  };
}
