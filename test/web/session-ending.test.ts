// The last minutes of a sign-in (WCAG 2.2.1, timing adjustable): every page says when it ends and
// offers to renew it through the provider in a new tab, which opens the same page again, while the page
// it was asked from stays as it is and its forms still send. The real development provider (oidc-provider) in this process and Chromium;
// no case is read, so the Temporal client is a stand-in. A sign-in lasts 10 minutes here
// (DOSSIER_SESSION_HOURS, 8 by default), all of it within the warning's last 15.
import { serve, type ServerType } from '@hono/node-server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/ports';
import { createWebApp } from '../../web/app';
import { startDevIdentityProvider, type DevIdentityProvider } from '../../web/dev-identity-provider';
import { OidcSignIn } from '../../web/oidc';
import { CookieSealer, type Session } from '../../web/session';
import { checkPage, launchBrowser, signIn, workspaceConfig } from '../helpers/web';
import { TEST_SESSION_SECRET } from '../helpers/web-session';

const SESSION_MINUTES = 10;

let idp: DevIdentityProvider;
let server: ServerType;
let url: string;
let browser: Browser;

beforeAll(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  idp = await startDevIdentityProvider({ users: [{ login: 'lea', name: 'Léa Tremblay', email: 'lea@opc.example', roles: ['lead-officer'] }], redirectUris: [`${url}/auth/callback`] });
  const revoked = new Set<string>();
  const app = createWebApp({
    config: { ...workspaceConfig(url, idp), sessionHours: SESSION_MINUTES / 60 },
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

async function leaOn(path: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${url}${path}`);
  await signIn(page, 'lea');
  await page.waitForURL(`${url}${path}`);
  return page;
}

/** The session the browser's cookie seals, as the workspace reads it. */
async function sessionOf(page: Page): Promise<Session> {
  const sealed = (await page.context().cookies(url)).find((c) => c.name === 'dossier_session')?.value;
  const session = new CookieSealer(TEST_SESSION_SECRET).open<Session>(sealed);
  expect(session?.user, 'a signed-in session').toBeDefined();
  return session!;
}

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
    await page.waitForURL(`${url}/campaigns`);
    const french = await banner.innerText();
    expect(french).toContain('Votre connexion prend fin le');
    expect(french).toMatch(new RegExp(`${ends.getUTCHours()}\\s?h\\s?${String(ends.getUTCMinutes()).padStart(2, '0')} \\(UTC\\)`));
    expect(await banner.locator('a').innerText()).toBe('Prolonger la connexion (dans un nouvel onglet, cette page reste telle quelle)');
    await checkPage(page, 'session-ending-fr');
  });

  it('renews through the provider in a new tab on the same page, and the page it was asked from still sends its forms', { timeout: 60_000 }, async () => {
    const page = await leaOn('/campaigns/new');
    const before = await sessionOf(page);

    await new Promise((r) => setTimeout(r, 1_100));
    const [renewed] = await Promise.all([page.context().waitForEvent('page'), page.click('#session-ending a')]);
    await renewed.waitForURL(`${url}/campaigns/new`);
    const after = await sessionOf(renewed);
    expect(after.id).not.toBe(before.id);
    expect(after.expiresAt).toBeGreaterThan(before.expiresAt);
    expect(after.user?.subject).toBe('lea');
    expect(page.url()).toBe(`${url}/campaigns/new`);

    // The page left as it was posts its form (the CSRF token it holds) under the renewed sign-in.
    const [answer] = await Promise.all([page.waitForResponse((r) => new URL(r.url()).pathname === '/language'), page.click('form[action="/language"] button[type=submit]')]);
    expect(answer.status()).toBe(303);
    await page.waitForURL(`${url}/campaigns/new`);
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    expect((await sessionOf(page)).id).toBe(after.id);
  });
});
