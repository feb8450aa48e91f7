// The workspace while its shared store (PostgreSQL, DATABASE_URL) cannot be reached but the Temporal
// server can: the page must not send the reader, or the administrator they call, to the case server,
// and the log must say in one line which setting names the store that did not answer.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createWebApp } from '../../web/app';
import type { OidcSignIn } from '../../web/oidc';
import { CookieSealer } from '../../web/session';
import { storeSettingOf } from '../../client/shared-store';
import { revokedSessionsFrom } from '../../client/revoked-sessions';
import { serverUnreachable } from '../../client/errors';
import { StoreError, StoreErrorCode, type SharedStore } from '../../store';

const secret = 'a-test-session-secret-of-at-least-32-characters';
const config = { host: '127.0.0.1', port: 0, publicUrl: 'https://dossier.example', issuer: 'https://id.example', clientId: 'dossier', clientSecret: 's', rolesClaim: 'roles', sessionSecret: secret, sessionHours: 8 };
const where = 'postgres://dossier:***@127.0.0.1:1/dossier';
const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });

/** What store/postgres.ts throws when the database does not answer its first connection. */
const migrationFailed = () => new StoreError(StoreErrorCode.Migration, `Cannot create or migrate Dossier's schema in ${where}: connect ECONNREFUSED 127.0.0.1:1`, { cause: refused });
const unreachable = () => new StoreError(StoreErrorCode.Unavailable, `PostgreSQL at ${where} is unreachable: connect ECONNREFUSED 127.0.0.1:1`, { cause: refused });

/** A store whose every read fails as `fault` says, behind the workspace's own reader of signed-out sessions. */
function storeFailing(fault: () => Error): () => SharedStore {
  const fail = () => Promise.reject(fault());
  return () => ({ sessions: { revoke: fail, isRevoked: fail } }) as unknown as SharedStore;
}

function cookieOf(language: 'en' | 'fr'): string {
  const session = { id: 'a'.repeat(32), csrf: 'token', language, user: { subject: 'lea', name: 'Léa', roles: ['officer'] }, expiresAt: Date.now() + 3_600_000 };
  return `__Host-dossier_session=${new CookieSealer(secret).seal(session)}`;
}

function app(overrides: Partial<Parameters<typeof createWebApp>[0]>) {
  return createWebApp({
    config,
    signIn: {} as OidcSignIn,
    dossier: async () => ({}) as never,
    campaigns: async () => ({}) as never,
    revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
    storeSetting: `DATABASE_URL ${where}`,
    ...overrides,
  });
}

afterEach(() => vi.restoreAllMocks());

describe('a page while the shared store cannot be reached', () => {
  for (const [name, fault] of [
    ['its schema could not be migrated for want of a connection', migrationFailed],
    ['its queries find it unreachable', unreachable],
  ] as const) {
    it(`says the shared store cannot be reached, not the case server, in English and French (${name})`, async () => {
      const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
      const workspace = app({ revokedSessions: revokedSessionsFrom(storeFailing(fault)) });
      const en = await workspace.request('/campaigns', { headers: { cookie: cookieOf('en') } });
      expect(en.status).toBe(503);
      const enText = await en.text();
      expect(enText).toContain('The shared store of the workspace (its database) cannot be reached right now.');
      expect(enText).not.toContain('case server');
      const fr = await workspace.request('/campaigns', { headers: { cookie: cookieOf('fr') } });
      expect(fr.status).toBe(503);
      const frText = await fr.text();
      expect(frText).toContain('Le stockage partagé de l’espace de travail (sa base de données) est injoignable pour le moment.');
      expect(frText).not.toContain('serveur des dossiers');
      // One line each, naming the variable and the masked URL, with no stack.
      const lines = logged.mock.calls.map((call) => call.join(' '));
      expect(lines).toHaveLength(2);
      for (const line of lines) {
        expect(line).not.toContain('\n');
        expect(line).toMatch(/^web: GET \/campaigns: cannot tell whether the session was signed out: the shared store \(DATABASE_URL postgres:\/\/dossier:\*\*\*@127\.0\.0\.1:1\/dossier\) cannot be reached: .*ECONNREFUSED 127\.0\.0\.1:1$/);
      }
    });
  }

  it('says the same of a page whose own reads reach the store, and logs one line', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const workspace = app({ campaigns: () => Promise.reject(unreachable()) });
    const response = await workspace.request('/campaigns', { headers: { cookie: cookieOf('en') } });
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('The shared store of the workspace (its database) cannot be reached right now.');
    const lines = logged.mock.calls.map((call) => call.join(' '));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^web: GET \/campaigns: the shared store \(DATABASE_URL postgres:\/\/dossier:\*\*\*@127\.0\.0\.1:1\/dossier\) cannot be reached: PostgreSQL at .* is unreachable: connect ECONNREFUSED 127\.0\.0\.1:1$/);
  });

  it('still says the case server cannot be reached when it is the Temporal server that does not answer', async () => {
    const workspace = app({ dossier: () => Promise.reject(serverUnreachable('127.0.0.1:7233')) });
    const response = await workspace.request('/campaigns', { headers: { cookie: cookieOf('en') } });
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('The case server cannot be reached right now.');
  });
});

describe('the setting that names the store, for the log', () => {
  it('is DATABASE_URL with its password masked, or the local state folder', () => {
    expect(storeSettingOf({ DATABASE_URL: 'postgres://dossier:s3cret@db.example.org:5432/dossier' })).toBe('DATABASE_URL postgres://dossier:***@db.example.org:5432/dossier');
    expect(storeSettingOf({ DOSSIER_STATE_DIR: '/srv/dossier/state' })).toBe('DOSSIER_STATE_DIR /srv/dossier/state');
  });
});
