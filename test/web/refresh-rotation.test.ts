// A provider that rotates refresh tokens and revokes the whole grant when an old one comes back
// (oidc-provider's rotateRefreshToken with reuse detection, as Keycloak's "revoke refresh token" and
// Auth0's rotation): two pages loaded at once with the same cookie, on two hosts sharing the store,
// both re-check the roles with the same old token. The development provider (oidc-provider) in this
// process, the real web servers over local files and over PostgreSQL, Chromium to sign in. The roles
// are asked again every 2 seconds here (DOSSIER_ROLES_CHECK_MINUTES).
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as TemporalClient, Connection } from '@temporalio/client';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { ClientErrorCode, DossierClientError } from '../../client/errors';
import { openStore } from '../../store';
import { createDatabase } from '../../infra/postgres';
import { freePort } from '../../infra/ports';
import { startDevIdentityProvider, type DevIdentityProvider } from '../../web/dev-identity-provider';
import { createWebApp } from '../../web/app';
import { SignInError, SignInWithdrawn, type RolesNow } from '../../web/oidc';
import { startWebServer } from '../../web/server';
import { CookieSealer, type Session } from '../../web/session';
import { inProcessRefreshes, recheckOncePerToken, REFRESH_KEPT_MS } from '../../web/token-refresh';
import { TEST_SESSION_SECRET } from '../helpers/web-session';
import { launchBrowser, oidcSignInAt, signIn, workspaceConfig } from '../helpers/web';
import { serveApp } from '../helpers/served-app';

const CHECK_MS = 2_000;

let browser: Browser;
const running: { idp: DevIdentityProvider; hosts: { stop(): Promise<void> }[] }[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});

afterEach(async () => {
  for (const { idp, hosts } of running.splice(0)) {
    for (const host of hosts) await host.stop();
    await idp.stop();
  }
});

afterAll(async () => {
  await browser?.close();
});

/** Two hosts of one workspace on the store `env` names, at a provider that rotates refresh tokens. */
async function twoHosts(env: NodeJS.ProcessEnv): Promise<{ urls: [string, string]; idp: DevIdentityProvider }> {
  const ports = [await freePort(), await freePort()];
  const urls = ports.map((port) => `http://127.0.0.1:${port}`) as [string, string];
  const idp = await startDevIdentityProvider({
    users: [{ login: 'lea', name: 'Léa Tremblay', email: 'lea@opc.example', roles: ['lead-officer'] }],
    redirectUris: urls.map((url) => `${url}/auth/callback`),
    rotateRefreshTokens: true,
  });
  const hosts: { stop(): Promise<void> }[] = [];
  running.push({ idp, hosts });
  for (const url of urls) {
    hosts.push(
      await startWebServer({
        config: { ...workspaceConfig(url, idp), rolesCheckMinutes: CHECK_MS / 60_000 },
        // Never dialled: the page asked for reads no case.
        client: async () => new TemporalClient({ connection: Connection.lazy({ address: '127.0.0.1:9' }) }),
        taskQueue: 'unused',
        address: 'test',
        env,
      }),
    );
  }
  return { urls, idp };
}

/** The session cookie a response set, as a `Cookie` header; `previous` when it set none. */
function sessionCookieOf(response: Response, previous: string): string {
  const set = response.headers.getSetCookie().find((c) => c.startsWith('dossier_session='));
  return set ? set.split(';')[0] : previous;
}

