// A workspace for tests that never sign in through a provider: its settings, and the session cookie
// of a signed-in lead sealed with the same secret, so a test fetches pages as that lead directly.
import type { WebConfig } from '../../web/config';
import { CookieSealer, newCsrfToken, newSessionId } from '../../web/session';

export const TEST_SESSION_SECRET = 'a-test-session-secret-of-at-least-32-characters';

/** The workspace's settings on `port`, with a provider that is never asked (no one signs in). */
export function webConfigWithoutSignIn(port: number): WebConfig {
  return {
    host: '127.0.0.1',
    port,
    publicUrl: `http://127.0.0.1:${port}`,
    issuer: 'http://127.0.0.1:9/never-asked',
    clientId: 'dossier',
    clientSecret: 'unused',
    rolesClaim: 'dossier_roles',
    sessionSecret: TEST_SESSION_SECRET,
    sessionHours: 1,
  };
}

/** A lead officer signed in for the next hour: the `Cookie` header, and the session's CSRF token for forms. */
export function signedInLead(): { cookie: string; csrf: string } {
  const csrf = newCsrfToken();
  const session = { id: newSessionId(), user: { subject: 'lead-1', name: 'Lead Officer', roles: ['lead-officer'] }, csrf, expiresAt: Date.now() + 3_600_000 };
  return { cookie: `dossier_session=${new CookieSealer(TEST_SESSION_SECRET).seal(session)}`, csrf };
}
