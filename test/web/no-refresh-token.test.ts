// A provider that issues no refresh token (one that gives them only with `offline_access`, which the
// workspace does not ask for): the roles are still asked again every interval, through the browser
// with `prompt=none`, without a sign-in page while the provider's session lasts, and the sign-in lasts
// DOSSIER_SESSION_HOURS. And a form sent after a sign-in lapsed: the page that keeps what was typed
// signs in again in a new tab, and the forms of the pages left open still send. The real development
// provider (with no refresh tokens) and Chromium; no case is read, so the Temporal client is a
// stand-in. The roles are asked again every 2 seconds here (DOSSIER_ROLES_CHECK_MINUTES, 5 by default).
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/ports';
import type { WebConfig } from '../../web/config';
import { startDevIdentityProvider, type DevIdentityProvider, type DevUser } from '../../web/dev-identity-provider';
import { OidcSignIn, SignInNeedsThePerson } from '../../web/oidc';
import { CookieSealer, type Session } from '../../web/session';
import { checkPage, launchBrowser, signIn, signInOnlyApp } from '../helpers/web';
import { serveApp, type ServedApp } from '../helpers/served-app';
import { TEST_SESSION_SECRET } from '../helpers/web-session';

const CHECK_MS = 2_000;

let browser: Browser;
const running: { idp: DevIdentityProvider; served: ServedApp }[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});

afterEach(async () => {
  for (const { idp, served } of running.splice(0)) {
    await served.stop();
    await idp.stop();
  }
});

afterAll(async () => {
  await browser?.close();
});

/**
 * Serves `app`, holding each request `held` picks until `count` of them have come: tabs loading at
 * once, each request sent before the answer to any other sets a cookie.
 */
function arrivingTogether(app: { fetch: (request: Request) => Response | Promise<Response> }, count: number, held: (request: Request) => boolean) {
  const waiting: (() => void)[] = [];
  return {
    fetch: async (request: Request) => {
      if (waiting.length < count && held(request)) {
        await new Promise<void>((go) => {
          waiting.push(go);
          if (waiting.length === count) for (const next of waiting) next();
        });
      }
      return app.fetch(request);
    },
  };
}

