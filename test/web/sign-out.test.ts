// Signing out of the workspace on a shared machine: the identity provider's session ends too, so the
// next person to click "Sign in" meets the provider's login form, not the last user's workspace. The
// real development provider and Chromium; no case is read, so the Temporal client is a stand-in.
import { serve, type ServerType } from '@hono/node-server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/ports';
import { createWebApp } from '../../web/app';
import { startDevIdentityProvider, type DevIdentityProvider } from '../../web/dev-identity-provider';
import { OidcSignIn, SignInWithdrawn } from '../../web/oidc';
import { CookieSealer, type Session } from '../../web/session';
import { launchBrowser, signIn, workspaceConfig } from '../helpers/web';
import { TEST_SESSION_SECRET } from '../helpers/web-session';

let idp: DevIdentityProvider;
let server: ServerType;
let url: string;
let browser: Browser;

beforeAll(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  idp = await startDevIdentityProvider({ users: [{ login: 'owen', name: 'Owen Okafor', email: 'owen@opc.example', roles: ['officer'] }], redirectUris: [`${url}/auth/callback`] });
  const revoked = new Set<string>();
  const app = createWebApp({
    config: workspaceConfig(url, idp),
    signIn: new OidcSignIn({ issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, redirectUri: `${url}/auth/callback`, rolesClaim: 'dossier_roles' }),
    dossier: async () => ({ findCampaigns: async () => [] }) as never,
    campaigns: async () => ({}) as never,
    revokedSessions: () => ({ revoke: async (id: string) => void revoked.add(id), isRevoked: async (id: string) => revoked.has(id) }),
  });
  server = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port }, () => resolve(s));
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
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
    const signIn = new OidcSignIn({ issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, redirectUri: `${url}/auth/callback`, rolesClaim: 'dossier_roles' });
    expect((await signIn.begin('/campaigns', 'en', { reauthenticate: true })).url.searchParams.get('prompt')).toBe('login');
    expect((await signIn.begin('/campaigns', 'en')).url.searchParams.get('prompt')).toBeNull();
  });

  it('revokes the refresh token at the provider: a copy taken before the sign-out gets no more tokens, even when the browser never reaches the end-session page', { timeout: 60_000 }, async () => {
    const page = await signedInAsOwen();
    // Whoever copied the cookie (or the token it seals) before the sign-out holds this.
    const sealed = (await page.context().cookies(url)).find((c) => c.name === 'dossier_session')?.value;
    const refreshToken = new CookieSealer(TEST_SESSION_SECRET).open<Session>(sealed)?.refreshToken;
    expect(refreshToken, 'a refresh token sealed in the cookie').toBeTruthy();
    const elsewhere = new OidcSignIn({ issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, redirectUri: `${url}/auth/callback`, rolesClaim: 'dossier_roles' });
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