/** The refresh token a `Cookie` header's session seals. */
function refreshTokenIn(cookie: string): string | undefined {
  return new CookieSealer(TEST_SESSION_SECRET).open<Session>(cookie.slice('dossier_session='.length))?.refreshToken;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

const stores: [string, () => Promise<NodeJS.ProcessEnv>][] = [
  [
    'local files',
    async () => {
      const scratch = mkdtempSync(join(tmpdir(), 'dossier-refresh-'));
      return { DOSSIER_DATA_DIR: scratch, DOSSIER_STATE_DIR: join(scratch, 'state'), DOSSIER_KEYSTORE_DIR: join(scratch, 'keys'), DOSSIER_OUTPUT_DIR: join(scratch, 'out') };
    },
  ],
  ['PostgreSQL', async () => ({ DATABASE_URL: await createDatabase(inject('postgresUrl')) })],
];

/** Léa signed in at the workspace `url` in a browser of her own: her session's cookie, as a request header carries it. */
async function leaSignedInAt(url: string): Promise<string> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${url}/campaigns/new`);
  await signIn(page, 'lea');
  await page.waitForURL(`${url}/campaigns/new`);
  const signedIn = (await page.context().cookies()).find((c) => c.name === 'dossier_session');
  expect(signedIn).toBeDefined();
  return `dossier_session=${signedIn!.value}`;
}

describe.each(stores)('a provider that rotates refresh tokens and detects their reuse, with the store on %s', (_kind, storeEnv) => {
  it('keeps a session signed in when two hosts re-check its roles at once with the same cookie, and its grant goes on', { timeout: 90_000 }, async () => {
    const { urls } = await twoHosts(await storeEnv());
    const signedIn = await leaSignedInAt(urls[0]);
    let cookies: [string, string] = [signedIn, signedIn];

    // Three re-checks, each from both hosts at once with one token: the sign-in's first, then the
    // one both answers sealed (the same new token, or the second use would end the session).
    for (let round = 1; round <= 3; round++) {
      await pause(CHECK_MS + 300);
      const answers = await Promise.all(urls.map((url, i) => fetch(`${url}/campaigns/new`, { headers: { cookie: cookies[i] }, redirect: 'manual' })));
      expect(answers.map((a) => a.status), `round ${round}`).toEqual([200, 200]);
      const before = refreshTokenIn(cookies[0]);
      cookies = answers.map((a, i) => sessionCookieOf(a, cookies[i])) as [string, string];
      // The provider rotated the token, and each answer sealed the same new one into its own cookie.
      const sealed = cookies.map(refreshTokenIn);
      expect(sealed[0], `round ${round}`).not.toBe(before);
      expect(sealed[1], `round ${round}`).toBe(sealed[0]);
    }
    // The grant is still good at the provider: a re-check from one host alone is answered too.
    await pause(CHECK_MS + 300);
    const alone = await fetch(`${urls[1]}/campaigns/new`, { headers: { cookie: cookies[1] }, redirect: 'manual' });
    expect(alone.status).toBe(200);
  });
});

describe('the recorded refreshes of one session, followed from an older token', () => {
  /** The provider's rotation and reuse detection alone: each token answers once, a used one revokes the grant. */
  function rotatingGrant() {
    const asked: string[] = [];
    let live = 'token-0';
    let revoked = false;
    return {
      asked,
      revoked: () => revoked,
      recheck: async (token: string) => {
        asked.push(token);
        if (revoked || token !== live) {
          revoked = true;
          throw new SignInWithdrawn('the identity provider refused the session\'s refresh token: grant request is invalid');
        }
        live = `token-${asked.length}`;
        return { roles: ['lead-officer' as const], refreshToken: live };
      },
    };
  }
  const FRESH_MS = 300;
  const sessionEndsAt = () => Date.now() + 3_600_000;

  it('answers a token three rotations old with the newest token, and asks the provider with no token twice', async () => {
    const grant = rotatingGrant();
    const refreshes = inProcessRefreshes();
    const recheck = recheckOncePerToken(grant, () => refreshes, new CookieSealer(TEST_SESSION_SECRET), FRESH_MS);
    for (let n = 0; n < 3; n++) {
      expect((await recheck(`token-${n}`, 'lea', sessionEndsAt())).refreshToken).toBe(`token-${n + 1}`);
      await pause(FRESH_MS + 50);
    }
    // The newest outcome is older than a re-check interval: the newest token, never used, asks once.
    expect((await recheck('token-0', 'lea', sessionEndsAt())).refreshToken).toBe('token-4');
    // Now it is fresh: a copy one rotation behind takes it as it is.
    expect((await recheck('token-1', 'lea', sessionEndsAt())).refreshToken).toBe('token-4');
    expect(grant.asked).toEqual(['token-0', 'token-1', 'token-2', 'token-3']);
    expect(grant.revoked()).toBe(false);
  });

  // The roles taken from a recorded refresh are as old as that refresh: the session's next re-check
  // falls due an interval after it, not an interval after the request that took them.
  it('says when the roles it answers with were read at the provider', async () => {
    const grant = rotatingGrant();
    const refreshes = inProcessRefreshes();
    const recheck = recheckOncePerToken(grant, () => refreshes, new CookieSealer(TEST_SESSION_SECRET), FRESH_MS);
    const before = Date.now();
    const asked = await recheck('token-0', 'lea', sessionEndsAt());
    expect(asked.checkedAt).toBeGreaterThanOrEqual(before);
    await pause(FRESH_MS / 2);
    const taken = await recheck('token-0', 'lea', sessionEndsAt());
    expect(taken.refreshToken).toBe('token-1');
    expect(taken.checkedAt).toBe(asked.checkedAt);
    expect(grant.asked).toEqual(['token-0']);
  });

  // A claim writes (on local files: a synced file, a link and the folder synced) and clears the
  // entries past their time, reading every one: a cookie a working day old follows a hundred
  // refreshes, which it must read, not claim.
  it('follows an older token by reading the recorded refreshes, and claims only the newest token', async () => {
    const grant = rotatingGrant();
    const held = inProcessRefreshes();
    const claimed: string[] = [];
    const refreshes = { ...held, claim: (digest: string, until: Date) => (claimed.push(digest), held.claim(digest, until)) };
    const recheck = recheckOncePerToken(grant, () => refreshes, new CookieSealer(TEST_SESSION_SECRET), FRESH_MS);
    for (let n = 0; n < 3; n++) await recheck(`token-${n}`, 'lea', sessionEndsAt());
    await pause(FRESH_MS + 50);
    claimed.length = 0;
    expect((await recheck('token-0', 'lea', sessionEndsAt())).refreshToken).toBe('token-4');
    expect(claimed).toEqual([createHash('sha256').update('token-3').digest('hex')]);
    // A fresh newest outcome is taken as it is: no claim at all.
    claimed.length = 0;
    expect((await recheck('token-1', 'lea', sessionEndsAt())).refreshToken).toBe('token-4');
    expect(claimed).toEqual([]);
    expect(grant.asked).toEqual(['token-0', 'token-1', 'token-2', 'token-3']);
  });

  // A provider that hands back a token it issued before (two tokens taking turns) records a cycle:
  // the walk must end at a token it has already passed, not go round for ever holding the request.
  it('ends the walk at a token it has passed before, should the provider hand back an earlier token', { timeout: 5_000 }, async () => {
    const asked: string[] = [];
    const alternating = { recheck: async (token: string) => (asked.push(token), { roles: ['lead-officer' as const], refreshToken: token === 'a' ? 'b' : 'a' }) };
    const refreshes = inProcessRefreshes();
    const recheck = recheckOncePerToken(alternating, () => refreshes, new CookieSealer(TEST_SESSION_SECRET), FRESH_MS);
    expect((await recheck('a', 'lea', sessionEndsAt())).refreshToken).toBe('b');
    expect((await recheck('b', 'lea', sessionEndsAt())).refreshToken).toBe('a');
    const answer = await recheck('a', 'lea', sessionEndsAt());
    expect(answer.roles).toEqual(['lead-officer']);
    expect(answer.refreshToken).toBe('a');
    expect(asked).toEqual(['a', 'b']);
  });

  // The walk used to end at the last outcome it read: from 'b', the older refresh of 'a' (answering
  // with 'b' again, and its old time), and once the newest was older than a re-check interval, that
  // stale outcome for good: the session's roles were never asked again, a role withdrawn at the
  // provider kept until the session ended.
  it('answers a cycle with its newest outcome, and asks the provider again with its token once that outcome is due', { timeout: 5_000 }, async () => {
    const asked: string[] = [];
    let roles: ('lead-officer' | 'officer')[] = ['lead-officer'];
    const alternating = { recheck: async (token: string) => (asked.push(token), { roles, refreshToken: token === 'a' ? 'b' : 'a' }) };
    const refreshes = inProcessRefreshes();
    const recheck = recheckOncePerToken(alternating, () => refreshes, new CookieSealer(TEST_SESSION_SECRET), FRESH_MS);
    await recheck('a', 'lea', sessionEndsAt());
    await pause(10);
    const newest = await recheck('b', 'lea', sessionEndsAt());
    const older = await recheck('b', 'lea', sessionEndsAt());
    expect(older).toEqual(newest);
    expect(asked).toEqual(['a', 'b']);

    roles = ['officer'];
    await pause(FRESH_MS + 50);
    const due = await recheck('a', 'lea', sessionEndsAt());
    expect(due.roles).toEqual(['officer']);
    expect(due.checkedAt).toBeGreaterThan(newest.checkedAt + FRESH_MS);
    expect(due.refreshToken).toBe('b');
    // Asked once, with the token it handed back last: every copy of the cookie now takes that answer.
    expect(asked).toEqual(['a', 'b', 'a']);
    for (const copy of ['a', 'b']) expect(await recheck(copy, 'lea', sessionEndsAt())).toEqual(due);
    expect(asked).toEqual(['a', 'b', 'a']);
  });
});

describe('a request whose provider answers after its claim of the old token ran out', () => {
  const FRESH_MS = 300;
  const sessionEndsAt = () => Date.now() + 3_600_000;

  /** A provider slow to answer the first request only: the second it answers at once with `token-second`, any later one likewise. */
  function slowFirstAnswer() {
    const asked: string[] = [];
    let first!: { resolve(held: RolesNow): void; reject(err: Error): void };
    return {
      asked,
      first: () => first,
      recheck: (token: string): Promise<RolesNow> => {
        asked.push(token);
        if (asked.length === 1) return new Promise((resolve, reject) => (first = { resolve, reject }));
        return Promise.resolve({ roles: ['lead-officer'], refreshToken: asked.length === 2 ? 'token-second' : `token-${asked.length}` });
      },
    };
  }

  /** The first request's recheck, held at the provider, and a second one made once the first's claim ran out. */
  async function secondClaimsAgain(provider: ReturnType<typeof slowFirstAnswer>) {
    const refreshes = inProcessRefreshes();
    const recheck = recheckOncePerToken(provider, () => refreshes, new CookieSealer(TEST_SESSION_SECRET), FRESH_MS);
    const first = recheck('token-0', 'lea', sessionEndsAt());
    await pause(50);
    expect(provider.asked).toEqual(['token-0']);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + REFRESH_KEPT_MS + 1_000 });
    expect((await recheck('token-0', 'lea', sessionEndsAt())).refreshToken).toBe('token-second');
    return { recheck, first };
  }

  afterEach(() => vi.useRealTimers());

  it("answers its own request with its own token, and leaves every later request the newer claimant's", async () => {
    const provider = slowFirstAnswer();
    const { recheck, first } = await secondClaimsAgain(provider);
    provider.first().resolve({ roles: ['lead-officer'], refreshToken: 'token-first' });
    expect((await first).refreshToken).toBe('token-first');
    expect((await recheck('token-0', 'lea', sessionEndsAt())).refreshToken, 'a later copy of the old cookie').toBe('token-second');
    expect(provider.asked).toEqual(['token-0', 'token-0']);
  });

  it("leaves the newer claimant's outcome when its provider does not answer in the end", async () => {
    const provider = slowFirstAnswer();
    const { recheck, first } = await secondClaimsAgain(provider);
    provider.first().reject(new SignInError('the identity provider did not answer (test)'));
    await expect(first).rejects.toThrow(/did not answer/);
    expect((await recheck('token-0', 'lea', sessionEndsAt())).refreshToken, 'a later copy of the old cookie').toBe('token-second');
    // The old token, spent, is not sent to the provider a third time.
    expect(provider.asked).toEqual(['token-0', 'token-0']);
  });
});

describe('a cookie kept from before a refresh, at a provider that rotates refresh tokens and detects their reuse', () => {
  // A tab left open, or a second host whose browser sent the older cookie: the session is still good,
  // its old copy carries a token the provider has already rotated away.
  it('answers the older cookie a minute and more after its refresh with the newest token, and every copy stays signed in', { timeout: 150_000 }, async () => {
    const { urls } = await twoHosts({ DATABASE_URL: await createDatabase(inject('postgresUrl')) });
    const first = await leaSignedInAt(urls[0]);

    await pause(CHECK_MS + 300);
    const refreshed = await fetch(`${urls[0]}/campaigns/new`, { headers: { cookie: first }, redirect: 'manual' });
    expect(refreshed.status).toBe(200);
    const current = sessionCookieOf(refreshed, first);
    expect(refreshTokenIn(current)).not.toBe(refreshTokenIn(first));

    // Past the minute for which a refresh's outcome used to answer for its old token.
    await pause(61_000);
    const stale = await fetch(`${urls[1]}/campaigns/new`, { headers: { cookie: first }, redirect: 'manual' });
    expect(stale.status, 'the cookie from before the refresh').toBe(200);
    const fromStale = sessionCookieOf(stale, first);
    expect([refreshTokenIn(first), refreshTokenIn(current)]).not.toContain(refreshTokenIn(fromStale));

    // The cookie the browser holds, one rotation behind now, and the first again, two behind.
    expect((await fetch(`${urls[0]}/campaigns/new`, { headers: { cookie: current }, redirect: 'manual' })).status, 'the refreshed cookie').toBe(200);
    await pause(CHECK_MS + 300);
    expect((await fetch(`${urls[1]}/campaigns/new`, { headers: { cookie: first }, redirect: 'manual' })).status, 'the first cookie again').toBe(200);
    // No token was used twice: the grant is still good at the provider.
    await pause(CHECK_MS + 300);
    expect((await fetch(`${urls[0]}/campaigns/new`, { headers: { cookie: fromStale }, redirect: 'manual' })).status, 'the newest cookie').toBe(200);
  });
});

describe('a re-check of the roles while the shared store is out of reach', () => {
  it('answers "temporarily unavailable" without spending the old token, which the next re-check uses once the store is back', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const idp = await startDevIdentityProvider({
      users: [{ login: 'lea', name: 'Léa Tremblay', email: 'lea@opc.example', roles: ['lead-officer'] }],
      redirectUris: [`${url}/auth/callback`],
      rotateRefreshTokens: true,
    });
    const scratch = mkdtempSync(join(tmpdir(), 'dossier-refresh-'));
    const store = openStore({ stateDir: join(scratch, 'state'), keysDir: join(scratch, 'keys'), outputDir: join(scratch, 'out') });
    let storeAway = false;
    const away = () => new DossierClientError(ClientErrorCode.ServerUnreachable, 'the shared store is out of reach (test)');
    const app = createWebApp({
      config: { ...workspaceConfig(url, idp), rolesCheckMinutes: CHECK_MS / 60_000 },
      signIn: oidcSignInAt(idp, url),
      dossier: async () => ({ findCampaigns: async () => [] }) as never,
      campaigns: async () => ({}) as never,
      revokedSessions: () => store.sessions,
      // Away only for the refreshes: the sign-out list answered, the claim of the old token does not.
      tokenRefreshes: () => ({
        claim: async (digest, until) => (storeAway ? Promise.reject(away()) : store.refreshes.claim(digest, until)),
        settle: (digest, holder, outcome, until) => store.refreshes.settle(digest, holder, outcome, until),
        outcome: (digest) => store.refreshes.outcome(digest),
        release: (digest, holder) => store.refreshes.release(digest, holder),
      }),
    });
    running.push({ idp, hosts: [await serveApp(app, port)] });
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${url}/campaigns/new`);
    await signIn(page, 'lea');
    await page.waitForURL(`${url}/campaigns/new`);

    await pause(CHECK_MS + 300);
    storeAway = true;
    const refused = await page.goto(`${url}/campaigns/new`);
    expect(refused?.status()).toBe(503);
    expect(await page.locator('main').innerText()).toMatch(/temporarily unavailable/i);
    storeAway = false;
    // The cookie kept the old token, never sent to the provider: the re-check now spends it once.
    expect((await page.goto(`${url}/campaigns/new`))?.status()).toBe(200);
    await pause(CHECK_MS + 300);
    expect((await page.goto(`${url}/campaigns/new`))?.status()).toBe(200);
  });
});
