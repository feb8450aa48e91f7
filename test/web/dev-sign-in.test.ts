// The development provider's sign-in page (npm start): in the language the workspace asks for (its
// ui_locales, else the browser's), and self-contained: a workspace loads nothing from a third party,
// and a developer offline still gets a page that works.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DEV_USERS, startDevIdentityProvider, type DevIdentityProvider } from '../../web/dev-identity-provider';

const redirectUri = 'http://127.0.0.1:9/auth/callback';
let idp: DevIdentityProvider;

beforeAll(async () => {
  idp = await startDevIdentityProvider({ users: DEFAULT_DEV_USERS, redirectUris: [redirectUri] });
});
afterAll(() => idp.stop());

/** The sign-in page an authorization request leads to, with `ui_locales` and an Accept-Language header as given. */
async function signInPage(uiLocales?: string, acceptLanguage?: string): Promise<{ html: string; url: string; cookie: string }> {
  const challenge = createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url');
  const query = new URLSearchParams({ client_id: idp.clientId, response_type: 'code', scope: 'openid', redirect_uri: redirectUri, code_challenge: challenge, code_challenge_method: 'S256', state: 's', nonce: 'n' });
  if (uiLocales) query.set('ui_locales', uiLocales);
  const asked = await fetch(`${idp.issuer}/auth?${query}`, { redirect: 'manual' });
  const url = new URL(asked.headers.get('location')!, idp.issuer).href;
  const cookie = asked.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const page = await fetch(url, { headers: { cookie, ...(acceptLanguage ? { 'accept-language': acceptLanguage } : {}) } });
  return { html: await page.text(), url, cookie };
}

describe('the development sign-in page', () => {
  it('is in French when the workspace asks for French, and loads nothing from another site', async () => {
    const { html } = await signInPage('fr');
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('Se connecter');
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
    expect(html).not.toContain('googleapis');
  });

  it('is in French when only the browser asks for it, and in English otherwise', async () => {
    expect((await signInPage(undefined, 'fr-CH,fr;q=0.9,en;q=0.5')).html).toContain('<html lang="fr">');
    const english = (await signInPage()).html;
    expect(english).toContain('<html lang="en">');
    expect(english).toContain('<label for="login">User</label>');
  });

  it('signs a known user in, with any password', async () => {
    const { url, cookie } = await signInPage('fr');
    const done = await fetch(url, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: 'prompt=login&login=lead&password=x' });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toMatch(/\/auth\//);
  });

  it('names the known users, in the page’s language, when an unknown one is typed', async () => {
    const { url, cookie } = await signInPage('fr');
    const refused = await fetch(url, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: 'prompt=login&login=nobody&password=x' });
    expect(refused.status).toBe(401);
    const html = await refused.text();
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('Utilisateur inconnu «\u202fnobody\u202f»');
  });
});
