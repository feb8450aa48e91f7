// A page of a campaign whose data key is not in the workspace's keystore (a workspace pointed at
// PostgreSQL for a campaign started on local files) says so, as a configuration to fix (503), in the
// reader's language, not "Something went wrong" (500); a shredded campaign is not called that.
import { describe, expect, it, vi } from 'vitest';
import { createWebApp } from '../../web/app';
import type { OidcSignIn } from '../../web/oidc';
import { CookieSealer } from '../../web/session';
import { KeyError } from '../../encryption/keystore';

const secret = 'a-test-session-secret-of-at-least-32-characters';
const config = { host: '127.0.0.1', port: 0, publicUrl: 'https://dossier.example', issuer: 'https://id.example', clientId: 'dossier', clientSecret: 's', rolesClaim: 'roles', sessionSecret: secret, sessionHours: 8 };

function pageFailingWith(err: Error) {
  const app = createWebApp({
    config,
    signIn: {} as OidcSignIn,
    dossier: async () => ({ status: async () => Promise.reject(err), campaignTimeZone: async () => 'UTC', campaignOf: async () => ({ timeZone: 'UTC' }) }) as never,
    campaigns: async () => ({ status: async () => Promise.reject(err), title: async () => Promise.reject(err) }) as never,
    revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
  });
  return async (language: string) => {
    const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'k'.repeat(32), csrf: 't', language, user: { subject: 'owen', name: 'Owen', roles: ['officer'] }, expiresAt: Date.now() + 60_000 })}`;
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const response = await app.request('/campaigns/vc/engagements/zoom', { headers: { cookie } });
      return { status: response.status, text: (await response.text()).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ') };
    } finally {
      spy.mockRestore();
    }
  };
}

describe('a page of a campaign whose data key is not in this workspace’s keystore', () => {
  const notInStore = new KeyError('KeyNotInStore', 'data key "campaign-vc" (campaign "vc") is not in the keystore this host reads, PostgreSQL postgres://db:5432/dossier (DATABASE_URL)');

  it('says the key is not in the store this workspace reads, as a setting to fix (503), in English', async () => {
    const { status, text } = await pageFailingWith(notInStore)('en');
    expect(status).toBe(503);
    expect(text).toContain('is not in the store this workspace reads');
    expect(text).not.toContain('Something went wrong');
  });

  it('says it in French too', async () => {
    const { status, text } = await pageFailingWith(notInStore)('fr');
    expect(status).toBe(503);
    expect(text).toContain('n’est pas dans le magasin que lit cet espace de travail');
  });

  it('says a master key this workspace lacks is to be added, not that the data is gone', async () => {
    const { status, text } = await pageFailingWith(new KeyError('MasterKeyMissing', 'data key "campaign-vc" is wrapped by master key "rot1", which is not configured'))('en');
    expect(status).toBe(503);
    expect(text).toContain('master key');
  });
});
