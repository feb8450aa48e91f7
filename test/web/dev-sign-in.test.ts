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

/** What the provider's /auth answers a browser asking with `params` (the workspace's own, changed as given). */
async function authAnswer(params: Record<string, string>, acceptLanguage?: string): Promise<{ status: number; html: string }> {
  const challenge = createHash('sha256').update('v').digest('base64url');
  const query = new URLSearchParams({ client_id: idp.clientId, response_type: 'code', scope: 'openid', redirect_uri: redirectUri, code_challenge: challenge, code_challenge_method: 'S256', state: 's', ...params });
  const answer = await fetch(`${idp.issuer}/auth?${query}`, { redirect: 'manual', headers: { accept: 'text/html', ...(acceptLanguage ? { 'accept-language': acceptLanguage } : {}) } });
  return { status: answer.status, html: await answer.text() };
}

describe('the development provider’s own pages', () => {
  it('refuses an unknown client_id with a page of its own that loads nothing from another site', async () => {
    const { status, html } = await authAnswer({ client_id: 'no-such-client' });
    expect(status).toBe(400);
    expect(html).not.toContain('googleapis');
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('The development identity provider refused this request: no one was signed in.');
    expect(html).toContain('It names an application this provider does not know (client_id).');
  });

  it('refuses an unregistered redirect_uri in French when the workspace or the browser asks for French', async () => {
    for (const [params, acceptLanguage] of [[{ ui_locales: 'fr' }, undefined], [{}, 'fr-CA,fr;q=0.9']] as const) {
      const { status, html } = await authAnswer({ ...params, redirect_uri: 'http://127.0.0.1:9/elsewhere' }, acceptLanguage);
      expect(status).toBe(400);
      expect(html).not.toContain('googleapis');
      expect(html).toContain('<html lang="fr">');
      expect(html).toContain('Le fournisseur d’identité de développement a refusé cette demande\u00a0: personne n’a été connecté.');
      expect(html).toContain('Elle demande à revenir à une adresse que ce fournisseur d’identité n’a pas reçue pour l’espace de travail (redirect_uri).');
      // The library's own words, for whoever set the provider up, marked as English.
      expect(html).toMatch(/<span lang="en">invalid_redirect_uri: [^<]+<\/span>/);
    }
  });

  it('asks a signed-in user’s sign-out in the language the workspace asks for, with nothing from another site', async () => {
    const { url, cookie } = await signInPage('fr');
    const jar = new Map(cookie.split('; ').map((c) => c.split('=', 2) as [string, string]));
    const keep = (answer: Response) => answer.headers.getSetCookie().forEach((c) => jar.set(c.split('=')[0]!, c.split(';')[0]!.slice(c.indexOf('=') + 1)));
    const cookies = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const done = await fetch(url, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: 'prompt=login&login=lead&password=x' });
    keep(done);
    keep(await fetch(new URL(done.headers.get('location')!, idp.issuer), { redirect: 'manual', headers: { cookie: cookies() } }));
    const asked = await fetch(`${idp.issuer}/session/end?ui_locales=fr`, { headers: { cookie: cookies(), accept: 'text/html' } });
    const html = await asked.text();
    expect(asked.status).toBe(200);
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('<button type="submit">Se déconnecter</button>');
    expect(html).toContain('name="logout" value="yes"');
    expect(html).not.toContain('googleapis');
  });

  it('says a sign-out at the provider itself (no workspace to return to) is done, and loads nothing from another site', async () => {
    for (const [acceptLanguage, sentence] of [['en', 'Your session with the development identity provider has ended.'], ['fr', 'Votre session auprès du fournisseur d’identité de développement est fermée.']] as const) {
      const answer = await fetch(`${idp.issuer}/session/end/success`, { headers: { accept: 'text/html', 'accept-language': acceptLanguage } });
      expect(answer.status).toBe(200);
      const html = await answer.text();
      expect(html).not.toContain('googleapis');
      expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
      expect(html).toContain(`<html lang="${acceptLanguage}">`);
      expect(html).toContain(sentence);
    }
  });
});
