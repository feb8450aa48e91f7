// The identity provider's settings as the workspace reads them at start, and what its log keeps when
// that provider cannot be reached: the trial's operator saw `Invalid URL` alone for a malformed
// DOSSIER_OIDC_ISSUER, a plain-HTTP issuer on the network accepted, and a 40-line stack per /login.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { freePort } from '../../infra/ports';
import { createWebApp } from '../../web/app';
import { parseWebConfig } from '../../web/config';
import { OidcSignIn } from '../../web/oidc';
import { DEFAULT_DEV_USERS, startDevIdentityProvider } from '../../web/dev-identity-provider';

const secret = 'a-test-session-secret-of-at-least-32-characters';
const required = { DOSSIER_OIDC_ISSUER: 'https://id.example', DOSSIER_OIDC_CLIENT_ID: 'd', DOSSIER_OIDC_CLIENT_SECRET: 's', DOSSIER_SESSION_SECRET: secret };

afterEach(() => vi.restoreAllMocks());

describe('DOSSIER_OIDC_ISSUER', () => {
  it('is refused when it is not an http(s) URL, naming the variable and the value', () => {
    for (const issuer of ['not-a-url', 'ftp://id.example', 'https://']) {
      expect(() => parseWebConfig({ ...required, DOSSIER_OIDC_ISSUER: issuer }), issuer).toThrow(`DOSSIER_OIDC_ISSUER: "${issuer}" must be the identity provider's https:// issuer URL`);
    }
  });

  it('is refused over plain HTTP to a network host, as DOSSIER_WEB_URL is', () => {
    expect(() => parseWebConfig({ ...required, DOSSIER_OIDC_ISSUER: 'http://idp.example.org' })).toThrow(
      /DOSSIER_OIDC_ISSUER: "http:\/\/idp\.example\.org" is plain HTTP on a network address.*https:\/\//,
    );
  });

  it('is taken over https, or over plain HTTP on this machine (the development provider)', () => {
    for (const issuer of ['https://login.regulator.example/realms/dossier', 'http://127.0.0.1:8301', 'http://localhost:8301/', 'http://[::1]:8301']) {
      expect(parseWebConfig({ ...required, DOSSIER_OIDC_ISSUER: issuer }).issuer, issuer).toBe(issuer);
    }
  });
});

describe('a sign-in while the identity provider cannot be reached', () => {
  it('answers 502 with a reference, and logs one line that says why, not a stack', async () => {
    const issuer = `http://127.0.0.1:${await freePort()}`;
    const config = { host: '127.0.0.1', port: 0, publicUrl: 'http://127.0.0.1:8300', issuer, clientId: 'dossier', clientSecret: 's', rolesClaim: 'roles', sessionSecret: secret, sessionHours: 8 };
    const app = createWebApp({
      config,
      signIn: new OidcSignIn({ issuer, clientId: 'dossier', clientSecret: 's', redirectUri: 'http://127.0.0.1:8300/auth/callback', rolesClaim: 'roles' }),
      dossier: async () => ({}) as never,
      campaigns: async () => ({}) as never,
      revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
    });
    const written: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void written.push(args.map(String).join(' ')));
    const response = await app.request('/login');
    expect(response.status).toBe(502);
    const reference = /([0-9A-F]{8})/.exec(await response.text())?.[1];
    expect(reference).toBeDefined();
    const lines = written.join('\n').split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^web: GET /login: sign-in failed, reference ${reference}: SignInError: cannot reach the identity provider at ${issuer.replaceAll('.', '\\.')}: .*ECONNREFUSED`));
  });
});

// A provider that refuses a scope it does not know (Keycloak, Okta and Entra ID answer invalid_scope)
// would refuse every sign-in that asks for `dossier`: the scopes asked for are a setting.
describe('DOSSIER_OIDC_SCOPES', () => {
  it('asks for openid profile email dossier unless set, and takes the scopes given, openid among them', () => {
    expect(parseWebConfig(required).scopes).toBe('openid profile email dossier');
    expect(parseWebConfig({ ...required, DOSSIER_OIDC_SCOPES: '  openid   profile email ' }).scopes).toBe('openid profile email');
    expect(() => parseWebConfig({ ...required, DOSSIER_OIDC_SCOPES: 'profile email' })).toThrow(/DOSSIER_OIDC_SCOPES: "profile email" must include openid/);
    expect(() => parseWebConfig({ ...required, DOSSIER_OIDC_SCOPES: 'openid "roles"' })).toThrow(/DOSSIER_OIDC_SCOPES: .* space-separated scope names/);
  });

  it('are the scopes the sign-in asks the provider for', async () => {
    const idp = await startDevIdentityProvider({ users: DEFAULT_DEV_USERS, redirectUris: ['http://127.0.0.1:8300/auth/callback'] });
    try {
      const settings = { issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, redirectUri: 'http://127.0.0.1:8300/auth/callback', rolesClaim: 'dossier_roles' };
      const asked = async (scopes?: string) => (await new OidcSignIn({ ...settings, ...(scopes ? { scopes } : {}) }).begin('/campaigns', 'en')).url.searchParams.get('scope');
      expect(await asked()).toBe('openid profile email dossier');
      expect(await asked('openid profile email')).toBe('openid profile email');
    } finally {
      await idp.stop();
    }
  });
});
