// Signing out of the workspace on a shared machine: the identity provider's session ends too, so the
// next person to click "Sign in" meets the provider's login form, not the last user's workspace. And
// the last minutes of a sign-in (WCAG 2.2.1, timing adjustable), on a second workspace whose sign-in
// lasts 10 minutes (DOSSIER_SESSION_HOURS, 8 by default), all of them within the warning's last 15:
// every page says when it ends and offers to renew it through the provider in a new tab, which opens
// the same page again, while the page it was asked from stays as it is and its forms still send. The
// real development provider and Chromium; no case is read, so the Temporal client is a stand-in.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/ports';
import type { WebConfig } from '../../web/config';
import { startDevIdentityProvider, type DevIdentityProvider } from '../../web/dev-identity-provider';
import { SignInWithdrawn } from '../../web/oidc';
import { CookieSealer, type Session } from '../../web/session';
import { checkPage, launchBrowser, oidcSignInAt, signIn, signInOnlyApp } from '../helpers/web';
import { serveApp, type ServedApp } from '../helpers/served-app';
import { TEST_SESSION_SECRET } from '../helpers/web-session';

const SHORT_SESSION_MINUTES = 10;

let idp: DevIdentityProvider;
const servers: ServedApp[] = [];
let url: string;
/** The workspace whose sign-in lasts SHORT_SESSION_MINUTES. */
let shortUrl: string;
let browser: Browser;

/** A workspace at `address` signing in at the shared provider, its settings changed by `config`. */
async function workspaceAt(address: string, config: Partial<WebConfig> = {}): Promise<void> {
  const app = signInOnlyApp(address, idp, config);
  servers.push(await serveApp(app, Number(new URL(address).port)));
}

beforeAll(async () => {
  url = `http://127.0.0.1:${await freePort()}`;
  shortUrl = `http://127.0.0.1:${await freePort()}`;
  idp = await startDevIdentityProvider({
    users: [
      { login: 'owen', name: 'Owen Okafor', email: 'owen@opc.example', roles: ['officer'] },
      { login: 'lea', name: 'Léa Tremblay', email: 'lea@opc.example', roles: ['lead-officer'] },
    ],
    redirectUris: [`${url}/auth/callback`, `${shortUrl}/auth/callback`],
  });
  await workspaceAt(url);
  await workspaceAt(shortUrl, { sessionHours: SHORT_SESSION_MINUTES / 60 });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  for (const served of servers) await served.stop();
  await idp?.stop();
});

async function signedInAsOwen(): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${url}/campaigns`);
  await signIn(page, 'owen');
  await page.waitForURL((u) => u.origin === url);
  expect(await page.locator('.who').innerText()).toContain('Owen Okafor');
  return page;
}

async function leaOn(path: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${shortUrl}${path}`);
  await signIn(page, 'lea');
  await page.waitForURL(`${shortUrl}${path}`);
  return page;
}

/** The session the browser's cookie seals for the short workspace, as it reads it. */
async function sessionOf(page: Page): Promise<Session> {
  const sealed = (await page.context().cookies(shortUrl)).find((c) => c.name === 'dossier_session')?.value;
  const session = new CookieSealer(TEST_SESSION_SECRET).open<Session>(sealed);
  expect(session?.user, 'a signed-in session').toBeDefined();
  return session!;
}

