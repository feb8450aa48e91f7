// A role withdrawn at the identity provider, an account disabled there, the provider gone: what a
// session signed in before it can still do. The real development provider (oidc-provider) in this
// process and Chromium; no case is read, so the Temporal client is a stand-in. The roles are asked
// again every 2 seconds here (DOSSIER_ROLES_CHECK_MINUTES, 5 by default).
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/ports';
import { startDevIdentityProvider, type DevIdentityProvider, type DevUser } from '../../web/dev-identity-provider';
import { launchBrowser, signIn, signInOnlyApp } from '../helpers/web';
import { serveApp, type ServedApp } from '../helpers/served-app';

const CHECK_MS = 2_000;

let browser: Browser;
const running: { idp: DevIdentityProvider; served: ServedApp }[] = [];
/** Providers a test stopped itself (a second stop would wait for a close that never comes). */
const stopped = new Set<DevIdentityProvider>();

beforeAll(async () => {
  browser = await launchBrowser();
});

afterEach(async () => {
  for (const { idp, served } of running.splice(0)) {
    await served.stop();
    if (!stopped.has(idp)) await idp.stop();
  }
});

afterAll(async () => {
  await browser?.close();
});

/** A workspace and its provider, with Léa (a lead officer) signed in on a page of her own. */
async function leaSignedIn(): Promise<{ url: string; idp: DevIdentityProvider; lea: DevUser; page: Page }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const lea: DevUser = { login: 'lea', name: 'Léa Tremblay', email: 'lea@opc.example', roles: ['lead-officer'] };
  const idp = await startDevIdentityProvider({ users: [lea], redirectUris: [`${url}/auth/callback`] });
  const app = signInOnlyApp(url, idp, { rolesCheckMinutes: CHECK_MS / 60_000 });
  running.push({ idp, served: await serveApp(app, port) });
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${url}/campaigns/new`);
  await signIn(page, 'lea');
  await page.waitForURL(`${url}/campaigns/new`);
  return { url, idp, lea, page };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('roles withdrawn at the identity provider during a session', () => {
  it('are gone from the workspace at the next re-check, not when the session ends: a former lead can no longer start a campaign', { timeout: 60_000 }, async () => {
    const { url, lea, page } = await leaSignedIn();
    expect((await page.goto(`${url}/campaigns/new`))?.status()).toBe(200);
    lea.roles = ['officer'];
    await pause(CHECK_MS + 300);
    // Two tabs of the same browser come due at once: both are answered, under the roles she holds now.
    const other = await page.context().newPage();
    const [here, there] = await Promise.all([page.goto(`${url}/campaigns/new`), other.goto(`${url}/campaigns/new`)]);
    expect([here?.status(), there?.status()]).toEqual([403, 403]);
    expect((await page.goto(`${url}/campaigns`))?.status()).toBe(200);
  });

  it('end the session when none is left: the next page goes through sign-in, which says the account has no role', { timeout: 60_000 }, async () => {
    const { url, lea, page } = await leaSignedIn();
    lea.roles = [];
    await pause(CHECK_MS + 300);
    const response = await page.goto(`${url}/campaigns`);
    expect(response?.status()).toBe(403);
    expect(new URL(page.url()).pathname).toBe('/auth/callback');
    expect(await page.locator('main').innerText()).toContain('Your account has no role in Dossier');
  });

  it('end the session of an account the provider no longer knows (disabled, removed)', { timeout: 60_000 }, async () => {
    const { url, idp, page } = await leaSignedIn();
    idp.users.splice(0);
    await pause(CHECK_MS + 300);
    await page.goto(`${url}/campaigns/new`);
    // Sent to sign in at the provider again, not shown the page.
    expect(new URL(page.url()).origin).toBe(idp.issuer);
  });
});

describe('a re-check of the roles while the provider is out of reach', () => {
  it('keeps the roles last read for one more interval, then lets nobody in, with a reference to quote', { timeout: 60_000 }, async () => {
    const { url, idp, page } = await leaSignedIn();
    await idp.stop();
    stopped.add(idp);
    await pause(CHECK_MS + 300);
    expect((await page.goto(`${url}/campaigns/new`))?.status()).toBe(200);
    await pause(CHECK_MS);
    const response = await page.goto(`${url}/campaigns/new`);
    expect(response?.status()).toBe(503);
    const text = await page.locator('main').innerText();
    expect(text).toContain('The identity provider cannot be reached right now.');
    expect(text).toMatch(/Reference: [0-9A-F]{8}/);
  });
});