/** A workspace (its settings changed by `config`) at a provider that gives no refresh token, with Léa signed in on `path`. */
async function leaSignedIn(path: string, config: Partial<WebConfig> = {}, served: (app: ReturnType<typeof signInOnlyApp>) => { fetch: (request: Request) => Response | Promise<Response> } = (app) => app): Promise<{ url: string; lea: DevUser; page: Page }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const lea: DevUser = { login: 'lea', name: 'Léa Tremblay', email: 'lea@opc.example', roles: ['lead-officer'] };
  const idp = await startDevIdentityProvider({ users: [lea], redirectUris: [`${url}/auth/callback`], noRefreshTokens: true });
  const app = signInOnlyApp(url, idp, { rolesCheckMinutes: CHECK_MS / 60_000, ...config });
  running.push({ idp, served: await serveApp(served(app), port) });
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${url}${path}`);
  await signIn(page, 'lea');
  await page.waitForURL(`${url}${path}`);
  return { url, lea, page };
}

/** The session the browser's cookie seals, as the workspace reads it (undefined once ended or lapsed). */
async function sessionOf(page: Page, url: string): Promise<Session | undefined> {
  const sealed = (await page.context().cookies(url)).find((c) => c.name === 'dossier_session')?.value;
  return new CookieSealer(TEST_SESSION_SECRET).open<Session>(sealed);
}

/**
 * Sends the new-campaign form with a file that is not a campaign: to anyone allowed to send it, the
 * page it is sent back to answers 422; anyone else gets the form's own answer.
 */
async function sendCampaignFile(page: Page): Promise<number | undefined> {
  await page.setInputFiles('#campaignFile', { name: 'campaign.yaml', mimeType: 'text/yaml', buffer: Buffer.from('campaign: [not closed\n') });
  const [answer] = await Promise.all([page.waitForNavigation(), page.click('form[action="/campaigns"] button[type=submit]')]);
  return answer?.status();
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a sign-in at a provider that gives no refresh token', () => {
  it('lasts DOSSIER_SESSION_HOURS, its roles asked again at the provider without a sign-in page, and no page says it ends before its last minutes', { timeout: 60_000 }, async () => {
    const { url, page } = await leaSignedIn('/campaigns/new');
    const first = await sessionOf(page, url);
    expect(first?.refreshToken).toBeUndefined();
    expect(first!.expiresAt - first!.rolesCheckedAt!).toBe(3_600_000);
    expect(await page.locator('#session-ending').count()).toBe(0);

    await pause(CHECK_MS + 300);
    const asked: URL[] = [];
    page.on('request', (r) => asked.push(new URL(r.url())));
    expect((await page.goto(`${url}/campaigns/new`))?.status()).toBe(200);
    expect(page.url()).toBe(`${url}/campaigns/new`);
    // By the provider, asked to show no page, and no sign-in page shown.
    expect(asked.some((u) => u.pathname === '/auth' && u.searchParams.get('prompt') === 'none')).toBe(true);
    expect(asked.some((u) => u.pathname.startsWith('/interaction/'))).toBe(false);
    const after = await sessionOf(page, url);
    expect(after?.user?.subject).toBe('lea');
    expect(after!.rolesCheckedAt).toBeGreaterThan(first!.rolesCheckedAt!);
    // The same session, its end where it was: a re-check does not lengthen it.
    expect([after!.id, after!.expiresAt, after!.csrf]).toEqual([first!.id, first!.expiresAt, first!.csrf]);
    expect(await page.locator('#session-ending').count()).toBe(0);
  });

  it('loses the roles withdrawn at the provider at the next re-check, and ends when none is left', { timeout: 60_000 }, async () => {
    const { url, lea, page } = await leaSignedIn('/campaigns/new');
    lea.roles = ['officer'];
    await pause(CHECK_MS + 300);
    expect((await page.goto(`${url}/campaigns/new`))?.status()).toBe(403);
    expect((await page.goto(`${url}/campaigns`))?.status()).toBe(200);

    lea.roles = [];
    await pause(CHECK_MS + 300);
    expect((await page.goto(`${url}/campaigns`))?.status()).toBe(403);
    expect(await page.locator('main').innerText()).toContain('Your account has no role in Dossier');
    expect((await sessionOf(page, url))?.user).toBeUndefined();
  });

  it('sends the person to sign in as usual once the provider’s own session has ended, and back to the page asked for', { timeout: 60_000 }, async () => {
    const { url, page } = await leaSignedIn('/campaigns/new');
    const first = await sessionOf(page, url);
    // The provider's session cookies (oidc-provider's `_session…`); the workspace's are `dossier_…`.
    await page.context().clearCookies({ name: /^_/ });
    await pause(CHECK_MS + 300);
    await page.goto(`${url}/campaigns/new`);
    expect(await page.locator('input[name=login]').count()).toBe(1);
    await signIn(page, 'lea');
    await page.waitForURL(`${url}/campaigns/new`);
    expect((await sessionOf(page, url))?.csrf).toBe(first!.csrf);
  });

  it('takes any refusal of a sign-in asked to show no page as one for the person to make, and only such a sign-in', { timeout: 30_000 }, async () => {
    const redirectUri = 'http://127.0.0.1:9/auth/callback';
    const idp = await startDevIdentityProvider({ users: [], redirectUris: [redirectUri], noRefreshTokens: true });
    try {
      const signIn = new OidcSignIn({ issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, redirectUri, rolesClaim: 'dossier_roles' });
      const answered = (words: string, state: string) => new URL(`${redirectUri}?error=${words}&state=${state}&iss=${encodeURIComponent(idp.issuer)}`);
      const silent = await signIn.begin('/campaigns', 'en', { silent: true });
      expect(silent.url.searchParams.get('prompt')).toBe('none');
      for (const [words, expected] of [['login_required', true], ['interaction_required', true], ['invalid_request', false]] as const) {
        const refused = await signIn.finish(answered(words, silent.pending.state), silent.pending).catch((err: unknown) => err);
        expect(refused, words).toBeInstanceOf(SignInNeedsThePerson);
        expect((refused as SignInNeedsThePerson).expected, words).toBe(expected);
      }
      // A sign-in the person asked for, refused: an error of its own, not a reason to ask them again.
      const asked = await signIn.begin('/campaigns', 'en');
      expect(await signIn.finish(answered('login_required', asked.pending.state), asked.pending).catch((err: unknown) => err)).not.toBeInstanceOf(SignInNeedsThePerson);
    } finally {
      await idp.stop();
    }
  });

  it('lets a form sent when the re-check is due through on the roles last read for one interval, then answers it as a lapsed sign-in, and the next page re-checks', { timeout: 60_000 }, async () => {
    const { url, page } = await leaSignedIn('/campaigns/new');
    await pause(CHECK_MS + 300);
    expect(await sendCampaignFile(page)).toBe(422);

    await page.goto(`${url}/campaigns/new`);
    await pause(2 * CHECK_MS + 300);
    expect(await sendCampaignFile(page)).toBe(401);
    expect(await page.locator('main').innerText()).toContain('Sign in first.');
    // The session is kept for the page that re-checks it.
    expect((await sessionOf(page, url))?.user?.subject).toBe('lea');
    expect((await page.goto(`${url}/campaigns/new`))?.status()).toBe(200);
    expect(page.url()).toBe(`${url}/campaigns/new`);
  });
});

describe('two tabs of one browser', () => {
  it('each come back to their own page when their roles fall due together and both go by the provider at once', { timeout: 60_000 }, async () => {
    // Held only once Léa is signed in: the two pages below, asked for at once in two tabs.
    let together = false;
    const { url, page } = await leaSignedIn('/campaigns/new', {}, (app) => arrivingTogether(app, 2, (r) => together && ['/campaigns/new', '/campaigns'].includes(new URL(r.url).pathname)));
    const other = await page.context().newPage();
    await pause(CHECK_MS + 300);
    together = true;
    const asked: URL[] = [];
    page.context().on('request', (r) => asked.push(new URL(r.url())));
    const [answer, otherAnswer] = await Promise.all([page.goto(`${url}/campaigns/new`), other.goto(`${url}/campaigns`)]);
    // Both by the provider, asked to show no page.
    expect(asked.filter((u) => u.pathname === '/auth' && u.searchParams.get('prompt') === 'none')).toHaveLength(2);
    expect([answer?.status(), page.url()]).toEqual([200, `${url}/campaigns/new`]);
    expect([otherAnswer?.status(), other.url()]).toEqual([200, `${url}/campaigns`]);
    expect(await other.locator('main').innerText()).not.toContain('The sign-in took too long');
    // Each sign-in's cookie is gone once it came back.
    expect((await page.context().cookies(url)).filter((c) => c.name.startsWith('dossier_sign_in'))).toEqual([]);
  });

  it('each come back to their own page when both begin to sign in at once', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const idp = await startDevIdentityProvider({ users: [{ login: 'lea', name: 'Léa Tremblay', email: 'lea@opc.example', roles: ['lead-officer'] }], redirectUris: [`${url}/auth/callback`], noRefreshTokens: true });
    const app = signInOnlyApp(url, idp);
    running.push({ idp, served: await serveApp(arrivingTogether(app, 2, (r) => new URL(r.url).pathname === '/login'), port) });
    const context = await browser.newContext();
    const [page, other] = [await context.newPage(), await context.newPage()];
    await Promise.all([page.goto(`${url}/campaigns/new`), other.goto(`${url}/campaigns`)]);
    for (const [tab, path] of [[page, '/campaigns/new'], [other, '/campaigns']] as const) {
      const [back] = await Promise.all([tab.waitForResponse((r) => new URL(r.url()).pathname === '/auth/callback'), signIn(tab, 'lea')]);
      expect(back.status(), path).toBe(303);
      await tab.waitForURL(`${url}${path}`);
      expect(await tab.locator('.who').innerText()).toContain('Léa Tremblay');
    }
  });
});

describe('a form sent after its sign-in lapsed', () => {
  const LAPSE_MS = 6_000;

  it('offers to sign in again in a new tab, saying so, and then the forms of the pages left open still send', { timeout: 60_000 }, async () => {
    const { url, page } = await leaSignedIn('/campaigns/new', { sessionHours: LAPSE_MS / 3_600_000, rolesCheckMinutes: 5 });
    // Another tab, opened on a form while the sign-in lasted.
    const other = await page.context().newPage();
    await other.goto(`${url}/campaigns/new`);
    await pause(LAPSE_MS + 300);
    expect(await sendCampaignFile(page)).toBe(401);
    const link = page.locator('main #sign-in-again');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.innerText()).toBe('Sign in again (opens a new tab, this page stays as it is)');
    // The header's link too: no link on this page replaces it.
    const headerLink = page.locator('header a[href^="/login"]');
    expect([await headerLink.getAttribute('target'), await headerLink.getAttribute('rel'), await headerLink.innerText()]).toEqual(['_blank', 'noopener', 'Sign in (opens a new tab)']);
    await checkPage(page, 'lapsed-sign-in-en');

    // The provider's session lasts: the new tab is signed in at once, on the form's page.
    const [signedIn] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
    await signedIn.waitForURL(`${url}/campaigns/new`);
    expect(await signedIn.locator('.who').innerText()).toContain('Léa Tremblay');
    // The page that kept what was sent stays as it was.
    expect(new URL(page.url()).pathname).toBe('/campaigns');
    expect(await page.locator('main').innerText()).toContain('Sign in first.');

    // The forms of the pages left open carry the lapsed sign-in's CSRF token, and still send.
    expect(await sendCampaignFile(other)).toBe(422);
    const [answer] = await Promise.all([page.waitForResponse((r) => new URL(r.url()).pathname === '/language'), page.click('form[action="/language"] button[type=submit]')]);
    expect(answer.status()).toBe(303);
  });
});