describe('signing out on a shared machine', () => {
  it('ends the provider’s session too: the next "Sign in" asks for credentials, and the page says the user is signed out', { timeout: 60_000 }, async () => {
    const page = await signedInAsOwen();
    await page.click('form[action="/logout"] button[type=submit]');
    // Back from the provider's end-session endpoint to the workspace.
    await page.waitForURL((u) => u.origin === url && u.pathname !== '/campaigns');
    expect(await page.title()).toMatch(/^Signed out/);
    expect(await page.locator('.who').count()).toBe(0);

    // Someone else at the same desk clicks "Sign in" on the signed-out page: the provider's login
    // form, not Owen's workspace.
    await page.click('main a[href="/login"]');
    await page.waitForURL((u) => u.pathname === '/campaigns' || u.pathname.startsWith('/interaction/'));
    expect(new URL(page.url()).origin).toBe(idp.issuer);
    expect(await page.locator('input[name=login]').count()).toBe(1);

    // And whoever signs in next is who they say.
    await signIn(page, 'owen');
    await page.waitForURL((u) => u.origin === url);
    expect(await page.locator('.who').innerText()).toContain('Owen Okafor');
  });

  it('asks the provider for credentials again on the first sign-in after a sign-out, whatever the provider’s session', async () => {
    const signIn = oidcSignInAt(idp, url);
    expect((await signIn.begin('/campaigns', 'en', { reauthenticate: true })).url.searchParams.get('prompt')).toBe('login');
    expect((await signIn.begin('/campaigns', 'en')).url.searchParams.get('prompt')).toBeNull();
  });

  it('revokes the refresh token at the provider: a copy taken before the sign-out gets no more tokens, even when the browser never reaches the end-session page', { timeout: 60_000 }, async () => {
    const page = await signedInAsOwen();
    // Whoever copied the cookie (or the token it seals) before the sign-out holds this.
    const sealed = (await page.context().cookies(url)).find((c) => c.name === 'dossier_session')?.value;
    const refreshToken = new CookieSealer(TEST_SESSION_SECRET).open<Session>(sealed)?.refreshToken;
    expect(refreshToken, 'a refresh token sealed in the cookie').toBeTruthy();
    const elsewhere = oidcSignInAt(idp, url);
    expect((await elsewhere.recheck(refreshToken!, 'owen')).roles).toEqual(['officer']);

    // The provider's end-session page is not reached (a tab closed at once, a provider asking to
    // confirm): its logout, which drops the grant at this provider, does not happen.
    await page.route(`${idp.issuer}/**`, (route) => route.abort());
    const [signedOut] = await Promise.all([page.waitForResponse((r) => new URL(r.url()).pathname === '/logout'), page.click('form[action="/logout"] button[type=submit]')]);
    expect(signedOut.status()).toBe(303);

    await expect(elsewhere.recheck(refreshToken!, 'owen')).rejects.toBeInstanceOf(SignInWithdrawn);
  });

  it('shows the signed-out page only to someone signed out', { timeout: 60_000 }, async () => {
    const page = await signedInAsOwen();
    await page.goto(`${url}/signed-out`);
    expect(new URL(page.url()).pathname).toBe('/campaigns');
  });
});

describe('a sign-in in its last minutes', () => {
  it('says on the page when it ends, with a way to stay signed in, in both languages', { timeout: 60_000 }, async () => {
    const page = await leaOn('/campaigns');
    const { expiresAt } = await sessionOf(page);
    const banner = page.locator('main #session-ending');
    const ends = new Date(expiresAt);
    const hhmm = `${String(ends.getUTCHours()).padStart(2, '0')}:${String(ends.getUTCMinutes()).padStart(2, '0')}`;
    expect(await banner.innerText()).toContain(`Your sign-in ends at`);
    expect(await banner.innerText()).toContain(`${hhmm} (UTC)`);
    expect(await banner.locator('a').innerText()).toBe('Stay signed in (opens a new tab, this page stays as it is)');
    expect(await banner.locator('a').getAttribute('href')).toBe(`/login?returnTo=${encodeURIComponent('/campaigns')}`);
    await checkPage(page, 'session-ending-en');

    await page.click('form[action="/language"] button[type=submit]');
    await page.waitForURL(`${shortUrl}/campaigns`);
    const french = await banner.innerText();
    expect(french).toContain('Votre connexion prend fin le');
    // French writes a whole hour without its minutes ("6 h", not "6 h 00"): a sign-in ending on the hour says so.
    const minutes = ends.getUTCMinutes() === 0 ? '' : `\\s?${String(ends.getUTCMinutes()).padStart(2, '0')}`;
    expect(french).toMatch(new RegExp(`${ends.getUTCHours()}\\s?h${minutes} \\(UTC\\)`));
    expect(await banner.locator('a').innerText()).toBe('Prolonger la connexion (dans un nouvel onglet, cette page reste telle quelle)');
    await checkPage(page, 'session-ending-fr');
  });

  it('renews through the provider in a new tab on the same page, and the page it was asked from still sends its forms', { timeout: 60_000 }, async () => {
    const page = await leaOn('/campaigns/new');
    const before = await sessionOf(page);

    await new Promise((r) => setTimeout(r, 1_100));
    const [renewed] = await Promise.all([page.context().waitForEvent('page'), page.click('#session-ending a')]);
    await renewed.waitForURL(`${shortUrl}/campaigns/new`);
    const after = await sessionOf(renewed);
    expect(after.id).not.toBe(before.id);
    expect(after.expiresAt).toBeGreaterThan(before.expiresAt);
    expect(after.user?.subject).toBe('lea');
    expect(page.url()).toBe(`${shortUrl}/campaigns/new`);

    // The page left as it was posts its form (the CSRF token it holds) under the renewed sign-in: the
    // language menu's other language (Léa's own choice, remembered from a test before, may be either).
    const other = (await page.locator('html').getAttribute('lang')) === 'fr' ? 'en' : 'fr';
    const [answer] = await Promise.all([page.waitForResponse((r) => new URL(r.url()).pathname === '/language'), page.click('form[action="/language"] button[type=submit]')]);
    expect(answer.status()).toBe(303);
    await page.waitForURL(`${shortUrl}/campaigns/new`);
    expect(await page.locator('html').getAttribute('lang')).toBe(other);
    expect((await sessionOf(page)).id).toBe(after.id);
  });
});
