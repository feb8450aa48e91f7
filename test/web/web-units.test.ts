// The workspace's pieces that need no server: roles read from the identity provider's claim, the
// sealed session cookie, the page texts in both languages, and the configuration's errors.
import { describe, expect, it, vi } from 'vitest';
import { createHash } from 'node:crypto';
import { CAMPAIGN_PHASES, NEXT_ACTION_KINDS, TEXT_SOURCE_KINDS, type RecordInboundInput } from '../../workflows/messages';
import { DEMONSTRATION_RESULTS, ENGAGEMENT_STAGES, PRINCIPLES, type CampaignInput } from '../../workflows/types';
import { can, ROLES, rolesFromClaim } from '../../web/access';
import { createWebApp as createApp, sameSiteReturnPath } from '../../web/app';
import { AuthorizationResponseError } from 'openid-client';
import { displayNameOf, SignInError, SignInNeedsThePerson, SignInWithdrawn, type OidcSignIn } from '../../web/oidc';
import { LIMITS, NAME, textProblem } from '../../workflows/text-rules';
import { parseWebConfig, WebConfigError } from '../../web/config';
import { CookieSealer } from '../../web/session';
import { attachmentDisposition, submittedOnce } from '../../web/pages';
import { ClientErrorCode, DossierClientError, ENDED_REASON, fromTemporal, notFound, refused } from '../../client/errors';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import { missingTextWords, refusalSentence, wordedRefusal } from '../../web/refusals';
import * as rules from '../../workflows/engagement-rules';
import { CampaignCase } from '../../workflows/campaign-state';
import { checkConfirmInbound, checkRecordInbound, vendorAddressDistance, vendorsOfSender } from '../../workflows/inbox-rules';
import { REFUSAL_CODES, REFUSALS, refusalDetails } from '../../workflows/refusals';
import { completeFindings, engagementStatusOf, fastPolicy, testCampaign, testVendor } from '../helpers/fixtures';
import { confirmInbound, recordInbound } from '../../workflows/inbox';
import { noWorker } from '../../client/worker-check';
import { changesView, wordDiff } from '../../web/text-diff';
import { actorWords, entryWords } from '../../web/timeline';
import { stepKind } from '../../workflows/timeline';
import { durationIssue } from '../../workflows/time';
import { mkdtempSync, readdirSync, readFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Intake } from '../../intake/intake';
import { MaildirMailbox } from '../../intake/maildir-mailbox';
import { composeReply } from '../helpers/inbound-mail';
import { join } from 'node:path';
import { loadViews, WEB_TEMPLATES_DIR } from '../../web/views';
import { CampaignClient } from '../../client/campaign-api';
import { pdfPageTexts } from '../helpers/pdf';
import { at, clientWithHistory, csvRows, payloads, serverKeeping, updateAccepted, updateCompleted } from '../helpers/audit-history';

/** A session made once for a describe block outlives the whole file, however slow the machine (made per test, 60 s is enough). */
const FILE_SESSION_MS = 3_600_000;

// The workspace's settings in every test of this file that builds the app.
const secret = 'a-test-session-secret-of-at-least-32-characters';
const config = { host: '127.0.0.1', port: 0, publicUrl: 'https://dossier.example', issuer: 'https://id.example', clientId: 'dossier', clientSecret: 's', rolesClaim: 'roles', sessionSecret: secret, sessionHours: 8 };

/**
 * The workspace as a browser meets it: a refused form is answered with a redirect to its page
 * (post/redirect/get), which the browser follows with the session cookie the answer set, and these
 * tests read the page it lands on. A redirect that keeps no refused form (a form done) is returned as
 * it is. The redirect itself is tested on `createApp`.
 */
function createWebApp(deps: Parameters<typeof createApp>[0]): ReturnType<typeof createApp> {
  const app = createApp(deps);
  const request = app.request.bind(app);
  app.request = (async (input: string, init?: RequestInit) => {
    const response = await request(input, init);
    if ((init?.method ?? 'GET') !== 'POST' || response.status !== 303) return response;
    const set = /((?:__Host-)?dossier_session=)([^;]+)/.exec(response.headers.get('set-cookie') ?? '');
    const to = response.headers.get('location') ?? '';
    const session = set && new CookieSealer(deps.config.sessionSecret).openLapsed<{ refusedForms?: { page: string }[] }>(set[2]);
    if (!set || !session?.refusedForms?.some((r) => r.page === to)) return response;
    const sent = new Headers(init?.headers);
    const cookie = [...(sent.get('cookie') ?? '').split(/;\s*/).filter((c) => c && !c.startsWith(set[1]!)), `${set[1]}${set[2]}`].join('; ');
    return request(to, { headers: { cookie, ...(sent.get('accept-language') ? { 'accept-language': sent.get('accept-language')! } : {}) } });
  }) as typeof app.request;
  return app;
}

/** The workspace serving one engagement's status, in a campaign of the given zone. */
const AUDITOR = { subject: 'ada', name: 'Ada', roles: ['auditor'] };

/** The statement page of campaign vc as a user reads it, in a language, its campaign's status and draft given. */
function statementShown(status: unknown, draft: unknown) {
  const app = createWebApp({
    config,
    signIn: {} as OidcSignIn,
    dossier: async () => ({}) as never,
    campaigns: async () => ({ status: async () => status, statement: async () => draft, title: async () => undefined, statementChanges: async () => undefined }) as never,
    revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
  });
  return async (language: string, user: object = AUDITOR) => {
    const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'f'.repeat(32), csrf: 't', language, user, expiresAt: Date.now() + 60_000 })}`;
    return visibleText(await (await app.request('/campaigns/vc/statement', { headers: { cookie } })).text());
  };
}

/** The statement page of campaign vc as it reads the state of `kase` at each request, as HTML. */
function statementShownLive(kase: CampaignCase) {
  const app = createWebApp({
    config,
    signIn: {} as OidcSignIn,
    dossier: async () => ({}) as never,
    campaigns: async () => ({ status: async () => kase.status(), statement: async () => kase.draft, statementText: async () => kase.text, title: async () => undefined, statementChanges: async (_campaign: string, authorityId?: string) => kase.changesOfCurrentVersion(authorityId) }) as never,
    revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
  });
  return async (language: string, user: object = AUDITOR) => {
    const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'f'.repeat(32), csrf: 't', language, user, expiresAt: Date.now() + 60_000 })}`;
    return (await app.request('/campaigns/vc/statement', { headers: { cookie } })).text();
  };
}

/** The statement page of campaign vc once version 2 is published, with the vendors it was not mailed to. */
function publishedStatementShown(statementNotMailed: { vendorId: string; vendorName: string; reason: string }[]) {
  const status = {
    campaignId: 'vc', reference: 'VC', phase: 'published', engagements: [], changeRequests: [],
    draft: { version: 2, date: '2026-11-26', approvals: [], pending: [], required: 0 },
    published: { version: 2, publishedAt: '2026-11-27T15:30:00.000Z' },
    statementNotMailed,
  };
  return statementShown(status, { version: 2, campaign: { title: { en: 'Video conferencing', fr: 'Vidéoconférence' }, authorities: [] }, vendors: [] });
}

function appShowing(status: unknown, timeZone: string) {
  return appShowingWith(status, {}, timeZone);
}

/** A workspace showing one engagement's `status`, its client also having `methods` (updates, recordDownload); `deps` added to the workspace's. */
function appShowingWith(status: unknown, methods: Record<string, unknown>, timeZone = 'UTC', deps: Partial<Parameters<typeof createApp>[0]> = {}) {
  return createWebApp({
    config,
    signIn: {} as OidcSignIn,
    dossier: async () => ({ status: async () => status, campaignTimeZone: async () => timeZone, campaignOf: async () => ({ timeZone }), ...methods }) as never,
    campaigns: async () => ({}) as never,
    revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
    ...deps,
  });
}

/** What console.error wrote while `work` ran, one entry per line. */
async function logLines(work: () => Promise<unknown>): Promise<string[]> {
  const written: string[] = [];
  const spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void written.push(args.map((a) => (typeof a === 'string' ? a : String(a))).join(' ')));
  try {
    await work();
  } finally {
    spy.mockRestore();
  }
  return written.join('\n').split('\n');
}

describe('the name a signed-in person acts under', () => {
  // Every action carries it, and the workflows refuse a name with markup, a line break or over 200
  // characters: a display name the provider allows must not lock its owner out of every action.
  it('is one the workflows accept, whatever display name the provider keeps', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 'Léa Tremblay', sub: 's1' }, 'Léa Tremblay'],
      [{ name: 'Marie Tremblay <DPO>', sub: 's2' }, 'Marie Tremblay ‹DPO›'],
      [{ name: 'Jean\nDupont\t(OPC)', sub: 's3' }, 'Jean Dupont (OPC)'],
      [{ name: '  ', preferred_username: 'owen', sub: 's4' }, 'owen'],
    ];
    for (const [claims, expected] of cases) {
      expect(displayNameOf(claims)).toBe(expected);
      expect(textProblem(displayNameOf(claims), NAME)).toBeUndefined();
    }
    const long = displayNameOf({ name: 'É'.repeat(250), sub: 's5' });
    expect(textProblem(long, NAME)).toBeUndefined();
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('roles from the claim', () => {
  it('reads officers, auditors and a co-signatory bound to its authority, and ignores anything else', () => {
    expect(rolesFromClaim(['officer', 'co-signatory:ico', 'admin', 'officer:extra', 42])).toEqual({ roles: ['officer', 'co-signatory'], authorityId: 'ico' });
    expect(rolesFromClaim('lead-officer auditor')).toEqual({ roles: ['lead-officer', 'auditor'], authorityId: undefined });
    expect(rolesFromClaim(['co-signatory'])).toEqual({ roles: [], authorityId: undefined });
    expect(rolesFromClaim(undefined)).toEqual({ roles: [], authorityId: undefined });
  });

  it('lets an auditor read cases but act on none, and a co-signatory answer but read no case', () => {
    expect(can(['auditor'], 'read-cases')).toBe(true);
    expect(can(['auditor'], 'act-on-engagements')).toBe(false);
    expect(can(['co-signatory'], 'read-cases')).toBe(false);
    expect(can(['co-signatory'], 'answer-for-authority')).toBe(true);
    expect(can(['officer'], 'steer-campaigns')).toBe(false);
    expect(can(['lead-officer'], 'steer-campaigns')).toBe(true);
  });
});

describe('the path a sign-in or a change of language returns to', () => {
  it('stays on this site however a browser would read it, and keeps a path and query of the site', () => {
    for (const elsewhere of ['//evil.example/x', '/\t/evil.example/x', '/\n/evil.example', '/\\evil.example', 'https://evil.example', 'evil', '', undefined]) {
      expect(sameSiteReturnPath(elsewhere), JSON.stringify(elsewhere)).toBe('/campaigns');
    }
    expect(sameSiteReturnPath('/campaigns/vc-2020/board?sort=deadline&page=2')).toBe('/campaigns/vc-2020/board?sort=deadline&page=2');
    expect(sameSiteReturnPath('/campaigns/vc-2020/../held')).toBe('/campaigns/held');
  });

  it('never gives a path that a browser reads as another host once dot segments are resolved', () => {
    for (const crafted of ['/..//evil.example/phish', '/.//evil.example', '/%2e%2e//evil.example', '/a/..//evil.example']) {
      expect(sameSiteReturnPath(crafted), crafted).toBe('/campaigns');
    }
  });
});

describe('where the browser goes after a sign-in or a change of language a crafted link asked for', () => {
  const sealer = new CookieSealer(secret);
  // A stand-in provider: begin() keeps the return path the workspace gives it; finish() signs Owen in.
  const signIn = {
    begin: async (returnTo: string) => ({
      url: new URL('https://id.example/auth'),
      pending: { state: 's', nonce: 'n', codeVerifier: 'v', returnTo, expiresAt: Date.now() + 600_000 },
    }),
    finish: async () => ({ subject: 'owen', name: 'Owen', roles: ['officer'] }),
  } as unknown as OidcSignIn;
  const app = createWebApp({
    config,
    signIn,
    dossier: async () => ({}) as never,
    campaigns: async () => ({}) as never,
    revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
  });
  const crafted = '/..//evil.example/phish';

  it('stays on this site after the provider sends the browser back', async () => {
    const login = await app.request(`/login?returnTo=${encodeURIComponent(crafted)}`);
    expect(login.status).toBe(302);
    const pending = (login.headers.get('set-cookie') ?? '').split(';')[0];
    const callback = await app.request('/auth/callback?code=c&state=s', { headers: { cookie: pending } });
    expect(callback.status).toBe(303);
    expect(callback.headers.get('location')).toBe('/campaigns');
  });

  it('stays on this site after the language changes', async () => {
    const session = { id: 'e'.repeat(32), csrf: 'tok', user: { subject: 'owen', name: 'Owen', roles: ['officer'] }, expiresAt: Date.now() + 60_000 };
    const response = await app.request('/language', {
      method: 'POST',
      headers: { cookie: `__Host-dossier_session=${sealer.seal(session)}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: 'tok', language: 'fr', returnTo: crafted }).toString(),
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/campaigns');
  });
});

describe('signing out', () => {
  const sealer = new CookieSealer(secret);
  const session = { id: 'g'.repeat(32), csrf: 'tok', user: { subject: 'owen', name: 'Owen', roles: ['officer'] }, expiresAt: Date.now() + FILE_SESSION_MS };
  const workspace = (endSessionUrl: () => Promise<URL | undefined>) => {
    const reauthenticated: boolean[] = [];
    const signIn = {
      begin: async (returnTo: string, _language: string, { reauthenticate = false } = {}) => {
        reauthenticated.push(reauthenticate);
        return { url: new URL('https://id.example/auth'), pending: { state: 's', nonce: 'n', codeVerifier: 'v', returnTo, expiresAt: Date.now() + 600_000 } };
      },
      finish: async () => ({ subject: 'owen', name: 'Owen', roles: ['officer'] }),
      endSessionUrl,
    } as unknown as OidcSignIn;
    const app = createWebApp({ config, signIn, dossier: async () => ({}) as never, campaigns: async () => ({}) as never, revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }) });
    const logout = () =>
      app.request('/logout', {
        method: 'POST',
        headers: { cookie: `__Host-dossier_session=${sealer.seal(session)}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: 'tok' }).toString(),
      });
    return { app, logout, reauthenticated };
  };
  const cookiesOf = (response: Response) => response.headers.getSetCookie().map((c) => c.split(';')[0]).filter((c) => !c.endsWith('='));

  it('sends the browser to the provider’s end-session endpoint, which returns it to the signed-out page', async () => {
    const { logout } = workspace(async () => new URL('https://id.example/session/end?client_id=dossier'));
    const response = await logout();
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('https://id.example/session/end?client_id=dossier');
    // Every page lets its sign-out form end there.
    expect(response.headers.get('content-security-policy')).toContain("form-action 'self' https://id.example;");
  });

  it('at a provider with no end-session endpoint, says the user is signed out and has the next sign-in ask for credentials', async () => {
    for (const endSessionUrl of [async () => undefined, async () => Promise.reject(new Error('provider out of reach'))]) {
      const { app, logout, reauthenticated } = workspace(endSessionUrl);
      const response = await logout();
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('You are signed out of the workspace.');
      await app.request('/login', { headers: { cookie: cookiesOf(response).join('; ') } });
      await app.request('/login');
      expect(reauthenticated).toEqual([true, false]);
    }
  });
});

describe('signing out while the identity provider cannot revoke the refresh token', () => {
  it('signs out all the same, and logs the failure under a reference', async () => {
    const sealer = new CookieSealer(secret);
    const revoked: string[] = [];
    const signIn = {
      revokeRefreshToken: async () => {
        throw new SignInError('cannot revoke the refresh token at the identity provider: connect ECONNREFUSED');
      },
      endSessionUrl: async () => undefined,
    } as unknown as OidcSignIn;
    const app = createWebApp({ config, signIn, dossier: async () => ({}) as never, campaigns: async () => ({}) as never, revokedSessions: () => ({ revoke: async (id: string) => void revoked.push(id), isRevoked: async () => false }) });
    const session = { id: 'r'.repeat(32), csrf: 'tok', user: { subject: 'owen', name: 'Owen', roles: ['officer'] }, refreshToken: 'rt-1', expiresAt: Date.now() + 60_000 };
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const response = await app.request('/logout', {
        method: 'POST',
        headers: { cookie: `__Host-dossier_session=${sealer.seal(session)}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: 'tok' }).toString(),
      });
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('You are signed out of the workspace.');
      expect(revoked).toEqual(['r'.repeat(32)]);
      const line = logged.mock.calls.map((args) => String(args[0])).find((l) => l.includes('was not revoked'));
      expect(line).toMatch(/^web: POST \/logout: the refresh token of owen was not revoked at the identity provider, reference [0-9A-F]{8}: /);
    } finally {
      logged.mockRestore();
    }
  });
});

describe('signing in over a live session', () => {
  it('signs the session it replaces out, so a copy of that cookie is signed in no more', async () => {
    const sealer = new CookieSealer(secret);
    const revoked: string[] = [];
    const signIn = {
      begin: async (returnTo: string) => ({ url: new URL('https://id.example/auth'), pending: { state: 's', nonce: 'n', codeVerifier: 'v', returnTo, expiresAt: Date.now() + 600_000 } }),
      finish: async () => ({ subject: 'emma', name: 'Emma', roles: ['co-signatory'], authorityId: 'ico' }),
    } as unknown as OidcSignIn;
    const app = createWebApp({ config, signIn, dossier: async () => ({}) as never, campaigns: async () => ({}) as never, revokedSessions: () => ({ revoke: async (id: string) => void revoked.push(id), isRevoked: async (id: string) => revoked.includes(id) }) });
    const owen = `__Host-dossier_session=${sealer.seal({ id: 'h'.repeat(32), csrf: 'tok', user: { subject: 'owen', name: 'Owen', roles: ['officer'] }, expiresAt: Date.now() + 60_000 })}`;
    const login = await app.request('/login?returnTo=/campaigns', { headers: { cookie: owen } });
    const pending = (login.headers.getSetCookie().find((c) => c.startsWith('__Host-dossier_sign_in_')) ?? '').split(';')[0];
    const callback = await app.request('/auth/callback?code=c&state=s', { headers: { cookie: `${owen}; ${pending}` } });
    expect(callback.status).toBe(303);
    expect(revoked).toEqual(['h'.repeat(32)]);
    // Another person's sign-in keeps nothing of the session it replaces, not even its CSRF token
    // (only the same person renewing a sign-in keeps it, test/web/session-ending.test.ts).
    const replaced = callback.headers.getSetCookie().find((c) => c.startsWith('__Host-dossier_session=')) ?? '';
    const emma = sealer.open<{ csrf: string; user?: { subject: string }; expiresAt: number }>(decodeURIComponent(replaced.split(';')[0]!.slice('__Host-dossier_session='.length)));
    expect(emma?.user?.subject).toBe('emma');
    expect(emma?.csrf).not.toBe('tok');
  });
});

describe('the end of a sign-in, on its pages', () => {
  const app = createWebApp({ config, signIn: {} as OidcSignIn, dossier: async () => ({ findCampaigns: async () => [] }) as never, campaigns: async () => ({}) as never, revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }) });
  const pageFor = async (minutesLeft: number) => {
    const session = { id: 's'.repeat(32), csrf: 'tok', user: { subject: 'owen', name: 'Owen', roles: ['officer'] }, refreshToken: 'rt', rolesCheckedAt: Date.now(), expiresAt: Date.now() + minutesLeft * 60_000 };
    return (await app.request('/campaigns', { headers: { cookie: `__Host-dossier_session=${new CookieSealer(secret).seal(session)}` } })).text();
  };

  it('is said in its last 15 minutes only, with a link that signs in again in a new tab on the same page', async () => {
    expect(await pageFor(16)).not.toContain('id="session-ending"');
    const html = await pageFor(14);
    expect(html).toMatch(/<p class="notice" id="session-ending">Your sign-in ends at [^<]+\(UTC\)\. A form sent after then is not recorded\. <a href="\/login\?returnTo&#x3D;%2Fcampaigns" target="_blank" rel="noopener">Stay signed in \(opens a new tab, this page stays as it is\)<\/a><\/p>/);
  });
});

describe('the end of a sign-in, without script', () => {
  const app = createWebApp({ config, signIn: {} as OidcSignIn, dossier: async () => ({ findCampaigns: async () => [] }) as never, campaigns: async () => ({}) as never, revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }) });
  const endsAt = new Date(Date.UTC(2099, 0, 1, 17, 30));
  const session = { id: 'u'.repeat(32), csrf: 'tok', user: { subject: 'owen', name: 'Owen', roles: ['officer'] }, refreshToken: 'rt', rolesCheckedAt: Date.now(), expiresAt: endsAt.getTime() };
  const headerOf = async (language: string) => {
    const html = await (await app.request('/campaigns', { headers: { cookie: `__Host-dossier_session=${new CookieSealer(secret).seal({ ...session, language })}` } })).text();
    return /<header class="site">([\s\S]*)<\/header>/.exec(html)?.[1] ?? '';
  };

  // A page open for an hour cannot say when its sign-in's last minutes begin: its header says when it ends from the first.
  it('is said in every page’s header, hours before, in the reader’s language', async () => {
    expect(await headerOf('en')).toContain('<span class="until" id="sign-in-until">Signed in until 1\u00a0Jan\u00a02099, 17:30 (UTC)</span>');
    expect(visibleText(await headerOf('fr'))).toContain('Connexion valable jusqu’au 1er\u00a0janv.\u00a02099, 17\u00a0h\u00a030 (UTC)');
    expect(await (await app.request('/signed-out')).text()).not.toContain('sign-in-until');
  });
});

describe('signing in with an account that has no role in Dossier', () => {
  it('says so, and has the next sign-in in this browser ask the provider for credentials, so another account can be used', async () => {
    const reauthenticated: boolean[] = [];
    const signIn = {
      begin: async (returnTo: string, _language: string, { reauthenticate = false } = {}) => {
        reauthenticated.push(reauthenticate);
        return { url: new URL('https://id.example/auth'), pending: { state: 's', nonce: 'n', codeVerifier: 'v', returnTo, expiresAt: Date.now() + 600_000 } };
      },
      finish: async () => ({ subject: 'pat', name: 'Pat Personal', roles: [] }),
    } as unknown as OidcSignIn;
    const app = createWebApp({ config, signIn, dossier: async () => ({}) as never, campaigns: async () => ({}) as never, revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }) });
    const pending = (await app.request('/login')).headers.getSetCookie().find((c) => c.startsWith('__Host-dossier_sign_in_'))!.split(';')[0];
    const refused = await app.request('/auth/callback?code=c&state=s', { headers: { cookie: pending } });
    expect(refused.status).toBe(403);
    expect(visibleText(await refused.text())).toContain('Your account has no role in Dossier');
    const kept = refused.headers.getSetCookie().map((c) => c.split(';')[0]).filter((c) => !c.endsWith('='));
    await app.request('/login', { headers: { cookie: kept.join('; ') } });
    // Otherwise the provider's session signs the same account in again at once, and refuses it again.
    expect(reauthenticated).toEqual([false, true]);
  });
});

describe('signing in from two tabs at once', () => {
  // A session lapsed with several tabs open: each tab's page sends it to sign in, each begins a
  // sign-in of its own, and the provider sends each back with its own state.
  const states = ['s1', 's2'];
  const signIn = {
    begin: async (returnTo: string) => {
      const state = states.shift()!;
      return { url: new URL(`https://id.example/auth?state=${state}`), pending: { state, nonce: 'n', codeVerifier: 'v', returnTo, expiresAt: Date.now() + 600_000 } };
    },
    // As openid-client does: the callback's state must be the one this sign-in began with.
    finish: async (callback: URL, pending: { state: string }) => {
      if (callback.searchParams.get('state') !== pending.state) throw new Error('unexpected "state" response parameter value');
      return { subject: 'owen', name: 'Owen', roles: ['officer'] };
    },
  } as unknown as OidcSignIn;
  const app = createWebApp({ config, signIn, dossier: async () => ({}) as never, campaigns: async () => ({}) as never, revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }) });
  const signInCookie = (response: Response) => response.headers.getSetCookie().find((c) => c.startsWith('__Host-dossier_sign_in_') && !/max-age=0/i.test(c))?.split(';')[0];
  /** The cookies a browser holds after `response`, from those it held before. */
  const kept = (before: string[], response: Response) => {
    const jar = new Map(before.map((c) => [c.split('=')[0]!, c]));
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';')[0]!;
      const name = pair.split('=')[0]!;
      if (/max-age=0/i.test(line)) jar.delete(name);
      else jar.set(name, pair);
    }
    return [...jar.values()];
  };

  it('brings each tab back to its own page, whichever comes back first', async () => {
    const first = signInCookie(await app.request('/login?returnTo=/campaigns/vc'))!;
    const second = signInCookie(await app.request('/login?returnTo=/held/unsorted', { headers: { cookie: first } }))!;
    const back1 = await app.request('/auth/callback?code=c1&state=s1', { headers: { cookie: `${first}; ${second}` } });
    expect(back1.status).toBe(303);
    expect(back1.headers.get('location')).toBe('/campaigns/vc');
    const left = kept([first, second], back1).filter((c) => c.startsWith('__Host-dossier_sign_in_'));
    expect(left).toEqual([second]);
    const back2 = await app.request('/auth/callback?code=c2&state=s2', { headers: { cookie: left.join('; ') } });
    expect(back2.status).toBe(303);
    expect(back2.headers.get('location')).toBe('/held/unsorted');
  });

  it('keeps no more than five sign-ins waiting in one browser, forgetting the oldest', async () => {
    let n = 0;
    const looping = createWebApp({
      config,
      signIn: { begin: async (returnTo: string) => ({ url: new URL('https://id.example/auth'), pending: { state: `loop${++n}`, nonce: 'n', codeVerifier: 'v', returnTo, expiresAt: Date.now() + 600_000 + n } }) } as unknown as OidcSignIn,
      dossier: async () => ({}) as never,
      campaigns: async () => ({}) as never,
      revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
    });
    let cookies: string[] = [];
    const begun: string[] = [];
    for (let i = 0; i < 8; i++) {
      const login = await looping.request('/login', { headers: { cookie: cookies.join('; ') } });
      begun.push(signInCookie(login)!.split('=')[0]!);
      cookies = kept(cookies, login).filter((c) => c.startsWith('__Host-dossier_sign_in_'));
    }
    expect(cookies.map((c) => c.split('=')[0]).sort()).toEqual(begun.slice(-5).sort());
  });
});

describe('the workspace’s cookies', () => {
  const sealer = new CookieSealer(secret);
  const signIn = {
    begin: async (returnTo: string) => ({ url: new URL('https://id.example/auth'), pending: { state: 's', nonce: 'n', codeVerifier: 'v', returnTo, expiresAt: Date.now() + 600_000 } }),
    finish: async () => ({ subject: 'owen', name: 'Owen', roles: ['officer'] }),
  } as unknown as OidcSignIn;
  const served = (publicUrl: string) =>
    createWebApp({ config: { ...config, publicUrl }, signIn, dossier: async () => ({ findCampaigns: async () => [] }) as never, campaigns: async () => ({}) as never, revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }) });
  const owen = () => sealer.seal({ id: 'k'.repeat(32), csrf: 'tok', user: { subject: 'owen', name: 'Owen', roles: ['officer'] }, expiresAt: Date.now() + 60_000 });

  // A sibling subdomain is the same site: it could set `dossier_sign_in` or `dossier_session` for the
  // parent domain, and the browser would send its cookie here (a sign-in of the attacker's own).
  it('are __Host- cookies over HTTPS (Secure, the whole site, no Domain), which no other host can set', async () => {
    const app = served('https://dossier.example');
    const login = await app.request('/login?returnTo=/campaigns');
    const set = login.headers.getSetCookie();
    expect(set.length).toBeGreaterThan(0);
    for (const line of set) {
      expect(line).toMatch(/^__Host-dossier_[a-z_]+(_[\w-]{22})?=/);
      expect(line).toMatch(/; Secure/);
      expect(line).toMatch(/; Path=\//);
      expect(line).not.toMatch(/; Domain=/i);
    }
    const pending = set.find((c) => c.startsWith('__Host-dossier_sign_in_'))!.split(';')[0];
    const callback = await app.request('/auth/callback?code=c&state=s', { headers: { cookie: pending } });
    expect(callback.status).toBe(303);
    expect(callback.headers.getSetCookie().some((c) => c.startsWith('__Host-dossier_session='))).toBe(true);
    // A session under the plain name, as another host of the site could plant it, signs nobody in.
    const planted = await app.request('/campaigns', { headers: { cookie: `dossier_session=${owen()}` } });
    expect(planted.status).toBe(303);
    expect(planted.headers.get('location')).toMatch(/^\/login/);
    expect((await app.request('/campaigns', { headers: { cookie: `__Host-dossier_session=${owen()}` } })).status).toBe(200);
  });

  // A sign-out before the upgrade left its mark under the plain name, and a provider without an
  // end-session endpoint still holds that user's session: the next person at that desk must be asked.
  it('still honour a sign-out made before they had the prefix: the next sign-in asks for credentials', async () => {
    const reauthenticated: boolean[] = [];
    const app = createWebApp({
      config,
      signIn: { begin: async (returnTo: string, _language: string, { reauthenticate = false } = {}) => (reauthenticated.push(reauthenticate), signIn.begin(returnTo, 'en')) } as unknown as OidcSignIn,
      dossier: async () => ({}) as never,
      campaigns: async () => ({}) as never,
      revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
    });
    await app.request('/login', { headers: { cookie: 'dossier_signed_out=1' } });
    await app.request('/login');
    expect(reauthenticated).toEqual([true, false]);
  });

  it('keep their plain names on http://localhost, where a browser refuses the prefix', async () => {
    const app = served('http://localhost:8300');
    const set = (await app.request('/login?returnTo=/campaigns')).headers.getSetCookie();
    expect(set.map((c) => c.split('=')[0])).toEqual([expect.stringMatching(/^dossier_sign_in_[\w-]{22}$/), 'dossier_session']);
    expect((await app.request('/campaigns', { headers: { cookie: `dossier_session=${owen()}` } })).status).toBe(200);
  });
});

describe('the id a form is recorded under', () => {
  const form = { submission: '0f8fad5b-d9cb-469f-a165-70867728950e', version: '2', _csrf: 'tok' };
  const emma = { subject: 'emma', name: 'Emma', roles: ['co-signatory' as const], authorityId: 'ico' };
  const jonas = { subject: 'jonas', name: 'Jonas', roles: ['co-signatory' as const], authorityId: 'fdpic' };

  const secret = 'a-test-session-secret-of-at-least-32-characters';

  it('is the same for one user sending the same form twice, and another for someone else sending it', () => {
    expect(submittedOnce('statement-approve', form, emma, secret)).toEqual(submittedOnce('statement-approve', { ...form, _csrf: 'other' }, emma, secret));
    expect(submittedOnce('statement-approve', form, emma, secret).updateId).not.toBe(submittedOnce('statement-approve', form, jonas, secret).updateId);
    expect(submittedOnce('statement-approve', form, emma, secret).updateId).not.toBe(submittedOnce('statement-approve', form, { ...emma, authorityId: 'opc' }, secret).updateId);
  });

  // Update ids are kept in clear by the cluster: a plain digest of a short typed value (a number of
  // days, a version) and a known subject could be recomputed by anyone who reads them.
  it('cannot be recomputed from what was typed without the workspace secret, and is the same on every host sharing it', () => {
    const id = submittedOnce('extend', { ...form, extendBy: '30' }, emma, secret).updateId!;
    const typed = [['extendBy', '30'], ['version', '2']];
    const plain = createHash('sha256').update(JSON.stringify([emma.subject, emma.authorityId, typed])).digest('hex').slice(0, 16);
    expect(id.startsWith(`web:extend:${form.submission}:`)).toBe(true);
    expect(id).not.toContain(plain);
    expect(submittedOnce('extend', { ...form, extendBy: '30' }, emma, secret).updateId).toBe(id);
    expect(submittedOnce('extend', { ...form, extendBy: '30' }, emma, 'another-session-secret-of-at-least-32-characters').updateId).not.toBe(id);
  });
});

describe('the Content-Disposition of a vendor’s file, on both download routes', () => {
  it('names the file in ASCII for older browsers and in UTF-8 for the others', () => {
    expect(attachmentDisposition('Réponse "finale".pdf')).toBe(`attachment; filename="R_ponse _finale_.pdf"; filename*=UTF-8''R%C3%A9ponse%20%22finale%22.pdf`);
  });

  it('never throws, whatever the name holds: a lone UTF-16 surrogate goes as U+FFFD', () => {
    expect(attachmentDisposition('\ud800.pdf')).toBe(`attachment; filename="_.pdf"; filename*=UTF-8''%EF%BF%BD.pdf`);
    expect(attachmentDisposition('a\udc00b\ud83d')).toBe(`attachment; filename="a_b_"; filename*=UTF-8''a%EF%BF%BDb%EF%BF%BD`);
  });
});

describe('the headers of every response', () => {
  const config = { host: '127.0.0.1', port: 0, issuer: 'https://id.example', clientId: 'dossier', clientSecret: 's', rolesClaim: 'roles', sessionSecret: 'a-test-session-secret-of-at-least-32-characters', sessionHours: 8 };
  // The stylesheet needs no sign-in and no client: only the configuration matters here.
  const unused = async (): Promise<never> => {
    throw new Error('not used by this page');
  };
  const headersFor = async (publicUrl: string) =>
    (await createWebApp({ config: { ...config, publicUrl }, signIn: {} as OidcSignIn, dossier: unused, campaigns: unused, revokedSessions: () => { throw new Error('not used by this page'); } }).request('/static/web.css')).headers;

  it('tells the browser to keep to HTTPS when the workspace is served over it, and not over plain HTTP on a loopback', async () => {
    expect((await headersFor('https://dossier.example')).get('strict-transport-security')).toBe('max-age=31536000');
    expect((await headersFor('http://127.0.0.1:8080')).get('strict-transport-security')).toBeNull();
    expect((await headersFor('https://dossier.example')).get('x-frame-options')).toBe('DENY');
  });

  it('gives browsers an icon of this origin, so none asks for /favicon.ico in vain on every page', async () => {
    const app = createWebApp({ config: { ...config, publicUrl: 'https://dossier.example' }, signIn: {} as OidcSignIn, dossier: unused, campaigns: unused, revokedSessions: () => { throw new Error('not used by this page'); } });
    for (const path of ['/favicon.ico', '/static/icon.svg']) {
      const response = await app.request(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/svg+xml');
      expect(await response.text()).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      // Kept a day, not asked again with every page.
      expect(response.headers.get('cache-control'), path).toBe('max-age=86400');
    }
    const signedOut = await (await app.request('/signed-out')).text();
    expect(signedOut).toContain('<link rel="icon" href="/static/icon.svg" type="image/svg+xml">');
  });

  it('keeps other origins’ windows and pages from holding or embedding a workspace response', async () => {
    const headers = await headersFor('https://dossier.example');
    expect(headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(headers.get('cross-origin-resource-policy')).toBe('same-origin');
  });
});

describe('the stylesheet and the icon', () => {
  // Every call the app makes on the session store, the refresh store or the provider, by name.
  const asked: string[] = [];
  const recording = (name: string) => new Proxy({}, { get: (_t, method) => (...args: unknown[]) => (asked.push(`${name}.${String(method)}`), Promise.reject(new Error(`${name}.${String(method)}(${args.length} args) asked for a static asset`))) });
  const app = createApp({
    config,
    signIn: recording('signIn') as OidcSignIn,
    dossier: async () => { throw new Error('not used by a static asset'); },
    campaigns: async () => { throw new Error('not used by a static asset'); },
    revokedSessions: () => recording('revokedSessions') as never,
    tokenRefreshes: () => recording('tokenRefreshes') as never,
    refusedForms: () => recording('refusedForms') as never,
  });
  const assets = [['/static/web.css', 'text/css; charset=utf-8', /body\{margin:0;/], ['/favicon.ico', 'image/svg+xml', /^<svg /], ['/static/icon.svg', 'image/svg+xml', /^<svg /]] as const;

  it('answers a browser with no cookie, and sets none', async () => {
    for (const [path, type, body] of assets) {
      const response = await app.request(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type'), path).toBe(type);
      expect(await response.text(), path).toMatch(body);
      expect(response.headers.getSetCookie(), path).toEqual([]);
    }
    // The security headers and the icon's day of cache are as before.
    const icon = await app.request('/favicon.ico');
    expect(icon.headers.get('cache-control')).toBe('max-age=86400');
    expect(icon.headers.get('x-content-type-options')).toBe('nosniff');
    expect(icon.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect((await app.request('/static/web.css')).headers.get('cache-control')).toBe('no-store');
  });

  it('reads no session: a signed-in cookie due for its roles re-check asks neither the session store nor the provider', async () => {
    asked.length = 0;
    const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'a'.repeat(32), csrf: 't', user: { subject: 'owen', name: 'Owen', roles: ['officer'] }, refreshToken: 'rt', rolesCheckedAt: 0, expiresAt: Date.now() + 60_000 })}`;
    for (const [path, type] of assets) {
      const response = await app.request(path, { headers: { cookie } });
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type'), path).toBe(type);
      expect(response.headers.getSetCookie(), path).toEqual([]);
    }
    expect(asked).toEqual([]);
  });
});

describe('a sign-in the identity provider refused or could not complete', () => {
  // What openid-client throws for a callback that carries the provider's error (a locked account,
  // a cancelled consent): its words are the provider's, written for its administrator.
  const refusedAtProvider = new AuthorizationResponseError('authorization response from the server is an error', {
    cause: new URLSearchParams({ error: 'access_denied', error_description: 'Account jdoe locked by policy LDAP-7\r\nweb: FORGED BY THE PROVIDER' }),
  });
  const workspace = (signIn: Partial<OidcSignIn>) =>
    createWebApp({ config, signIn: signIn as OidcSignIn, dossier: async () => ({}) as never, campaigns: async () => ({}) as never, revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }) });
  const begin = async (returnTo: string) => ({ url: new URL('https://id.example/auth'), pending: { state: 's', nonce: 'n', codeVerifier: 'v', returnTo, expiresAt: Date.now() + 600_000 } });
  const referenceIn = (text: string) => /(?:Reference|Référence)\u00a0?: ([0-9A-F]{8})/.exec(text)?.[1];

  it('shows a sentence of its own with a reference to quote, and logs the provider’s words under that reference on one line', async () => {
    const app = workspace({ begin, finish: async () => Promise.reject(refusedAtProvider) });
    for (const [language, sentence] of [['en', 'Signing in through the identity provider did not succeed.'], ['fr', 'La connexion par le fournisseur d’identité n’a pas abouti.']] as const) {
      const login = await app.request('/login', { headers: { cookie: `__Host-dossier_language=${language}` } });
      const pending = login.headers.getSetCookie().find((c) => c.startsWith('__Host-dossier_sign_in_'))!.split(';')[0];
      let response: Response | undefined;
      const lines = await logLines(async () => {
        response = await app.request('/auth/callback?state=s&error=access_denied', { headers: { cookie: `${pending}; __Host-dossier_language=${language}` } });
      });
      expect(response!.status).toBe(400);
      const text = visibleText(await response!.text());
      expect(text).toContain(sentence);
      expect(text).not.toContain('LDAP-7');
      expect(text).not.toContain('authorization response');
      const reference = referenceIn(text);
      expect(reference, text).toBeDefined();
      const logged = lines.filter((l) => l.includes(reference!));
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatch(/^web: GET \/auth\/callback: /);
      expect(logged[0]).toContain('Account jdoe locked by policy LDAP-7%0D%0Aweb: FORGED BY THE PROVIDER');
      expect(lines.filter((l) => l.startsWith('web: FORGED'))).toEqual([]);
      // The provider's refusal is the person's outcome, not a fault of the workspace: no stack follows.
      expect(lines.filter((l) => l.trim()), 'the whole entry').toEqual(logged);
    }
  });

  it('does not show where the provider was sought or why it could not be reached, but a reference the log explains', async () => {
    const app = workspace({ begin: async () => Promise.reject(new SignInError('cannot reach the identity provider at https://idp.internal:8443: connect ECONNREFUSED 10.0.0.5:8443')) });
    let response: Response | undefined;
    const lines = await logLines(async () => {
      response = await app.request('/login?returnTo=/campaigns');
    });
    expect(response!.status).toBe(502);
    const text = visibleText(await response!.text());
    expect(text).toContain('The identity provider cannot be reached right now.');
    expect(text).not.toContain('idp.internal');
    expect(text).not.toContain('ECONNREFUSED');
    const reference = referenceIn(text);
    expect(reference, text).toBeDefined();
    expect(lines.filter((l) => l.includes(reference!)).join('\n')).toContain('connect ECONNREFUSED 10.0.0.5:8443');
  });
});

describe('what a request can write into the server’s log', () => {
  const forged = '%0D%0Aweb:%20FORGED';

  it('refuses a body no page of the workspace sends, before anyone signs in: 400, nothing logged, not a 500', async () => {
    const app = createWebApp({ config, signIn: {} as OidcSignIn, dossier: async () => ({}) as never, campaigns: async () => ({}) as never, revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }) });
    let response: Response | undefined;
    const lines = await logLines(async () => {
      response = await app.request(`/language${forged}`, { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=b' }, body: 'not a multipart body' });
    });
    expect(response!.status).toBe(400);
    expect(await response!.text()).toContain('This form was not sent from this workspace page');
    expect(lines.filter((l) => l.startsWith('web: '))).toEqual([]);
  });

  it('writes a path holding a line break, and an error quoting it, on the request’s own line', async () => {
    const app = createWebApp({
      config,
      signIn: {} as OidcSignIn,
      // An error quoting what a request sent (a message id from the query, say) as it came.
      dossier: async () => ({ status: async () => Promise.reject(new Error('cannot read "letter\r\nweb: FORGED BY THE ERROR"')), campaignTimeZone: async () => 'UTC' }) as never,
      campaigns: async () => ({}) as never,
      revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
    });
    const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'c'.repeat(32), csrf: 't', user: { subject: 'owen', name: 'Owen', roles: ['officer'] }, expiresAt: Date.now() + 60_000 })}`;
    const lines = await logLines(async () => expect((await app.request(`/campaigns/vc/engagements/zoom/mail/sent/letter${forged}`, { headers: { cookie } })).status).toBe(500));
    const requests = lines.filter((l) => /^web: /.test(l));
    expect(requests).toEqual(['web: GET /campaigns/vc/engagements/zoom/mail/sent/letter%0D%0Aweb: FORGED: Error: cannot read "letter%0D%0Aweb: FORGED BY THE ERROR"']);
  });
});

describe('what the log keeps of an ordinary end of a session', () => {
  // The roles are due for their re-check, with the refresh token the provider gave at sign-in.
  const dueForRecheck = (subject: string) =>
    `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'e'.repeat(32), csrf: 't', user: { subject, name: 'Léa', roles: ['lead-officer'] }, refreshToken: 'old-token', rolesCheckedAt: 0, expiresAt: Date.now() + 60_000 })}`;
  const workspace = (recheck: OidcSignIn['recheck']) =>
    createWebApp({
      config,
      signIn: { recheck } as OidcSignIn,
      dossier: async () => ({ findCampaigns: async () => [] }) as never,
      campaigns: async () => ({}) as never,
      revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
    });

  it('is one line, no stack, when the provider refuses the refresh token (a provider restarted, an account disabled)', async () => {
    const refused = new SignInWithdrawn("the identity provider refused the session's refresh token: grant request is invalid", { cause: new Error('invalid_grant') });
    const app = workspace(async () => Promise.reject(refused));
    const lines = await logLines(async () => expect((await app.request('/campaigns', { headers: { cookie: dueForRecheck('lead' + String.fromCharCode(10) + 'web: FORGED') } })).status).toBe(303));
    expect(lines.filter((l) => l.trim())).toEqual([
      "web: GET /campaigns: the session of lead%0Aweb: FORGED ended: the identity provider refused the session's refresh token: grant request is invalid",
    ]);
  });

  it('keeps its stack for a fault: a re-check that failed for another reason', async () => {
    const app = workspace(async () => Promise.reject(new TypeError('recheck is broken')));
    const lines = await logLines(async () => app.request('/campaigns', { headers: { cookie: dueForRecheck('lead') } }));
    expect(lines[0]).toMatch(/^web: GET \/campaigns: sign-in failed, reference [0-9A-F]{8}: TypeError: recheck is broken$/);
    expect(lines.filter((l) => /^\s+at /.test(l)).length).toBeGreaterThan(0);
  });
});

describe('a path naming something that cannot be an id', () => {
  const app = createWebApp({
    config,
    signIn: {} as OidcSignIn,
    // As the client answers an engagement it cannot find: naming it as the path gave it.
    dossier: async () => ({ status: async (ref: { campaignId: string; vendorId: string }) => Promise.reject(notFound(`engagement:${ref.campaignId}:${ref.vendorId}`)), campaignTimeZone: async () => 'UTC' }) as never,
    campaigns: async () => ({ board: async () => Promise.reject(new Error('no such campaign')) }) as never,
    holdingPen: async () => ({ intake: { held: async () => [] } as never, close: async () => {} }),
    revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
  });
  const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'd'.repeat(32), csrf: 't', user: { subject: 'owen', name: 'Owen', roles: ['officer'] }, expiresAt: Date.now() + FILE_SESSION_MS })}`;

  it('is no page: never a holding pen whose links and forms climb out of /held, nor a sentence the link wrote', async () => {
    const pen = await app.request('/held/..%2F..%2Fcampaigns%2Fvc%2Fengagements%2Fzoom', { headers: { cookie } });
    expect(pen.status).toBe(404);
    expect(await pen.text()).not.toContain('../');
    const spoofed = await app.request('/campaigns/vc/engagements/Your%20account%20is%20locked:%20call%20%2B1%20555%200100', { headers: { cookie } });
    expect(spoofed.status).toBe(404);
    const main = /<main[\s\S]*<\/main>/.exec(await spoofed.text())?.[0];
    expect(main).toContain('There is no such page.');
    expect(main).not.toContain('Your account is locked');
  });

  it('still reaches the pages of real ids and of the pen of mail that names no campaign', async () => {
    expect((await app.request('/held/unsorted', { headers: { cookie } })).status).toBe(200);
    expect((await app.request('/held/vc-2020', { headers: { cookie } })).status).toBe(200);
  });
});

describe('the session cookie', () => {
  const sealer = new CookieSealer('a-test-session-secret-of-at-least-32-characters');

  it('opens what it sealed, and reads a tampered, foreign or expired cookie as no session', () => {
    const session = { csrf: 't', user: { subject: 'lea', name: 'Léa', roles: ['officer'] }, expiresAt: Date.now() + 60_000 };
    const sealed = sealer.seal(session);
    expect(sealer.open(sealed)).toEqual(session);
    const flipped = Buffer.from(sealed, 'base64url');
    flipped[flipped.length - 1] ^= 1;
    expect(sealer.open(flipped.toString('base64url'))).toBeUndefined();
    expect(new CookieSealer('another-secret-of-at-least-32-characters!!').open(sealed)).toBeUndefined();
    expect(sealer.open(sealer.seal({ ...session, expiresAt: Date.now() - 1 }))).toBeUndefined();
    expect(sealer.open('not a cookie')).toBeUndefined();
  });
});

describe('a signed-in session while the shared store is out of reach', () => {
  const down = () => Promise.reject(new DossierClientError(ClientErrorCode.ServerUnreachable, 'PostgreSQL at postgres://db/dossier is unreachable'));
  const app = createWebApp({
    config,
    signIn: {} as OidcSignIn,
    dossier: async () => ({}) as never,
    campaigns: async () => ({}) as never,
    revokedSessions: () => ({ revoke: down, isRevoked: down }),
  });
  const session = { id: 'a'.repeat(32), csrf: 'token-of-the-session', user: { subject: 'lea', name: 'Léa', roles: ['officer'] }, expiresAt: Date.now() + FILE_SESSION_MS };
  const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal(session)}`;

  it('lets nobody in and signs nobody out: a 503 page under the usual headers, the cookie left as it is', async () => {
    const response = await app.request('/campaigns', { headers: { cookie } });
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('cannot be reached right now');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('still signs this browser out when the sign-out cannot be recorded for other copies', async () => {
    const response = await app.request('/logout', { method: 'POST', headers: { cookie: `${cookie}`, 'content-type': 'application/x-www-form-urlencoded' }, body: '_csrf=token-of-the-session' });
    // The revocation cannot be recorded: the request is answered 503 (other copies stay signed in).
    expect(response.status).toBe(503);
    // Readable but not writable: the revocation fails, and this browser's cookie is replaced all the same.
    const reachable = createWebApp({ config, signIn: {} as OidcSignIn, dossier: async () => ({}) as never, campaigns: async () => ({}) as never, revokedSessions: () => ({ revoke: down, isRevoked: async () => false }) });
    const out = await reachable.request('/logout', { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: '_csrf=token-of-the-session' });
    expect(out.status).toBe(503);
    const replaced = out.headers.getSetCookie().find((c) => c.startsWith('__Host-dossier_session=')) ?? '';
    expect(replaced).toMatch(/^__Host-dossier_session=/);
    expect(new CookieSealer(secret).open<{ user?: unknown; expiresAt: number }>(decodeURIComponent(replaced.split(';')[0]!.slice('__Host-dossier_session='.length)))?.user).toBeUndefined();
  });
});

describe('signing out on a shared machine while the shared store cannot be reached at all', () => {
  const down = () => Promise.reject(new DossierClientError(ClientErrorCode.ServerUnreachable, 'PostgreSQL at postgres://db/dossier is unreachable'));
  const app = createWebApp({
    config,
    signIn: { begin: async () => { throw new Error('not used'); }, endSessionUrl: async () => undefined } as unknown as OidcSignIn,
    dossier: async () => ({}) as never,
    campaigns: async () => ({}) as never,
    revokedSessions: () => ({ revoke: down, isRevoked: down }),
  });
  const session = { id: 'e'.repeat(32), csrf: 'token-of-the-session', user: { subject: 'lea', name: 'Léa', roles: ['officer'] }, expiresAt: Date.now() + FILE_SESSION_MS };

  it('signs this browser out all the same: its cookie no longer names anyone, and the next sign-in here asks for credentials', async () => {
    const response = await app.request('/logout', {
      method: 'POST',
      headers: { cookie: `__Host-dossier_session=${new CookieSealer(secret).seal(session)}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: '_csrf=token-of-the-session',
    });
    // The store cannot record the revocation, so the page says the workspace is unavailable...
    expect(response.status).toBe(503);
    // ...but the browser left at the desk is signed out, and the provider will ask who comes next.
    const cookies = response.headers.getSetCookie().map((c) => c.split(';')[0]!);
    const replaced = cookies.find((c) => c.startsWith('__Host-dossier_session='));
    expect(replaced, 'a new session cookie').toBeDefined();
    expect(new CookieSealer(secret).open<{ user?: unknown; expiresAt: number }>(decodeURIComponent(replaced!.slice('__Host-dossier_session='.length)))?.user).toBeUndefined();
    expect(cookies).toContain('__Host-dossier_signed_out=1');
  });
});

describe('the cases while no worker runs', () => {
  const waiting = async () => {
    throw noWorker('engagement engagement:vc:zoom', 'dossier');
  };
  const app = createWebApp({
    config,
    signIn: {} as OidcSignIn,
    dossier: async () => ({ status: waiting, campaignTimeZone: async () => 'UTC', campaignOf: async () => ({ timeZone: 'UTC' }), recordResponse: waiting, findEngagementsPage: waiting, countMatching: waiting }) as never,
    campaigns: async () => ({ board: waiting }) as never,
    revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
  });
  const cookie = (language: string) => {
    const session = { id: 'b'.repeat(32), csrf: 'token-of-the-session', language, user: { subject: 'owen', name: 'Owen', roles: ['officer'] }, expiresAt: Date.now() + 60_000 };
    return `__Host-dossier_session=${new CookieSealer(secret).seal(session)}`;
  };

  it('answers 503 saying the case waits and nothing is lost, in the reader’s language', async () => {
    const en = await app.request('/campaigns/vc/engagements/zoom', { headers: { cookie: cookie('en') } });
    expect(en.status).toBe(503);
    expect(await en.text()).toContain('Each case waits where it was and nothing is lost. Try again once the worker runs again.');
    const fr = await app.request('/campaigns/vc', { headers: { cookie: cookie('fr') } });
    expect(fr.status).toBe(503);
    expect(await fr.text()).toContain('Chaque dossier attend là où il en était et rien n’est perdu.');
  });

  it('gives a form’s typed text back, since its page cannot be shown without the worker', async () => {
    const response = await app.request('/campaigns/vc/engagements/zoom/respond', {
      method: 'POST',
      headers: { cookie: cookie('en'), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: 'token-of-the-session', summary: 'A summary typed for an hour & more', attachments: '' }).toString(),
    });
    expect(response.status).toBe(503);
    const html = await response.text();
    expect(html).toContain('This form was not recorded.');
    expect(html).toMatch(/<textarea id="typed-0" readonly>A summary typed for an hour &amp; more<\/textarea>/);
    expect(html).not.toContain('token-of-the-session</textarea>');
  });
});

describe('a form sent after its sign-in lapsed', () => {
  const app = createWebApp({
    config,
    signIn: {} as OidcSignIn,
    dossier: async () => ({}) as never,
    campaigns: async () => ({}) as never,
    revokedSessions: () => ({ revoke: async () => {}, isRevoked: async (id: string) => id === 'c'.repeat(32) }),
  });
  const session = { id: 'd'.repeat(32), csrf: 'token-of-the-session', user: { subject: 'owen', name: 'Owen', roles: ['officer'] }, expiresAt: Date.now() - 1_000 };
  const sealer = new CookieSealer(secret);
  const post = (path: string, cookie: string, form: Record<string, string>, site = 'same-origin') =>
    app.request(path, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': site },
      body: new URLSearchParams({ _csrf: 'token-of-the-session', ...form }).toString(),
    });

  it('is told to sign in again (401), with what it typed, not that the form was refused', async () => {
    const expired = `__Host-dossier_session=${sealer.seal(session)}`;
    const signedOut = `__Host-dossier_session=${sealer.seal({ ...session, id: 'c'.repeat(32), expiresAt: Date.now() + 60_000 })}`;
    for (const cookie of [expired, signedOut, '']) {
      const response = await post('/campaigns/vc/engagements/zoom/respond', cookie, { summary: 'A summary typed for an hour' });
      expect(response.status).toBe(401);
      const html = await response.text();
      expect(html).toContain('Sign in first.');
      expect(html).not.toContain('security token');
      expect(html).toContain('>A summary typed for an hour</textarea>');
    }
  });

  it('has the header’s sign-in link open a new tab too, saying so, in both languages: no link on the page replaces what was typed', async () => {
    const expired = `__Host-dossier_session=${sealer.seal(session)}`;
    for (const [language, words] of [['en', 'Sign in (opens a new tab)'], ['fr', 'Se connecter (dans un nouvel onglet)']] as const) {
      const html = await (await post('/campaigns/vc/engagements/zoom/respond', `${expired}; __Host-dossier_language=${language}`, { summary: 'A summary typed for an hour' })).text();
      const header = /<header class="site">([\s\S]*)<\/header>/.exec(html)?.[1] ?? '';
      const links = [...header.matchAll(/<a href="\/login[^"]*"([^>]*)>([^<]*)<\/a>/g)].map(([, attributes, text]) => [attributes, text]);
      expect(links, language).toEqual([[' target="_blank" rel="noopener"', words]]);
    }
    // Elsewhere the header's link signs in in the same tab: there is nothing to keep.
    const signedOut = await (await app.request('/signed-out')).text();
    expect(/<header class="site">[\s\S]*<a href="\/login">Sign in<\/a>[\s\S]*<\/header>/.test(signedOut)).toBe(true);
  });

  it('offers to sign in again and come back to the form’s page, as the approval email’s link would', async () => {
    const expired = `__Host-dossier_session=${sealer.seal({ ...session, language: 'fr', user: { subject: 'zofia', name: 'Zofia', roles: ['co-signatory'], authorityId: 'fdpic' } })}`;
    const response = await post('/campaigns/vc/statement/request-changes', expired, { version: '2', comment: 'Nommer les cinq principes.' });
    expect(response.status).toBe(401);
    const signInLink = /<a href="([^"]*)" target="_blank" rel="noopener">(?:Sign in|Se connecter)[^<]*<\/a>/.exec(await response.text())?.[1]?.replace(/&#x3D;/g, '=');
    expect(signInLink).toBe(`/login?returnTo=${encodeURIComponent('/campaigns/vc/statement')}`);
    // In the page's content too, where a skip link or a screen reader's jump to the main landmark lands.
    const main = /<main id="main">([\s\S]*)<\/main>/.exec(await (await post('/campaigns/vc/statement/request-changes', expired, { version: '2', comment: 'Nommer.' })).text())?.[1] ?? '';
    // In a new tab, saying so (WCAG 3.2.5): this page keeps what was typed.
    const again = /<a href="([^"]*)" id="sign-in-again" target="_blank" rel="noopener">(Sign in again \(opens a new tab, this page stays as it is\))<\/a>/.exec(main);
    expect(again?.[1]?.replace(/&#x3D;/g, '=')).toBe(`/login?returnTo=${encodeURIComponent('/campaigns/vc/statement')}`);
    const french = await (await post('/campaigns/vc/statement/request-changes', '__Host-dossier_language=fr', { version: '2', comment: 'Nommer.' })).text();
    expect(french).toContain('id="sign-in-again" target="_blank" rel="noopener">Se connecter de nouveau (dans un nouvel onglet, cette page reste telle quelle)</a>');
    // Where a sign-in ends, the link starts afresh: a callback's code is good once.
    const failed = await app.request('/auth/callback?code=used&state=s');
    expect(/<a href="([^"]*)">(?:Sign in|Se connecter)<\/a>/.exec(await failed.text())?.[1]).toBe('/login');
  });

  it('gives a co-signatory’s typed comment back in the language it chose, under the form’s own label, without the hidden version', async () => {
    const zofia = { ...session, language: 'fr' as const, user: { subject: 'zofia', name: 'Zofia', roles: ['co-signatory'], authorityId: 'fdpic' } };
    // Expired: the browser keeps only the language cookie the session left. Signed out elsewhere: its cookie still says French.
    const expired = `__Host-dossier_language=fr`;
    const signedOut = `__Host-dossier_session=${sealer.seal({ ...zofia, id: 'c'.repeat(32), expiresAt: Date.now() + 60_000 })}`;
    for (const cookie of [expired, signedOut]) {
      const response = await post('/campaigns/vc/statement/request-changes', cookie, { submission: 's-1', version: '2', comment: 'Nommer les cinq principes.' });
      expect(response.status).toBe(401);
      const html = await response.text();
      expect(html).toMatch(/<html lang="fr"/);
      expect(html).toContain('Connectez-vous d’abord.');
      expect(html).toContain('<label for="typed-0">Ce qui doit changer</label>');
      expect(html).toContain('<textarea id="typed-0" readonly>Nommer les cinq principes.</textarea>');
      expect(html).not.toContain('>2</textarea>');
      expect(html).not.toContain('<code>version</code>');
      expect(html).not.toContain('typed-1');
    }
    // A vendor's observation is labelled with its demonstration, as the summaries form shows it.
    const summaries = await post('/campaigns/vc/statement/summaries', expired, { 'observation-zoom-d1-en': 'It worked.' });
    expect(await summaries.text()).toContain('<label for="typed-0">Observation de la démonstration d1, en anglais</label>');
  });

  it('keeps the lapsed sign-in’s CSRF token for the same person’s next sign-in, not for another’s, nor after a sign-out elsewhere', async () => {
    const signingIn = (subject: string) =>
      createWebApp({
        config,
        signIn: {
          begin: async (returnTo: string) => ({ url: new URL('https://id.example/auth'), pending: { state: 's', nonce: 'n', codeVerifier: 'v', returnTo, expiresAt: Date.now() + 600_000 } }),
          finish: async () => ({ subject, name: subject, roles: ['officer'] }),
        } as unknown as OidcSignIn,
        dossier: async () => ({}) as never,
        campaigns: async () => ({}) as never,
        revokedSessions: () => ({ revoke: async () => {}, isRevoked: async (id: string) => id === 'c'.repeat(32) }),
      });
    const cookieOf = (response: Response, name: string) => response.headers.getSetCookie().find((c) => c.startsWith(`__Host-${name}=`))!.split(';')[0]!;
    const csrfAfterSignIn = async (subject: string, sessionCookie: string) => {
      const app = signingIn(subject);
      // The form sent late meets the session that follows the lapsed one; its sign-in link begins a sign-in.
      const late = await app.request('/campaigns/vc/engagements/zoom/respond', {
        method: 'POST',
        headers: { cookie: sessionCookie, 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
        body: new URLSearchParams({ _csrf: 'token-of-the-session', summary: 'x' }).toString(),
      });
      expect(late.status).toBe(401);
      const following = cookieOf(late, 'dossier_session');
      const signIn = (await app.request('/login', { headers: { cookie: following } })).headers.getSetCookie().find((c) => c.startsWith('__Host-dossier_sign_in_'))!.split(';')[0]!;
      const callback = await app.request('/auth/callback?code=c&state=s', { headers: { cookie: `${following}; ${signIn}` } });
      expect(callback.status).toBe(303);
      return sealer.open<{ csrf: string; user?: { subject: string }; expiresAt: number }>(decodeURIComponent(cookieOf(callback, 'dossier_session').slice('__Host-dossier_session='.length)));
    };
    const expired = `__Host-dossier_session=${sealer.seal(session)}`;
    expect((await csrfAfterSignIn('owen', expired))?.csrf).toBe('token-of-the-session');
    expect((await csrfAfterSignIn('emma', expired))?.csrf).not.toBe('token-of-the-session');
    const signedOut = `__Host-dossier_session=${sealer.seal({ ...session, id: 'c'.repeat(32), expiresAt: Date.now() + 60_000 })}`;
    expect((await csrfAfterSignIn('owen', signedOut))?.csrf).not.toBe('token-of-the-session');
  });

  it('remembers the language chosen once the session has lapsed', async () => {
    const anonymous = `__Host-dossier_session=${sealer.seal({ csrf: 'token-of-the-session', expiresAt: Date.now() + 60_000 })}`;
    const chosen = await post('/language', anonymous, { language: 'fr', returnTo: '/campaigns' });
    expect(chosen.headers.getSetCookie().join('\n')).toContain('__Host-dossier_language=fr; Max-Age=31536000');
  });

  it('gives back what was typed only to a form of this site, not to one another site posts', async () => {
    const response = await post('/campaigns/vc/engagements/zoom/respond', '', { summary: 'Text another site wants shown here' }, 'cross-site');
    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain('Text another site wants shown here');
  });

  it('still changes the language with no one signed in', async () => {
    const anonymous = `__Host-dossier_session=${sealer.seal({ csrf: 'token-of-the-session', expiresAt: Date.now() + 60_000 })}`;
    const response = await post('/language', anonymous, { language: 'fr', returnTo: '/campaigns' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/campaigns');
    // The next page comes in French: the session the change set says so.
    const next = await post('/campaigns/vc/engagements/zoom/respond', (response.headers.get('set-cookie') ?? '').split(';')[0], { summary: 'x' });
    expect(await next.text()).toMatch(/<html lang="fr"/);
  });
});

describe('the language a user chose, which follows them to another browser', () => {
  const sealer = new CookieSealer(secret);
  const chosenBy = new Map<string, string>();
  const app = createWebApp({
    config,
    signIn: {
      begin: async (returnTo: string) => ({ url: new URL('https://id.example/auth'), pending: { state: 's', nonce: 'n', codeVerifier: 'v', returnTo, expiresAt: Date.now() + 600_000 } }),
      finish: async () => ({ subject: 'owen', name: 'Owen', roles: ['officer'], locale: 'en-CA' }),
    } as unknown as OidcSignIn,
    dossier: async () => ({}) as never,
    campaigns: async () => ({}) as never,
    revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
    userPreferences: () => ({ language: async (subject: string) => chosenBy.get(subject), setLanguage: async (subject: string, language: string) => void chosenBy.set(subject, language) }),
  });
  const cookieOf = (response: Response, name: string) => response.headers.getSetCookie().find((c) => c.startsWith(`__Host-${name}=`))?.split(';')[0];
  const chooseLanguage = (cookie: string, language: string) =>
    app.request('/language', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: 'tok', language, returnTo: '/campaigns' }).toString(),
    });
  /** Signs Owen in from a browser holding `cookie` (none: a browser never used here); the language of the session it gets. */
  const signInFrom = async (cookie = '') => {
    const login = await app.request('/login', { headers: { cookie } });
    const pending = login.headers.getSetCookie().find((c) => c.startsWith('__Host-dossier_sign_in_'))!.split(';')[0]!;
    const callback = await app.request('/auth/callback?code=c&state=s', { headers: { cookie: [cookie, pending].filter(Boolean).join('; ') } });
    expect(callback.status).toBe(303);
    return sealer.open<{ language?: string; expiresAt: number }>(decodeURIComponent(cookieOf(callback, 'dossier_session')!.slice('__Host-dossier_session='.length)))?.language;
  };

  it('signs Owen in, on a browser never used here, in the language he chose on another', async () => {
    const signedIn = `__Host-dossier_session=${sealer.seal({ id: 'h'.repeat(32), csrf: 'tok', language: 'en', user: { subject: 'owen', name: 'Owen', roles: ['officer'] }, expiresAt: Date.now() + 60_000 })}`;
    expect((await chooseLanguage(signedIn, 'fr')).status).toBe(303);
    expect(await signInFrom()).toBe('fr');
    // The browser's own cookie says English (another person chose it here): the person's choice wins.
    expect(await signInFrom('__Host-dossier_language=en')).toBe('fr');
  });

  it('keeps a choice made on the sign-in page just before signing in, and remembers it for the next browser', async () => {
    const anonymous = `__Host-dossier_session=${sealer.seal({ csrf: 'tok', expiresAt: Date.now() + 60_000 })}`;
    chosenBy.set('owen', 'fr');
    const chose = await chooseLanguage(anonymous, 'en');
    expect(await signInFrom(cookieOf(chose, 'dossier_session'))).toBe('en');
    expect(chosenBy.get('owen')).toBe('en');
    expect(await signInFrom()).toBe('en');
  });

  it('signs in, in the browser’s language, when the store of choices is out of reach', async () => {
    const unreachable = createWebApp({
      config,
      signIn: {
        begin: async (returnTo: string) => ({ url: new URL('https://id.example/auth'), pending: { state: 's', nonce: 'n', codeVerifier: 'v', returnTo, expiresAt: Date.now() + 600_000 } }),
        finish: async () => ({ subject: 'owen', name: 'Owen', roles: ['officer'] }),
      } as unknown as OidcSignIn,
      dossier: async () => ({}) as never,
      campaigns: async () => ({}) as never,
      revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
      userPreferences: () => ({ language: async () => Promise.reject(new DossierClientError(ClientErrorCode.ServerUnreachable, 'the store is down')), setLanguage: async () => {} }),
    });
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const login = await unreachable.request('/login', { headers: { cookie: '__Host-dossier_language=fr' } });
      const pending = login.headers.getSetCookie().find((c) => c.startsWith('__Host-dossier_sign_in_'))!.split(';')[0]!;
      const callback = await unreachable.request('/auth/callback?code=c&state=s', { headers: { cookie: `__Host-dossier_language=fr; ${pending}` } });
      expect(callback.status).toBe(303);
      expect(sealer.open<{ language?: string; expiresAt: number }>(decodeURIComponent(cookieOf(callback, 'dossier_session')!.slice('__Host-dossier_session='.length)))?.language).toBe('fr');
      expect(errors.mock.calls.flat().join('\n')).toContain('the store is down');
    } finally {
      errors.mockRestore();
    }
  });
});

describe('dates on a case whose lead authority is in Toronto', () => {
  // "10 working days" from the letter: the letter says "respond by 11 December 2026", which ends at 23:59:59.999 in Toronto.
  const status = {
    workflowId: 'engagement:vc:zoom', campaignId: 'vc', vendorId: 'zoom', vendorName: 'Zoom', stage: 'awaiting-response',
    nextDeadline: '2026-12-12T04:59:59.999Z', responseDueDate: '2026-12-12T04:59:59.999Z',
    timeline: [{ at: '2026-11-27T15:30:00.000Z', by: 'system', what: 'letter sent' }],
    openQuestions: [], questions: [], demonstrations: [], remindersSent: [], deliveryFailures: [],
  };
  const sent: unknown[] = [];
  const app = createWebApp({
    config,
    signIn: {} as OidcSignIn,
    dossier: async () =>
      ({
        status: async () => status,
        campaignTimeZone: async () => 'America/Toronto', campaignOf: async () => ({ timeZone: 'America/Toronto' }),
        extendDeadline: async (_ref: unknown, input: unknown) => {
          sent.push(input);
          return { workflowId: status.workflowId, stage: status.stage };
        },
      }) as never,
    campaigns: async () => ({}) as never,
    revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
  });
  const session = { id: 'c'.repeat(32), csrf: 'token-of-the-session', language: 'en', user: { subject: 'owen', name: 'Owen', roles: ['officer'] }, expiresAt: Date.now() + FILE_SESSION_MS };
  const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal(session)}`;

  it('shows the response due on the day the letter states, and times on Toronto clocks, naming the zone by the date fields as the letters name it', async () => {
    const html = await (await app.request('/campaigns/vc/engagements/zoom', { headers: { cookie } })).text();
    expect(html).toMatch(/<dd>11\u00a0Dec\u00a02026<\/dd>/);
    expect(html).not.toContain('12\u00a0Dec\u00a02026');
    expect(html).toContain('27\u00a0Nov\u00a02026, 10:30 (Eastern Time)');
    expect(html).toContain('<label for="extend-dueDate">New due date <span class="hint">until the end of that day in Eastern Time, the lead authority\'s time zone</span></label>');
    expect(html).not.toContain('America/Toronto');
    // The demonstration's form, offered once the vendor has responded, names the zone too.
    const responded = await (await appShowing({ ...status, stage: 'responded' }, 'America/Toronto').request('/campaigns/vc/engagements/zoom', { headers: { cookie } })).text();
    expect(responded).toMatch(/<label for="demo-at">[^<]*<span class="hint">in Eastern Time,/);
  });

  it('records a day typed in the extend form as the end of that day in Toronto', async () => {
    const response = await app.request('/campaigns/vc/engagements/zoom/extend', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: 'token-of-the-session', dueDate: '2026-12-30', reason: 'Asked for time' }).toString(),
    });
    expect(response.status).toBe(303);
    expect(sent).toEqual([expect.objectContaining({ dueDate: '2026-12-31T04:59:59.999Z', reason: 'Asked for time' })]);
  });
});

describe('the action forms an engagement page offers at each stage', () => {
  const question = (id: string, round: number, answer?: string) => ({ id, round, text: `Question ${id}?`, dueDate: '2026-12-20T04:59:59.999Z', ...(answer ? { answer } : {}) });
  const round = (n: number) => ({ round: n, askedAt: '2026-12-01T10:00:00.000Z', dueDate: '2026-12-20T04:59:59.999Z', remindersExhausted: false });
  const statusAt = (stage: string, more: Record<string, unknown> = {}) => {
    const questions = (more.questions ?? []) as { answer?: string }[];
    return {
      workflowId: 'engagement:vc:zoom', campaignId: 'vc', vendorId: 'zoom', vendorName: 'Zoom', stage,
      responseDueDate: '2026-12-12T04:59:59.999Z', letterSentAt: '2026-11-27T15:30:00.000Z',
      timeline: [], deliveryFailures: [], demonstrations: [], remindersSent: [], rounds: [], questions,
      openQuestions: questions.filter((q) => q.answer === undefined), ...more,
    };
  };
  const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'g'.repeat(32), csrf: 't', language: 'en', user: { subject: 'owen', name: 'Owen', roles: ['officer'] }, expiresAt: Date.now() + 60_000 })}`;
  const FORMS = ['respond', 'ask', 'answer', 'extend', 'schedule-demo', 'conclude', 'withdraw'] as const;
  const formsOffered = async (status: object) => {
    const html = await (await appShowing(status, 'UTC').request('/campaigns/vc/engagements/zoom', { headers: { cookie } })).text();
    return FORMS.filter((form) => html.includes(`action="/campaigns/vc/engagements/zoom/${form}"`));
  };

  it('offers no follow-up question, demonstration or conclusion while the letter goes out or the response is awaited', async () => {
    expect(await formsOffered(statusAt('sending-letter'))).toEqual(['withdraw']);
    expect(await formsOffered(statusAt('awaiting-response'))).toEqual(['respond', 'extend', 'withdraw']);
    expect(await formsOffered(statusAt('reply-received'))).toEqual(['respond', 'extend', 'withdraw']);
  });

  it('offers questions, a demonstration and the conclusion once the vendor has responded, and no extension with nothing to extend', async () => {
    const response = { receivedAt: '2026-12-01T10:00:00.000Z', summary: 'Our answer.', attachments: [] };
    expect(await formsOffered(statusAt('responded', { response }))).toEqual(['ask', 'schedule-demo', 'conclude', 'withdraw']);
    // A round still open takes its answers and an extension, not another round.
    const asking = statusAt('follow-up', { response, rounds: [round(1)], questions: [question('Q1', 1), question('Q2', 1, 'Yes.')] });
    expect(await formsOffered(asking)).toEqual(['answer', 'extend', 'schedule-demo', 'conclude', 'withdraw']);
    // A demonstration to hold comes before the conclusion.
    const demonstrations = [{ id: 'd1', at: '2026-12-10T14:00:00.000Z', durationMinutes: 60, attendees: [], topics: ['Encryption'], rescheduled: 0 }];
    expect(await formsOffered(statusAt('demonstration', { response, demonstrations }))).toEqual(['ask', 'schedule-demo', 'withdraw']);
  });

  it('offers no follow-up question or answer on a case whose text is at its limit, and says why, in English and French', async () => {
    // The workflow refuses any question on such a case (caseTextProblem): the form would only be refused.
    const full = { receivedAt: '2026-12-01T10:00:00.000Z', summary: 'x'.repeat(LIMITS.caseText), attachments: [] };
    expect(await formsOffered(statusAt('responded', { response: full }))).toEqual(['schedule-demo', 'conclude', 'withdraw']);
    const answered = statusAt('follow-up', { response: { ...full, summary: 'x'.repeat(LIMITS.caseText - 'Question Q1?'.length) }, rounds: [round(1)], questions: [question('Q1', 1)] });
    expect(await formsOffered(answered)).toEqual(['extend', 'schedule-demo', 'conclude', 'withdraw']);
    const page = async (language: string) => visibleText(await (await appShowing(statusAt('responded', { response: full }), 'UTC').request('/campaigns/vc/engagements/zoom', { headers: { cookie: officerCookie(language, 'k') } })).text());
    expect(await page('en')).toContain('No more follow-up questions or answers can be recorded: this case already holds as much text (response, questions, answers and mail) as Dossier keeps for one case.');
    expect(await page('fr')).toContain('Plus aucune question complémentaire ni réponse ne peut être enregistrée\u00a0: ce dossier contient déjà autant de texte (réponse, questions, réponses et courriels) que Dossier en garde pour un dossier.');
    // One character short of it, a question still fits: the form is offered and says nothing of the limit.
    const roomForOne = statusAt('responded', { response: { ...full, summary: 'x'.repeat(LIMITS.caseText - 1) } });
    const html = await (await appShowing(roomForOne, 'UTC').request('/campaigns/vc/engagements/zoom', { headers: { cookie } })).text();
    expect(html).toContain('action="/campaigns/vc/engagements/zoom/ask"');
    expect(visibleText(html)).not.toContain('No more follow-up questions');
  });

  it('still shows a form just refused, with its refusal, though the case no longer accepts it', async () => {
    // Another officer asked a round between the page and this request: the workflow refuses the second.
    const status = statusAt('follow-up', { response: { receivedAt: '2026-12-01T10:00:00.000Z', summary: 'Our answer.', attachments: [] }, rounds: [round(1)], questions: [question('Q1', 1)] });
    const app = appShowingWith(status, {
      askFollowUp: async (_ref: unknown, input: never) => {
        decidedByWorkflow(() => rules.checkAskFollowUp(status as never, input, Date.parse('2026-12-02T10:00:00.000Z')));
        return { workflowId: status.workflowId, stage: status.stage };
      },
    });
    const response = await app.request('/campaigns/vc/engagements/zoom/ask', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: 't', questions: 'How are keys kept?' }).toString(),
    });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('action="/campaigns/vc/engagements/zoom/ask"');
    expect(visibleText(html)).toContain('Follow-up round 1 is still open: wait until all its questions are answered or its final notice has gone out.');
    expect(/<textarea id="ask-questions"[^>]*>([\s\S]*?)<\/textarea>/.exec(html)?.[1]).toBe('How are keys kept?');
  });
});

describe('the form that changes a vendor’s contacts on an open case', () => {
  const status = {
    workflowId: 'engagement:vc:zoom', campaignId: 'vc', vendorId: 'zoom', vendorName: 'Zoom', stage: 'responded',
    contacts: [{ name: 'Privacy', email: 'privacy@zoom.test' }],
    timeline: [{ at: '2026-11-27T15:30:00.000Z', by: 'Owen', what: 'contact added', detail: 'dpo@lawfirm.test: The vendor asked us to copy its DPO.' }],
    openQuestions: [], questions: [], demonstrations: [], remindersSent: [], deliveryFailures: [],
  };
  const sent: unknown[] = [];
  const app = appShowingWith(status, {
    changeContacts: async (_ref: unknown, input: never) => {
      decidedByWorkflow(() => rules.checkChangeContacts(status as never, input));
      sent.push(input);
      return { workflowId: status.workflowId, stage: status.stage };
    },
  });
  const cookie = (language: string) =>
    `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'f'.repeat(32), csrf: 't', language, user: { subject: 'owen', name: 'Owen', roles: ['officer'] }, expiresAt: Date.now() + 60_000 })}`;
  const post = (form: Record<string, string>) =>
    app.request('/campaigns/vc/engagements/zoom/change-contacts', {
      method: 'POST',
      headers: { cookie: cookie('en'), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: 't', ...form }).toString(),
    });

  it('offers it with every field labelled, in English and French, and words the change in the timeline', async () => {
    const en = await (await app.request('/campaigns/vc/engagements/zoom', { headers: { cookie: cookie('en') } })).text();
    expect(en).toContain('action="/campaigns/vc/engagements/zoom/change-contacts"');
    for (const id of ['mode', 'contacts', 'reason']) expect(en).toContain(`<label for="change-contacts-${id}">`);
    expect(en).toContain('Mail now goes to privacy@zoom.test.');
    expect(en).toContain('<option value="add">Add these addresses to the present ones</option>');
    expect(en).toMatch(/<textarea id="change-contacts-contacts" name="contacts">/);
    expect(en).toContain('contact added, dpo@lawfirm.test');
    const fr = await (await app.request('/campaigns/vc/engagements/zoom', { headers: { cookie: cookie('fr') } })).text();
    expect(fr).toContain('Modifier les contacts de l’entreprise');
    expect(fr).toContain('contact ajouté, dpo@lawfirm.test');
  });

  it('sends the change with the vendor’s name for a contact left unnamed, and shows a refusal by the field it names', async () => {
    const done = await post({ mode: 'add', contacts: 'dpo@lawfirm.test', reason: 'The vendor asked us to copy its DPO.' });
    expect(done.status).toBe(303);
    expect(sent).toEqual([{ by: 'Owen (owen, signed in)', mode: 'add', contacts: [{ name: 'Zoom', email: 'dpo@lawfirm.test' }], reason: 'The vendor asked us to copy its DPO.' }]);
    const known = await post({ mode: 'add', contacts: 'PRIVACY@zoom.test, P', reason: 'again' });
    expect(known.status).toBe(422);
    const html = await known.text();
    expect(html).toMatch(/id="change-contacts-contacts-error"[^>]*>[^<]*PRIVACY@zoom.test is already one of the vendor’s contacts./);
    expect(html).toMatch(/id="change-contacts-contacts"[^>]*aria-invalid="true"/);
    expect(sent).toHaveLength(1);
  });

  it('takes several contacts, one a line as “address, name”, a name left out being the vendor’s, as the CLI’s --add does', async () => {
    sent.length = 0;
    const typed = 'dpo@lawfirm.test, Data Protection Officer\r\n\r\n  legal@zoom.test  \r\ncounsel@lawfirm.test, Doe, Jane\r\n';
    const done = await post({ mode: 'replace', contacts: typed, reason: 'The vendor asked.' });
    expect(done.status).toBe(303);
    expect(sent).toEqual([
      {
        by: 'Owen (owen, signed in)',
        mode: 'replace',
        contacts: [
          { name: 'Data Protection Officer', email: 'dpo@lawfirm.test' },
          { name: 'Zoom', email: 'legal@zoom.test' },
          { name: 'Doe, Jane', email: 'counsel@lawfirm.test' },
        ],
        reason: 'The vendor asked.',
      },
    ]);
  });

  it('names every line that does not begin with an address by its number and text, in English and French, and gives back what was typed', async () => {
    sent.length = 0;
    const typed = 'dpo@lawfirm.test, DPO\n\nData Protection Officer, dpo2@lawfirm.test\nnot-an-address';
    const refusedIn = async (language: 'en' | 'fr') => {
      const response = await app.request('/campaigns/vc/engagements/zoom/change-contacts', {
        method: 'POST',
        headers: { cookie: cookie(language), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: 't', mode: 'add', contacts: typed, reason: 'The vendor asked.' }).toString(),
      });
      expect(response.status).toBe(422);
      return response.text();
    };
    const en = await refusedIn('en');
    // Lines 3 and 4 both: an officer told of the first alone would send the form again to learn of the second.
    expect(visibleText(/id="change-contacts-contacts-error"[^>]*>([\s\S]*?)<\/p>/.exec(en)?.[1] ?? '')).toContain(
      '2 lines do not begin with an email address: line 3, “Data Protection Officer, dpo2@lawfirm.test”; line 4, “not-an-address”. Write one contact a line, as “address, name” (the name may be left out).',
    );
    expect(en).toMatch(/id="change-contacts-contacts"[^>]*aria-invalid="true"/);
    // Everything typed comes back, blank line included, and the reason too.
    expect(/<textarea id="change-contacts-contacts"[^>]*>([\s\S]*?)<\/textarea>/.exec(en)?.[1]).toBe(typed);
    expect(en).toMatch(/id="change-contacts-reason"[^>]*value="The vendor asked."/);
    const fr = await refusedIn('fr');
    expect(visibleText(/id="change-contacts-contacts-error"[^>]*>([\s\S]*?)<\/p>/.exec(fr)?.[1] ?? '')).toContain(
      '2 lignes ne commencent pas par une adresse électronique\u00a0: la ligne 3, «\u202fData Protection Officer, dpo2@lawfirm.test\u202f»\u202f; la ligne 4, «\u202fnot-an-address\u202f». Écrivez un contact par ligne, sous la forme «\u202fadresse, nom\u202f» (le nom peut être omis).',
    );
    expect(sent).toEqual([]);
  });

  it('names a single line that does not begin with an address in a sentence of its own', async () => {
    sent.length = 0;
    const response = await post({ mode: 'add', contacts: 'dpo@lawfirm.test, DPO\nData Protection Officer', reason: 'The vendor asked.' });
    expect(response.status).toBe(422);
    expect(visibleText(/id="change-contacts-contacts-error"[^>]*>([\s\S]*?)<\/p>/.exec(await response.text())?.[1] ?? '')).toContain(
      'Line 2, “Data Protection Officer”, does not begin with an email address: write one contact a line, as “address, name” (the name may be left out).',
    );
    expect(sent).toEqual([]);
  });
});

describe('notes on mail the intake recorded', () => {
  const received = (messageId: string, notes: string[], noteCodes?: object[]) => ({
    messageId, from: 'privacy@zoom.test', subject: 'Re: [VC]', receivedAt: '2026-11-27T15:30:00.000Z', recordedAt: '2026-11-27T15:31:00.000Z',
    kind: 'reply', matchedBy: 'thread', text: 'Attached.', documents: [], notes, review: 'to-review', ...(noteCodes ? { noteCodes } : {}),
  });
  const status = {
    workflowId: 'engagement:vc:zoom', campaignId: 'vc', vendorId: 'zoom', vendorName: 'Zoom', stage: 'reply-received',
    timeline: [], openQuestions: [], questions: [], demonstrations: [], remindersSent: [], deliveryFailures: [],
    inbox: [
      received('<new@zoom.test>', ['everything.bin is 26.0 MB; documents may be at most 25.0 MB. It was not kept; the original message is in the case mailbox.'], [
        { code: 'attachment-too-large', name: 'everything.bin', bytes: 26 * 1024 * 1024, limitBytes: 25 * 1024 * 1024 },
      ]),
      received('<old@zoom.test>', ['old.bin is 30.0 MB; documents may be at most 25.0 MB. It was not kept; the original message is in the case mailbox.']),
    ],
  };
  const app = appShowing(status, 'UTC');
  const cookie = (language: string) =>
    `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'e'.repeat(32), csrf: 't', language, user: { subject: 'owen', name: 'Owen', roles: ['officer'] }, expiresAt: Date.now() + 60_000 })}`;
  const notesOn = async (language: string, id: string) => {
    const html = await (await app.request(`/campaigns/vc/engagements/zoom/mail/received?id=${encodeURIComponent(id)}`, { headers: { cookie: cookie(language) } })).text();
    return /<dd id="mail-notes">(.*?)<\/dd>/.exec(html)?.[1] ?? html;
  };

  it('words a note recorded as a code in the page’s language, sizes included', async () => {
    expect(await notesOn('fr', '<new@zoom.test>')).toBe('everything.bin fait 26,0\u00a0Mo\u202f; un document peut faire au plus 25,0\u00a0Mo. Il n’a pas été conservé\u202f; le message original est dans la boîte des dossiers.');
    expect(await notesOn('en', '<new@zoom.test>')).toBe('everything.bin is 26.0 MB; documents may be at most 25.0 MB. It was not kept; the original message is in the case mailbox.');
  });

  it('shows a note recorded before notes had codes as written, marked as English on a French page', async () => {
    expect(await notesOn('fr', '<old@zoom.test>')).toBe('<span lang="en">old.bin is 30.0 MB; documents may be at most 25.0 MB. It was not kept; the original message is in the case mailbox.</span>');
    expect(await notesOn('en', '<old@zoom.test>')).toBe('old.bin is 30.0 MB; documents may be at most 25.0 MB. It was not kept; the original message is in the case mailbox.');
  });
});

describe('dates on the holding pen and the campaigns list', () => {
  const held = { ref: '1', messageId: '<m@zoom.test>', from: 'privacy@zoom.test', subject: 'Re: [VC]', date: '2026-11-27T15:30:00.000Z', reason: 'x', why: { code: 'no-match' }, kind: 'reply' };
  const boards: string[] = [];
  const app = createWebApp({
    config,
    signIn: {} as OidcSignIn,
    dossier: async () =>
      ({
        findCampaigns: async () => [
          { workflowId: 'campaign:vc', campaignId: 'vc', executionStatus: 'RUNNING', startedAt: '2026-11-27T15:30:00.000Z', timeZone: 'America/Toronto' },
          { workflowId: 'campaign:old', campaignId: 'old', executionStatus: 'RUNNING', startedAt: '2026-11-27T15:30:00.000Z' },
        ],
      }) as never,
    campaigns: async () =>
      ({
        board: async (campaignId: string) => {
          boards.push(campaignId);
          if (campaignId !== 'vc') throw new Error('no worker');
          return { campaignId, reference: 'VC', phase: 'engaging', engagementCount: 1, vendorNames: { zoom: 'Zoom' }, timeZone: 'America/Toronto' };
        },
      }) as never,
    holdingPen: async () => ({ intake: { held: async () => [held, { ...held, messageId: '<n@zoom.test>' }], read: async () => ({ ...held, recipients: [], text: '', attachments: [] }) } as never, close: async () => {} }),
    revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
  });
  const session = { id: 'f'.repeat(32), csrf: 't', language: 'en', user: { subject: 'owen', name: 'Owen', roles: ['lead-officer'] }, expiresAt: Date.now() + FILE_SESSION_MS };
  const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal(session)}`;
  const html = async (path: string) => (await app.request(path, { headers: { cookie } })).text();

  it('shows a campaign’s held mail in the campaign’s zone, from one query for the page', async () => {
    boards.length = 0;
    const pen = await html('/held/vc');
    expect(pen.match(/27\u00a0Nov\u00a02026, 10:30 \(Eastern Time\)/g)).toHaveLength(2);
    expect(boards).toEqual(['vc']);
    const one = await html('/held/vc/message?id=%3Cm%40zoom.test%3E');
    expect(one).toContain('27\u00a0Nov\u00a02026, 10:30 (Eastern Time)');
    expect(one).toContain('<option value="zoom">Zoom</option>');
  });

  it('names UTC by the times of mail that names no campaign, or whose campaign cannot say its zone', async () => {
    expect(await html('/held/unsorted')).toContain('27\u00a0Nov\u00a02026, 15:30 (UTC)');
    expect(await html('/held/gone')).toContain('27\u00a0Nov\u00a02026, 15:30 (UTC)');
  });

  it('shows when each campaign started in its zone, and UTC, named, for one started before its zone was kept', async () => {
    const list = await html('/campaigns');
    expect(list).toContain('<td data-label="Started">27\u00a0Nov\u00a02026, 10:30 (Eastern Time)</td>');
    expect(list).toContain('<td data-label="Started">27\u00a0Nov\u00a02026, 15:30 (UTC)</td>');
  });

  it('heads each campaign’s row with the cell that names it, for a screen reader moving along a column', async () => {
    expect(rowHeads(await html('/campaigns'))).toEqual([['vc'], ['old']]);
  });
});

/** Each body row's header cells (th scope=row), as text, of every table of a page. */
function rowHeads(html: string): string[][] {
  const bodies = [...html.matchAll(/<tbody>([\s\S]*?)<\/tbody>/g)].map((m) => m[1]);
  return bodies.flatMap((body) => [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) => [...row[1].matchAll(/<th scope="row">([\s\S]*?)<\/th>/g)].map((th) => visibleText(th[1]).trim())));
}

describe('the questions, demonstrations and timeline tables of an engagement page', () => {
  const status = {
    workflowId: 'engagement:vc:zoom', campaignId: 'vc', vendorId: 'zoom', vendorName: 'Zoom', stage: 'demonstration',
    questions: [{ id: 'q1', round: 1, text: 'How long are recordings kept?', dueDate: '2026-12-11T00:00:00.000Z' }],
    openQuestions: [], remindersSent: [], deliveryFailures: [],
    demonstrations: [{ id: 'd1', at: '2026-12-10T14:00:00.000Z', durationMinutes: 60, attendees: [], topics: ['Encryption'] }],
    timeline: [{ at: '2026-11-27T14:05:00.000Z', by: 'dossier', what: 'open-letter sent', detail: 'letter' }],
  };
  const app = appShowing(status, 'UTC');

  it('heads each row with the cell that names it', async () => {
    const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'r'.repeat(32), csrf: 't', language: 'en', user: { subject: 'owen', name: 'Owen', roles: ['officer'] }, expiresAt: Date.now() + 60_000 })}`;
    const html = await (await app.request('/campaigns/vc/engagements/zoom', { headers: { cookie } })).text();
    expect(rowHeads(html)).toEqual([['q1 (round 1): How long are recordings kept?'], ['d1'], ['27\u00a0Nov\u00a02026, 14:05 (UTC)']]);
  });
});

describe('a message every engagement of a campaign refused, on a French page', () => {
  const refusal = (vendor: string) => ({
    vendor,
    sentence: `engagement engagement:vc:${vendor} refused: the sender x@evil.example is not an address of Vendor ${vendor}: an officer must check it and assign it`,
    refusal: { refusal: 'sender-not-vendor', values: { from: 'x@evil.example', vendor: `Vendor ${vendor}` } },
  });
  const refusals = ['alpha', 'beta', 'gamma'].map(refusal);
  const why = { code: 'refused', detail: refusals.map((r) => r.sentence).join('; '), refusals, count: 3 };
  const held = { ref: '1', messageId: '<m@evil.example>', from: 'x@evil.example', subject: '[VC] bonjour', date: '2026-11-27T15:30:00.000Z', reason: `the engagement refused it: ${why.detail}`, why, kind: 'reply' };
  const app = createWebApp({
    config,
    signIn: {} as OidcSignIn,
    dossier: async () => ({}) as never,
    campaigns: async () => ({ board: async (campaignId: string) => ({ campaignId, reference: 'VC', phase: 'engaging', engagementCount: 3, vendorNames: { alpha: 'Alpha', beta: 'Beta', gamma: 'Gamma' }, timeZone: 'UTC' }) }) as never,
    holdingPen: async () => ({ intake: { held: async () => [held], read: async () => ({ ...held, recipients: [], text: '', attachments: [] }) } as never, close: async () => {} }),
    revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
  });
  const session = { id: 'f'.repeat(32), csrf: 't', language: 'fr', user: { subject: 'lea', name: 'Léa', roles: ['lead-officer'] }, expiresAt: Date.now() + FILE_SESSION_MS };
  const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal(session)}`;
  const text = async (path: string) => visibleText(await (await app.request(path, { headers: { cookie } })).text());

  it('words each refusal in French by its code: the pen shows the first and how many more, the message’s page every one', async () => {
    const pen = await text('/held/vc');
    expect(pen).toContain('le dossier l’a refusé\u00a0:');
    expect(pen).toContain('Alpha\u00a0: L’expéditeur x@evil.example n’est pas une adresse de Vendor alpha');
    expect(pen).toContain('(et 2 autres dossiers l’ont refusé)');
    expect(pen).not.toContain('Vendor beta');
    expect(pen).not.toContain('is not an address');
    const one = await text('/held/vc/message?id=%3Cm%40evil.example%3E');
    for (const name of ['alpha', 'beta', 'gamma']) expect(one).toContain(`L’expéditeur x@evil.example n’est pas une adresse de Vendor ${name}`);
    expect(one).not.toContain('is not an address');
    expect(one).not.toContain('autres dossiers');
  });
});

/** A campaign whose one case, Houseparty's, closed without a response on 1 October 2026; version 1 out since 25 November. */
function housepartyClosedVersionOneOut(): CampaignCase {
  const kase = new CampaignCase({ campaign: testCampaign('vc'), vendors: [testVendor('houseparty', { name: 'Houseparty' })], policy: fastPolicy(), approval: { kind: 'all' }, publication: { folder: 'vc', notifyVendors: true } }, 'edit-loop');
  kase.addEngagement(testVendor('houseparty', { name: 'Houseparty' }), false);
  kase.engagementEnded('houseparty', { vendorId: 'houseparty', vendorName: 'Houseparty', stage: 'closed-no-response', demonstrations: [], remindersSent: [], endedAt: '2026-10-01T12:00:00.000Z' });
  kase.edit({ by: 'Léa', conclusions: { en: ['Done.'], fr: ['Fait.'] }, lessonsLearned: { en: ['Ask early.'], fr: ['Demander tôt.'] } });
  kase.startApproval('2026-11-25T15:00:00.000Z');
  return kase;
}

describe('a late reply on the statement page', () => {
  it('names the vendor that replied late beside its outcome, and lists the change to the signatories, in English and French', async () => {
    const kase = housepartyClosedVersionOneOut();
    kase.requestDraft({ by: 'Léa', lateReplies: [{ vendorId: 'houseparty', receivedAt: '2026-11-26T15:00:00.000Z' }] }, '2026-11-27T15:00:00.000Z');
    expect(kase.draft!.version).toBe(2);
    const shown = statementShownLive(kase);
    const en = visibleText(await shown('en')).replace(/\s+/g, ' ');
    const fr = visibleText(await shown('fr')).replace(/\s+/g, ' ');
    expect(en).toMatch(/Houseparty: closed, no response \(replied late, on 26\sNov\s2026\)/);
    expect(fr).toMatch(/Houseparty\s: clos, sans réponse \(réponse parvenue tardivement, le 26\snov\.?\s2026\)/);
    expect(en).toMatch(/Houseparty: reply after its case closed before: no late reply; now: replied late, on 26\sNov\s2026/);
  });

  it('says the vendor whose reply came in time, recorded after its case closed, replied, and lists the change to the signatories, in English and French', async () => {
    const kase = housepartyClosedVersionOneOut();
    // Received two days before the case closed, held meanwhile, attached afterwards.
    kase.requestDraft({ by: 'Léa', lateReplies: [{ vendorId: 'houseparty', receivedAt: '2026-09-29T15:00:00.000Z' }] }, '2026-11-27T15:00:00.000Z');
    expect(kase.draft!.version).toBe(2);
    const shown = statementShownLive(kase);
    const en = visibleText(await shown('en')).replace(/\s+/g, ' ');
    const fr = visibleText(await shown('fr')).replace(/\s+/g, ' ');
    expect(en).toMatch(/Houseparty: closed, replied within the time given \(reply received on 29\sSep\w*\s2026, recorded after the case closed\)/);
    expect(en).not.toContain('Houseparty: closed, no response');
    expect(fr).toMatch(/Houseparty\s: clos, réponse dans le délai imparti \(réponse reçue le 29\ssept\.?\s2026, versée au dossier après la clôture de celui-ci\)/);
    expect(fr).not.toMatch(/Houseparty\s: clos, sans réponse/);
    expect(en).toMatch(/Houseparty: reply within the time given, recorded after its case closed before: no such reply; now: reply received on 29\sSep\w*\s2026, within the time given/);
    expect(fr).toMatch(/Houseparty\s: réponse dans le délai imparti, versée au dossier après la clôture de son examen avant\s: aucune réponse de ce type\s; désormais\s: réponse reçue le 29\ssept\.?\s2026, dans le délai imparti/);
  });
});

describe('a reply attached to a closed record after the version was drafted, on the statement page', () => {
  it('tells the lead the version does not say it and a new version will, in English and French, until the next version says it', async () => {
    const kase = housepartyClosedVersionOneOut();
    const lead = { subject: 'lea', name: 'Léa', roles: ['lead-officer'] };
    const shown = statementShownLive(kase);
    expect(await shown('en', lead)).not.toContain('id="late-replies-not-in-draft"');
    // Received in time, held meanwhile, attached after version 1 went out: the intake tells the campaign.
    kase.lateReplyAttached({ vendorId: 'houseparty', receivedAt: '2026-09-29T15:00:00.000Z' });
    expect(visibleText(await shown('en', lead)).replace(/\s+/g, ' ')).toContain(
      'A reply was attached to the closed record of Houseparty after this version was drafted: draft a new version for the statement to say it.',
    );
    expect(await shown('fr', lead)).toContain(
      '<div id="late-replies-not-in-draft"><p>Une réponse a été versée au dossier clos de Houseparty après la rédaction de cette version\u00a0: rédigez-en une nouvelle pour que la déclaration en fasse état.</p></div>',
    );
    kase.requestDraft({ by: 'Léa' }, '2026-11-27T15:00:00.000Z');
    expect(kase.draft!.version).toBe(2);
    expect(await shown('en', lead)).not.toContain('id="late-replies-not-in-draft"');
  });
});

describe('a response of a vendor the lead closed, known after the version was drafted, on the statement page', () => {
  it('tells the lead the version does not say it and the next will, in English and French, until the next version says it', async () => {
    const houseparty = testVendor('houseparty', { name: 'Houseparty' });
    const kase = new CampaignCase({ campaign: testCampaign('vc'), vendors: [houseparty], policy: fastPolicy(), approval: { kind: 'all' }, publication: { folder: 'vc', notifyVendors: true } }, 'edit-loop');
    kase.addEngagement(houseparty, false);
    kase.edit({ by: 'Léa', conclusions: { en: ['Done.'], fr: ['Fait.'] }, lessonsLearned: { en: ['Ask early.'], fr: ['Demander tôt.'] } });
    kase.requestDraft({ by: 'Léa', openCases: [{ vendorId: 'houseparty', action: 'close', reason: { en: 'Closed.', fr: 'Clos.' } }] }, '2026-11-25T15:00:00.000Z');
    // The wait for the closed case timed out: version 1 goes out before its outcome.
    kase.startApproval('2026-11-25T15:02:00.000Z');
    const lead = { subject: 'lea', name: 'Léa', roles: ['lead-officer'] };
    const shown = statementShownLive(kase);
    expect(await shown('en', lead)).not.toContain('id="responses-not-in-draft"');
    kase.engagementEnded('houseparty', { vendorId: 'houseparty', vendorName: 'Houseparty', stage: 'withdrawn', respondedAt: '2026-11-20T09:00:00.000Z', demonstrations: [], remindersSent: [], endedAt: '2026-11-25T15:05:00.000Z' });
    expect(visibleText(await shown('en', lead)).replace(/\s+/g, ' ')).toContain(
      'The case of Houseparty that the lead closed ended after this version was drafted, and the vendor had responded: this version does not say so. The next version you submit will say it.',
    );
    expect(await shown('fr', lead)).toContain(
      '<div id="responses-not-in-draft"><p>Le dossier de Houseparty clos par l’autorité responsable s’est terminé après la rédaction de cette version, et l’entreprise avait répondu\u00a0: cette version ne le dit pas. La prochaine version que vous soumettrez le dira.</p></div>',
    );
    kase.requestDraft({ by: 'Léa' }, '2026-11-27T15:00:00.000Z');
    expect(kase.draft!.version).toBe(2);
    expect(await shown('en', lead)).not.toContain('id="responses-not-in-draft"');
  });
});

describe('the lead’s edits saved after the version went out, on the statement page', () => {
  it('tells the lead they are saved but not submitted, and the signatory whose approval publishes that they are not in it, in English and French', async () => {
    const kase = housepartyClosedVersionOneOut();
    const lead = { subject: 'lea', name: 'Léa', roles: ['lead-officer'] };
    const zofia = { subject: 'zofia', name: 'Zofia', roles: ['co-signatory'], authorityId: 'fdpic' };
    const shown = statementShownLive(kase);
    kase.approve({ by: 'Léa', authorityId: 'opc', version: 1 }, '2026-11-26T10:00:00.000Z');
    expect(await shown('en', lead)).not.toContain('id="unsubmitted-edits"');
    expect(await shown('en', zofia)).not.toContain('not in version 1');
    kase.setConclusions({ by: 'Léa', conclusions: { en: ['Revised.'], fr: ['Révisé.'] }, lessonsLearned: { en: ['Later.'], fr: ['Plus tard.'] } }, '2026-11-26T11:00:00.000Z');
    expect(kase.draft!.version).toBe(1);
    expect(visibleText(await shown('en', lead)).replace(/\s+/g, ' ')).toContain(
      'Your edits to the text since version 1 are saved but not yet submitted: they go out to the signatories with the next version you submit. Approved as it is, version 1 is published without them.',
    );
    expect(await shown('fr', lead)).toContain(
      '<p id="unsubmitted-edits">Vos modifications du texte depuis la version 1 sont enregistrées mais pas encore soumises\u00a0: elles partent aux signataires avec la prochaine version que vous soumettrez. Approuvée telle quelle, la version 1 est publiée sans elles.</p>',
    );
    expect(visibleText(await shown('en', zofia)).replace(/\s+/g, ' ')).toContain(
      'The lead has saved edits to the text that are not in version 1: approved now, the statement is published without them; to have them in it, send this version back with a comment.',
    );
    expect(visibleText(await shown('fr', zofia)).replace(/[ \t\r\n]+/g, ' ')).toContain('L’autorité responsable a enregistré des modifications du texte qui ne sont pas dans la version 1\u00a0: approuvée maintenant, la déclaration est publiée sans elles');
    kase.requestDraft({ by: 'Léa' }, '2026-11-27T15:00:00.000Z');
    expect(await shown('en', lead)).not.toContain('id="unsubmitted-edits"');
  });
});

describe('the conclusions form on the statement page', () => {
  const lead = { subject: 'lea', name: 'Léa', roles: ['lead-officer'] };
  const field = (html: string, id: string) => new RegExp(`<textarea id="${id}"[^>]*>([^<]*)</textarea>`).exec(html)?.[1];

  it('shows the conclusions and lessons the lead saved before any version was drafted', async () => {
    const kase = new CampaignCase({ campaign: testCampaign('vc'), vendors: [testVendor('houseparty', { name: 'Houseparty' })], policy: fastPolicy(), approval: { kind: 'all' }, publication: { folder: 'vc', notifyVendors: true } }, 'edit-loop');
    kase.addEngagement(testVendor('houseparty', { name: 'Houseparty' }), false);
    kase.setConclusions({ by: 'Léa', conclusions: { en: ['Done.', 'Twice.'], fr: ['Fait.'] }, lessonsLearned: { en: ['Ask early.'], fr: ['Demander tôt.'] } }, '2026-11-24T11:00:00.000Z');
    expect(kase.draft).toBeUndefined();
    const html = await statementShownLive(kase)('en', lead);
    expect(field(html, 'conclusions-en')).toBe('Done.\n\nTwice.');
    expect(field(html, 'conclusions-fr')).toBe('Fait.');
    expect(field(html, 'lessons-en')).toBe('Ask early.');
    expect(field(html, 'lessons-fr')).toBe('Demander tôt.');
  });

  it('shows the text saved since version 1, not version 1’s, so the next save does not put the old text back', async () => {
    const kase = housepartyClosedVersionOneOut();
    kase.setConclusions({ by: 'Léa', conclusions: { en: ['Revised.'], fr: ['Révisé.'] }, lessonsLearned: { en: ['Later.'], fr: ['Plus tard.'] } }, '2026-11-26T11:00:00.000Z');
    expect(kase.draft!.version).toBe(1);
    const html = await statementShownLive(kase)('fr', lead);
    expect(field(html, 'conclusions-en')).toBe('Revised.');
    expect(field(html, 'conclusions-fr')).toBe('Révisé.');
    expect(field(html, 'lessons-en')).toBe('Later.');
    expect(field(html, 'lessons-fr')).toBe('Plus tard.');
  });
});

describe('vendors and texts named on the statement page', () => {
  const lead = { subject: 'lea', name: 'Léa', roles: ['lead-officer'] };
  const vendors = [testVendor('zoom', { name: 'Zoom' }), testVendor('houseparty', { name: 'Houseparty' }), testVendor('google', { name: 'Google' })];
  const open = () => {
    const kase = new CampaignCase({ campaign: testCampaign('vc'), vendors, policy: fastPolicy(), approval: { kind: 'all' }, publication: { folder: 'vc', notifyVendors: true } }, 'edit-loop');
    for (const vendor of vendors) kase.addEngagement(vendor, false);
    return kase;
  };
  const page = (kase: CampaignCase) =>
    createWebApp({
      config,
      signIn: {} as OidcSignIn,
      dossier: async () => ({}) as never,
      campaigns: async () =>
        ({
          status: async () => kase.status(), statement: async () => kase.draft, statementText: async () => kase.text, title: async () => undefined, statementChanges: async () => undefined,
          draftStatement: async () => refusedByWorkflow(() => kase.checkDraft({ by: 'Léa' })),
        }) as never,
      revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
    });
  const cookie = (language: string) => `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'v'.repeat(32), csrf: 'tok', language, user: lead, expiresAt: Date.now() + 60_000 })}`;

  it('lists each missing text with its vendor’s name and the form it is written in, never a CLI file, in English and French', async () => {
    const kase = open();
    for (const vendor of vendors) {
      kase.engagementEnded(vendor.id, { vendorId: vendor.id, vendorName: vendor.name, stage: 'concluded', findings: completeFindings(), demonstrations: [], remindersSent: [], endedAt: '2026-12-01T10:00:00.000Z' });
    }
    const list = async (language: string) =>
      visibleText(/<ul id="missing-texts">([\s\S]*?)<\/ul>/.exec(await (await page(kase).request('/campaigns/vc/statement', { headers: { cookie: cookie(language) } })).text())?.[1] ?? '');
    const en = await list('en');
    expect(en).toContain('the summary of Houseparty in English (form “Write the public summaries”)');
    expect(en).toContain('the conclusions in French (form “Set conclusions and lessons learned”)');
    expect(en).not.toMatch(/file|of houseparty|--open-cases/);
    const fr = await list('fr');
    expect(fr).toContain('le résumé de Houseparty en anglais (formulaire «\u202fRédiger les synthèses publiques\u202f»)');
    expect(fr).not.toMatch(/fichier|de houseparty/);
  });

  it('names the engagements still open that keep a version from being drafted by their vendors’ names', async () => {
    const response = await page(open()).request('/campaigns/vc/statement/draft', {
      method: 'POST',
      headers: { cookie: cookie('en'), 'content-type': 'application/x-www-form-urlencoded', origin: 'https://dossier.example' },
      body: new URLSearchParams({ _csrf: 'tok' }).toString(),
    });
    expect(response.status).toBe(422);
    const html = visibleText(await response.text()).replace(/\s+/g, ' ');
    expect(html).toContain('A version cannot be drafted while 3 engagements are open (Zoom; Houseparty; Google)');
  });
});

describe('the lead’s own approval, the last one, with edits saved after the version went out', () => {
  it('tells the lead, at the approve button, that its own edits are not in the version it publishes, in English and French', async () => {
    const kase = housepartyClosedVersionOneOut();
    // The lead authority's officer, who signs for it too.
    const lead = { subject: 'lea', name: 'Léa', roles: ['lead-officer', 'co-signatory'], authorityId: 'opc' };
    const shown = statementShownLive(kase);
    kase.approve({ by: 'Zofia', authorityId: 'fdpic', version: 1 }, '2026-11-26T10:00:00.000Z');
    kase.setConclusions({ by: 'Léa', conclusions: { en: ['Revised.'], fr: ['Révisé.'] }, lessonsLearned: { en: ['Later.'], fr: ['Plus tard.'] } }, '2026-11-26T11:00:00.000Z');
    const hint = async (language: 'en' | 'fr') => visibleText(/<p class="hint" id="approve-leads-to">[^]*?<\/p>/.exec(await shown(language, lead))?.[0] ?? '').replace(/[ \t\r\n]+/g, ' ');
    expect(await hint('en')).toMatch(/^Your approval is the last one the statement needs/);
    expect(await hint('en')).not.toContain('The lead has');
    expect(await hint('en')).toContain('Your edits saved since version 1 are not in it: approved now, the statement is published without them; to have them in it, submit the next version instead.');
    expect(await hint('fr')).not.toContain('L’autorité responsable a enregistré');
    expect(await hint('fr')).toContain('Vos modifications enregistrées depuis la version 1 n’y sont pas\u00a0: approuvée maintenant, la déclaration est publiée sans elles\u202f; pour qu’elles y figurent, soumettez plutôt la version suivante.');
  });
});

describe('a held reply attached to the record of a case it reached in time', () => {
  // Sent before the deadline from an address the case did not know: held in the unsorted pen while
  // the case closed without a response, then attached. The officer is told it came in time.
  const status = {
    workflowId: 'engagement:vc:houseparty', campaignId: 'vc', vendorId: 'houseparty', vendorName: 'Houseparty', stage: 'closed-no-response',
    endedAt: '2026-10-01T12:00:00.000Z', timeline: [], deliveryFailures: [], questions: [], openQuestions: [], demonstrations: [], remindersSent: [],
  };
  const attachedAs = (repliedInTime: boolean) =>
    fakeWorkspace({
      dossier: { status: async () => status, campaignTimeZone: async () => 'UTC', campaignOf: async () => ({ timeZone: 'UTC' }) },
      holdingPen: async () => ({
        intake: {
          attachLate: async () => ({ stage: 'closed-no-response', reply: { receivedAt: repliedInTime ? '2026-09-29T15:00:00.000Z' : '2026-10-03T15:00:00.000Z' }, endedAt: status.endedAt, repliedInTime }),
        } as never,
        close: async () => {},
      }),
    });
  const noticeAfter = async (app: ReturnType<typeof createWebApp>, language: string) => {
    const cookie = officerCookie(language, 'w', 'csrf-w');
    const sent = await app.request('/held/unsorted/attach-late', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: 'csrf-w', messageId: '<held@houseparty.test>', choice: 'any', campaign: 'vc', vendor: 'houseparty' }).toString(),
    });
    expect(sent.status).toBe(303);
    const next = sent.headers.get('set-cookie')?.split(';')[0] ?? cookie;
    const html = await (await app.request(sent.headers.get('location')!, { headers: { cookie: next } })).text();
    return visibleText(/<p class="notice" role="status"[\s\S]*?<\/p>/.exec(html)?.[0] ?? '').replace(/\s+/g, ' ').trim();
  };

  it('says the reply reached the case mailbox within the time given, before the case closed on its day, and that the statement will say so, in English and French', async () => {
    const app = attachedAs(true);
    expect(await noticeAfter(app, 'en')).toMatch(
      /^The reply is kept on the ended case’s record, which stays as it ended\. It reached the case mailbox within the time given, before the case closed on 1\sOct\s2026: the next version of the statement will say that the company replied in time\.$/,
    );
    expect(await noticeAfter(app, 'fr')).toMatch(
      /^La réponse est conservée au dossier clos, qui reste tel qu’il a pris fin\. Elle est parvenue à la boîte des dossiers dans le délai imparti, avant la clôture du dossier le 1er\soct\.?\s2026\s: la prochaine version de la déclaration dira que l’entreprise a répondu à temps\.$/,
    );
  });

  it('says no such thing of a reply that came after the case closed', async () => {
    const app = attachedAs(false);
    expect(await noticeAfter(app, 'en')).toBe('The late reply is kept on the ended case’s record; the case stays as it ended.');
  });

  describe('by the intake, when it cannot tell the case’s campaign of it (ended, or not reachable)', () => {
    /**
     * The real intake over a fresh Maildir holding the reply (unsorted) since `arrivedAt`, attaching it
     * to the closed record (letter sent 1 Sep) and telling the campaign with `tell`; its documents a stand-in.
     */
    const attachedBy = async (arrivedAt: string, tell: () => Promise<void>) => {
      const mailbox = new MaildirMailbox(mkdtempSync(join(tmpdir(), 'attach-late-told-')));
      await mailbox.open();
      const ref = await mailbox.append(await composeReply({ from: 'counsel@lawfirm.test', to: 'case@test.example', subject: 'Our client’s response', messageId: '<held@houseparty.test>', text: 'On behalf of our client.' }));
      utimesSync(join(mailbox.root, ref), Date.parse(arrivedAt) / 1000, Date.parse(arrivedAt) / 1000);
      const nothing = async () => undefined;
      const intake = new Intake({
        mailbox,
        documents: { lateReplies: async () => [], saveLateReply: async () => {} } as never,
        directory: { engagementByToken: nothing, campaignByReference: nothing, vendorOf: async () => ({ name: 'nobody' }) },
        domain: 'test.example',
        caseMailbox: 'case@test.example',
        dossier: { status: async () => ({ ...status, letterSentAt: '2026-09-01T09:00:00.000Z' }) } as never,
        tellCampaign: tell,
      });
      expect(await intake.pass()).toMatchObject([{ outcome: 'held', messageId: '<held@houseparty.test>' }]);
      return fakeWorkspace({
        dossier: { status: async () => status, campaignTimeZone: async () => 'UTC', campaignOf: async () => ({ timeZone: 'UTC' }) },
        holdingPen: async () => ({ intake, close: async () => {} }),
      });
    };
    const unreachable = async () => {
      throw new Error('the Temporal server at 127.0.0.1:7233 cannot be reached');
    };
    // As CampaignClient.tellLateReply throws it for a campaign whose workflow has completed (client/errors.ts fromTemporal).
    const ended = async () => {
      throw refused('campaign:vc', ENDED_REASON, undefined, { refusal: 'ended', values: {} });
    };

    it('says, of a campaign that has ended, that no version of its statement will say the reply, in English and French', async () => {
      expect(await noticeAfter(await attachedBy('2026-10-03T15:00:00.000Z', ended), 'en')).toBe(
        'The late reply is kept on the ended case’s record; the case stays as it ended. Its campaign has ended: no version of its statement will say this reply.',
      );
      expect(await noticeAfter(await attachedBy('2026-10-03T15:00:00.000Z', ended), 'fr')).toBe(
        'La réponse tardive est conservée au dossier clos ; le dossier reste tel qu’il a pris fin. Sa campagne est terminée : aucune version de sa déclaration ne fera état de cette réponse.',
      );
      expect(await noticeAfter(await attachedBy('2026-09-29T15:00:00.000Z', ended), 'en')).toMatch(
        /^The reply is kept on the ended case’s record, which stays as it ended\. It reached the case mailbox within the time given, before the case closed on 1\sOct\s2026, but its campaign has ended: no version of its statement will say that the company replied in time\.$/,
      );
    });

    it('says the campaign could not be told and that the lead’s next draft still reads the reply, in English and French', async () => {
      // noticeAfter reads the notice with its spaces collapsed: the French no-break spaces are checked in the templates.
      expect(await noticeAfter(await attachedBy('2026-10-03T15:00:00.000Z', unreachable), 'en')).toBe(
        'The late reply is kept on the ended case’s record; the case stays as it ended. Its campaign could not be told of it, so the statement page will not point it out to the lead: the lead’s next draft of the statement still reads the reply from the record.',
      );
      expect(await noticeAfter(await attachedBy('2026-10-03T15:00:00.000Z', unreachable), 'fr')).toBe(
        'La réponse tardive est conservée au dossier clos ; le dossier reste tel qu’il a pris fin. Sa campagne n’a pas pu en être informée, et la page de la déclaration ne la signalera pas à l’autorité responsable : la prochaine version qu’elle rédigera lira tout de même la réponse au dossier.',
      );
    });

    it('says so of a reply that came in time, instead of promising that the next version will say it', async () => {
      const en = await noticeAfter(await attachedBy('2026-09-29T15:00:00.000Z', unreachable), 'en');
      expect(en).toMatch(
        /^The reply is kept on the ended case’s record, which stays as it ended\. It reached the case mailbox within the time given, before the case closed on 1\sOct\s2026\. Its campaign could not be told of it, so the statement page will not point it out to the lead: the lead’s next draft of the statement still reads the reply from the record, and will say that the company replied in time\.$/,
      );
      const fr = await noticeAfter(await attachedBy('2026-09-29T15:00:00.000Z', unreachable), 'fr');
      expect(fr).toContain('Sa campagne n’a pas pu en être informée, et la page de la déclaration ne la signalera pas à l’autorité responsable : la prochaine version qu’elle rédigera lira tout de même la réponse au dossier, et dira que l’entreprise a répondu à temps.');
    });

    it('refuses, in English and French, a message the case mailbox received before the open letter went out, which stays held', async () => {
      const app = await attachedBy('2026-08-30T09:00:00.000Z', async () => {});
      // Refused in English, the message is still in the pen for the French attempt, which is refused too (not "gone").
      for (const [language, sentence] of [
        ['en', 'This message reached the case mailbox on 30 Aug 2026'],
        ['fr', 'Ce message est parvenu à la boîte des dossiers le 30 août 2026'],
      ]) {
        const cookie = officerCookie(language!, 'w', 'csrf-w');
        const sent = await app.request('/held/unsorted/attach-late', {
          method: 'POST',
          headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ _csrf: 'csrf-w', messageId: '<held@houseparty.test>', choice: 'any', campaign: 'vc', vendor: 'houseparty' }).toString(),
        });
        // This workspace keeps no refused forms: the held message's page, with the refusal beside the form, is the answer.
        expect(sent.status).toBe(422);
        expect(visibleText(await sent.text()).replace(/\s+/g, ' ')).toContain(sentence);
      }
    });

    it('says nothing of the kind when the campaign is told', async () => {
      const told = async () => {};
      expect(await noticeAfter(await attachedBy('2026-10-03T15:00:00.000Z', told), 'en')).toBe('The late reply is kept on the ended case’s record; the case stays as it ended.');
      expect(await noticeAfter(await attachedBy('2026-09-29T15:00:00.000Z', told), 'en')).toMatch(/: the next version of the statement will say that the company replied in time\.$/);
    });
  });
});

describe('a held message’s closed records to attach it to', () => {
  // Held in campaign vc's pen for a reason that names no ended case (its sender unverified): the
  // officer may still judge it a late reply and attach it, as `inbox attach-late` would.
  const why = { code: 'unverified-sender', detail: 'no DKIM signature' };
  const held = { ref: '1', messageId: '<m@alpha.test>', from: 'privacy@alpha.test', subject: 'Our answer', date: '2026-11-27T15:30:00.000Z', reason: 'unverified', why, kind: 'reply' };
  const engagement = (vendorId: string, vendorName: string, state: string) => ({ vendorId, vendorName, workflowId: `engagement:vc:${vendorId}`, state });
  const workspaceWith = (status: () => Promise<object>) =>
    fakeWorkspace({
      campaigns: {
        board: async (campaignId: string) => ({ campaignId, reference: 'VC', phase: 'approving', engagementCount: 3, vendorNames: { alpha: 'Alpha', beta: 'Beta', gamma: 'Gamma' }, timeZone: 'UTC' }),
        status,
      },
      holdingPen: async () => ({ intake: { held: async () => [held], read: async () => ({ ...held, recipients: [], text: '', attachments: [] }) } as never, close: async () => {} }),
    });

  it('lets the officer choose among the campaign’s ended cases only, in the reader’s language', async () => {
    const app = workspaceWith(async () => ({ engagements: [engagement('alpha', 'Alpha', 'ended'), engagement('beta', 'Beta', 'in-progress'), engagement('gamma', 'Gamma', 'ended')] }));
    for (const [language, name, label] of [['en', 'Attach to the closed record of a case', 'Ended case'], ['fr', 'Verser au dossier clos d’une affaire', 'Dossier clos']] as const) {
      const html = await (await app.request('/held/vc/message?id=%3Cm%40alpha.test%3E', { headers: { cookie: officerCookie(language, 'h') } })).text();
      const form = /<form method="post" action="\/held\/vc\/attach-late"[^]*?<\/form>/.exec(html)?.[0] ?? '';
      expect(form).toContain('<input type="hidden" name="choice" value="any">');
      expect([...form.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1])).toEqual(['alpha', 'gamma']);
      // No case chosen for the officer: the browser would show and send the first one otherwise.
      expect(form).toMatch(/<select id="attach-late-any-vendor"[^>]*>\s*<option value="" selected>[^<]+<\/option>\s*<option value="alpha">Alpha<\/option>/);
      expect(visibleText(html)).toContain(name);
      expect(visibleText(form)).toContain(label);
    }
  });

  it('offers no such form when none of the campaign’s cases has ended, and asks for the vendor when the campaign does not answer', async () => {
    const none = await (await workspaceWith(async () => ({ engagements: [engagement('alpha', 'Alpha', 'in-progress')] })).request('/held/vc/message?id=%3Cm%40alpha.test%3E', { headers: { cookie: officerCookie('en', 'i') } })).text();
    expect(none).not.toContain('action="/held/vc/attach-late"');
    const unanswered = await (await workspaceWith(async () => Promise.reject(new Error('no worker'))).request('/held/vc/message?id=%3Cm%40alpha.test%3E', { headers: { cookie: officerCookie('en', 'j') } })).text();
    expect(unanswered).toMatch(/<form method="post" action="\/held\/vc\/attach-late"[^]*?<input type="text" id="attach-late-any-vendor" name="vendor"/);
  });
});

describe('a reply that names no campaign, attached to the closed record of a case chosen from a list', () => {
  // Held unsorted: the officer picks the ended case among every campaign's (the client API's one
  // visibility list of the engagements that ended, under the campaigns /campaigns lists), rather than
  // typing two ids.
  const why = { code: 'no-match' };
  const held = { ref: '1', messageId: '<late@else.test>', from: 'counsel@else.test', subject: 'Our answer, late', date: '2026-11-27T15:30:00.000Z', reason: 'x', why, kind: 'reply' };
  const ended = [
    { campaignId: 'vc', title: { en: 'Video calls', fr: 'Visioconférence' }, cases: [{ vendorId: 'zoom', vendorName: 'Zoom' }, { vendorId: 'acme', vendorName: 'Acme' }] },
    { campaignId: 'old', cases: [{ vendorId: 'teams', vendorName: 'Teams' }] },
  ];
  const attached: unknown[] = [];
  let refuse: Error | undefined;
  // Every campaign query the page makes, and the options it bounds the list with.
  const campaignQueries: string[] = [];
  const listedWith: unknown[] = [];
  const workspace = (endedCases: () => Promise<object[]>) =>
    fakeWorkspace({
      dossier: {
        // What the page used to list before asking each campaign for its status.
        findCampaigns: async () => ended.map(({ campaignId }) => ({ workflowId: `campaign:${campaignId}`, campaignId, executionStatus: 'COMPLETED', startedAt: '2026-01-01T00:00:00.000Z' })),
        endedCases: async (options: unknown) => {
          listedWith.push(options);
          return endedCases();
        },
      },
      campaigns: {
        board: async () => Promise.reject(new Error('not asked here')),
        status: async (campaignId: string) => {
          campaignQueries.push(campaignId);
          return { engagements: [] };
        },
      },
      holdingPen: async () => ({
        intake: {
          read: async () => ({ ...held, recipients: [], text: 'Sorry for the delay.', attachments: [] }),
          attachLate: async (pen: unknown, messageId: string, target: unknown) => {
            if (refuse) throw refuse;
            attached.push({ pen, messageId, target });
            return { stage: 'closed-no-response', reply: { receivedAt: '2026-11-27T15:30:00.000Z' }, repliedInTime: false };
          },
        } as never,
        close: async () => {},
      }),
    });
  const app = workspace(async () => ended);
  const page = '/held/unsorted/message?id=%3Clate%40else.test%3E';
  const formOf = (html: string) => /<form method="post" action="\/held\/unsorted\/attach-late"[^]*?<\/form>/.exec(html)?.[0] ?? '';

  it('offers every campaign’s ended cases, grouped under the campaign’s name and id (two campaigns may share a title), in English and French', async () => {
    for (const [language, campaign, label] of [['en', 'Video calls \\(vc\\)', 'Ended case'], ['fr', 'Visioconférence \\(vc\\)', 'Dossier clos']] as const) {
      const form = formOf(await (await app.request(page, { headers: { cookie: officerCookie(language, 'q') } })).text());
      expect(form).toMatch(new RegExp(`<label for="attach-late-any-engagement">${label}\\b`));
      expect(form).toMatch(new RegExp(`<optgroup label="${campaign}">\\s*<option value="vc/acme">Acme</option>\\s*<option value="vc/zoom">Zoom</option>\\s*</optgroup>\\s*<optgroup label="old">\\s*<option value="old/teams">Teams</option>\\s*</optgroup>`));
      expect(form).not.toContain('vc/cisco');
    }
  });

  it('attaches the message to the case chosen, and gives a refusal back on the list, the choice kept', async () => {
    const send = (engagementChosen: string) =>
      app.request('/held/unsorted/attach-late', {
        method: 'POST',
        headers: { cookie: officerCookie('en', 'r', 'csrf-r'), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: 'csrf-r', messageId: held.messageId, choice: 'any', engagement: engagementChosen }).toString(),
      });
    const done = await send('old/teams');
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/campaigns/old/engagements/teams');
    expect(attached).toEqual([{ pen: undefined, messageId: held.messageId, target: { campaignId: 'old', vendorId: 'teams' } }]);
    refuse = notFound('engagement engagement:vc:acme');
    try {
      // The message's page the refusal sends the browser back to (followed by createWebApp above).
      const back = await send('vc/acme');
      expect(back.status).toBe(422);
      const form = formOf(await back.text());
      expect(form).toMatch(/<select id="attach-late-any-engagement" name="engagement" aria-invalid="true"[^>]* aria-describedby="attach-late-any-engagement-error"/);
      expect(form).toContain('<option value="vc/acme" selected>Acme</option>');
      expect(form).toContain('id="attach-late-any-engagement-error"');
    } finally {
      refuse = undefined;
    }
  });

  it('opens the list on no case, and asks for one when the form is sent so, attaching nothing', async () => {
    for (const [language, prompt, asked] of [
      ['en', 'Choose a case…', 'Choose the ended case in this list, or “Another case, named by its ids below” and give its ids.'],
      ['fr', 'Choisissez un dossier…', 'Choisissez le dossier clos dans cette liste, ou «\u202fUn autre dossier, désigné par ses identifiants ci-dessous\u202f» et donnez ses identifiants.'],
    ] as const) {
      const form = formOf(await (await app.request(page, { headers: { cookie: officerCookie(language, 'w') } })).text());
      // A browser shows and sends the selected option, else the first: no ended case is chosen for the officer.
      expect(form).toMatch(new RegExp(`<select id="attach-late-any-engagement"[^>]*>\\s*<option value="" selected>${prompt}</option>`));
      expect(form).not.toMatch(/<option value="[^"]+" selected>/);
      const before = attached.length;
      const sent = await app.request('/held/unsorted/attach-late', {
        method: 'POST',
        headers: { cookie: officerCookie(language, 'w', 'csrf-w'), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: 'csrf-w', messageId: held.messageId, choice: 'any', engagement: '', campaign: '', vendor: '' }).toString(),
      });
      expect(sent.status).toBe(422);
      expect(attached.length).toBe(before);
      const back = formOf(await sent.text());
      expect(back).toMatch(/<select id="attach-late-any-engagement" name="engagement" aria-invalid="true"/);
      expect(visibleText(back)).toContain(asked);
      expect(back).not.toContain('id="attach-late-any-campaign-error"');
    }
  });

  it('still lets the officer name by its ids a case the list cannot hold (one started without a campaign workflow), in English and French', async () => {
    for (const [language, other] of [['en', 'Another case, named by its ids below'], ['fr', 'Un autre dossier, désigné par ses identifiants ci-dessous']] as const) {
      const form = formOf(await (await app.request(page, { headers: { cookie: officerCookie(language, 'o') } })).text());
      expect(form).toMatch(new RegExp(`</optgroup>\\s*<option value="by-ids">${other}</option>\\s*</select>`));
      expect(form).toContain('<input type="text" id="attach-late-any-campaign" name="campaign"');
      expect(form).toContain('<input type="text" id="attach-late-any-vendor" name="vendor"');
    }
    const sent = await app.request('/held/unsorted/attach-late', {
      method: 'POST',
      headers: { cookie: officerCookie('en', 'p', 'csrf-p'), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: 'csrf-p', messageId: held.messageId, choice: 'any', engagement: '', campaign: 'solo', vendor: 'webex' }).toString(),
    });
    expect(sent.status).toBe(303);
    expect(sent.headers.get('location')).toBe('/campaigns/solo/engagements/webex');
    expect(attached.at(-1)).toEqual({ pen: undefined, messageId: held.messageId, target: { campaignId: 'solo', vendorId: 'webex' } });
    // Ids typed while the list still names a case: neither is taken, the officer is asked which was meant.
    const before = attached.length;
    const both = await app.request('/held/unsorted/attach-late', {
      method: 'POST',
      headers: { cookie: officerCookie('en', 'p', 'csrf-p'), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: 'csrf-p', messageId: held.messageId, choice: 'any', engagement: 'vc/acme', campaign: 'solo', vendor: 'webex' }).toString(),
    });
    expect(both.status).toBe(422);
    expect(attached.length).toBe(before);
    const form = formOf(await both.text());
    expect(form).toMatch(/<select id="attach-late-any-engagement" name="engagement" aria-invalid="true"/);
    expect(form).toContain('Choose “Another case, named by its ids below” in this list');
    expect(form).toContain('value="webex"');
  });

  it('reads the list in one bounded call to the client API and asks no campaign for its status', async () => {
    campaignQueries.length = 0;
    listedWith.length = 0;
    const form = formOf(await (await app.request(page, { headers: { cookie: officerCookie('en', 'u') } })).text());
    expect(campaignQueries).toEqual([]);
    expect(listedWith).toEqual([{ timeoutMs: 5_000 }]);
    expect(form).toMatch(/<optgroup label="Video calls \(vc\)">\s*<option value="vc\/acme">Acme<\/option>/);
  });

  it('asks for both ids when the list of ended cases cannot be read', async () => {
    const down = workspace(async () => Promise.reject(new Error('deadline exceeded')));
    const form = formOf(await (await down.request(page, { headers: { cookie: officerCookie('en', 't') } })).text());
    expect(form).toContain('<input type="text" id="attach-late-any-campaign" name="campaign"');
    expect(form).toContain('<input type="text" id="attach-late-any-vendor" name="vendor"');
    expect(form).not.toContain('<optgroup');
  });
});

describe('the record of downloads from the mail that names no campaign, for auditors', () => {
  // The unsorted pen's document access record, as `dossier audit --unsorted` exports it.
  const events = [
    { eventId: 1, ...at(0), workflowExecutionStartedEventAttributes: { workflowType: { name: 'documentAccess' }, input: payloads({}) } },
    {
      eventId: 2,
      ...at(20),
      workflowExecutionSignaledEventAttributes: {
        signalName: 'documentDownloaded',
        identity: 'web@host',
        input: payloads({ by: 'Owen (owen, signed in)', messageId: '<u@else.test>', held: true, document: { name: 'power.pdf', type: 'application/pdf', size: 42, sha256: 'p'.repeat(64) }, via: 'workspace' }),
      },
    },
  ];
  const app = fakeWorkspace({
    dossier: { findCampaigns: async () => [] },
    campaigns: { client: clientWithHistory(events) },
    holdingPen: async () => ({ intake: { held: async () => [] } as never, close: async () => {} }),
  });
  const as = (roles: string[], language = 'en') =>
    `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'v'.repeat(32), csrf: 't', language, user: { subject: 'ada', name: 'Ada', roles }, expiresAt: Date.now() + 60_000 })}`;

  it('links it as CSV and PDF from the unsorted pen and the campaigns list, in English and French', async () => {
    for (const [language, words] of [['en', 'Downloads from mail that names no campaign, audit trail:'], ['fr', 'Téléchargements du courrier qui ne nomme aucune campagne, piste d’audit\u00a0:']] as const) {
      for (const path of ['/held/unsorted', '/campaigns']) {
        const roles = path === '/campaigns' ? ['auditor'] : ['lead-officer'];
        const html = await (await app.request(path, { headers: { cookie: as(roles, language) } })).text();
        expect(visibleText(html)).toContain(`${words} CSV, PDF`);
        expect(html).toContain('<a href="/held/unsorted/audit/audit.csv" id="unsorted-audit-csv">CSV</a>');
        expect(html).toContain('<a href="/held/unsorted/audit/audit.pdf" id="unsorted-audit-pdf">PDF</a>');
      }
    }
    expect(await (await app.request('/campaigns', { headers: { cookie: as(['officer']) } })).text()).not.toContain('/held/unsorted/audit/');
  });

  it('hands over the record to a role that exports audit trails, and refuses any other', async () => {
    const csv = await app.request('/held/unsorted/audit/audit.csv', { headers: { cookie: as(['auditor']) } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="audit-access-unsorted.csv"');
    const rows = csvRows(Buffer.from(await csv.arrayBuffer()));
    expect(rows.some((r) => r.includes('power.pdf') || r.some((f) => f.includes('power.pdf')))).toBe(true);
    const pdf = await app.request('/held/unsorted/audit/audit.pdf', { headers: { cookie: as(['lead-officer'], 'fr') } });
    expect(pdf.status).toBe(200);
    expect((await pdfPageTexts(Buffer.from(await pdf.arrayBuffer())))[0]!.replace(/\s+/g, ' ')).toContain('Piste d’audit — téléchargements de pièces jointes du courrier en attente qui ne nomme aucune campagne');
    for (const roles of [['officer'], ['co-signatory']]) {
      expect((await app.request('/held/unsorted/audit/audit.csv', { headers: { cookie: as(roles) } })).status).toBe(403);
    }
    expect((await app.request('/held/vc/audit/audit.csv', { headers: { cookie: as(['auditor']) } })).status).toBe(404);
  });
});

describe('an engagement’s own audit trail in the workspace', () => {
  const opened = (seconds: number) => ({ eventId: 1, ...at(seconds), workflowExecutionStartedEventAttributes: { workflowType: { name: 'engagement' }, input: payloads({ revision: 3 }) } });
  const responded = (by: string, summary: string) => [
    updateAccepted(2, 30, `u-${by}`, 'recordResponse', { by, summary, attachments: [], receivedAt: '2026-11-20T10:00:00.000Z' }),
    updateCompleted(3, 31, `u-${by}`, 2, { success: payloads({ stage: 'responded' }) }),
  ];
  const app = appShowingWith(engagementStatusOf('vc', 'zoom', { vendorName: 'Zoom' }), {}, 'UTC', {
    campaigns: async () =>
      ({
        client: serverKeeping({
          'campaign:vc': [{ eventId: 1, ...at(0), workflowExecutionStartedEventAttributes: { workflowType: { name: 'campaign' }, input: payloads({ campaign: { id: 'vc' } }) } }],
          'engagement:vc:zoom': [opened(1), ...responded('Owen (owen, signed in)', 'Zoom answered.')],
          'engagement:vc:cisco': [opened(2), ...responded('Mia (mia, signed in)', 'Cisco answered.')],
        }),
      }) as never,
  });
  const as = (roles: string[], language = 'en') =>
    `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'x'.repeat(32), csrf: 't', language, user: { subject: 'ada', name: 'Ada', roles }, expiresAt: Date.now() + 60_000 })}`;

  it('is linked as CSV and PDF from the engagement page for a role that exports audit trails, in English and French', async () => {
    for (const [language, words] of [['en', 'Audit trail of this engagement:'], ['fr', 'Piste d’audit de ce dossier\u00a0:']] as const) {
      const html = await (await app.request('/campaigns/vc/engagements/zoom', { headers: { cookie: as(['auditor'], language) } })).text();
      expect(visibleText(html)).toContain(`${words} CSV, PDF`);
      expect(html).toContain('<a href="/campaigns/vc/engagements/zoom/audit/audit.csv" id="engagement-audit-csv">CSV</a>');
      expect(html).toContain('<a href="/campaigns/vc/engagements/zoom/audit/audit.pdf" id="engagement-audit-pdf">PDF</a>');
    }
    expect(await (await app.request('/campaigns/vc/engagements/zoom', { headers: { cookie: as(['officer']) } })).text()).not.toContain('/engagements/zoom/audit/');
  });

  it('hands over this engagement’s rows alone, named for it, and refuses a role that does not export audit trails', async () => {
    const csv = await app.request('/campaigns/vc/engagements/zoom/audit/audit.csv', { headers: { cookie: as(['auditor']) } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="audit-vc-zoom.csv"');
    const [header, ...rows] = csvRows(Buffer.from(await csv.arrayBuffer()));
    const cases = new Set(rows.map((r) => r[header!.indexOf('Case')]));
    expect([...cases]).toEqual(['engagement:vc:zoom']);
    expect(rows.some((r) => r[header!.indexOf('Who')] === 'Owen (owen, signed in)')).toBe(true);
    const pdf = await app.request('/campaigns/vc/engagements/zoom/audit/audit.pdf', { headers: { cookie: as(['lead-officer'], 'fr') } });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-disposition')).toBe('attachment; filename="audit-vc-zoom.pdf"');
    expect((await app.request('/campaigns/vc/engagements/zoom/audit/audit.csv', { headers: { cookie: as(['officer']) } })).status).toBe(403);
  });
});

/** The real intake over a fresh Maildir, where mail that names no campaign and matches nothing is held, unsorted. */
async function unsortedIntake(prefix: string) {
  const mailbox = new MaildirMailbox(mkdtempSync(join(tmpdir(), prefix)));
  await mailbox.open();
  const nothing = async () => undefined;
  const intake = new Intake({
    mailbox,
    documents: {} as never,
    directory: { engagementByToken: nothing, campaignByReference: nothing, vendorOf: async () => ({ name: 'nobody' }) },
    domain: 'test.example',
    caseMailbox: 'case@test.example',
    dossier: {} as never,
  });
  return { mailbox, intake };
}

/** A workspace whose holding pen is `intake`, for campaign vc and these vendors. */
function penWorkspace(vendorNames: Record<string, string>, intake: object) {
  return createWebApp({
    config,
    signIn: {} as OidcSignIn,
    dossier: async () => ({}) as never,
    campaigns: async () =>
      ({ board: async (campaignId: string) => ({ campaignId, reference: 'VC', phase: 'engaging', engagementCount: Object.keys(vendorNames).length, vendorNames, timeZone: 'UTC' }) }) as never,
    holdingPen: async () => ({ intake, close: async () => {} }) as never,
    revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
  });
}

/** An officer signed in (session `letter` × 32) sending a form to `app` in a language: the answer's status and visible text. */
/** A workspace on fakes: `dossier`, `campaigns` and `holdingPen` give only what a test's pages call. */
function fakeWorkspace(parts: { dossier?: object; campaigns?: object; holdingPen?: Parameters<typeof createWebApp>[0]['holdingPen'] }) {
  return createWebApp({
    config,
    signIn: {} as OidcSignIn,
    dossier: async () => (parts.dossier ?? {}) as never,
    campaigns: async () => (parts.campaigns ?? {}) as never,
    ...(parts.holdingPen ? { holdingPen: parts.holdingPen } : {}),
    revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
  });
}

/** Owen's session cookie, an officer reading in `language`; `letter` makes its id, `csrf` its token. */
/** An officer's session cookie; describe blocks make theirs as the file is collected, so it lasts FILE_SESSION_MS. */
function officerCookie(language: string, letter: string, csrf = 't') {
  return `__Host-dossier_session=${new CookieSealer(secret).seal({ id: letter.repeat(32), csrf, language, user: { subject: 'owen', name: 'Owen', roles: ['officer'] }, expiresAt: Date.now() + FILE_SESSION_MS })}`;
}

function officerPost(app: ReturnType<typeof createWebApp>, letter: string) {
  return async (language: string, path: string, form: Record<string, string>) => {
    const session = { id: letter.repeat(32), csrf: 'tok', language, user: { subject: 'mia', name: 'Mia', roles: ['officer'] }, expiresAt: Date.now() + 60_000 };
    const response = await app.request(path, {
      method: 'POST',
      headers: { cookie: `__Host-dossier_session=${new CookieSealer(secret).seal(session)}`, 'content-type': 'application/x-www-form-urlencoded', origin: 'https://dossier.example' },
      body: new URLSearchParams({ _csrf: 'tok', ...form }).toString(),
    });
    return { status: response.status, text: visibleText(await response.text()) };
  };
}

describe('mail a vendor wrote, marked with its language on the pages that show it (WCAG 3.1.2)', () => {
  // The real intake over a Maildir records on the engagement's own validator and handler; the
  // workspace then shows that engagement's state, as the workflow's status query would give it.
  it('marks an English reply on a French page, a French one on an English page, and leaves unmarked one too short to tell', async () => {
    const vendor = testVendor('zoom');
    const question = { id: 'q1', round: 1, text: 'How long are recordings kept?', dueDate: '2026-12-11T00:00:00.000Z' };
    const state = engagementStatusOf('vc', 'zoom', { vendorName: 'Zoom', questions: [question], openQuestions: [question] });
    const dossier = {
      recordInbound: async (_ref: unknown, input: RecordInboundInput) => {
        checkRecordInbound(state, vendor, input);
        // Logged at the moment it is recorded, as the workflow's handler logs it.
        const now = new Date().toISOString();
        return recordInbound(state, input, now, (by, what, detail) => void state.timeline.push({ at: now, by, what, ...(detail ? { detail } : {}) })).result;
      },
    };
    const mailbox = new MaildirMailbox(mkdtempSync(join(tmpdir(), 'reply-language-')));
    await mailbox.open();
    const intake = new Intake({
      mailbox,
      documents: {} as never,
      directory: { engagementByToken: async () => undefined, campaignByReference: async () => ({ campaignId: 'vc', vendorIds: ['zoom'] }), vendorOf: async () => ({ name: 'Zoom', contacts: vendor.contacts }) },
      domain: 'test.example',
      caseMailbox: 'case@test.example',
      dossier: dossier as never,
    });
    const reply = (id: string, subject: string, text: string, headers?: Record<string, string>) =>
      composeReply({ from: vendor.contacts[0]!.email, to: 'case@test.example', subject: `Re: [VC] ${subject}`, messageId: `<${id}@zoom.test>`, text, headers });
    // The intake tests' Outlook replies, as the vendor wrote them, without the header Outlook adds.
    await mailbox.append(await reply('english', 'Our response', 'Thank you for your letter. Our response is attached.\n\nKind regards,\nAnna Berg\nPrivacy Office'));
    await mailbox.append(await reply('french', 'Notre réponse', 'Bonjour,\n\nVeuillez trouver notre réponse ci-jointe.\n\nCordialement,\nClaire Dubois'));
    await mailbox.append(await reply('declared', 'Suivi', 'OK.', { 'Content-Language': 'fr-CA' }));
    await mailbox.append(await reply('short', 'Update', 'Our response.'));
    expect((await intake.pass()).map((s) => s.outcome)).toEqual(['recorded', 'recorded', 'recorded', 'recorded']);
    const languages = Object.fromEntries(state.inbox!.map((m) => [m.messageId, m.language ?? 'unknown']));
    expect(languages).toEqual({ '<english@zoom.test>': 'en', '<french@zoom.test>': 'fr', '<declared@zoom.test>': 'fr', '<short@zoom.test>': 'unknown' });
    // Taken as they came: the English one as the response, the French one as the answer to q1.
    const log = () => undefined;
    confirmInbound(state, { by: 'Owen Okafor', messageId: '<english@zoom.test>', as: 'response' }, '2026-11-30T10:00:00.000Z', log);
    confirmInbound(state, { by: 'Owen Okafor', messageId: '<french@zoom.test>', as: 'answers', answers: [{ questionId: 'q1' }] }, '2026-11-30T10:00:00.000Z', log);

    const app = appShowing(state, 'UTC');
    const shown = async (language: string, path: string) => (await app.request(path, { headers: { cookie: officerCookie(language, 'l') } })).text();
    const fr = await shown('fr', '/campaigns/vc/engagements/zoom');
    expect(fr).toContain('<html lang="fr">');
    expect(fr).toContain('<blockquote class="said" lang="en">Thank you for your letter. Our response is attached.');
    expect(fr).toMatch(/<td class="said" data-label="[^"]+" lang="fr">Bonjour,\s+Veuillez trouver notre réponse ci-jointe\./);
    const listed = /<ul id="received-mail">(.*?)<\/ul>/s.exec(fr)?.[1] ?? fr;
    expect([...listed.matchAll(/<a href="[^"]*">(.*?)<\/a>/g)].map((m) => m[1])).toEqual([
      '<span lang="en">Re: [VC] Our response</span>',
      '<span lang="fr">Re: [VC] Notre réponse</span>',
      '<span lang="fr">Re: [VC] Suivi</span>',
      'Re: [VC] Update',
    ]);
    // The timeline's entry for each, its subject copied from the message.
    const timeline = /<table aria-labelledby="timeline-heading">(.*?)<\/table>/s.exec(fr)?.[1] ?? fr;
    expect(timeline).toContain('privacy@zoom.test: <span lang="en">Re: [VC] Our response</span></td>');
    expect(timeline).toContain('privacy@zoom.test: <span lang="fr">Re: [VC] Notre réponse</span></td>');
    expect(timeline).toContain('privacy@zoom.test: Re: [VC] Update</td>');
    const received = (id: string) => `/campaigns/vc/engagements/zoom/mail/received?id=${encodeURIComponent(`<${id}@zoom.test>`)}`;
    const french = await shown('en', received('french'));
    expect(french).toContain('<dd id="mail-subject" lang="fr">Re: [VC] Notre réponse</dd>');
    expect(french).toMatch(/<pre class="mail-text" id="mail-text" lang="fr">Bonjour,/);
    const english = await shown('fr', received('english'));
    expect(english).toMatch(/<pre class="mail-text" id="mail-text" lang="en">Thank you/);
    // Too short to tell: the page's language is left to apply rather than a wrong one.
    const short = await shown('fr', received('short'));
    expect(short).toContain('<dd id="mail-subject">Re: [VC] Update</dd>');
    expect(short).toContain('<pre class="mail-text" id="mail-text">Our response.</pre>');
  });

  it('marks a held message’s subject in the holding pen, and its subject and text on its page', async () => {
    const { mailbox, intake } = await unsortedIntake('held-language-');
    const english = 'Thank you for your letter. Our response is attached.\n\nKind regards,\nAnna Berg\nPrivacy Office';
    await mailbox.append(await composeReply({ from: 'privacy@elsewhere.test', to: 'case@test.example', subject: 'Our answer', messageId: '<answer@elsewhere.test>', text: english }));
    await mailbox.append(await composeReply({ from: 'privacy@elsewhere.test', to: 'case@test.example', subject: 'Hello', messageId: '<hello@elsewhere.test>', text: 'Hi.' }));
    expect((await intake.pass()).map((s) => s.outcome)).toEqual(['held', 'held']);
    const app = penWorkspace({}, intake);
    const shown = async (path: string) => (await app.request(path, { headers: { cookie: officerCookie('fr', 'h') } })).text();
    const pen = await shown('/held/unsorted');
    expect(pen).toContain('<html lang="fr">');
    expect([...pen.matchAll(/<a href="\/held\/unsorted\/message\?id=[^"]*">(.*?)<\/a>/g)].map((m) => m[1]).sort()).toEqual(['<span lang="en">Our answer</span>', 'Hello']);
    const page = await shown(`/held/unsorted/message?id=${encodeURIComponent('<answer@elsewhere.test>')}`);
    expect(page).toContain('<dd id="mail-subject" lang="en">Our answer</dd>');
    expect(page).toMatch(/<pre class="mail-text" id="mail-text" lang="en">Thank you for your letter\./);
  });
});

describe('a held message longer than an engagement records, on its own page', () => {
  it('says its text is cut, how long it is and where the whole text is, in the page’s language', async () => {
    const { mailbox, intake } = await unsortedIntake('held-cut-');
    const whole = `${'Nous conservons les enregistrements pendant trente jours. '.repeat(400)}Fin de notre réponse.`;
    await mailbox.append(await composeReply({ from: 'privacy@elsewhere.test', to: 'case@test.example', subject: 'Our long answer', messageId: '<long@elsewhere.test>', text: whole }));
    expect((await intake.pass()).map((s) => s.outcome)).toEqual(['held']);
    const app = penWorkspace({}, intake);
    const open = async (language: string) => {
      const session = { id: 'k'.repeat(32), csrf: 'tok', language, user: { subject: 'mia', name: 'Mia', roles: ['officer'] }, expiresAt: Date.now() + 60_000 };
      const response = await app.request(`/held/unsorted/message?id=${encodeURIComponent('<long@elsewhere.test>')}`, { headers: { cookie: `__Host-dossier_session=${new CookieSealer(secret).seal(session)}` } });
      expect(response.status).toBe(200);
      return response.text();
    };
    const chars = whole.length; // 23,221: 400 sentences of 58 characters and the last line
    expect(chars).toBe(23_221);
    const en = await open('en');
    // Its words are French, which the page marks on the English page too (reply-language.ts).
    expect(visibleText(/<pre class="mail-text" id="mail-text" lang="fr">([\s\S]*?)<\/pre>/.exec(en)![1]).endsWith('…')).toBe(true);
    expect(/<p id="mail-text-cut">(.*?)<\/p>/.exec(en)?.[1]).toBe(
      'The text is 23,221 characters, more than the 20,000 an engagement records: it is shown cut, ending with “…”. The whole message stays in the case mailbox; assigned to an engagement, it is recorded cut in the same way, with its whole text kept as the document message-text.txt.',
    );
    const fr = await open('fr');
    expect(/<p id="mail-text-cut">(.*?)<\/p>/.exec(fr)?.[1]).toBe(
      'Le texte fait 23\u00a0221 caractères, plus que les 20\u00a0000 qu’un dossier enregistre\u00a0: il est affiché tronqué, terminé par «\u202f…\u202f». Le message entier reste dans la boîte des dossiers\u202f; attribué à un dossier, il y est enregistré tronqué de même, et son texte entier conservé dans le document message-text.txt.',
    );
  });

  it('says nothing of a cut when the text is whole', async () => {
    const { mailbox, intake } = await unsortedIntake('held-whole-');
    await mailbox.append(await composeReply({ from: 'privacy@elsewhere.test', to: 'case@test.example', subject: 'Short', messageId: '<short@elsewhere.test>', text: 'A short answer.' }));
    await intake.pass();
    const session = { id: 'k'.repeat(32), csrf: 'tok', language: 'en', user: { subject: 'mia', name: 'Mia', roles: ['officer'] }, expiresAt: Date.now() + 60_000 };
    const html = await (await penWorkspace({}, intake).request(`/held/unsorted/message?id=${encodeURIComponent('<short@elsewhere.test>')}`, { headers: { cookie: `__Host-dossier_session=${new CookieSealer(secret).seal(session)}` } })).text();
    expect(html).toContain('A short answer.');
    expect(html).not.toContain('mail-text-cut');
  });
});

describe('a held message assigned or dismissed by another officer while a form on it was filled in', () => {
  const held = { ref: '1', messageId: '<n@zoom.test>', from: 'privacy@zoom.test', subject: 'Re: [VC]', date: '2026-11-27T15:30:00.000Z', reason: 'x', why: { code: 'no-match' }, kind: 'reply' };
  const fates: Record<string, unknown> = {
    '<assigned@zoom.test>': { outcome: 'assigned', subject: 'Our answer', campaignId: 'vc', vendorId: 'epsilon', by: 'Léa Lévesque (lea@regulator.example)' },
    '<dismissed@zoom.test>': { outcome: 'dismissed', subject: 'Offre spéciale', by: 'Owen Tremblay (owen@regulator.example)', reason: 'Advertising' },
  };
  const gone = (id: string) => Promise.reject(new DossierClientError(ClientErrorCode.NotFound, `no held message ${id} in Held-vc (list them with \`dossier inbox held\`)`));
  const app = penWorkspace(
    { epsilon: 'Epsilon', zoom: 'Zoom' },
    { held: async () => [held], read: (_pen: unknown, id: string) => gone(id), assign: (_pen: unknown, id: string) => gone(id), dismiss: (_pen: unknown, id: string) => gone(id), fate: async (id: string) => fates[id] },
  );
  const post = officerPost(app, 'q');
  const open = async (language: string, messageId: string) => {
    const session = { id: 'r'.repeat(32), csrf: 'tok', language, user: { subject: 'mia', name: 'Mia', roles: ['officer'] }, expiresAt: Date.now() + 60_000 };
    const response = await app.request(`/held/vc/message?id=${encodeURIComponent(messageId)}`, { headers: { cookie: `__Host-dossier_session=${new CookieSealer(secret).seal(session)}` } });
    return { status: response.status, text: visibleText(await response.text()) };
  };

  it('opened on its own page after it left, is the pen saying what became of it and by whom, in the page’s language', async () => {
    const en = await open('en', '<assigned@zoom.test>');
    expect(en.status).toBe(410);
    expect(en.text).toContain('“Our answer” is no longer in the holding pen: Léa Lévesque (lea@regulator.example) assigned it meanwhile to the engagement of Epsilon (vc).');
    expect(en.text).toContain('Open the engagement of Epsilon');
    expect(en.text).toContain('Re: [VC]');
    expect(en.text).not.toContain('was not recorded');
    const fr = await open('fr', '<dismissed@zoom.test>');
    expect(fr.status).toBe(410);
    expect(fr.text).toContain('«\u202fOffre spéciale\u202f» n’est plus dans le courrier en attente\u00a0: Owen Tremblay (owen@regulator.example) l’a écarté entre-temps, pour cette raison\u00a0: «\u202fAdvertising\u202f».');
    expect(fr.text).not.toContain('n’a pas été enregistré');
    // Never held, or assigned before notes were kept: nothing to say but that it is not there.
    const unknown = await open('en', '<never@zoom.test>');
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('no held message <never@zoom.test> in Held-vc');
  });

  it('comes back to the pen saying to which engagement and by whom it was assigned, keeping the dismissal’s reason as typed', async () => {
    const en = await post('en', '/held/vc/dismiss', { messageId: '<assigned@zoom.test>', reason: 'Spam & more <b>' });
    expect(en.status).toBe(409);
    expect(en.text).toContain('“Our answer” is no longer in the holding pen: Léa Lévesque (lea@regulator.example) assigned it meanwhile to the engagement of Epsilon (vc).');
    expect(en.text).toContain('Your dismissal was not recorded. The reason you typed:');
    expect(en.text).toContain('Spam & more <b>');
    expect(en.text).toContain('Open the engagement of Epsilon');
    expect(en.text).toContain('Re: [VC]'); // the pen's other mail, still there to act on
    const fr = await post('fr', '/held/vc/assign', { messageId: '<assigned@zoom.test>', vendor: 'zoom' });
    expect(fr.status).toBe(409);
    expect(fr.text).toContain('«\u202fOur answer\u202f» n’est plus dans le courrier en attente\u00a0: Léa Lévesque (lea@regulator.example) l’a rattaché entre-temps au dossier d’Epsilon (vc).');
    expect(fr.text).toContain('Votre rattachement au dossier de Zoom (vc) n’a pas été enregistré.');
    const same = await post('en', '/held/vc/assign', { messageId: '<assigned@zoom.test>', vendor: 'epsilon' });
    expect(same.text).toContain('That is the engagement you chose: nothing more is needed.');
  });

  it('says by whom and why it was dismissed, and what it cannot tell', async () => {
    const fr = await post('fr', '/held/vc/assign', { messageId: '<dismissed@zoom.test>', vendor: 'zoom' });
    expect(fr.status).toBe(409);
    expect(fr.text).toContain('«\u202fOffre spéciale\u202f» n’est plus dans le courrier en attente\u00a0: Owen Tremblay (owen@regulator.example) l’a écarté entre-temps, pour cette raison\u00a0: «\u202fAdvertising\u202f».');
    expect(fr.text).toContain('Votre rattachement au dossier de Zoom (vc) n’a pas été enregistré.');
    const unknown = await post('en', '/held/vc/dismiss', { messageId: '<older@zoom.test>', reason: 'Not ours' });
    expect(unknown.status).toBe(409);
    expect(unknown.text).toContain('This message is no longer in the holding pen: another officer assigned or dismissed it meanwhile.');
    expect(unknown.text).toContain('Not ours');
  });
});

describe('a held message another intake recorded while a form on it was filled in', () => {
  const fates: Record<string, unknown> = {
    '<recorded@zoom.test>': { outcome: 'recorded', subject: 'Our late answer', campaignId: 'vc', vendorId: 'epsilon' },
    '<recorded-unnamed@zoom.test>': { outcome: 'recorded', subject: 'Our answers' },
  };
  const gone = (id: string) => Promise.reject(new DossierClientError(ClientErrorCode.NotFound, `no held message ${id} in Held-vc (list them with \`dossier inbox held\`)`));
  const app = penWorkspace(
    { epsilon: 'Epsilon', zoom: 'Zoom' },
    { held: async () => [], read: (_pen: unknown, id: string) => gone(id), assign: (_pen: unknown, id: string) => gone(id), dismiss: (_pen: unknown, id: string) => gone(id), fate: async (id: string) => fates[id] },
  );
  const post = officerPost(app, 'u');

  it('says it was recorded on its engagement, naming it when known, in English and French', async () => {
    const en = await post('en', '/held/vc/dismiss', { messageId: '<recorded@zoom.test>', reason: 'Already answered' });
    expect(en.status).toBe(409);
    expect(en.text).toContain('“Our late answer” is no longer in the holding pen: it was recorded meanwhile on the engagement of Epsilon (vc), by another intake reading the case mailbox.');
    expect(en.text).toContain('Open the engagement of Epsilon');
    expect(en.text).toContain('Your dismissal was not recorded. The reason you typed:');
    expect(en.text).not.toContain('another officer assigned or dismissed it');
    const fr = await post('fr', '/held/vc/assign', { messageId: '<recorded@zoom.test>', vendor: 'epsilon' });
    expect(fr.status).toBe(409);
    expect(fr.text).toContain('«\u202fOur late answer\u202f» n’est plus dans le courrier en attente\u00a0: une autre réception de la boîte des dossiers l’a enregistré entre-temps au dossier d’Epsilon (vc).');
    expect(fr.text).toContain('C’est le dossier que vous aviez choisi\u00a0: il n’y a plus rien à faire.');
    const unnamed = await post('fr', '/held/vc/assign', { messageId: '<recorded-unnamed@zoom.test>', vendor: 'zoom' });
    expect(unnamed.text).toContain('«\u202fOur answers\u202f» n’est plus dans le courrier en attente\u00a0: une autre réception de la boîte des dossiers l’a enregistré entre-temps à son dossier.');
    expect(unnamed.text).toContain('Votre rattachement au dossier de Zoom (vc) n’a pas été enregistré.');
  });
});

describe('a held message another officer is deciding when a form on it is sent', () => {
  const held = { ref: '1', messageId: '<busy@zoom.test>', from: 'privacy@zoom.test', subject: 'Re: [VC]', date: '2026-11-27T15:30:00.000Z', reason: 'x', why: { code: 'no-match' }, kind: 'reply' };
  const busy = () => Promise.reject(new DossierClientError(ClientErrorCode.Busy, '<busy@zoom.test>: another officer is deciding it'));
  const app = penWorkspace(
    { zoom: 'Zoom' },
    { held: async () => [held], read: async () => ({ ...held, recipients: [], text: 'Our answers.', attachments: [] }), assign: busy, dismiss: busy, fate: async () => undefined },
  );
  const post = officerPost(app, 's');

  it('stays on the message, saying in the page’s language that someone else is deciding it, not that it is gone', async () => {
    const fr = await post('fr', '/held/vc/dismiss', { messageId: '<busy@zoom.test>', reason: 'Publicité' });
    expect(fr.status).toBe(409);
    expect(fr.text).toContain('Un autre agent est en train de rattacher ou d’écarter ce message\u00a0: consultez de nouveau le courrier en attente dans un instant. S’il y est encore dans 2 minutes');
    expect(fr.text).toContain('Publicité');
    expect(fr.text).not.toContain('n’est plus dans le courrier en attente');
    const en = await post('en', '/held/vc/assign', { messageId: '<busy@zoom.test>', vendor: 'zoom' });
    expect(en.status).toBe(409);
    expect(en.text).toContain('Another officer is assigning or dismissing this message right now');
    expect(en.text).toContain('Our answers.');
  });
});

describe('a co-signatory’s campaigns list', () => {
  const opc = { id: 'opc', name: { en: 'Office of the Privacy Commissioner of Canada', fr: 'Commissariat à la protection de la vie privée du Canada' }, article: { fr: 'le' as const } };
  const ico = { id: 'ico', name: { en: 'Information Commissioner’s Office', fr: 'Information Commissioner’s Office' } };
  // 200 campaigns, as many as the list reads: from their memo, every tenth is drafted and signed by
  // the OPC, others are drafted for the ICO alone or not drafted yet; five were started before the
  // memo said so, and only their statement can tell (two of them drafted, signed by the OPC).
  const found = Array.from({ length: 200 }, (_, i) => {
    const campaignId = `c${String(i).padStart(3, '0')}`;
    const listed = { workflowId: `campaign:${campaignId}`, campaignId, executionStatus: 'RUNNING', startedAt: '2026-11-27T15:30:00.000Z' };
    if (i < 5) return listed;
    return { ...listed, authorities: i % 10 === 0 || i % 10 === 1 ? [opc, ico] : [ico], statementDrafted: i % 10 !== 1 };
  });
  const asked: string[] = [];
  const app = createWebApp({
    config,
    signIn: {} as OidcSignIn,
    dossier: async () => ({ findCampaigns: async () => found }) as never,
    campaigns: async () =>
      ({
        statement: async (campaignId: string) => {
          asked.push(campaignId);
          const i = Number(campaignId.slice(1));
          return i < 2 || (i >= 5 && i % 10 === 0) ? { version: 1, campaign: { authorities: [opc, ico] } } : i < 5 ? undefined : { version: 1, campaign: { authorities: [ico] } };
        },
      }) as never,
    revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
  });
  const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'm'.repeat(32), csrf: 't', language: 'fr', user: { subject: 'daniel', name: 'Daniel', roles: ['co-signatory'], authorityId: 'opc' }, expiresAt: Date.now() + FILE_SESSION_MS })}`;

  it('shows the statements its authority signs from the campaigns’ memos, asking only a campaign started before them for its statement', async () => {
    asked.length = 0;
    const html = await (await app.request('/campaigns', { headers: { cookie } })).text();
    const shown = [...html.matchAll(/<th scope="row">(c\d{3})<\/th>/g)].map((m) => m[1]);
    expect(shown).toEqual(['c000', 'c001', ...Array.from({ length: 19 }, (_, n) => `c${String((n + 1) * 10).padStart(3, '0')}`)]);
    expect(asked.sort()).toEqual(['c000', 'c001', 'c002', 'c003', 'c004']);
    expect(visibleText(html)).toContain('(cosignataire\u00a0: le Commissariat à la protection de la vie privée du Canada)');
  });
});

describe('dates, times and names as the workspace writes them', () => {
  const NBSP = '\u00a0';

  const views = loadViews();

  it('writes French hours as "9 h" and "10 h 30", as the letters do, and English ones on the 24-hour clock', () => {
    expect(views.dateTime('2026-11-27T14:00:00Z', 'fr', 'America/Toronto')).toBe(`27${NBSP}nov.${NBSP}2026, 9${NBSP}h (heure de l’Est)`);
    expect(views.dateTime('2026-11-27T15:30:00Z', 'fr', 'America/Toronto')).toBe(`27${NBSP}nov.${NBSP}2026, 10${NBSP}h${NBSP}30 (heure de l’Est)`);
    expect(views.dateTime('2026-11-27T00:05:00Z', 'fr')).toBe(`27${NBSP}nov.${NBSP}2026, 0${NBSP}h${NBSP}05 (UTC)`);
    expect(views.dateTime('2026-11-27T14:00:00Z', 'en', 'America/Toronto')).toBe(`27${NBSP}Nov${NBSP}2026, 09:00 (Eastern Time)`);
  });

  it('joins the words of a date with no-break spaces, so a line never ends inside one', () => {
    expect(views.date('2026-12-12T04:59:59.999Z', 'fr', 'America/Toronto')).toBe(`11${NBSP}déc.${NBSP}2026`);
    expect(views.date('2026-12-11', 'en')).toBe(`11${NBSP}Dec${NBSP}2026`);
  });

  it('writes the first of a month "1er" in French, as the letters do, in a date and in a date and time', () => {
    expect(views.date('2026-07-01', 'fr')).toBe(`1er${NBSP}juill.${NBSP}2026`);
    expect(views.date('2026-07-02T03:59:59.999Z', 'fr', 'America/Toronto')).toBe(`1er${NBSP}juill.${NBSP}2026`);
    expect(views.dateTime('2026-12-01T14:00:00Z', 'fr', 'America/Toronto')).toBe(`1er${NBSP}déc.${NBSP}2026, 9${NBSP}h (heure de l’Est)`);
    expect(views.date('2026-07-01', 'en')).toBe(`1${NBSP}Jul${NBSP}2026`);
    // Only the day: the 1st of a year or a time at 1 o'clock keep their digit.
    expect(views.date('2026-07-11', 'fr')).toBe(`11${NBSP}juill.${NBSP}2026`);
    expect(views.dateTime('2026-07-11T05:00:00Z', 'fr', 'America/Toronto')).toBe(`11${NBSP}juill.${NBSP}2026, 1${NBSP}h (heure de l’Est)`);
  });

  it('names a zone as the letters do, and UTC as "UTC", never by its IANA id where Intl has a name', () => {
    const at = new Date('2026-11-27T14:00:00Z');
    expect(views.zoneName('America/Toronto', 'fr', at)).toBe('heure de l’Est');
    expect(views.zoneName('America/Toronto', 'en', at)).toBe('Eastern Time');
    expect(views.zoneName('UTC', 'fr', at)).toBe('UTC');
    expect(views.zoneName('Europe/London', 'fr', at)).toBe('heure\u00a0: Royaume-Uni');
    expect(views.text('fr', 'hint.time-zone', { zone: 'UTC' })).toBe('UTC, le fuseau horaire de l’autorité responsable');
  });

  it('names a missing text from every source the workflows list, and no other', () => {
    const views = loadViews();
    for (const source of TEXT_SOURCE_KINDS) {
      for (const language of ['en', 'fr'] as const) expect(missingTextWords({ source, field: 'summary', language: 'fr' }, language, views), `${source} in ${language}`).toBeDefined();
    }
    expect(missingTextWords({ source: 'elsewhere', field: 'summary', language: 'fr' }, 'en', views)).toBeUndefined();
  });

  it('elides "de" before a French name that begins with a vowel, and keeps it before a consonant or an h', () => {
    const views = loadViews();
    expect(views.text('fr', 'engagement.title', { vendor: 'Epsilon' })).toBe('Dossier d’Epsilon');
    expect(views.text('fr', 'engagement.title', { vendor: 'Uber' })).toBe('Dossier d’Uber');
    expect(views.text('fr', 'engagement.title', { vendor: 'Zoom' })).toBe('Dossier de Zoom');
    expect(views.text('fr', 'engagement.title', { vendor: 'Houseparty' })).toBe('Dossier de Houseparty');
    expect(views.text('fr', 'statement.title', { campaign: 'ocvid-2020' })).toBe('Déclaration commune\u00a0: ocvid-2020');
    expect(views.text('fr', 'campaigns.statement-link', { campaign: 'vc' })).toBe('Déclaration commune\u00a0: vc');
    expect(views.text('fr', 'mail.received-title', { from: 'Alice <alice@epsilon.test>' })).toBe('Courriel reçu d’Alice <alice@epsilon.test>');
    expect(views.text('en', 'engagement.title', { vendor: 'Epsilon' })).toBe('Engagement with Epsilon');
  });

  it('writes every French sentence that puts "de", "que", "le" or "la" before a value with the elision rule, unless the value is a date or a number', () => {
    const { strings } = loadViews();
    // Values that are dates or counts: they begin with a digit, never with a vowel.
    const datesAndNumbers = new Set(['date', 'days']);
    // A refusal's values dated or counted by the page, by their kind (workflows/refusals.ts).
    const refusalDate = (key: string, name: string) => {
      const kind = (REFUSALS as Record<string, Record<string, string>>)[key.replace(/^form-refusal\./, '')]?.[name];
      return key.startsWith('form-refusal.') && (kind === 'day' || kind === 'moment' || kind === 'number');
    };
    const unelided = Object.entries(strings.fr).flatMap(([key, text]) =>
      [...text.matchAll(/(?<![\p{L}’'])(de|que|le|la|jusque|lorsque|puisque) \{\{\s*(\w+)\s*\}\}/giu)]
        .filter((m) => !datesAndNumbers.has(m[2]) && !refusalDate(key, m[2]!))
        .map((m) => `${key}: ${m[0]}`),
    );
    expect(unelided).toEqual([]);
  });
});

describe('a French page about a vendor whose name begins with a vowel, in Toronto', () => {
  const status = {
    workflowId: 'engagement:vc:epsilon', campaignId: 'vc', vendorId: 'epsilon', vendorName: 'Epsilon', stage: 'awaiting-response',
    // The next deadline is the end of 1 July in Toronto; the response was due on 11 December.
    nextDeadline: '2026-07-02T03:59:59.999Z', responseDueDate: '2026-12-12T04:59:59.999Z',
    // As the workflow records them: English phrases, ISO dates and actors' codes, which the page words.
    timeline: [
      { at: '2026-11-27T14:00:00.000Z', by: 'dossier', what: 'open-letter sent', detail: 'letter' },
      { at: '2026-11-27T15:30:00.000Z', by: 'dossier', what: "response deadline set from the letter's delivery", detail: 'to 2026-12-12T04:59:59.999Z' },
      { at: '2026-11-28T15:00:00.000Z', by: 'Owen (owen, signed in)', what: 'follow-up round 1 asked', detail: 'Q1' },
      { at: '2026-12-01T16:00:00.000Z', by: 'Owen (owen, signed in)', what: 'demonstration D1 validated', detail: 'as shown' },
    ],
    deliveryFailures: [{ at: '2026-11-27T14:05:00.000Z', step: 'reminder 1', reason: 'mailbox full' }],
    questions: [{ id: 'Q1', round: 1, text: 'How are keys kept?', dueDate: '2026-12-12T04:59:59.999Z' }],
    openQuestions: [{ id: 'Q1', round: 1, text: 'How are keys kept?', dueDate: '2026-12-12T04:59:59.999Z' }],
    demonstrations: [
      { id: 'D1', at: '2026-12-01T14:00:00.000Z', topics: ['keys', 'logs'], result: 'validated', notes: 'as shown' },
      { id: 'D2', at: '2026-12-02T14:00:00.000Z', topics: ['deletion'] },
    ],
    remindersSent: [],
  };
  const app = appShowing(status, 'America/Toronto');
  const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'a'.repeat(32), csrf: 't', language: 'fr', user: { subject: 'owen', name: 'Owen', roles: ['officer'], authorityId: 'opc' }, expiresAt: Date.now() + FILE_SESSION_MS })}`;
  const page = async () => (await app.request('/campaigns/vc/engagements/epsilon', { headers: { cookie } })).text();

  it('is titled "Dossier d’Epsilon" and writes its times "9 h" and "10 h 30", never breaking a date across lines', async () => {
    const html = await page();
    expect(html).toContain('<title>Dossier d’Epsilon — Dossier</title>');
    expect(html).toContain('<h1>Dossier d’Epsilon</h1>');
    expect(html).toContain('<th scope="row">27\u00a0nov.\u00a02026, 9\u00a0h (heure de l’Est)</th>');
    expect(html).toMatch(/<dd>11\u00a0déc\.\u00a02026<\/dd>/);
    expect(html).not.toMatch(/\d\d h \d\d/);
  });

  it('writes the first of a month "1er", as the letters do', async () => {
    const html = await page();
    expect(html).toMatch(/<dd id="next-deadline">1er\u00a0juill\.\u00a02026<\/dd>/);
    expect(html).toContain('<td data-label="Quand">1er\u00a0déc.\u00a02026, 9\u00a0h (heure de l’Est)</td>');
  });

  it('names the zone as the letters do ("heure de l’Est"), by every time and in the hints of the forms', async () => {
    const html = await page();
    expect(html).toContain('<th scope="row">27\u00a0nov.\u00a02026, 10\u00a0h\u00a030 (heure de l’Est)</th>');
    expect(html).toContain('<span class="hint">heure de l’Est, le fuseau horaire de l’autorité responsable</span>');
    expect(html).toContain('<span class="hint">jusqu’à la fin de ce jour, heure de l’Est, le fuseau horaire de l’autorité responsable</span>');
    expect(html).not.toContain('America/Toronto');
  });

  it('words the timeline in French, as the workflow recorded it in English, with its dates in the campaign’s zone', async () => {
    const html = await page();
    const timeline = html.slice(html.indexOf('aria-labelledby="timeline-heading"'), html.indexOf('</table>', html.indexOf('aria-labelledby="timeline-heading"')));
    expect(timeline).toContain('<th scope="row">27\u00a0nov.\u00a02026, 9\u00a0h (heure de l’Est)</th><td data-label="Par">Dossier (automatique)</td><td data-label="Quoi">lettre ouverte\u00a0: message envoyé</td>');
    expect(timeline).toContain('<td data-label="Par">Dossier (automatique)</td><td data-label="Quoi">échéance de la réponse comptée à partir de la remise de la lettre, désormais le 11\u00a0déc.\u00a02026</td>');
    expect(timeline).toContain('<td data-label="Par">Owen (owen, espace de travail)</td><td data-label="Quoi">série 1 de questions complémentaires posée\u00a0: Q1</td>');
    expect(timeline).toContain('<td data-label="Quoi">démonstration D1 (validé)\u00a0: as shown</td>');
    for (const english of ['sent', 'delivery', 'asked', 'validated', 'dossier<', 'signed in', '2026-12-12T']) expect(timeline).not.toContain(english);
  });

  it('shows an entry it cannot read as recorded, and a day recorded as a day', () => {
    const views = loadViews();
    expect(entryWords({ what: 'letter delivered', detail: 'mx.epsilon.test' }, 'fr', 'America/Toronto', views)).toBe('letter delivered\u00a0: mx.epsilon.test');
    expect(entryWords({ what: 'concluded' }, 'fr', 'America/Toronto', views)).toBe('conclu');
    // A response received on a day recorded as that day is that day, not midnight UTC on Toronto clocks.
    expect(entryWords({ what: 'response recorded', detail: 'received 2026-11-29' }, 'fr', 'America/Toronto', views)).toBe('réponse consignée, reçue le 29\u00a0nov.\u00a02026');
  });

  it('puts a no-break space before each colon and semicolon it shows, and no English quotation marks', async () => {
    const html = await page();
    const shown = visibleText(html);
    for (const text of ['Compte\u00a0: Owen', ' (analyste\u00a0: opc)', '\u00a0: reminder 1 — mailbox full', 'Q1 (série 1)\u00a0: How are keys kept?', 'keys\u202f; logs', 'validé\u00a0: as shown', 'désormais le 11\u00a0déc.\u00a02026', 'posée\u00a0: Q1', 'Consigner le résultat de la démonstration\u00a0: D2']) {
      expect(shown).toContain(text);
    }
    expect(frenchPunctuationFaults(shown)).toEqual([]);
  });
});

describe('French words on an engagement page agree with their count and their noun', () => {
  const question = (n: number) => ({ id: `Q${n}`, round: 1, text: `Question ${n}?`, dueDate: '2026-12-12T04:59:59.999Z' });
  const pageWith = async (asked: number, open: number, stage = 'awaiting-response') => {
    const questions = Array.from({ length: asked }, (_, i) => question(i + 1));
    const status = {
      workflowId: 'engagement:vc:zoom', campaignId: 'vc', vendorId: 'zoom', vendorName: 'Zoom', stage,
      nextDeadline: '2026-12-12T04:59:59.999Z', responseDueDate: '2026-12-12T04:59:59.999Z',
      timeline: [], deliveryFailures: [], questions, openQuestions: questions.slice(0, open), demonstrations: [], remindersSent: [],
    };
    const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'b'.repeat(32), csrf: 't', language: 'fr', user: { subject: 'owen', name: 'Owen', roles: ['officer'], authorityId: 'opc' }, expiresAt: Date.now() + 60_000 })}`;
    return (await appShowing(status, 'UTC').request('/campaigns/vc/engagements/zoom', { headers: { cookie } })).text();
  };

  it('counts open and asked questions each in its own number ("1 ouverte sur 2 posées", "0 ouverte sur 1 posée")', async () => {
    expect(await pageWith(2, 1)).toContain('<caption>1 ouverte sur 2 posées</caption>');
    expect(await pageWith(1, 0)).toContain('<caption>0 ouverte sur 1 posée</caption>');
    expect(await pageWith(3, 2)).toContain('<caption>2 ouvertes sur 3 posées</caption>');
  });

  it('gives each "one per line" hint the gender of its noun: un document, un sujet, une question', async () => {
    // The response's form while it is awaited, the others once it is recorded.
    const [awaiting, responded] = [await pageWith(0, 0), await pageWith(0, 0, 'responded')];
    const hintOf = (html: string, id: string) => html.match(new RegExp(`<label for="${id}">[^<]*<span class="hint">([^<]*)</span>`))?.[1];
    expect([hintOf(awaiting, 'respond-attachments'), hintOf(responded, 'demo-topics'), hintOf(responded, 'ask-questions')]).toEqual(['un par ligne', 'un par ligne', 'une par ligne']);
  });
});

/** The text a reader sees in a page's main part and header (tags dropped, the few entities the pages use read). */
function visibleText(html: string): string {
  return html
    .replace(/^[\s\S]*?<body>/, '')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&#x3D;/g, '=')
    .replace(/&amp;/g, '&');
}

describe('a delivery failure on the engagement page', () => {
  const status = {
    workflowId: 'engagement:vc:zoom', campaignId: 'vc', vendorId: 'zoom', vendorName: 'Zoom', stage: 'letter-undeliverable',
    timeline: [], questions: [], openQuestions: [], demonstrations: [], remindersSent: [],
    deliveryFailures: [
      {
        at: '2026-11-27T14:05:00.000Z', step: 'letter',
        reason: 'RecipientRejected: The mail server refused recipient 1 of 2 for good (SMTP 550): 550 5.1.1 <address>: Recipient address rejected [a@zoom.test, b@zoom.test]',
        refusal: { code: 'recipients-refused', recipients: ['a@zoom.test', 'b@zoom.test'], smtpCode: 550, reply: '550 5.1.1 <a@zoom.test>: Recipient address rejected' },
      },
      { at: '2026-11-28T14:05:00.000Z', step: 'reminder-response-1', reason: 'RecipientRejected: 550 Mailbox unavailable' },
    ],
  };
  const app = appShowing(status, 'UTC');
  const page = async (language: 'en' | 'fr') => {
    const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'a'.repeat(32), csrf: 't', language, user: { subject: 'owen', name: 'Owen', roles: ['officer'], authorityId: 'opc' }, expiresAt: Date.now() + 60_000 })}`;
    const html = await (await app.request('/campaigns/vc/engagements/zoom', { headers: { cookie } })).text();
    return /<div class="problems">[\s\S]*?<\/div>/.exec(html)?.[0] ?? '';
  };

  it('says in the reader’s language which addresses were refused, quoting the server’s reply, and tags a reason recorded before in English', async () => {
    const fr = await page('fr');
    expect(visibleText(fr)).toContain('lettre ouverte — Le serveur de messagerie a refusé définitivement les adresses a@zoom.test et b@zoom.test, en général parce qu’elles n’existent pas ou ne reçoivent plus de courrier. Réponse du serveur de messagerie, telle qu’il l’a donnée\u00a0: «\u202f550 5.1.1 <a@zoom.test>: Recipient address rejected\u202f»');
    expect(fr).toContain('<span lang="en">RecipientRejected: 550 Mailbox unavailable</span>');
    expect(fr).not.toContain('recipient 1 of 2');
    const en = await page('en');
    expect(visibleText(en)).toContain('open letter — The mail server refused the addresses a@zoom.test and b@zoom.test for good, usually because they do not exist or no longer accept mail.');
    expect(en).toContain('reminder — RecipientRejected: 550 Mailbox unavailable');
  });
});

describe('the principles on an engagement page', () => {
  const finding = { assessment: { en: 'Met.', fr: 'Respecté.' }, goodPractices: [] };
  const status = {
    workflowId: 'engagement:vc:zoom', campaignId: 'vc', vendorId: 'zoom', vendorName: 'Zoom', stage: 'concluded',
    timeline: [], questions: [], openQuestions: [], demonstrations: [], remindersSent: [], deliveryFailures: [],
    findings: Object.fromEntries(PRINCIPLES.map((p) => [p, finding])),
  };
  const app = appShowing(status, 'UTC');

  it('names each principle of the findings by its title in templates/words.yaml, in the reader’s language', async () => {
    const { principle } = loadViews();
    for (const language of ['en', 'fr'] as const) {
      const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'p'.repeat(32), csrf: 't', language, user: { subject: 'owen', name: 'Owen', roles: ['officer'] }, expiresAt: Date.now() + 60_000 })}`;
      const html = await (await app.request('/campaigns/vc/engagements/zoom', { headers: { cookie } })).text();
      const titles = [...html.matchAll(/<dt>([^<]*)<\/dt><dd><span lang="en">Met\.<\/span> \/ <span lang="fr">Respecté\.<\/span><\/dd>/g)].map((m) => m[1]);
      expect(titles, language).toEqual(PRINCIPLES.map((p) => principle(p, language)));
    }
    expect(principle('end-user-control', 'fr')).toBe('Contrôle par l’utilisateur final');
  });
});

describe('messages not delivered, delayed and bounced, on a French engagement page', () => {
  // As the workflow and the intake record them: the reasons and the delay in English.
  const refusedReason = 'RecipientRejected: The mail server refused recipient 1 of 1 for good (SMTP 550): 550 5.1.1 <address>: Recipient address rejected [a@zoom.test]';
  const bounceReason = "bounced by the vendor's mail server for a@zoom.test, b@zoom.test: 5.1.1 550 User unknown";
  const oldReason = 'RecipientRejected: 550 Mailbox unavailable';
  const status = {
    workflowId: 'engagement:vc:zoom', campaignId: 'vc', vendorId: 'zoom', vendorName: 'Zoom', stage: 'letter-undeliverable',
    questions: [], openQuestions: [], demonstrations: [], remindersSent: [],
    timeline: [
      { at: '2026-11-27T14:05:00.000Z', by: 'dossier', what: 'open-letter not delivered', detail: `letter: ${refusedReason}` },
      { at: '2026-11-28T14:05:00.000Z', by: 'dossier', what: 'reminder delayed', detail: 'reminder-response-1: not delivered after 4 hours; still retrying' },
      { at: '2026-11-29T14:05:00.000Z', by: 'dossier', what: 'message bounced', detail: `letter-2: ${bounceReason}` },
      { at: '2026-11-30T14:05:00.000Z', by: 'dossier', what: 'message bounced', detail: "letter-3: bounced by the vendor's mail server for c@zoom.test: no reason given" },
      { at: '2026-12-01T14:05:00.000Z', by: 'dossier', what: 'final-notice not delivered', detail: `final-notice-response-1: ${oldReason}` },
    ],
    deliveryFailures: [
      { at: '2026-11-27T14:05:00.000Z', step: 'letter', reason: refusedReason, refusal: { code: 'recipients-refused', recipients: ['a@zoom.test'], smtpCode: 550, reply: '550 5.1.1 <a@zoom.test>: Recipient address rejected' } },
      { at: '2026-11-29T14:05:00.000Z', step: 'letter-2', reason: bounceReason },
      // Recorded by a release that kept no refusal: only its English reason says why.
      { at: '2026-12-01T14:05:00.000Z', step: 'final-notice-response-1', reason: oldReason },
    ],
  };
  const app = appShowing(status, 'UTC');
  const page = async (language: 'en' | 'fr') => {
    const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'a'.repeat(32), csrf: 't', language, user: { subject: 'owen', name: 'Owen', roles: ['officer'], authorityId: 'opc' }, expiresAt: Date.now() + 60_000 })}`;
    return visibleText(await (await app.request('/campaigns/vc/engagements/zoom', { headers: { cookie } })).text());
  };

  it('says why each was refused or bounced and how long one has waited in French, with no English phrase Dossier recorded', async () => {
    const fr = await page('fr');
    expect(fr).toContain('lettre ouverte\u00a0: message non distribué\u00a0: Le serveur de messagerie a refusé définitivement l’adresse a@zoom.test, en général parce qu’elle n’existe pas ou ne reçoit plus de courrier. Réponse du serveur de messagerie, telle qu’il l’a donnée\u00a0: «\u202f550 5.1.1 <a@zoom.test>: Recipient address rejected\u202f»');
    expect(fr).toContain('rappel\u00a0: message toujours pas distribué après 4\u00a0heures, nouvelles tentatives en cours');
    expect(fr).toContain('message de non-remise reçu (lettre ouverte)\u00a0: Le serveur de messagerie de l’entreprise a renvoyé le message, non remis, pour les adresses a@zoom.test et b@zoom.test. Son rapport, tel qu’il l’a donné\u00a0: «\u202f5.1.1 550 User unknown\u202f»');
    expect(fr).toContain('message de non-remise reçu (lettre ouverte)\u00a0: Le serveur de messagerie de l’entreprise a renvoyé le message, non remis, pour l’adresse c@zoom.test. Il n’a donné aucun motif.');
    // The list of failures says the same of the bounce.
    expect(fr).toContain('lettre ouverte — Le serveur de messagerie de l’entreprise a renvoyé le message, non remis, pour les adresses a@zoom.test et b@zoom.test.');
    for (const english of ['refused recipient', 'recipient 1 of 1', 'for good', 'hours', 'still retrying', 'bounced by', "vendor's mail server", 'no reason given']) expect(fr).not.toContain(english);
  });

  it('shows a reason recorded before refusals were kept as recorded', async () => {
    const fr = await page('fr');
    expect(fr).toContain(`dernier avis\u00a0: message non distribué\u00a0: ${oldReason}`);
    expect(fr).toContain(`dernier avis — <span lang="en">${oldReason}</span>`.replace(/<[^>]+>/g, ''));
  });

  it('names each message of the list of failures by its kind in the page’s language, not by its step’s code', async () => {
    const list = async (language: 'en' | 'fr') => {
      const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'a'.repeat(32), csrf: 't', language, user: { subject: 'owen', name: 'Owen', roles: ['officer'] }, expiresAt: Date.now() + 60_000 })}`;
      const html = await (await app.request('/campaigns/vc/engagements/zoom', { headers: { cookie } })).text();
      return [.../<div class="problems">[\s\S]*?<ul>([\s\S]*?)<\/ul>/.exec(html)![1].matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => visibleText(m[1]).replace(/^.*?\u00a0?: /, '').split(' — ')[0]);
    };
    expect(await list('fr')).toEqual(['lettre ouverte', 'lettre ouverte', 'dernier avis']);
    expect(await list('en')).toEqual(['open letter', 'open letter', 'final notice']);
  });

  it('names in words every step the engagement workflow sends, as engagement.ts names them', () => {
    const steps: Record<string, string> = {
      letter: 'open-letter', 'letter-3': 'open-letter', 'reminder-response-2': 'reminder', 'final-notice-response-1': 'final-notice',
      'follow-up-r2-questions': 'follow-up-questions', 'follow-up-r2-reminder-1': 'follow-up-reminder', 'follow-up-r2-final-notice-1': 'final-notice',
      'answers-acknowledgement-2': 'answers-acknowledgement', 'deadline-extension-1': 'deadline-extension', acknowledgement: 'acknowledgement', 'demo-d1-invite-2': 'demonstration-invitation',
      'demo-d1-reminder-1': 'demonstration-reminder', 'demo-d1-cancel': 'demonstration-cancellation', 'officer-notice-letter': 'officer-notice',
    };
    for (const [step, kind] of Object.entries(steps)) expect(stepKind(step), step).toBe(kind);
    expect(stepKind('a-step-of-a-newer-release')).toBeUndefined();
  });

  it('says the same in English on an English page', async () => {
    const en = await page('en');
    expect(en).toContain('open letter not delivered: The mail server refused the address a@zoom.test for good, usually because it does not exist or no longer accepts mail.');
    expect(en).toContain('reminder still not delivered after 4 hours, still retrying');
    expect(en).toContain("message bounced (open letter): The vendor's mail server sent the message back undelivered for the addresses a@zoom.test and b@zoom.test. Its report, as it gave it: “5.1.1 550 User unknown”");
  });
});

/** Each colon or semicolon with no no-break space before it (but a URL's "https://"), and each English quotation mark, in its surroundings. */
function frenchPunctuationFaults(text: string): string[] {
  return [...text.matchAll(/.{0,20}(?:(?<![\u00a0\u202f])(?:;|:(?!\/\/))|[“”"]|« | »).{0,10}/g)].map((m) => m[0]);
}

describe('the page texts', () => {
  it('has every sentence in English and French, and renders a page with its values escaped', () => {
    const views = loadViews();
    expect(Object.keys(views.strings.fr).sort()).toEqual(Object.keys(views.strings.en).sort());
    const html = views.render('error', 'fr', { title: '<b>x</b>', messageKey: 'error.refused', csrf: 'c', path: '/' });
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(html).toContain('Votre rôle ne permet pas cette page ou cette action.');
  });

  it('puts one kind of space inside every French « », the narrow no-break space, and no straight quote in any sentence', () => {
    const views = loadViews();
    const french = Object.entries(views.strings.fr);
    expect(french.filter(([, text]) => /«(?!\u202f)|(?<!\u202f)»/.test(text)).map(([key]) => key)).toEqual([]);
    expect(french.filter(([, text]) => text.includes('"')).map(([key]) => key)).toEqual([]);
    expect(views.text('fr', 'form.not-a-date', { value: 'demain' })).toBe('«\u202fdemain\u202f» n’est pas une date.');
    expect(views.text('en', 'form.not-a-date', { value: 'tomorrow' })).toBe('“tomorrow” is not a date.');
  });

  it('tells the officers on the board why no engagement has started while the letter waits for the published files', () => {
    const views = loadViews();
    const campaign = { campaignId: 'vc', reference: 'VC-2020', phase: 'engaging', engagementCount: 10, vendorNames: {} };
    const board = (letterNotKept?: { error: string; problem: string }) => views.render('board', 'fr', { title: 'Campagne VC-2020', campaign: { ...campaign, letterNotKept }, rows: [], total: 10, csrf: 'c', path: '/campaigns/vc' });
    expect(board()).not.toContain('id="letter-not-kept"');
    const html = board({ error: 'connect ECONNREFUSED <store>', problem: 'the letter makes each engagement’s input 496 KB' });
    expect(html).toMatch(/<div class="problems" role="status" id="letter-not-kept"><p>Aucun dossier n’a encore commencé\. La lettre n’a pas pu être conservée/);
    expect(html).toContain('<code>the letter makes each engagement’s input 496 KB</code>');
    expect(html).toContain('<code>connect ECONNREFUSED &lt;store&gt;</code>');
  });

  it('tells the lead on the statement page that a version could not be printed, and why', () => {
    const views = loadViews();
    const page = (draftUnprintable?: { version: number; error: string }) =>
      views.render('statement', 'fr', { title: 'Déclaration', canSteer: true, campaign: { campaignId: 'vc', reference: 'VC', phase: 'approving', changeRequests: [], engagements: [], draftUnprintable }, csrf: 'c', path: '/campaigns/vc/statement' });
    expect(page()).not.toContain('id="statement-unprintable"');
    const html = page({ version: 2, error: 'The text "Kilo <🦄>" contains U+1F984' });
    expect(html).toContain('<p id="statement-unprintable" role="alert">La version 2 n’a pas pu être imprimée\u202f; personne ne peut donc l’approuver.');
    expect(html).toContain('<p lang="en">The text &quot;Kilo &lt;🦄&gt;&quot; contains U+1F984</p>');
  });

  it('quotes a signatory’s comment on the statement page as French quotes it, « … », with a no-break space before each colon', () => {
    const views = loadViews();
    const view = {
      title: 'Déclaration',
      campaign: { campaignId: 'vc', reference: 'VC', phase: 'revising', changeRequests: [] },
      authorities: [{ id: 'ico', name: 'ICO', changes: [{ version: 2, by: 'Ivy', at: '2026-11-27T15:30:00.000Z', comment: 'Say "sooner" <here>' }] }],
      history: [{ version: 1, authorityId: 'ico', authority: 'ico', by: 'Ivy', comment: 'Too long' }],
      vendors: [{ vendorName: 'Zoom', stageKey: 'stage.awaiting-response' }],
      timeZone: 'America/Toronto',
      csrf: 'c',
      path: '/campaigns/vc/statement',
    };
    const shown = visibleText(views.render('statement', 'fr', view));
    expect(shown).toContain('demandées par Ivy le 27\u00a0nov.\u00a02026, 10\u00a0h\u00a030 (heure de l’Est)\u00a0: «\u202fSay "sooner" <here>\u202f»');
    expect(shown).toContain('La version 1 a été renvoyée par ico (Ivy)\u00a0: «\u202fToo long\u202f»');
    expect(shown).toContain('Zoom\u00a0: ');
    expect(frenchPunctuationFaults(shown.replace('"sooner"', 'sooner'))).toEqual([]);
    const english = visibleText(views.render('statement', 'en', view));
    expect(english).toContain('requested by Ivy on 27\u00a0Nov\u00a02026, 10:30 (Eastern Time): “Say "sooner" <here>”');
    expect(english).toContain('Version 1 was sent back by ico (Ivy): “Too long”');
  });

  it('names the authority that sent a version back by its name, with the article French gives it, not by its id', async () => {
    const authority = (id: string, en: string, fr: string, article?: 'le' | 'la' | 'l’') => ({ id, name: { en, fr }, ...(article ? { article: { fr: article } } : {}) });
    const draft = {
      version: 3,
      campaign: { title: { en: 'Video conferencing', fr: 'Vidéoconférence' }, authorities: [authority('opc', 'Office of the Privacy Commissioner of Canada', 'Commissariat à la protection de la vie privée du Canada', 'le'), authority('ico', 'Information Commissioner’s Office', 'Information Commissioner’s Office')] },
      vendors: [],
    };
    const status = {
      campaignId: 'vc', reference: 'VC', phase: 'approving', engagements: [],
      draft: { version: 3, date: '2026-11-27', approvals: [], pending: ['opc', 'ico'], required: 2 },
      changeRequests: [
        { version: 1, authorityId: 'opc', by: 'Daniel', at: '2026-11-25T15:30:00.000Z', comment: 'Trop long' },
        { version: 2, authorityId: 'ico', by: 'Ivy', at: '2026-11-26T15:30:00.000Z', comment: 'Too long' },
      ],
    };
    const shown = statementShown(status, draft);
    const french = await shown('fr');
    expect(french).toContain('La version 1 a été renvoyée par le Commissariat à la protection de la vie privée du Canada (Daniel)\u00a0: «\u202fTrop long\u202f»');
    expect(french).toContain('La version 2 a été renvoyée par l’autorité «\u202fInformation Commissioner’s Office\u202f» (Ivy)');
    const opc = { subject: 'daniel', name: 'Daniel', roles: ['co-signatory'], authorityId: 'opc' };
    expect(await shown('fr', opc)).toContain('Votre réponse pour le Commissariat à la protection de la vie privée du Canada');
    expect(await shown('en', opc)).toContain('Your answer for the Office of the Privacy Commissioner of Canada');
    const english = await shown('en');
    expect(english).toContain('Version 1 was sent back by the Office of the Privacy Commissioner of Canada (Daniel): “Trop long”');
    expect(english).toContain('Version 2 was sent back by the Information Commissioner’s Office (Ivy): “Too long”');
  });

  it('names a co-signatory’s authority in the header by its name in the reader’s language, French with its article, on every page once read', async () => {
    const authority = (id: string, en: string, fr: string, article?: 'le' | 'la' | 'l’') => ({ id, name: { en, fr }, ...(article ? { article: { fr: article } } : {}) });
    const draft = {
      version: 1,
      campaign: { title: { en: 'Video conferencing', fr: 'Vidéoconférence' }, authorities: [authority('opc', 'Office of the Privacy Commissioner of Canada', 'Commissariat à la protection de la vie privée du Canada', 'le'), authority('ico', 'Information Commissioner’s Office', 'Bureau du commissaire à l’information')] },
      vendors: [],
    };
    const status = { campaignId: 'vc', reference: 'VC', phase: 'approving', engagements: [], draft: { version: 1, date: '2026-11-27', approvals: [], pending: ['opc', 'ico'], required: 2 }, changeRequests: [] };
    const app = createWebApp({
      config,
      signIn: {} as OidcSignIn,
      dossier: async () => ({ findCampaigns: async () => [{ workflowId: 'campaign:vc', campaignId: 'vc', executionStatus: 'RUNNING', startedAt: '2026-11-27T15:30:00.000Z' }] }) as never,
      campaigns: async () => ({ status: async () => status, statement: async () => draft, title: async () => undefined, statementChanges: async () => undefined }) as never,
      revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
    });
    const leadApp = createWebApp({
      config,
      signIn: {} as OidcSignIn,
      dossier: async () =>
        ({ findCampaigns: async () => [{ workflowId: 'campaign:vc', campaignId: 'vc', executionStatus: 'RUNNING', startedAt: '2026-11-27T15:30:00.000Z', authorities: draft.campaign.authorities, statementDrafted: true }] }) as never,
      campaigns: async () => ({}) as never,
      revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
    });
    const header = (html: string) => visibleText(/<span class="who">[\s\S]*?<\/span>/.exec(html)?.[0] ?? html);
    const visit = async (path: string, language: string, authorityId: string, cookie?: string) => {
      cookie ??= `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'n'.repeat(32), csrf: 't', language, user: { subject: 'daniel', name: 'Daniel', roles: ['co-signatory'], authorityId }, expiresAt: Date.now() + 60_000 })}`;
      const response = await app.request(path, { headers: { cookie } });
      return { shown: header(await response.text()), cookie: response.headers.get('set-cookie')?.split(';')[0] ?? cookie };
    };
    expect((await visit('/campaigns/vc/statement', 'fr', 'opc')).shown).toBe('Compte\u00a0: Daniel (cosignataire\u00a0: le Commissariat à la protection de la vie privée du Canada)');
    expect((await visit('/campaigns/vc/statement', 'en', 'opc')).shown).toBe('Signed in as Daniel (co-signatory: Office of the Privacy Commissioner of Canada)');
    expect((await visit('/campaigns/vc/statement', 'fr', 'ico')).shown).toBe('Compte\u00a0: Daniel (cosignataire\u00a0: l’autorité «\u202fBureau du commissaire à l’information\u202f»)');
    // Signed in, a co-signatory lands on the campaigns list: the name read there stays for every page after.
    const list = await visit('/campaigns', 'fr', 'opc');
    expect(list.shown).toBe('Compte\u00a0: Daniel (cosignataire\u00a0: le Commissariat à la protection de la vie privée du Canada)');
    expect((await visit('/campaigns/new', 'fr', 'opc', list.cookie)).shown).toBe('Compte\u00a0: Daniel (cosignataire\u00a0: le Commissariat à la protection de la vie privée du Canada)');
    // A lead who also signs reads every campaign: its authority is named from the listing's memo, not by its id.
    const lead = await (async () => {
      const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'l'.repeat(32), csrf: 't', language: 'en', user: { subject: 'lea', name: 'Léa', roles: ['lead-officer', 'co-signatory'], authorityId: 'opc' }, expiresAt: Date.now() + 60_000 })}`;
      const listed = await leadApp.request('/campaigns', { headers: { cookie } });
      return header(await listed.text());
    })();
    expect(lead).toBe('Signed in as Léa (lead officer, co-signatory: Office of the Privacy Commissioner of Canada)');
  });

  it('lists the vendors the published statement was not mailed to, and why, in the reader’s language', async () => {
    const shown = publishedStatementShown([
      { vendorId: 'houseparty', vendorName: 'Houseparty', reason: 'letter-undelivered' },
      { vendorId: 'epsilon', vendorName: 'Epsilon', reason: 'letter-not-accepted' },
    ]);
    const french = await shown('fr');
    // Not "never had": a letter still being sent may reach the vendor after the statement was published.
    expect(french).toContain('Déclaration non envoyée à ces entreprises, qui, lors de sa publication, n’avaient pas reçu la lettre à laquelle elle répond\u00a0:');
    expect(french).toContain('Houseparty\u00a0: son dossier s’est terminé sans que la lettre lui parvienne');
    expect(french).toContain('Epsilon\u00a0: le serveur de messagerie n’avait accepté aucune de ses lettres');
    expect(frenchPunctuationFaults(french)).toEqual([]);
    const english = await shown('en');
    expect(english).toContain('Statement not mailed to these vendors, which, when it was published, had not received the letter it answers:');
    expect(english).toContain('Houseparty: its engagement ended without the letter reaching it');
    expect(english).toContain('Epsilon: the mail server had accepted none of its letters when the statement went out');
  });

  it('still shows the statement page when a vendor was left out for a reason this release does not know (a newer worker’s, mid-upgrade), naming it by its code', async () => {
    const shown = publishedStatementShown([
      { vendorId: 'zeta', vendorName: 'Zeta <Inc>', reason: 'vendor-opted-out' },
      { vendorId: 'epsilon', vendorName: 'Epsilon', reason: 'letter-not-accepted' },
    ]);
    for (const language of ['en', 'fr']) {
      const page = await shown(language);
      expect(page, language).toMatch(language === 'fr' ? /Zeta <Inc>\u00a0: vendor-opted-out/ : /Zeta <Inc>: vendor-opted-out/);
      expect(page, language).toContain(language === 'fr' ? 'Epsilon\u00a0: le serveur de messagerie' : 'Epsilon: the mail server');
    }
  });

  // A page template holds the HTML; every word and mark of punctuation around its values comes from
  // strings.yaml, where French puts its no-break spaces and quotes («\u202f…\u202f»).
  it('leaves every mark of punctuation between words to strings.yaml: no page template writes a colon, a semicolon or a quotation mark of its own', () => {
    const templates = ['layout.hbs', ...['pages', 'partials'].flatMap((folder) => readdirSync(join(WEB_TEMPLATES_DIR, folder)).map((file) => join(folder, file)))];
    const faults = templates.flatMap((file) =>
      readFileSync(join(WEB_TEMPLATES_DIR, file), 'utf8')
        .split('\n')
        .flatMap((line, n) => {
          const withoutComments = line.replace(/\{\{!--.*?--\}\}/g, '');
          // Text between tags and values, and texts written inside a value's braces ({{join topics "; "}}).
          const text = withoutComments.replace(/\{\{[^}]*\}\}/g, '\u0001').replace(/<[^>]*>/g, '\u0001').replace(/&\w+;/g, '');
          const literals = [...withoutComments.matchAll(/\{\{[^}]*\}\}/g)].flatMap((m) => [...m[0].matchAll(/"([^"]*)"/g)].map((q) => q[1]));
          return [...text.split('\u0001'), ...literals].filter((part) => /[:;?!“”«»]/.test(part)).map((part) => `${file}:${n + 1}: ${JSON.stringify(part)}`);
        }),
    );
    expect(faults).toEqual([]);
  });

  it('says in French why mail is held, keeping an engagement’s English refusal as English', () => {
    const views = loadViews();
    const message = (why: object) => ({ ref: '1', messageId: '<m@x.test>', subject: 'Re: [VC]', kind: 'reply', reason: 'English', why, encoded: 'm' });
    const html = views.render('held', 'fr', {
      title: 'Courrier en attente',
      pen: 'vc',
      campaignId: 'vc',
      csrf: 'c',
      path: '/held/vc',
      messages: [
        message({ code: 'oversize', size: '3.1 MB', limit: '1.0 MB' }),
        message({ code: 'no-match' }),
        message({ code: 'refused', detail: 'engagement engagement:vc:sg refused: the sender x@evil.test is not an address of <SG>' }),
        message({ code: 'ambiguous-sender', vendors: ['Teams', '<Skype>'] }),
      ],
    });
    expect(html).toContain('<td data-label="Pourquoi il est en attente">le message fait 3.1 MB, plus que les 1.0 MB que la réception lit\u00a0: il n’a pas été ouvert');
    expect(html).toContain('<td data-label="Pourquoi il est en attente">Dossier n’a pu déterminer à quel dossier il appartient\u00a0:');
    expect(html).toContain('<td data-label="Pourquoi il est en attente">l’adresse de l’expéditeur peut être celle de plus d’une entreprise de la campagne (Teams\u202f; &lt;Skype&gt;), et seule');
    expect(html).toContain('<td data-label="Pourquoi il est en attente">le dossier l’a refusé\u00a0: <span lang="en">engagement engagement:vc:sg refused: the sender x@evil.test is not an address of &lt;SG&gt;</span>');
    const one = views.render('held-message', 'fr', { title: 'x', pen: 'vc', csrf: 'c', path: '/held/vc', message: { ...message({ code: 'unverified-sender', detail: 'dmarc=fail for zoom.test' }), recipients: [], text: '', attachments: [] } });
    expect(one).toMatch(/<dd id="held-reason">l’expéditeur n’a pu être vérifié .*\u00a0: <span lang="en">dmarc&#x3D;fail for zoom.test<\/span>/);
  });

  it('writes sizes the French way on French pages (3,1 Mo), and a size held by older code as it was written', () => {
    const views = loadViews();
    const message = (why: object) => ({ ref: '1', messageId: '<m@x.test>', subject: 'Re: [VC]', kind: 'reply', reason: 'English', why, encoded: 'm' });
    const oversize = { code: 'oversize', size: '3.1 MB', limit: '1.0 MB', bytes: 3_250_586, limitBytes: 1024 * 1024 };
    const pen = (language: 'en' | 'fr') =>
      views.render('held', language, { title: 'x', pen: 'vc', campaignId: 'vc', csrf: 'c', path: '/held/vc', messages: [message(oversize), message({ code: 'oversize', size: '2.0 MB', limit: '1.0 MB' })] });
    expect(pen('fr')).toContain('<td data-label="Pourquoi il est en attente">le message fait 3,1\u00a0Mo, plus que les 1,0\u00a0Mo que la réception lit');
    expect(pen('fr')).toContain('<td data-label="Pourquoi il est en attente">le message fait 2.0 MB, plus que les 1.0 MB');
    expect(pen('en')).toContain('<td data-label="Why it is held">the message is 3.1 MB, more than the 1.0 MB the intake reads');
    const attachments = [{ name: 'a.pdf', type: 'application/pdf', size: 3_250_586 }, { name: 'b.txt', type: 'text/plain', size: 12_345 }, { name: 'c.txt', type: 'text/plain', size: 512 }];
    const one = (language: 'en' | 'fr') =>
      views.render('held-message', language, { title: 'x', pen: 'vc', csrf: 'c', path: '/held/vc', message: { ...message(oversize), recipients: [], text: '', attachments } });
    expect(one('fr')).toContain('<li>a.pdf (application/pdf, 3,1\u00a0Mo)</li><li>b.txt (text/plain, 12,1\u00a0ko)</li><li>c.txt (text/plain, 512\u00a0octets)</li>');
    expect(one('en')).toContain('<li>a.pdf (application/pdf, 3.1 MB)</li><li>b.txt (text/plain, 12.1 KB)</li><li>c.txt (text/plain, 512 bytes)</li>');
  });

  it('names every stage, phase, principle, result, role and automatic action the workflows know', () => {
    const { strings, principle } = loadViews();
    // A principle's title is the letters' (templates/words.yaml), which the views read at load.
    for (const language of ['en', 'fr'] as const) for (const p of PRINCIPLES) expect(principle(p, language), `${language} ${p}`).toMatch(/\S/);
    const keys = [
      ...ENGAGEMENT_STAGES.map((s) => `stage.${s}`),
      ...CAMPAIGN_PHASES.map((p) => `phase.${p}`),
      ...DEMONSTRATION_RESULTS.map((r) => `result.${r}`),
      ...ROLES.map((r) => `role.${r}`),
      ...NEXT_ACTION_KINDS.map((k) => `next.${k}`),
    ];
    expect(keys.filter((k) => !(k in strings.en))).toEqual([]);
  });
});

describe('the workspace configuration', () => {
  it('names every missing or malformed variable at once', () => {
    let error: unknown;
    try {
      parseWebConfig({ DOSSIER_WEB_PORT: 'eighty', DOSSIER_SESSION_SECRET: 'short' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(WebConfigError);
    const problems = (error as WebConfigError).problems.join('\n');
    for (const name of ['DOSSIER_WEB_PORT', 'DOSSIER_OIDC_ISSUER', 'DOSSIER_OIDC_CLIENT_ID', 'DOSSIER_OIDC_CLIENT_SECRET', 'DOSSIER_SESSION_SECRET must be at least 32']) {
      expect(problems).toContain(name);
    }
  });

  it('re-checks the roles every 5 minutes unless told otherwise, and at least hourly', () => {
    const required = { DOSSIER_OIDC_ISSUER: 'https://id.example', DOSSIER_OIDC_CLIENT_ID: 'd', DOSSIER_OIDC_CLIENT_SECRET: 's', DOSSIER_SESSION_SECRET: secret };
    expect(parseWebConfig(required).rolesCheckMinutes).toBe(5);
    expect(parseWebConfig({ ...required, DOSSIER_ROLES_CHECK_MINUTES: '15' }).rolesCheckMinutes).toBe(15);
    for (const wrong of ['0', '61', 'ten']) expect(() => parseWebConfig({ ...required, DOSSIER_ROLES_CHECK_MINUTES: wrong })).toThrow(/DOSSIER_ROLES_CHECK_MINUTES/);
  });
});

describe('a sign-in at a provider that gives no refresh token', () => {
  // Its roles are asked again through the browser (a sign-in that shows no page while the provider's
  // own session lasts), so the session lasts as long as any (test/web/no-refresh-token.test.ts).
  it('lasts the whole session, and sends a page asked for once its roles are due round the provider, asked to show no page', async () => {
    const begun: { returnTo: string; silent?: boolean }[] = [];
    const signIn = {
      begin: async (returnTo: string, _language: string, { silent = false } = {}) => {
        begun.push({ returnTo, silent });
        return { url: new URL(`https://id.example/auth${silent ? '?prompt=none' : ''}`), pending: { state: `s${begun.length}`, nonce: 'n', codeVerifier: 'v', returnTo, expiresAt: Date.now() + 600_000, ...(silent ? { silent } : {}) } };
      },
      finish: async () => ({ subject: 'owen', name: 'Owen', roles: ['officer'] }),
    } as unknown as OidcSignIn;
    const rolesCheckMs = 50;
    const app = createWebApp({ config: { ...config, rolesCheckMinutes: rolesCheckMs / 60_000 }, signIn, dossier: async () => ({ findCampaigns: async () => [] }) as never, campaigns: async () => ({}) as never, revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }) });
    const pending = (await app.request('/login')).headers.getSetCookie().find((c) => c.startsWith('__Host-dossier_sign_in_'))!.split(';')[0];
    const before = Date.now();
    const callback = await app.request('/auth/callback?code=c&state=s1', { headers: { cookie: pending } });
    const cookie = callback.headers.getSetCookie().find((c) => c.startsWith('__Host-dossier_session='))!.split(';')[0]!;
    const session = new CookieSealer(secret).open<{ user?: unknown; expiresAt: number }>(decodeURIComponent(cookie.slice('__Host-dossier_session='.length)));
    expect(session?.user).toBeDefined();
    expect(session!.expiresAt).toBeGreaterThanOrEqual(before + 8 * 3_600_000);

    await new Promise((r) => setTimeout(r, rolesCheckMs + 10));
    const due = await app.request('/campaigns?sort=id', { headers: { cookie } });
    expect(due.status).toBe(302);
    expect(due.headers.get('location')).toBe('https://id.example/auth?prompt=none');
    expect(begun.at(-1)).toEqual({ returnTo: '/campaigns?sort=id', silent: true });
  });

  it('sends the person to sign in as usual, back to the page asked for, when the provider will not answer without a page, whatever its words', async () => {
    for (const [answer, expected] of [['login_required', true], ['invalid_request', false]] as const) {
      const signIn = {
        begin: async (returnTo: string) => ({ url: new URL('https://id.example/auth?prompt=none'), pending: { state: 's', nonce: 'n', codeVerifier: 'v', returnTo, expiresAt: Date.now() + 600_000, silent: true } }),
        finish: async () => {
          throw new SignInNeedsThePerson(`the identity provider did not sign the person in without them: ${answer}`, expected);
        },
      } as unknown as OidcSignIn;
      const app = createWebApp({ config, signIn, dossier: async () => ({}) as never, campaigns: async () => ({}) as never, revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }) });
      const pending = (await app.request('/login?returnTo=%2Fcampaigns%3Fsort%3Did')).headers.getSetCookie().find((c) => c.startsWith('__Host-dossier_sign_in_'))!.split(';')[0]!;
      const callback = await app.request(`/auth/callback?error=${answer}&state=s`, { headers: { cookie: pending } });
      expect(callback.status).toBe(303);
      expect(callback.headers.get('location')).toBe(`/login?returnTo=${encodeURIComponent('/campaigns?sort=id')}`);
    }
  });
});

describe('the address users reach the workspace at', () => {
  const required = {
    DOSSIER_OIDC_ISSUER: 'https://login.regulator.example',
    DOSSIER_OIDC_CLIENT_ID: 'dossier',
    DOSSIER_OIDC_CLIENT_SECRET: 'secret',
    DOSSIER_SESSION_SECRET: 'a-test-session-secret-of-at-least-32-characters',
  };

  it('reads a blank port or session length as unset, and refuses one not written in digits', () => {
    expect(parseWebConfig({ ...required, DOSSIER_WEB_PORT: ' ', DOSSIER_SESSION_HOURS: '' })).toMatchObject({ port: 8300, sessionHours: 8 });
    for (const [name, value] of [['DOSSIER_WEB_PORT', '0x1f90'], ['DOSSIER_SESSION_HOURS', '1e1']]) {
      expect(() => parseWebConfig({ ...required, [name]: value }), name).toThrow(new RegExp(`${name}: "${value}"`));
    }
  });

  it('takes HTTPS anywhere and plain HTTP on this machine only, where the session cookie cannot travel in clear', () => {
    expect(parseWebConfig({ ...required, DOSSIER_WEB_URL: 'https://dossier.regulator.example/' }).publicUrl).toBe('https://dossier.regulator.example');
    expect(parseWebConfig({ ...required, DOSSIER_WEB_URL: 'http://localhost:8300' }).publicUrl).toBe('http://localhost:8300');
    expect(parseWebConfig(required).publicUrl).toBe('http://127.0.0.1:8300');
    for (const env of [{ DOSSIER_WEB_URL: 'http://dossier.regulator.example' }, { DOSSIER_WEB_HOST: '0.0.0.0' }]) {
      expect(() => parseWebConfig({ ...required, ...env }), JSON.stringify(env)).toThrow(/is plain HTTP on a network address.*https:\/\//);
    }
  });
});

describe('what changed between two versions of the statement', () => {
  const views = loadViews();

  it('splits a section into words kept, removed and added, and names it in the reader’s language', () => {
    expect(wordDiff('The companies described their measures.', 'The companies described the five principles.')).toEqual([
      { kind: 'same', text: 'The companies described ' },
      { kind: 'removed', text: 'their measures' },
      { kind: 'added', text: 'the five principles' },
      { kind: 'same', text: '.' },
    ]);
    const view = changesView(
      {
        version: 2,
        sinceVersion: 1,
        changes: [
          { section: 'outcome', vendorName: 'Zoom', stageBefore: 'in-progress', stageAfter: 'closed-by-lead' },
          { section: 'assessment', vendorName: 'Zoom', principle: 'security', before: { en: 'Weak.', fr: 'Faible.' }, after: { en: 'Strong.', fr: 'Faible.' } },
        ],
      },
      'fr',
      views,
    )!;
    expect(view.items.map((i) => i.label)).toEqual(['Zoom\u00a0: issue', 'Zoom\u00a0: Sécurité, évaluation']);
    expect(view.items[0]).toMatchObject({ stageBefore: 'encore en cours', stageAfter: 'clos par l’autorité responsable', languages: [] });
    // Only the language whose text changed.
    expect(view.items[1].languages).toEqual([{ language: 'en', parts: [{ kind: 'removed', text: 'Weak' }, { kind: 'added', text: 'Strong' }, { kind: 'same', text: '.' }] }]);
    expect(changesView(undefined, 'en', views)).toBeUndefined();
    // What the background says of the letter and a vendor, as the approval request says it.
    const letter = (language: 'en' | 'fr') =>
      changesView({ version: 2, sinceVersion: 1, changes: [{ section: 'letter', vendorName: 'Zoom', letterBefore: 'not-reached', letterAfter: 'sent' }] }, language, views)!.items;
    expect(letter('en')).toEqual([{ label: 'Zoom: the open letter, in the background', letterBefore: 'did not reach it', letterAfter: 'was sent to it', languages: [] }]);
    expect(letter('fr')).toEqual([{ label: 'Zoom\u00a0: la lettre ouverte, dans le contexte', letterBefore: 'ne lui est pas parvenue', letterAfter: 'lui a été envoyée', languages: [] }]);
  });

  it('shows a late reply the next version tells as a change of that vendor, dated, in the reader’s language', () => {
    const late = (language: 'en' | 'fr') =>
      changesView({ version: 2, sinceVersion: 1, changes: [{ section: 'late-reply', vendorName: 'Houseparty', repliedLateAfter: '2021-03-01T14:30:00Z' }] }, language, views, 'America/Toronto')!.items;
    // Dated as the page dates everything (views.date), on the campaign's calendar.
    expect(late('en')).toEqual([{ label: 'Houseparty: reply after its case closed', lateBefore: 'no late reply', lateAfter: `replied late, on ${views.date('2021-03-01T14:30:00Z', 'en', 'America/Toronto')}`, languages: [] }]);
    expect(late('en')[0]!.lateAfter).toMatch(/1\sMar\w*\s2021/);
    expect(late('fr')).toEqual([{ label: 'Houseparty\u00a0: réponse après la clôture de son examen', lateBefore: 'aucune réponse tardive', lateAfter: `réponse parvenue tardivement, le ${views.date('2021-03-01T14:30:00Z', 'fr', 'America/Toronto')}`, languages: [] }]);
    expect(late('fr')[0]!.lateAfter).toMatch(/le 1er\s+mars/);
  });
});

describe('a version that only respaces the French, on the statement page', () => {
  const LEA = 'Léa Tremblay (lea, signed in)';
  const conclusions = (en: string[], fr: string[]) => ({ by: LEA, conclusions: { en, fr }, lessonsLearned: { en: ['Ask early!'], fr: ['Demander tôt !'] } });
  const V1 = conclusions(['The companies described their measures: see below.'], ['Les entreprises ont décrit leurs mesures : voir « ci-dessous ».']);
  /**
   * The campaign's state as the workflow keeps it (CampaignCase): version 1 sent back by fdpic, then
   * each of `versions` set and drafted, each after the one before it was sent back.
   */
  function statementPage(...versions: ReturnType<typeof conclusions>[]) {
    const kase = new CampaignCase({ campaign: testCampaign('vc'), vendors: [testVendor('zoom')], policy: fastPolicy(), approval: { kind: 'all' }, publication: { folder: 'vc', notifyVendors: true } }, 'edit-loop');
    kase.addEngagement(testVendor('zoom'), false);
    kase.engagementFailed('zoom', 'worker lost');
    kase.setConclusions(V1, '2026-11-24T15:00:00.000Z');
    kase.startApproval('2026-11-25T15:00:00.000Z');
    versions.forEach((text, i) => {
      kase.requestChanges({ authorityId: 'fdpic', by: 'Zofia Wiśniewska (zofia, signed in)', version: i + 1, comment: 'Précisez.' }, `2026-11-2${5 + i}T16:00:00.000Z`);
      kase.setConclusions(text, `2026-11-2${5 + i}T17:00:00.000Z`);
      kase.requestDraft({ by: LEA }, `2026-11-2${5 + i}T18:00:00.000Z`);
    });
    expect(kase.draft?.version).toBe(versions.length + 1);
    const app = createWebApp({
      config,
      signIn: {} as OidcSignIn,
      dossier: async () => ({}) as never,
      campaigns: async () => ({ status: async () => kase.status(), statement: async () => kase.draft, title: async () => undefined, statementChanges: async () => kase.changesOfCurrentVersion() }) as never,
      revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
    });
    /** The page's comparison as a co-signatory reads it, in `language`. */
    return async (language: string) => {
      const session = { id: 'z'.repeat(32), csrf: 't', language, user: { subject: 'zofia', name: 'Zofia Wiśniewska', roles: ['co-signatory'], authorityId: 'fdpic' }, expiresAt: Date.now() + 60_000 };
      const html = await (await app.request('/campaigns/vc/statement', { headers: { cookie: `__Host-dossier_session=${new CookieSealer(secret).seal(session)}` } })).text();
      return visibleText(/<section id="changes"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '(no comparison)').replace(/\s+/g, ' ').trim();
    };
  }

  it('says the text is the same as the version before, which the PDF prints alike', async () => {
    // An ordinary space, or none, where the PDF sets a narrow no-break one before : and inside « ».
    const changesOn = statementPage(conclusions(['The companies described their measures: see below.'], ['Les entreprises ont décrit leurs mesures: voir «ci-dessous».']));
    expect(await changesOn('en')).toBe('Version 2 against version 1, word by word The text is the same as in version 1.');
    expect(await changesOn('fr')).toBe('Version 2 par rapport à la version 1, mot à mot Le texte est le même que dans la version 1.');
  });

  it('shows a section whose English changed with its English line alone when its French was only respaced', async () => {
    const changesOn = statementPage(conclusions(['The companies described their five principles: see below.'], ['Les entreprises ont décrit leurs mesures: voir «ci-dessous».']));
    const changes = await changesOn('en');
    expect(changes).toContain('English: The companies described');
    expect(changes).not.toContain('French:');
  });
});

describe('a text refused in one language, on the statement’s forms', () => {
  // The campaign's own validators (CampaignCase) refuse, as the client hands their refusals on.
  const kase = new CampaignCase({ campaign: testCampaign('vc'), vendors: [testVendor('zoom'), testVendor('cisco')], policy: fastPolicy(), approval: { kind: 'all' }, publication: { folder: 'vc', notifyVendors: true } }, 'edit-loop');
  for (const vendor of ['zoom', 'cisco']) {
    kase.addEngagement(testVendor(vendor), false);
    kase.engagementFailed(vendor, 'worker lost');
  }
  const app = createWebApp({
    config,
    signIn: {} as OidcSignIn,
    dossier: async () => ({}) as never,
    campaigns: async () =>
      ({
        status: async () => kase.status(),
        statement: async () => kase.draft,
        statementText: async () => kase.text,
        title: async () => undefined, statementChanges: async () => undefined,
        engagementOutcome: async () => undefined,
        editStatement: async (_campaign: string, input: never) => refusedByWorkflow(() => kase.checkEdit(input)),
        setConclusions: async (_campaign: string, input: never) => refusedByWorkflow(() => kase.checkConclusions(input)),
      }) as never,
    revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
  });
  const post = async (language: string, path: string, form: Record<string, string>) => {
    const session = { id: 'l'.repeat(32), csrf: 'tok', language, user: { subject: 'lea', name: 'Léa', roles: ['lead-officer'] }, expiresAt: Date.now() + 60_000 };
    const response = await app.request(path, {
      method: 'POST',
      headers: { cookie: `__Host-dossier_session=${new CookieSealer(secret).seal(session)}`, 'content-type': 'application/x-www-form-urlencoded', origin: 'https://dossier.example' },
      body: new URLSearchParams({ _csrf: 'tok', ...form }).toString(),
    });
    expect(response.status).toBe(422);
    return response.text();
  };
  /** Each textarea's id that is marked invalid, with the id of what describes it and whether it takes focus. */
  const invalid = (html: string) =>
    [...html.matchAll(/<textarea id="([^"]+)"[^>]*?aria-invalid="true"( autofocus)? aria-describedby="([^"]+)"/g)].map(([, id, autofocus, describedBy]) => ({ id, focus: Boolean(autofocus), describedBy }));
  const said = (html: string, id: string) => visibleText(new RegExp(`<p class="error" id="${id}"[^>]*>(.*?)</p>`).exec(html)?.[1] ?? '(nothing)');

  it('ties each problem of the vendors’ texts to the field of its language, the first one focused, and not to the whole form', async () => {
    const html = await post('fr', '/campaigns/vc/statement/summaries', {
      'summary-zoom-en': 'Zoom described its encryption.',
      'summary-zoom-fr': 'Zoom a décrit son chiffrement <img src=x>.',
      'summary-cisco-en': 'Cisco answered <script>.',
      'summary-cisco-fr': 'Cisco a répondu.',
    });
    expect(invalid(html)).toEqual([
      { id: 'summary-zoom-fr', focus: true, describedBy: 'summary-zoom-fr-error' },
      { id: 'summary-cisco-en', focus: false, describedBy: 'summary-cisco-en-error' },
    ]);
    expect(said(html, 'summary-zoom-fr-error')).toMatch(/^Balisage \(.*<img.*\) dans le résumé de Vendor zoom en français/);
    expect(said(html, 'summary-cisco-en-error')).toMatch(/^Balisage \(.*<script.*\) dans le résumé de Vendor cisco en anglais/);
    expect(html).not.toContain('id="summaries-summaries-error"');
  });

  it('ties a refused French paragraph of the conclusions to the French conclusions', async () => {
    const html = await post('en', '/campaigns/vc/statement/conclusions', {
      'conclusions-en': 'Every vendor answered.',
      'conclusions-fr': 'Chaque entreprise a répondu <iframe>.',
      'lessons-en': 'Ask early.',
      'lessons-fr': 'Demander tôt.',
    });
    expect(invalid(html)).toEqual([{ id: 'conclusions-fr', focus: true, describedBy: 'conclusions-fr-error' }]);
    expect(said(html, 'conclusions-fr-error')).toMatch(/^Markup \(.*<iframe.*\) in paragraph 1 of the conclusions in French/);
  });

  it('reports every problem of the conclusions at once, each at its field, with a summary at the top that links them', async () => {
    for (const language of ['en', 'fr']) {
      const html = await post(language, '/campaigns/vc/statement/conclusions', {
        'conclusions-en': '',
        'conclusions-fr': 'Chaque entreprise a répondu <iframe>.',
        'lessons-en': 'Ask early <script>.',
        'lessons-fr': 'Demander tôt.',
      });
      expect(invalid(html).map(({ id, describedBy }) => ({ id, describedBy }))).toEqual([
        { id: 'conclusions-en', describedBy: 'conclusions-en-error' },
        { id: 'conclusions-fr', describedBy: 'conclusions-fr-error' },
        { id: 'lessons-en', describedBy: 'lessons-en-error' },
      ]);
      const summary = /<div class="problems"[^>]*id="conclusions-problems"[^>]*>(.*?)<\/div>/s.exec(html);
      expect(summary, 'a summary of the problems at the top of the form').not.toBeNull();
      expect([...summary![1]!.matchAll(/<a href="#([^"]+)">/g)].map((m) => m[1])).toEqual(['conclusions-en', 'conclusions-fr', 'lessons-en']);
      expect(visibleText(summary![1]!)).toContain(language === 'en' ? '3 problems' : '3 problèmes');
      // The summary takes the focus: it names each problem, where the first field's description names one.
      expect(summary![0]).toContain('autofocus');
      expect(invalid(html).some((f) => f.focus)).toBe(false);
    }
  });

  it('ties a refused French assessment on a vendor’s findings page to that field', async () => {
    const html = await post('en', '/campaigns/vc/statement/findings/zoom', {
      'assessment-security-en': 'Strong encryption.',
      'assessment-security-fr': 'Chiffrement fort <img src=x>.',
    });
    expect(invalid(html)).toEqual([{ id: 'assessment-security-fr', focus: true, describedBy: 'assessment-security-fr-error' }]);
    expect(said(html, 'assessment-security-fr-error')).toMatch(/^Markup \(.*<img.*\) in the assessment for “Security” in French/);
    expect(html).not.toContain('id="findings-findings-error"');
  });
});

describe('a co-signatory’s answer once another authority has sent the version back', () => {
  // ICO asked for changes on version 1: the campaign is back with the lead, and OPC has not answered yet.
  const authorities = [
    { id: 'opc', name: { en: 'OPC', fr: 'CPVP' }, lead: true },
    { id: 'ico', name: { en: 'ICO', fr: 'ICO' } },
  ];
  const draft = { version: 1, campaign: { title: { en: 'Video conferencing', fr: 'Vidéoconférence' }, authorities }, vendors: [] };
  const status = (phase: string) => ({
    campaignId: 'vc', reference: 'VC', phase, engagements: [],
    draft: { version: 1, date: '2026-11-27', approvals: [], pending: ['opc'], required: 2 },
    changeRequests: [{ version: 1, authorityId: 'ico', by: 'Ivy', at: '2026-11-26T15:30:00.000Z', comment: 'Too long' }],
  });
  let phase = 'revising';
  const requests: unknown[] = [];
  const app = createWebApp({
    config,
    signIn: {} as OidcSignIn,
    dossier: async () => ({}) as never,
    campaigns: async () =>
      ({
        status: async () => status(phase),
        statement: async () => draft,
        statementText: async () => ({ vendors: {} }),
        title: async () => undefined, statementChanges: async () => undefined,
        // A second approval by the same person, as the campaign's validator refuses it and the client hands it on.
        approve: async () => {
          const kase = new CampaignCase({ campaign: testCampaign('vc'), vendors: [testVendor('zoom')], policy: fastPolicy(), approval: { kind: 'all' }, publication: { folder: 'vc', notifyVendors: true } }, 'legacy');
          kase.addEngagement(testVendor('zoom'), false);
          kase.engagementFailed('zoom', 'worker lost');
          kase.startApproval('2026-11-25T10:00:00.000Z');
          kase.approve({ authorityId: 'fdpic', by: 'Daniel', version: 1 }, '2026-11-25T11:00:00.000Z');
          refusedByWorkflow(() => kase.checkApproval({ authorityId: 'opc', by: 'Daniel', version: 1 }));
        },
        requestChanges: async (_campaign: string, input: unknown) => {
          // The workflow takes a vote while the version is back with the lead (campaign-state.ts, checkVote), not once it is signed.
          if (phase !== 'revising' && phase !== 'approving') throw refused('campaign campaign:vc', `There is no draft awaiting approval (phase ${phase}).`);
          requests.push(input);
        },
      }) as never,
    revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
  });
  const daniel = { id: 'a'.repeat(32), csrf: 'tok', language: 'en', user: { subject: 'daniel', name: 'Daniel', roles: ['co-signatory'], authorityId: 'opc' }, expiresAt: Date.now() + FILE_SESSION_MS };
  const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal(daniel)}`;
  const requestChanges = (comment: string) =>
    app.request('/campaigns/vc/statement/request-changes', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: 'tok', version: '1', comment }).toString(),
    });

  it('still offers it the approve and request-changes forms, as the workflow (and the CLI) still takes its answer', async () => {
    phase = 'revising';
    const html = await (await app.request('/campaigns/vc/statement', { headers: { cookie } })).text();
    expect(html).toContain('Your answer for');
    expect(html).toContain('id="approve"');
    expect(html).toContain('id="request-changes"');
    const response = await requestChanges('The dates are wrong too');
    expect(response.status).toBe(303);
    expect(requests).toEqual([expect.objectContaining({ authorityId: 'opc', version: 1, comment: 'The dates are wrong too' })]);
  });

  it('says the version is back with the lead, and that nothing is published before the lead’s next version', async () => {
    phase = 'revising';
    for (const [language, said] of [
      ['en', 'Version 1 is back with the lead authority: nothing is published before the lead submits the next version'],
      ['fr', 'La version 1 est revenue à l’autorité responsable\u00a0: rien n’est publié avant que l’autorité responsable ne soumette la version suivante'],
    ] as const) {
      const session = `__Host-dossier_session=${new CookieSealer(secret).seal({ ...daniel, language })}`;
      const text = visibleText(await (await app.request('/campaigns/vc/statement', { headers: { cookie: session } })).text());
      expect(text).toContain(said);
      expect(text).not.toContain(language === 'en' ? 'published as soon as' : 'publiée dès');
    }
  });

  it('says “you” to a lead officer who also signs for the lead authority, where it says “the lead” to the others', async () => {
    phase = 'revising';
    const lea = { ...daniel, user: { subject: 'lea', name: 'Léa', roles: ['lead-officer', 'co-signatory'], authorityId: 'opc' } };
    for (const [language, backWithYou, phaseWords, actions, thirdPerson] of [
      ['en', 'Version 1 is back with you: nothing is published before you submit the next version', 'back with you for changes', 'Your actions as the lead authority', /(?<!as )the lead\b/],
      ['fr', 'La version 1 vous est revenue\u00a0: rien n’est publié avant que vous ne soumettiez la version suivante', 'vous est renvoyée pour modification', 'Vos actions en tant qu’autorité responsable', /revenue à l’autorité responsable|que l’autorité responsable|renvoyée à l’autorité responsable/],
    ] as const) {
      const session = `__Host-dossier_session=${new CookieSealer(secret).seal({ ...lea, language })}`;
      const text = visibleText(await (await app.request('/campaigns/vc/statement', { headers: { cookie: session } })).text());
      expect(text).toContain(backWithYou);
      expect(text).toContain(phaseWords);
      expect(text).toContain(actions);
      expect(text).not.toMatch(thirdPerson);
    }
  });

  it('shows the workflow’s refusal and gives back the typed comment when the statement was signed meanwhile', async () => {
    phase = 'publishing';
    const response = await requestChanges('A comment typed at length');
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('There is no draft awaiting approval (phase “being published”).');
    expect(html).toContain('>A comment typed at length</textarea>');
  });

  it('words in French a refusal the campaign gives with a name in it, by its code', async () => {
    phase = 'revising';
    const french = `__Host-dossier_session=${new CookieSealer(secret).seal({ ...daniel, language: 'fr' })}`;
    const response = await app.request('/campaigns/vc/statement/approve', {
      method: 'POST',
      headers: { cookie: french, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: 'tok', version: '1' }).toString(),
    });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('>Daniel a déjà approuvé pour fdpic\u00a0: chaque autorité approuve par son propre signataire.</p>');
    expect(html).not.toContain('each authority approves through its own signatory');
  });

  it('gives the campaign’s refusal in French on a French page, naming the phase in French', async () => {
    phase = 'publishing';
    const french = `__Host-dossier_session=${new CookieSealer(secret).seal({ ...daniel, language: 'fr' })}`;
    const response = await app.request('/campaigns/vc/statement/request-changes', {
      method: 'POST',
      headers: { cookie: french, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: 'tok', version: '1', comment: 'Un commentaire' }).toString(),
    });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('Aucune version n’attend d’approbation (phase «\u202fen cours de publication\u202f»).');
    expect(html).not.toContain('There is no draft awaiting approval');
  });
});

/**
 * An officer's engagement page for zoom of campaign vc, at `stage`, on a Dossier client whose steps
 * `steps` answers (a refusal, typically); `post` sends a form in the officer's language.
 */
function engagementForms(stage: string, steps: Record<string, () => Promise<never>>, demonstrations: unknown[] = [], timeZone = 'UTC') {
  const status = {
    workflowId: 'engagement:vc:zoom', campaignId: 'vc', vendorId: 'zoom', vendorName: 'Zoom', stage,
    timeline: [], openQuestions: [], questions: [], demonstrations, remindersSent: [], deliveryFailures: [],
  };
  const app = createWebApp({
    config,
    signIn: {} as OidcSignIn,
    dossier: async () => ({ status: async () => status, campaignTimeZone: async () => timeZone, campaignOf: async () => ({ timeZone }), ...steps }) as never,
    campaigns: async () => ({}) as never,
    revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
  });
  const cookieIn = (language: string) =>
    `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'c'.repeat(32), csrf: 'tok', language, user: { subject: 'owen', name: 'Owen', roles: ['officer'] }, expiresAt: Date.now() + 60_000 })}`;
  return {
    post: (action: string, form: Record<string, string>, language: string) =>
      app.request(`/campaigns/vc/engagements/zoom/${action}`, {
        method: 'POST',
        headers: { cookie: cookieIn(language), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: 'tok', ...form }).toString(),
      }),
  };
}

describe('the approvals per authority once an authority has sent the current version back', () => {
  // The workflow's own state: FDPIC sends version 1 back, then the lead submits version 2.
  const kase = versionOneOut();
  kase.requestChanges({ authorityId: 'fdpic', by: 'Zofia (zofia, signed in)', version: 1, comment: 'Name the five principles.' }, '2026-11-25T11:00:00.000Z');
  const answers = async (language: string) => {
    const html = await statementShownLive(kase)(language);
    return Object.fromEntries(['opc', 'fdpic'].map((id) => [id, visibleText(new RegExp(`<tr data-authority="${id}">[\\s\\S]*?</tr>`).exec(html)?.[0] ?? '')]));
  };

  it('says the authority answered this version, and awaits the answer only of those that have not', async () => {
    const english = await answers('en');
    expect(english.fdpic).toContain('changes to version 1 requested by Zofia');
    expect(english.fdpic).not.toContain('awaiting an answer');
    expect(english.opc).toContain('awaiting an answer');
    const french = await answers('fr');
    expect(french.fdpic).toContain('modifications de la version 1 demandées par Zofia');
    expect(french.fdpic).not.toContain('réponse attendue');
    expect(french.opc).toContain('réponse attendue');
  });

  it('awaits its answer again once the lead submits the next version', async () => {
    kase.requestDraft({ by: 'Léa (lea, signed in)' }, '2026-11-26T10:00:00.000Z');
    const english = await answers('en');
    expect(english.fdpic).toContain('changes to version 1 requested by Zofia');
    expect(english.fdpic).toContain('awaiting an answer');
  });

  it('names the table once for a screen reader: labelled by its heading, with no caption repeating it', async () => {
    const html = await statementShownLive(kase)('fr');
    expect(html).not.toMatch(/<h2[^>]*>([^<]*)<\/h2>\s*<table[^>]*>\s*<caption>\1<\/caption>/);
    expect(html).toMatch(/<h2 id="by-authority-heading">Approbations par autorité<\/h2>\s*<table aria-labelledby="by-authority-heading">\s*<thead>/);
  });

  it('tells the answer this version awaits apart from the request on the earlier one, each reading on its own', async () => {
    const cell = async (language: string) => /<tr data-authority="fdpic">[\s\S]*?<td[^>]*>([\s\S]*?)<\/td>/.exec(await statementShownLive(kase)(language))?.[1] ?? '';
    const english = await cell('en');
    expect(english).toMatch(/^<p>awaiting an answer<\/p><p class="hint">Earlier answer: changes to version 1 requested by Zofia .*: “Name the five principles\.”<\/p>$/);
    const french = await cell('fr');
    expect(french).toMatch(/^<p>réponse attendue<\/p><p class="hint">Réponse précédente\u00a0: modifications de la version 1 demandées par Zofia .*«\u202fName the five principles\.\u202f»<\/p>$/);
  });
});

describe('an approval of an earlier version that still counts, in the approvals per authority', () => {
  // The workflow's own state: OPC approves version 1; FDPIC sends it back and the lead resubmits the same text as version 2.
  const kase = versionOneOut();
  kase.approve({ authorityId: 'opc', by: 'Daniel (daniel, signed in)', version: 1 }, '2026-11-25T11:00:00.000Z');
  kase.requestChanges({ authorityId: 'fdpic', by: 'Zofia (zofia, signed in)', version: 1, comment: 'On reflection, no change.' }, '2026-11-25T12:00:00.000Z');
  kase.requestDraft({ by: 'Léa (lea, signed in)' }, '2026-11-26T10:00:00.000Z');
  const answers = async (language: string) => {
    const html = await statementShownLive(kase)(language);
    return Object.fromEntries(['opc', 'fdpic'].map((id) => [id, visibleText(new RegExp(`<tr data-authority="${id}">[\\s\\S]*?</tr>`).exec(html)?.[0] ?? '')]));
  };

  it('names the version it was given for', async () => {
    expect(kase.status().draft).toMatchObject({ version: 2, approvals: [{ authorityId: 'opc', version: 1 }] });
    expect((await answers('en')).opc).toMatch(/approved by Daniel .* for version 1, whose text this version keeps/);
    expect((await answers('fr')).opc).toMatch(/approuvée par Daniel .* pour la version 1, dont cette version garde le texte/);
  });

  it('names no version for an approval of the current one', async () => {
    kase.approve({ authorityId: 'fdpic', by: 'Zofia (zofia, signed in)', version: 2 }, '2026-11-26T11:00:00.000Z');
    const english = await answers('en');
    expect(english.fdpic).toContain('approved by Zofia');
    expect(english.fdpic).not.toContain('version');
  });
});

describe('the statement page of a co-signatory whose authority has approved the current version', () => {
  // The workflow's own state: FDPIC approves version 1; OPC has not answered.
  const kase = versionOneOut();
  const zofia = 'Zofia Wiśniewska (zofia, signed in)';
  kase.approve({ authorityId: 'fdpic', by: zofia, version: 1 }, '2026-11-25T11:00:00.000Z');
  const app = statementPageApp(kase, {
    // A page read before the approval, in another tab: the campaign refuses a second one.
    approve: async (_campaign: string, input: { authorityId: string; by: string; version: number }) => refusedByWorkflow(() => kase.checkApproval(input)),
  });
  const cookieOf = (subject: string, name: string, authorityId: string, language: string) =>
    `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'e'.repeat(32), csrf: 'tok', language, user: { subject, name, roles: ['co-signatory'], authorityId }, expiresAt: Date.now() + 60_000 })}`;
  const pageOf = async (cookie: string) => (await app.request('/campaigns/vc/statement', { headers: { cookie } })).text();

  it('says its approval counts and what would ask it again, and offers to request changes but not to approve twice', async () => {
    for (const [language, said] of [
      ['en', 'Your authority’s approval counts for version 1. Nothing more is asked of you unless the lead authority submits a version whose text changes'],
      ['fr', 'L’approbation de votre autorité vaut pour la version 1. Rien d’autre ne vous est demandé, sauf si l’autorité responsable soumet une version dont le texte change'],
    ] as const) {
      const html = await pageOf(cookieOf('zofia', 'Zofia Wiśniewska', 'fdpic', language));
      expect(visibleText(html)).toContain(said);
      expect(html).not.toContain('id="approve"');
      expect(html).toContain('id="request-changes"');
    }
  });

  it('tells a signatory still to answer what its approval leads to: here, the last one needed, publication once confirmed', async () => {
    const english = visibleText(await pageOf(cookieOf('daniel', 'Daniel Therrien', 'opc', 'en')));
    expect(english).toContain('Your approval is the last one the statement needs: version 1 is then published at once and sent to every signatory, and your approval can no longer be withdrawn.');
    expect(english).not.toContain('published as soon as');
    const french = visibleText(await pageOf(cookieOf('daniel', 'Daniel Therrien', 'opc', 'fr')));
    expect(french).toContain('Votre approbation est la dernière dont la déclaration a besoin\u00a0: la version 1 est alors publiée aussitôt et envoyée à chaque signataire');
    expect(await pageOf(cookieOf('daniel', 'Daniel Therrien', 'opc', 'fr'))).toContain('name="confirm" value="yes" required');
  });

  it('names the authority by its name, not its id, when a second approval from a page read before is refused', async () => {
    for (const [language, said] of [
      ['en', 'Version 1 is already approved for the Swiss Federal Data Protection and Information Commissioner.'],
      ['fr', 'La version 1 est déjà approuvée pour l’autorité «\u202fPréposé fédéral à la protection des données et à la transparence\u202f».'],
    ] as const) {
      const response = await app.request('/campaigns/vc/statement/approve', {
        method: 'POST',
        headers: { cookie: cookieOf('zofia', 'Zofia Wiśniewska', 'fdpic', language), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: 'tok', version: '1' }).toString(),
      });
      expect(response.status).toBe(422);
      const error = visibleText(/<p class="error"[\s\S]*?<\/p>/.exec(await response.text())?.[0] ?? '');
      expect(error).toBe(said);
    }
  });
});

describe('the approval that publishes the statement, as the page answers it', () => {
  // The campaign signs the statement only after its update has answered (it asks the ledger first),
  // so the page read right after the last approval still shows the version awaiting approvals: the
  // notice must say that the approval just given publishes it, not only that it was recorded.
  const approvedBy = (language: string, authorityId: 'opc' | 'fdpic') => {
    const kase = versionOneOut();
    if (authorityId === 'opc') kase.approve({ authorityId: 'fdpic', by: 'Zofia Wiśniewska (zofia, signed in)', version: 1 }, '2026-11-25T11:00:00.000Z');
    const app = statementPageApp(kase, {
      approve: async (_campaign: string, input: { authorityId: string; by: string; version: number }) => {
        kase.checkApproval(input);
        return kase.approve(input, '2026-11-25T12:00:00.000Z');
      },
    });
    const user = authorityId === 'opc' ? { subject: 'daniel', name: 'Daniel Therrien', roles: ['co-signatory'], authorityId } : { subject: 'zofia', name: 'Zofia Wiśniewska', roles: ['co-signatory'], authorityId };
    const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'a'.repeat(32), csrf: 'tok', language, user, expiresAt: Date.now() + 60_000 })}`;
    return (async () => {
      const response = await app.request('/campaigns/vc/statement/approve', {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: 'tok', version: '1', confirm: 'yes' }).toString(),
      });
      expect(response.status).toBe(303);
      const next = response.headers.get('set-cookie')?.split(';')[0] ?? cookie;
      const html = await (await app.request('/campaigns/vc/statement', { headers: { cookie: next } })).text();
      // The form's notice, right under the heading (the sign-in's end, above it, is a notice too).
      return visibleText(/<\/h1>\s*<p class="notice"[\s\S]*?<\/p>/.exec(html)?.[0] ?? '').trim();
    })();
  };

  it('says the statement is now being published, and where its PDFs will be, in both languages', async () => {
    expect(await approvedBy('en', 'opc')).toBe(
      'Your approval is recorded, and it was the last one the statement needed: the statement is being published. Its PDFs appear on this page once they are ready (reload it in a moment), and every signatory receives them by email.',
    );
    expect(await approvedBy('fr', 'opc')).toBe(
      'Votre approbation est consignée, et c’était la dernière dont la déclaration avait besoin\u00a0: elle est en cours de publication. Ses PDF figurent sur cette page dès qu’ils sont prêts (rechargez-la dans un instant), et chaque signataire les reçoit par courriel.',
    );
  });

  it('says only that it is recorded when other approvals are still needed', async () => {
    expect(await approvedBy('en', 'fdpic')).toBe('Your approval is recorded.');
    expect(await approvedBy('fr', 'fdpic')).toBe('Votre approbation est consignée.');
  });
});

describe('a change request whose comment the campaign refuses for its markup, on a French page', () => {
  // The comment is checked by the campaign's validator; a refusal without a code is shown as it came,
  // in English, so a French co-signatory was told in English what was wrong with its comment.
  const kase = versionOneOut();
  const app = statementPageApp(kase, {
    requestChanges: async (_campaign: string, input: { authorityId: string; by: string; version: number; comment: string }) => refusedByWorkflow(() => kase.checkChangeRequest(input)),
  });
  const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'f'.repeat(32), csrf: 'tok', language: 'fr', user: { subject: 'zofia', name: 'Zofia Wiśniewska', roles: ['co-signatory'], authorityId: 'fdpic' }, expiresAt: Date.now() + FILE_SESSION_MS })}`;

  it('says in French what is wrong, naming the comment, and gives the comment back', async () => {
    const response = await app.request('/campaigns/vc/statement/request-changes', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: 'tok', version: '1', comment: 'Retirer le <iframe> de la conclusion' }).toString(),
    });
    expect(response.status).toBe(422);
    const html = await response.text();
    const error = /<p class="error"[^>]*>[\s\S]*?<\/p>/.exec(html)?.[0] ?? '';
    expect(error).not.toContain('lang="en"');
    expect(visibleText(error)).toBe('Balisage («\u202f<iframe\u202f») dans le commentaire\u00a0: le balisage n’est pas accepté, décrivez-le avec des mots.');
    expect(html).toContain('>Retirer le &lt;iframe&gt; de la conclusion</textarea>');
  });
});

describe('a co-signatory’s answer the campaign refuses for an authority it does not sign for', () => {
  // The page lets only a signatory of the version answer, so the campaign refuses the authority only
  // when its own list and the page's differ (the campaign's says who signs): its refusal lists the
  // signatories by id, and the page names each by its name, the authority asked for as it was sent.
  const kase = versionOneOut();
  const app = statementPageApp(kase, {
    requestChanges: async (_campaign: string, input: { authorityId: string; by: string; version: number; comment: string }) =>
      refusedByWorkflow(() => kase.checkChangeRequest({ ...input, authorityId: 'cnil' })),
  });
  const cookie = (language: string) =>
    `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'f'.repeat(32), csrf: 'tok', language, user: { subject: 'zofia', name: 'Zofia Wiśniewska', roles: ['co-signatory'], authorityId: 'fdpic' }, expiresAt: Date.now() + 60_000 })}`;

  it('names the signatories by their names, not their ids, in both languages', async () => {
    for (const [language, said] of [
      ['en', 'There is no signatory authority “cnil” (the signatories: Office of the Privacy Commissioner of Canada; Swiss Federal Data Protection and Information Commissioner).'],
      ['fr', 'Il n’y a pas d’autorité signataire «\u202fcnil\u202f» (les signataires\u00a0: Commissariat à la protection de la vie privée du Canada\u202f; Préposé fédéral à la protection des données et à la transparence).'],
    ] as const) {
      const response = await app.request('/campaigns/vc/statement/request-changes', {
        method: 'POST',
        headers: { cookie: cookie(language), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: 'tok', version: '1', comment: 'Shorter, please.' }).toString(),
      });
      expect(response.status).toBe(422);
      const error = visibleText(/<p class="error"[\s\S]*?<\/p>/.exec(await response.text())?.[0] ?? '');
      expect(error).toBe(said);
      expect(error).not.toMatch(/\bopc\b|\bfdpic\b/);
    }
  });
});

describe('the statement page read while the lead submits a version', () => {
  const LEA = 'Léa Tremblay (lea, signed in)';
  const conclusions = (en: string, fr: string) => ({ by: LEA, conclusions: { en: [en], fr: [fr] }, lessonsLearned: { en: ['Ask early.'], fr: ['Demander tôt.'] } });
  /**
   * The workflow's own state at version 2, each version's request sent to FDPIC. The first read of
   * the status answers version 2; the lead submits version 3 right after it, before the page's other
   * reads reach the workflow, as a query answered between two of them would find it.
   */
  function submittedBetweenReads() {
    const kase = new CampaignCase({ campaign: testCampaign('vc'), vendors: [testVendor('zoom')], policy: fastPolicy(), approval: { kind: 'all' }, publication: { folder: 'vc', notifyVendors: true } }, 'edit-loop');
    kase.addEngagement(testVendor('zoom'), false);
    kase.engagementFailed('zoom', 'worker lost');
    const fdpic = kase.authorities.find((a) => a.id === 'fdpic')!;
    kase.setConclusions(conclusions('The companies described their measures.', 'Les entreprises ont décrit leurs mesures.'), '2026-11-24T15:00:00.000Z');
    kase.startApproval('2026-11-25T15:00:00.000Z');
    kase.approvalRequestFor(fdpic);
    kase.setConclusions(conclusions('The companies described their five principles.', 'Les entreprises ont décrit leurs cinq principes.'), '2026-11-26T15:00:00.000Z');
    kase.requestDraft({ by: LEA }, '2026-11-26T16:00:00.000Z');
    kase.approvalRequestFor(fdpic);
    let statusReads = 0;
    const app = statementPageApp(kase, {
      status: async () => {
        const status = kase.status();
        if (++statusReads === 1) {
          kase.setConclusions(conclusions('The companies described how they meet each principle.', 'Les entreprises ont décrit comment elles respectent chaque principe.'), '2026-11-27T15:00:00.000Z');
          kase.requestDraft({ by: LEA }, '2026-11-27T16:00:00.000Z');
        }
        return status;
      },
      title: async () => undefined, statementChanges: async (_campaign: string, authorityId?: string) => kase.changesOfCurrentVersion(authorityId),
      statementText: async () => kase.text,
    });
    return { kase, app };
  }

  it('shows the co-signatory one version: its number, what it changed, and the version its answer names', async () => {
    const { kase, app } = submittedBetweenReads();
    const session = { id: 'z'.repeat(32), csrf: 't', language: 'en', user: { subject: 'zofia', name: 'Zofia Wiśniewska', roles: ['co-signatory'], authorityId: 'fdpic' }, expiresAt: Date.now() + 60_000 };
    const html = await (await app.request('/campaigns/vc/statement', { headers: { cookie: `__Host-dossier_session=${new CookieSealer(secret).seal(session)}` } })).text();
    expect(kase.draft?.version).toBe(3);
    const shown = {
      facts: /<dd id="version">version (\d+) of/.exec(html)?.[1],
      changes: /Version (\d+) against version \d+, word by word/.exec(visibleText(html))?.[1],
      approveForm: /<form[^>]*id="approve">[\s\S]*?name="version" value="(\d+)"/.exec(html)?.[1],
      approveButton: /Approve version (\d+)/.exec(visibleText(html))?.[1],
      requestForm: /<form[^>]*id="request-changes">[\s\S]*?name="version" value="(\d+)"/.exec(html)?.[1],
    };
    const version = shown.facts;
    expect(version).toBeDefined();
    expect(shown).toEqual({ facts: version, changes: version, approveForm: version, approveButton: version, requestForm: version });
  });

  it('shows no page rather than a mix when a new version comes between the reads every time', async () => {
    const { kase } = submittedBetweenReads();
    let reads = 0;
    const app = statementPageApp(kase, {
      status: async () => {
        const status = kase.status();
        reads++;
        kase.setConclusions(conclusions(`Read ${reads}.`, `Lu ${reads}.`), '2026-11-27T15:00:00.000Z');
        kase.requestDraft({ by: LEA }, '2026-11-27T16:00:00.000Z');
        return status;
      },
    });
    const session = { id: 'z'.repeat(32), csrf: 't', language: 'en', user: { subject: 'zofia', name: 'Zofia Wiśniewska', roles: ['co-signatory'], authorityId: 'fdpic' }, expiresAt: Date.now() + 60_000 };
    const response = await app.request('/campaigns/vc/statement', { headers: { cookie: `__Host-dossier_session=${new CookieSealer(secret).seal(session)}` } });
    expect(response.status).toBe(500);
    expect(visibleText(await response.text())).toContain('The workspace could not show this page.');
    expect(reads).toBe(5);
  });

  it('shows the lead the conclusions of the version it names', async () => {
    const { kase, app } = submittedBetweenReads();
    const session = { id: 'l'.repeat(32), csrf: 't', language: 'en', user: { subject: 'lea', name: 'Léa', roles: ['lead-officer'] }, expiresAt: Date.now() + 60_000 };
    const html = await (await app.request('/campaigns/vc/statement', { headers: { cookie: `__Host-dossier_session=${new CookieSealer(secret).seal(session)}` } })).text();
    const version = Number(/<dd id="version">version (\d+) of/.exec(html)?.[1]);
    expect(/<textarea id="conclusions-en"[^>]*>([^<]*)<\/textarea>/.exec(html)?.[1]).toBe(kase['versions'].get(version)?.conclusions.en[0]);
  });
});

describe('what changed, on the statement page of a signatory that never received the version before the current one', () => {
  // The workflow's own state: version 1 goes to both; version 2's request to FDPIC is cancelled
  // before it goes out (as when version 2 is sent back); version 3 goes to both.
  const kase = new CampaignCase({ campaign: testCampaign('vc'), vendors: [testVendor('zoom')], policy: fastPolicy(), approval: { kind: 'all' }, publication: { folder: 'vc', notifyVendors: true } }, 'edit-loop');
  kase.addEngagement(testVendor('zoom'), false);
  kase.engagementFailed('zoom', 'worker lost');
  const conclude = (en: string, fr: string) => kase.setConclusions({ by: 'Léa (lea, signed in)', conclusions: { en: [en], fr: [fr] }, lessonsLearned: { en: ['Ask early.'], fr: ['Demander tôt.'] } }, '2026-11-24T10:00:00.000Z');
  const sendToBoth = () => kase.authorities.map((a) => kase.approvalRequestFor(a));
  conclude('First words.', 'Premiers mots.');
  kase.startApproval('2026-11-25T10:00:00.000Z');
  sendToBoth();
  conclude('Second words.', 'Deuxièmes mots.');
  kase.requestDraft({ by: 'Léa (lea, signed in)' }, '2026-11-26T10:00:00.000Z');
  sendToBoth();
  kase.requestNotSent(kase.authorities.find((a) => a.id === 'fdpic')!, 2, 1);
  conclude('Third words.', 'Troisièmes mots.');
  kase.requestDraft({ by: 'Léa (lea, signed in)' }, '2026-11-27T10:00:00.000Z');
  sendToBoth();
  const zofia = { subject: 'zofia', name: 'Zofia', roles: ['co-signatory'], authorityId: 'fdpic' };
  const daniel = { subject: 'daniel', name: 'Daniel', roles: ['co-signatory'], authorityId: 'opc' };
  const changes = async (language: string, user: object) => visibleText(/<section id="changes"[\s\S]*?<\/section>/.exec(await statementShownLive(kase)(language, user))?.[0] ?? '');

  it('compares the current version with the one it last received, as its approval request did', async () => {
    const english = await changes('en', zofia);
    expect(english).toContain('Version 3 against version 1, word by word');
    expect(english).toContain('First');
    expect(english).not.toContain('Second');
    const french = await changes('fr', zofia);
    expect(french).toContain('Version 3 par rapport à la version 1, mot à mot');
    expect(french).toContain('Premiers');
  });

  it('compares with the previous version for a signatory that received it, and for an officer', async () => {
    const english = await changes('en', daniel);
    expect(english).toContain('Version 3 against version 2, word by word');
    expect(english).toContain('Second');
    expect(await changes('en', AUDITOR)).toContain('Version 3 against version 2, word by word');
  });

  it('heads the comparison with the version it compares with, not “the previous version”', async () => {
    // The heading above the change requests and the comparison.
    const heading = async (language: string, user: object) => /<h2>([^<]*)<\/h2>(?:(?!<h2>)[\s\S])*<section id="changes"/.exec(await statementShownLive(kase)(language, user))?.[1];
    expect(await heading('en', zofia)).toBe('What changed since version 1');
    expect(await heading('fr', zofia)).toBe('Ce qui a changé depuis la version 1');
    expect(await heading('en', daniel)).toBe('What changed since the previous version');
    expect(await heading('fr', daniel)).toBe('Ce qui a changé depuis la version précédente');
  });

  it('does not call version 3 the first version when no signatory sent an earlier one back', async () => {
    for (const user of [zofia, daniel, AUDITOR]) {
      const english = visibleText(await statementShownLive(kase)('en', user));
      expect(english).not.toContain('This is the first version.');
      expect(english).toContain('No signatory sent an earlier version back.');
      const french = visibleText(await statementShownLive(kase)('fr', user));
      expect(french).not.toContain('Il s’agit de la première version.');
      expect(french).toContain('Aucun signataire n’a renvoyé de version antérieure.');
    }
    const first = new CampaignCase({ campaign: testCampaign('vc'), vendors: [testVendor('zoom')], policy: fastPolicy(), approval: { kind: 'all' }, publication: { folder: 'vc', notifyVendors: true } }, 'edit-loop');
    first.addEngagement(testVendor('zoom'), false);
    first.engagementFailed('zoom', 'worker lost');
    first.setConclusions({ by: 'Léa (lea, signed in)', conclusions: { en: ['Words.'], fr: ['Mots.'] }, lessonsLearned: { en: ['Ask.'], fr: ['Demander.'] } }, '2026-11-24T10:00:00.000Z');
    first.startApproval('2026-11-25T10:00:00.000Z');
    expect(visibleText(await statementShownLive(first)('en', zofia))).toContain('This is the first version.');
  });
});

describe('a refusal in the workflow’s words on a French page', () => {
  const { post } = engagementForms('awaiting-response', {
    extendDeadline: async () => {
      throw refused('engagement engagement:vc:zoom', 'the new due date must be after the current one (11 December 2026).');
    },
  });
  const extend = (form: Record<string, string>) => post('extend', form, 'fr');

  it('is marked as English, so a screen reader does not read it with French sounds', async () => {
    const response = await extend({ dueDate: '2026-12-01', reason: 'Asked for time' });
    expect(response.status).toBe(422);
    expect(await response.text()).toContain('<p class="error" id="extend-dueDate-error" lang="en">the new due date must be after the current one (11 December 2026).</p>');
  });

  it('leaves a problem the workspace words itself in the page’s language, unmarked', async () => {
    const response = await extend({ dueDate: '2026-12-01' });
    expect(response.status).toBe(422);
    expect(await response.text()).toContain('<p class="error" id="extend-reason-error">Ce champ est obligatoire.</p>');
  });
});

/** The refusal of `check`, as the workflow's validator throws it and the client hands it on (client/errors.ts, fromTemporal). */
/** The statement page of a campaign case with no draft yet, as a lead reading French sees it. */
async function frenchStatementPage(kase: { status(): unknown }): Promise<string> {
  const app = createWebApp({
    config,
    signIn: {} as OidcSignIn,
    dossier: async () => ({}) as never,
    campaigns: async () => ({ status: async () => kase.status(), statement: async () => undefined, title: async () => undefined, statementChanges: async () => undefined, statementText: async () => ({ vendors: {} }) }) as never,
    revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
  });
  const lead = { subject: 'lea', name: 'Léa', roles: ['lead-officer'] };
  const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'f'.repeat(32), csrf: 't', language: 'fr', user: lead, expiresAt: Date.now() + FILE_SESSION_MS })}`;
  return (await app.request('/campaigns/vc/statement', { headers: { cookie } })).text();
}

/** A one-vendor campaign (its engagement failed) whose version 1 went out for approval on 2026-11-25. */
function versionOneOut(): CampaignCase {
  const kase = new CampaignCase({ campaign: testCampaign('vc'), vendors: [testVendor('zoom')], policy: fastPolicy(), approval: { kind: 'all' }, publication: { folder: 'vc', notifyVendors: true } }, 'edit-loop');
  kase.addEngagement(testVendor('zoom'), false);
  kase.engagementFailed('zoom', 'worker lost');
  kase.startApproval('2026-11-25T10:00:00.000Z');
  return kase;
}

function refusedByWorkflow(check: () => void): never {
  decidedByWorkflow(check);
  throw new Error('the check accepted the request');
}

/** The engagement's own rules decide, as the workflow's validator would; a refusal comes as the client wraps it. */
function decidedByWorkflow(check: () => void): void {
  try {
    check();
  } catch (err) {
    throw fromTemporal(new WorkflowUpdateFailedError('Workflow Update failed', err as Error), 'engagement engagement:vc:zoom', '127.0.0.1:7233');
  }
}

describe('a refusal that carries a date, on a French page of a campaign in Toronto', () => {
  // Due at 23:59 on 10 December in Toronto, which is already 11 December in UTC.
  const view = { workflowId: 'engagement:vc:zoom', stage: 'awaiting-response', questions: [], demonstrations: [], responseDueDate: '2026-12-11T04:59:00.000Z', rounds: [] } as never;
  const now = Date.parse('2026-12-01T12:00:00Z');
  const { post } = engagementForms(
    'awaiting-response',
    { extendDeadline: async () => refusedByWorkflow(() => rules.checkExtendDeadline(view, { by: 'Owen', reason: 'Asked', dueDate: '2026-12-05' } as never, now)) },
    [],
    'America/Toronto',
  );

  it('is worded in French, unmarked, with the current due date as the page dates a day in Toronto', async () => {
    const response = await post('extend', { dueDate: '2026-12-05', reason: 'Demandé par le fournisseur' }, 'fr');
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('<p class="error" id="extend-dueDate-error">La nouvelle échéance doit être postérieure à l’échéance actuelle (10\u00a0déc.\u00a02026).</p>');
    expect(html).not.toContain('must be later than the current one');
  });

  it('is worded in English on an English page, with the day in Toronto', async () => {
    const response = await post('extend', { dueDate: '2026-12-05', reason: 'Asked by the vendor' }, 'en');
    expect(await response.text()).toContain('<p class="error" id="extend-dueDate-error">The new due date must be later than the current one (10\u00a0Dec\u00a02026).</p>');
  });
});

describe('a meeting link refused when a demonstration is rescheduled, on a French page', () => {
  const view = {
    workflowId: 'engagement:vc:zoom', stage: 'demonstration', questions: [], responseDueDate: '2026-12-11T04:59:00.000Z', rounds: [],
    demonstrations: [{ id: 'd1', at: '2026-12-10T14:00:00.000Z', durationMinutes: 60, attendees: [], topics: ['Encryption'] }],
  } as never;
  const { post } = engagementForms('demonstration', {
    rescheduleDemonstration: async () =>
      refusedByWorkflow(() => rules.checkRescheduleDemonstration(view, { by: 'Owen', demonstrationId: 'd1', at: '2026-12-11T14:00:00Z', reason: 'Asked', meetingUrl: 'meet.example.org/a' } as never, Date.parse('2026-12-01T12:00:00Z'))),
  }, [{ id: 'd1', at: '2026-12-10T14:00:00.000Z', durationMinutes: 60, attendees: [{ name: 'Ada', email: 'ada@zoom.example' }], topics: ['Encryption'] }]);

  it('says in French that the link must start with https://, next to the link', async () => {
    const response = await post('reschedule-demo', { demonstrationId: 'd1', at: '2026-12-11T14:00', reason: 'Demandé', meetingUrl: 'meet.example.org/a' }, 'fr');
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('<p class="error" id="reschedule-meeting-url-d1-error">Le lien de la réunion doit être une adresse commençant par https:// (reçu\u00a0: «\u202fmeet.example.org/a\u202f»).</p>');
    expect(html).not.toContain('must be an address starting with');
  });
});

describe('a good practice refused in French, in the engagement’s conclusion', () => {
  const view = { workflowId: 'engagement:vc:zoom', stage: 'responded', questions: [], demonstrations: [], rounds: [] } as never;
  const { post } = engagementForms('responded', {
    conclude: (async (_ref: unknown, input: never) => refusedByWorkflow(() => rules.checkConclude(view, input))) as () => Promise<never>,
  });

  /** A conclusion form with an assessment of every principle in both languages. */
  const everyPrincipleMet = (): Record<string, string> =>
    Object.fromEntries(PRINCIPLES.flatMap((p) => [[`assessment-${p}`, 'Met.'], [`assessment-${p}-fr`, 'Respecté.']]));

  it('ties the refusal to the French good practices of that principle, not to the whole form', async () => {
    const form = everyPrincipleMet();
    Object.assign(form, { 'practices-security': 'Encrypts recordings.\nAudits yearly.', 'practices-security-fr': 'Chiffre les enregistrements.\nAudite <script> chaque année.' });
    const response = await post('conclude', { ...form, confirm: 'yes' }, 'en');
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toMatch(/<textarea id="practices-security-fr" name="practices-security-fr" lang="fr" aria-invalid="true" autofocus aria-describedby="practices-security-fr-error">/);
    expect(html).toContain('<p class="error" id="practices-security-fr-error">Markup (“&lt;script”) in good practice 2 for “Security” in French: markup is not accepted, describe it in words.</p>');
    expect(html).not.toContain('id="conclude-findings-error"');
    expect(html.match(/aria-invalid="true"/g)).toHaveLength(1);
  });

  it('ties an assessment left blank in both languages to both its fields, in the reader’s language', async () => {
    const form = everyPrincipleMet();
    Object.assign(form, { 'assessment-security': ' ', 'assessment-security-fr': '' });
    const response = await post('conclude', { ...form, confirm: 'yes' }, 'fr');
    expect(response.status).toBe(422);
    const html = await response.text();
    const sentence = 'Remplissez l’évaluation du principe «\u202fSécurité\u202f» en anglais ou l’évaluation du principe «\u202fSécurité\u202f» en français\u00a0: ce texte ne peut pas être vide dans les deux langues.';
    expect(html).toMatch(/<textarea id="assessment-security" name="assessment-security" lang="en" aria-invalid="true" autofocus aria-describedby="assessment-security-error">/);
    expect(html).toMatch(/<textarea id="assessment-security-fr" name="assessment-security-fr" lang="fr" aria-invalid="true" aria-describedby="assessment-security-fr-error">/);
    expect(html).toContain(`<p class="error" id="assessment-security-error">${sentence}</p>`);
    expect(html).toContain(`<p class="error" id="assessment-security-fr-error">${sentence}</p>`);
    expect(html).not.toContain('must not be empty');
    expect(html).not.toContain('id="conclude-findings-error"');
  });

  it('names every principle left unassessed in one refusal, keeps what was typed and focuses the first', async () => {
    const form = everyPrincipleMet();
    const blank = ['privacy-by-design', 'transparency', 'end-user-control'] as const;
    for (const p of blank) Object.assign(form, { [`assessment-${p}`]: '', [`assessment-${p}-fr`]: '' });
    Object.assign(form, { 'practices-security': 'Encrypts recordings.' });
    const response = await post('conclude', { ...form, confirm: 'yes' }, 'en');
    expect(response.status).toBe(422);
    const html = await response.text();
    for (const p of blank) {
      expect(html).toMatch(new RegExp(`<textarea id="assessment-${p}" name="assessment-${p}" lang="en" aria-invalid="true"(?: autofocus)? aria-describedby="assessment-${p}-error">`));
      expect(html).toMatch(new RegExp(`<p class="error" id="assessment-${p}-error">Fill in the assessment for “[^”]+” in English or the assessment for “[^”]+” in French`));
      expect(html).toContain(`id="assessment-${p}-fr-error"`);
    }
    expect(html.match(/aria-invalid="true"/g)).toHaveLength(blank.length * 2);
    // The first refused field in the form's order has the focus, and only it.
    expect(html.match(/ autofocus/g)).toHaveLength(1);
    expect(html).toMatch(/<textarea id="assessment-privacy-by-design" name="assessment-privacy-by-design" lang="en" aria-invalid="true" autofocus /);
    expect(html).toContain('<textarea id="assessment-security" name="assessment-security" lang="en">Met.</textarea>');
    expect(html).toMatch(/<textarea id="practices-security" name="practices-security" lang="en">Encrypts recordings.<\/textarea>/);
    expect(html).not.toContain('id="conclude-findings-error"');
  });
});

describe('a reason too long for the extend form, on a French page', () => {
  const view = { workflowId: 'engagement:vc:zoom', stage: 'awaiting-response', questions: [], demonstrations: [], responseDueDate: '2026-12-11T04:59:00.000Z', rounds: [] } as never;
  const reason = 'x'.repeat(2_001);
  const { post } = engagementForms('awaiting-response', {
    extendDeadline: async () => refusedByWorkflow(() => rules.checkExtendDeadline(view, { by: 'Owen', reason, dueDate: '2026-12-20' } as never, Date.parse('2026-12-01T12:00:00Z'))),
  });

  it('says in French which field is too long, by how much, next to that field', async () => {
    const response = await post('extend', { dueDate: '2026-12-20', reason }, 'fr');
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('<p class="error" id="extend-reason-error">Trop long\u00a0: 2\u202f001 caractères pour le motif de la prolongation, 2\u202f000 au plus.</p>');
    expect(html).not.toContain('must be at most');
  });
});

describe('refusals the workspace words by their code: typed text, texts missing at drafting, an unprintable version, an id', () => {
  const views = loadViews();
  const failure = (check: () => void) => {
    try {
      check();
    } catch (err) {
      return err;
    }
    throw new Error('the check accepted the request');
  };
  const french = (err: unknown) => {
    const details = refusalDetails(err);
    expect(details, (err as Error).message).toBeDefined();
    return refusalSentence(details!, 'fr', 'UTC', views);
  };
  const by = 'Owen';
  const campaign = (rules: 'legacy' | 'edit-loop') => {
    const input = { campaign: testCampaign('vc'), vendors: [testVendor('zoom'), testVendor('cisco')], policy: fastPolicy(), approval: { kind: 'all' }, publication: { folder: 'vc', notifyVendors: true } } satisfies CampaignInput;
    const kase = new CampaignCase(input, rules);
    for (const vendor of input.vendors) kase.addEngagement(vendor, false);
    kase.engagementEnded('zoom', { vendorId: 'zoom', vendorName: 'Zoom', stage: 'concluded', findings: completeFindings(), demonstrations: [], remindersSent: [], endedAt: '2026-12-01T10:00:00.000Z' });
    kase.engagementFailed('cisco', 'worker lost');
    return kase;
  };

  it('names every refused question of a round in one refusal, not the first alone', () => {
    const now = Date.parse('2026-12-01T12:00:00Z');
    const view = { workflowId: 'engagement:vc:zoom', stage: 'responded', questions: [], demonstrations: [], responseDueDate: '2026-12-11T00:00:00.000Z', rounds: [] } as never;
    const refused = failure(() => rules.checkAskFollowUp(view, { by, questions: ['Q?', ' ', 'See <img src=x>'], dueDate: '2026-12-20' } as never, now));
    const sentence = french(refused);
    expect(sentence).toContain('Remplissez la question 2\u00a0: ce champ ne doit pas être vide.');
    expect(sentence).toContain('Balisage («\u202f<img\u202f») dans la question 3');
    expect((refused as Error).message).toMatch(/question 2.*; .*question 3/);
  });

  it('names a blank question, or too many of them, in French', () => {
    const now = Date.parse('2026-12-01T12:00:00Z');
    const view = { workflowId: 'engagement:vc:zoom', stage: 'responded', questions: [], demonstrations: [], responseDueDate: '2026-12-11T00:00:00.000Z', rounds: [] } as never;
    expect(french(failure(() => rules.checkAskFollowUp(view, { by, questions: ['Q?', ' '], dueDate: '2026-12-20' } as never, now)))).toBe(
      'Remplissez la question 2\u00a0: ce champ ne doit pas être vide.',
    );
    expect(french(failure(() => rules.checkAskFollowUp(view, { by, questions: Array(51).fill('Q?'), dueDate: '2026-12-20' } as never, now)))).toBe(
      'Trop d’entrées pour les questions de la série\u00a0: 51, 50 au plus.',
    );
  });

  it('quotes what the officer typed as each language quotes, « … » in French with narrow no-break spaces, never in straight quotes', () => {
    const now = Date.parse('2026-12-01T12:00:00Z');
    const view = { workflowId: 'engagement:vc:zoom', stage: 'responded', questions: [], demonstrations: [], responseDueDate: '2026-12-11T00:00:00.000Z', rounds: [] } as never;
    const refusals = [
      failure(() => rules.checkExtendDeadline(view, { by, extendBy: 'dix jours', reason: 'Vacances' } as never, now)),
      failure(() => rules.checkAskFollowUp(view, { by, questions: ['Q?'], dueDate: 'bientôt' } as never, now)),
      failure(() => rules.checkMeetingPlace({ meetingUrl: 'meet.example.org/salle' })),
      failure(() => rules.checkAskFollowUp(view, { by, questions: ['Voyez <img src=x>'], dueDate: '2026-12-20' } as never, now)),
    ];
    const sentences = refusals.map(french);
    expect(sentences[0]).toBe('La prolongation «\u202fdix jours\u202f» n’est pas une durée reconnue, comme «\u202f14 jours\u202f», «\u202f36 heures\u202f» ou «\u202f20 jours ouvrés\u202f».');
    expect(sentences[1]).toContain('(reçu\u00a0: «\u202fbientôt\u202f»)');
    expect(sentences[2]).toContain('(reçu\u00a0: «\u202fmeet.example.org/salle\u202f»)');
    expect(sentences[3]).toContain('Balisage («\u202f<img\u202f»)');
    for (const sentence of sentences) expect(frenchPunctuationFaults(sentence!)).toEqual([]);
    // English quotes it as its own sentences do, “…”.
    expect(refusalSentence(refusalDetails(refusals[0])!, 'en', 'UTC', views)).toBe('The extension “dix jours” is not a duration such as “14 days”, “36 hours” or “20 working days”.');
    // A value the rules cut short keeps its ellipsis inside the quotes.
    const long = refusalSentence(refusalDetails(failure(() => rules.checkMeetingPlace({ meetingUrl: `meet.example.org/${'x'.repeat(80)}` })))!, 'fr', 'UTC', views);
    expect(long).toMatch(/\(reçu\u00a0: «\u202fmeet\.example\.org\/x+…\u202f»\)/);
  });

  it('tells the lead in French how many texts are still missing at drafting', () => {
    expect(french(failure(() => campaign('edit-loop').checkDraft({ by })))).toMatch(/^Aucune version ne peut être rédigée\u00a0: il manque encore \d+ textes en anglais ou en français/);
  });

  it('names in French the texts still missing at drafting, as the statement page lists them to a lead reading French', async () => {
    const kase = campaign('edit-loop');
    kase.engagementEnded('zoom', { vendorId: 'zoom', vendorName: 'Zoom', stage: 'concluded', findings: { ...completeFindings(), security: { assessment: { en: 'Strong', fr: '' }, goodPractices: [{ en: 'E2EE', fr: '' }] } }, demonstrations: [], remindersSent: [], endedAt: '2026-12-01T10:00:00.000Z' });
    const refused = french(failure(() => kase.checkDraft({ by })));
    expect(refused).toContain('l’évaluation du principe «\u202fSécurité\u202f» de zoom en français (fichier des constats, ou fichier du texte de la déclaration)');
    expect(refused).toContain('la bonne pratique 1 du principe «\u202fSécurité\u202f» de zoom en français');
    expect(refused).toContain('les enseignements tirés en anglais (fichier des conclusions, ou fichier du texte de la déclaration)');
    expect(refused).not.toMatch(/file|English|French|vendor zoom/);
    // An older worker's refusal lists them in English: the sentence is French around them.
    expect(refusalSentence({ refusal: 'text-missing', values: { texts: 'statement text file, vendor zoom, summary (French)' } }, 'fr', 'UTC', views)).toBe(
      'Aucune version ne peut être rédigée\u00a0: il manque encore 1 texte en anglais ou en français\u00a0: statement text file, vendor zoom, summary (French).',
    );
    const html = await frenchStatementPage(kase);
    const list = /<ul id="missing-texts">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
    expect(list).toContain('<li>le résumé de Vendor zoom en français (formulaire «\u202fRédiger les synthèses publiques\u202f»)</li>');
    expect(list).toContain('<li>les conclusions en anglais (formulaire «\u202fFixer les conclusions et les enseignements tirés\u202f»)</li>');
    expect(list).not.toMatch(/lang="en"|statement text file|\(French\)|fichier/);
  });

  it('never hands a workspace of the release before a refusal to draft whose texts are not words', () => {
    // That workspace words text-missing and texts-missing with `texts` as written (English words):
    // a refusal naming the texts by key must come under a code it does not know, so it shows the sentence.
    const released: readonly string[] = ['text-missing', 'texts-missing'];
    const details = refusalDetails(failure(() => campaign('edit-loop').checkDraft({ by })))!;
    const asWritten = released.includes(details.refusal) ? (details.values as { texts?: string }).texts : undefined;
    expect(asWritten ?? '', details.refusal).not.toMatch(/^\[|"source"/);
    // This release still words it in French, each text by its key.
    const french = refusalSentence(details, 'fr', 'UTC', views);
    expect(french).toMatch(/^Aucune version ne peut être rédigée\u00a0: il manque encore \d+ textes en anglais ou en français\u00a0: /);
    expect(french).not.toMatch(/file|English|French|"source"/);
  });

  it('tells the lead in French that the statement is too large to go out, on its page and when drafting', async () => {
    const vendors = Array.from({ length: 8 }, (_, i) => testVendor(`v${i + 1}`));
    const input: CampaignInput = { campaign: testCampaign('vc'), vendors, policy: fastPolicy(), approval: { kind: 'all' }, publication: { folder: 'vc', notifyVendors: false } };
    const heavy = Object.fromEntries(PRINCIPLES.map((p) => [p, { assessment: { en: 'é'.repeat(10_000), fr: 'è'.repeat(10_000) }, goodPractices: [] }])) as never;
    const kase = new CampaignCase(input, 'edit-loop');
    for (const v of vendors) {
      kase.addEngagement(v, false);
      kase.engagementEnded(v.id, { vendorId: v.id, vendorName: v.name, stage: 'concluded', findings: heavy, demonstrations: [], remindersSent: [], endedAt: '2026-12-01T10:00:00Z' });
    }
    const texts = Object.fromEntries(vendors.map((v) => [v.id, { summary: { en: 'Summary.', fr: 'Résumé.' } }]));
    kase.edit({ by, vendors: texts, conclusions: { en: ['Done.'], fr: ['Fait.'] }, lessonsLearned: { en: ['Early.'], fr: ['Tôt.'] } });
    const tooLarge = /^Le texte de la déclaration pèserait 1\u202f60\d\u00a0ko, 1\u202f500\u00a0ko au plus \(Temporal refuse tout message de plus de 2\u00a0Mo\)\u00a0: raccourcissez .* \(les plus longs\u00a0: v1, v2, v3\)\.$/;
    expect(french(failure(() => kase.checkDraft({ by })))).toMatch(tooLarge);
    const html = await frenchStatementPage(kase);
    const shown = /<p id="statement-too-large">([^<]*)<\/p>/.exec(html)?.[1];
    // The page names the companies, as its other refusals do; the CLI's sentence keeps the ids its files use.
    const onThePage = new RegExp(tooLarge.source.replace('v1, v2, v3', 'Vendor v1\u202f; Vendor v2\u202f; Vendor v3'));
    expect(shown?.replaceAll('&#x27;', "'")).toMatch(onThePage);
    expect(html).not.toContain("the statement's text would take");
  });

  it('tells the lead in French what is wrong with how it settles the engagements still open', () => {
    const input = { campaign: testCampaign('vc'), vendors: [testVendor('zoom'), testVendor('cisco')], policy: fastPolicy(), approval: { kind: 'all' }, publication: { folder: 'vc', notifyVendors: true } } satisfies CampaignInput;
    const open = new CampaignCase(input, 'edit-loop');
    for (const vendor of input.vendors) open.addEngagement(vendor, false);
    const draft = (openCases: unknown[]) => french(failure(() => open.checkDraft({ by, openCases } as never)));
    expect(draft([{ vendorId: 'zoom', action: 'close', reason: { en: ' ', fr: '' } }, { vendorId: 'cisco', action: 'exclude', reason: { en: '', fr: '' } }])).toBe(
      'Indiquez la raison publique pour Vendor zoom, Vendor cisco en anglais ou en français\u00a0: la déclaration la publie.',
    );
    expect(draft([{ vendorId: 'zoom', action: 'close', reason: { en: 'x'.repeat(2_001), fr: 'Parti' } }])).toBe(
      'Trop long\u00a0: 2\u202f001 caractères pour la raison publique en anglais de zoom, 2\u202f000 au plus.',
    );
    expect(draft([{ vendorId: 'epsilon', action: 'close', reason: { en: 'Gone', fr: 'Parti' } }])).toBe(
      'Le dossier d’epsilon n’est plus ouvert\u00a0: rouvrez la page et réglez les dossiers encore ouverts.',
    );
  });

  it('says in French why a demonstration’s time, link or length, or an extension, cannot be read', () => {
    const now = Date.parse('2026-12-01T12:00:00Z');
    const base = { workflowId: 'engagement:vc:zoom', stage: 'responded', questions: [], demonstrations: [], responseDueDate: '2026-12-11T00:00:00.000Z', rounds: [] };
    const view = base as never;
    const demo = { by, at: '2026-12-10T14:00:00Z', durationMinutes: 60, attendees: [{ name: 'Ada', email: 'ada@zoom.example' }], topics: ['Encryption'] };
    const schedule = (change: object) => french(failure(() => rules.checkScheduleDemonstration(view, { ...demo, ...change } as never, now)));
    expect(schedule({ at: 'demain' })).toBe('Indiquez l’heure de la démonstration sous la forme d’une date ISO telle que 2026-08-10, avec l’heure et son fuseau s’il y a lieu (reçu\u00a0: «\u202fdemain\u202f»).');
    expect(schedule({ meetingUrl: 'http://meet.example.org/a' })).toBe('Le lien de la réunion doit être une adresse commençant par https:// (reçu\u00a0: «\u202fhttp://meet.example.org/a\u202f»).');
    expect(schedule({ meetingUrl: 'https://meet.example.org/a b' })).toBe(
      'Le lien de la réunion «\u202fhttps://meet.example.org/a b\u202f» n’est pas une adresse web telle que https://meet.example.org/room-42 (sans espace, guillemet ni nom d’utilisateur).',
    );
    expect(schedule({ durationMinutes: 600 })).toBe('La durée de la démonstration doit être un nombre entier de minutes, de 1 à 480 (reçu\u00a0: 600).');
    expect(schedule({ topics: [] })).toBe('Indiquez au moins un sujet\u00a0: comment l’entreprise met en œuvre, surveille ou valide une mesure.');
    const scheduled = { ...base, stage: 'demonstration', demonstrations: [{ id: 'd1', at: '2026-12-10T14:00:00.000Z', durationMinutes: 60, attendees: [], topics: ['Encryption'] }] } as never;
    expect(french(failure(() => rules.checkRescheduleDemonstration(scheduled, { by, demonstrationId: 'd1', at: '2026-12-11T14:00:00Z', reason: 'Vendor asked', meetingUrl: 'ftp://x' } as never, now)))).toBe(
      'Le lien de la réunion doit être une adresse commençant par https:// (reçu\u00a0: «\u202fftp://x\u202f»).',
    );
    const awaiting = { ...base, stage: 'awaiting-response' } as never;
    const extend = (change: object) => french(failure(() => rules.checkExtendDeadline(awaiting, { by, reason: 'Asked', ...change } as never, now, { calendar: true })));
    expect(extend({ extendBy: 'deux semaines' })).toBe(
      'La prolongation «\u202fdeux semaines\u202f» n’est pas une durée reconnue, comme «\u202f14 jours\u202f», «\u202f36 heures\u202f» ou «\u202f20 jours ouvrés\u202f».',
    );
    expect(extend({ extendBy: '3000 jours ouvrés' })).toBe('La prolongation doit être comprise entre 1 et 2\u202f600 jours ouvrés (reçu\u00a0: 3\u202f000).');
    expect(extend({ extendBy: '11 years' })).toBe('La prolongation doit être de 10 ans au plus (reçu\u00a0: «\u202f11 years\u202f»).');
    expect(extend({ dueDate: '20/12/2026' })).toBe('Indiquez l’échéance sous la forme d’une date ISO telle que 2026-08-10, avec l’heure et son fuseau s’il y a lieu (reçu\u00a0: «\u202f20/12/2026\u202f»).');
    // The CLI's English is unchanged.
    expect(() => rules.checkExtendDeadline(awaiting, { by, reason: 'Asked', extendBy: 'deux semaines' } as never, now)).toThrow(
      'the extension must be a duration such as "14 days", "36 hours", "2s", "20 working days" or a number of milliseconds',
    );
  });

  it('says in French that findings, answers or the lead’s paragraphs are too long together, or too many, and which observation is refused', () => {
    const view = { workflowId: 'engagement:vc:zoom', stage: 'follow-up', demonstrations: [], responseDueDate: '2026-12-11T00:00:00.000Z', rounds: [], questions: Array.from({ length: 11 }, (_, i) => ({ id: `q${i + 1}`, text: 'Q?' })) } as never;
    const findings = Object.fromEntries(PRINCIPLES.map((p) => [p, { assessment: { en: 'é'.repeat(9_997), fr: 'é'.repeat(9_997) }, goodPractices: [{ en: 'Audit', fr: 'Audit' }] }]));
    expect(french(failure(() => rules.checkConclude(view, { by, findings } as never)))).toBe(
      'Les constats totalisent 100\u202f020 caractères dans les deux langues, 100\u202f000 au plus (Temporal refuse toute demande de plus de 2\u00a0Mo)\u00a0: résumez-les, ou joignez l’analyse complète en document.',
    );
    const answers = Array.from({ length: 11 }, (_, i) => ({ questionId: `q${i + 1}`, answer: 'a'.repeat(19_000) }));
    expect(french(failure(() => rules.checkRecordAnswers(view, { by, answers } as never)))).toBe(
      'Les réponses d’une même demande totalisent 209\u202f000 caractères, 200\u202f000 au plus (Temporal refuse toute demande de plus de 2\u00a0Mo)\u00a0: consignez-les en plusieurs fois.',
    );
    const kase = campaign('edit-loop');
    const paragraphs = (fr: string[]) => ({ by, conclusions: { en: ['Done.'], fr }, lessonsLearned: { en: ['Early.'], fr: ['Tôt.'] } });
    expect(french(failure(() => kase.checkConclusions(paragraphs(Array(6).fill('p'.repeat(20_000))) as never)))).toBe(
      'Trop long\u00a0: 120\u202f000 caractères au total pour les conclusions en français, 100\u202f000 au plus (ce texte accompagne chaque dossier, et Temporal refuse tout message de plus de 2\u00a0Mo).',
    );
    expect(french(failure(() => kase.checkConclusions(paragraphs(Array(101).fill('p')) as never)))).toBe('Trop d’entrées pour les conclusions en français\u00a0: 101, 100 au plus.');
    expect(french(failure(() => kase.checkConclusions(paragraphs([]) as never)))).toBe('Remplissez les conclusions en français\u00a0: ce champ ne doit pas être vide.');
    expect(french(failure(() => kase.checkEdit({ by, lessonsLearned: { fr: Array(101).fill('p') } } as never)))).toBe('Trop d’entrées pour les enseignements tirés en français\u00a0: 101, 100 au plus.');
    expect(french(failure(() => kase.checkEdit({ by, vendors: { zoom: { findings: Object.fromEntries(PRINCIPLES.map((p) => [p, { assessment: { en: 'é'.repeat(11_000), fr: 'è'.repeat(11_000) }, goodPractices: [] }])) } } } as never)))).toBe(
      'Les constats totalisent 110\u202f000 caractères dans les deux langues, 100\u202f000 au plus (Temporal refuse toute demande de plus de 2\u00a0Mo)\u00a0: résumez-les, ou joignez l’analyse complète en document.',
    );
    expect(french(failure(() => kase.checkEdit({ by, vendors: { zoom: { demonstrations: { d1: { en: 'Shown', fr: 'Vu <script>' } } } } } as never)))).toBe(
      'Balisage («\u202f<script\u202f») dans l’observation sur la démonstration d1 de zoom en français\u00a0: le balisage n’est pas accepté, décrivez-le avec des mots.',
    );
  });

  it('says in French why a vendor cannot be added, when one problem is the reason', () => {
    const input = { campaign: testCampaign('vc'), vendors: [testVendor('zoom')], policy: fastPolicy(), approval: { kind: 'all' }, publication: { folder: 'vc', notifyVendors: true } } satisfies CampaignInput;
    const engaging = new CampaignCase(input, 'edit-loop');
    engaging.addEngagement(testVendor('zoom'), false);
    const add = (vendor: object) => french(failure(() => engaging.checkAddVendor({ by, vendor: { ...testVendor('meet'), ...vendor } } as never)));
    expect(add({ id: 'Meet Inc' })).toBe('L’identifiant d’entreprise «\u202fMeet Inc\u202f» ne peut compter que des minuscules, des chiffres et des tirets (par exemple «\u202fopc-canada\u202f»).');
    expect(add({ name: 'x'.repeat(201) })).toBe('Trop long\u00a0: 201 caractères pour le nom de l’entreprise, 200 au plus.');
    expect(add({ contacts: [{ name: 'Ada', email: 'ada at meet' }] })).toBe('«\u202fada at meet\u202f» n’est pas une adresse électronique de la forme nom@exemple.org.');
    expect(add({ contacts: [] })).toBe('Indiquez au moins une adresse de contact pour l’entreprise.');
  });

  it('says in French that a typed text holds markup, a control character or a line break, naming the field', () => {
    const now = Date.parse('2026-12-01T12:00:00Z');
    const view = { workflowId: 'engagement:vc:zoom', stage: 'responded', questions: [], demonstrations: [], responseDueDate: '2026-12-11T00:00:00.000Z', rounds: [] } as never;
    const ask = (questions: string[]) => french(failure(() => rules.checkAskFollowUp(view, { by, questions, dueDate: '2026-12-20' } as never, now)));
    expect(ask(['Q?', 'See <script>alert(1)</script>'])).toBe('Balisage («\u202f<script\u202f») dans la question 2\u00a0: le balisage n’est pas accepté, décrivez-le avec des mots.');
    expect(ask(['Q\u0007?'])).toBe('Caractère de contrôle (U+0007) dans la question 1\u00a0: supprimez-le, il n’est pas accepté.');
    const input = { campaign: testCampaign('vc'), vendors: [testVendor('zoom')], policy: fastPolicy(), approval: { kind: 'all' }, publication: { folder: 'vc', notifyVendors: true } } satisfies CampaignInput;
    const engaging = new CampaignCase(input, 'edit-loop');
    engaging.addEngagement(testVendor('zoom'), false);
    const add = (vendor: object) => french(failure(() => engaging.checkAddVendor({ by, vendor: { ...testVendor('meet'), ...vendor } } as never)));
    expect(add({ name: 'Meet\nInc' })).toBe('Saut de ligne (U+000A) dans le nom de l’entreprise\u00a0: ce champ doit tenir sur une seule ligne.');
    expect(add({ name: 'Meet <Inc>' })).toBe('Ni < ni > dans le nom de l’entreprise\u00a0: un nom est du texte simple, pas du balisage.');
  });

  it('says in French which finding holds markup or is too long, naming its principle and language', () => {
    const view = { workflowId: 'engagement:vc:zoom', stage: 'responded', questions: [], demonstrations: [], responseDueDate: '2026-12-11T00:00:00.000Z', rounds: [] } as never;
    const conclude = (security: object) => french(failure(() => rules.checkConclude(view, { by, findings: { ...completeFindings(), security } } as never)));
    expect(conclude({ assessment: { en: 'Strong', fr: 'Voir <img src=x>' }, goodPractices: [] })).toBe(
      'Balisage («\u202f<img\u202f») dans l’évaluation du principe «\u202fSécurité\u202f» en français\u00a0: le balisage n’est pas accepté, décrivez-le avec des mots.',
    );
    expect(conclude({ assessment: { en: 'Strong', fr: 'Solide' }, goodPractices: [{ en: 'x'.repeat(2_001), fr: 'Chiffrement' }] })).toBe(
      'Trop long\u00a0: 2\u202f001 caractères pour la bonne pratique 1 du principe «\u202fSécurité\u202f» en anglais, 2\u202f000 au plus.',
    );
  });

  it('says in French what is wrong with the lead’s edit of the statement: a finding with markup, a summary too long', () => {
    const kase = campaign('edit-loop');
    const edit = (vendors: object) => french(failure(() => kase.checkEdit({ by, vendors } as never)));
    expect(edit({ zoom: { findings: { security: { assessment: { en: 'Strong', fr: 'Voir <iframe src=x>' }, goodPractices: [] } } } })).toBe(
      'Balisage («\u202f<iframe\u202f») dans l’évaluation du principe «\u202fSécurité\u202f» en français\u00a0: le balisage n’est pas accepté, décrivez-le avec des mots.',
    );
    expect(edit({ zoom: { summary: { en: 'x'.repeat(20_001), fr: '' } }, cisco: { findings: { security: { assessment: { en: 'Ok', fr: 'Ok' }, goodPractices: [{ en: 'E2EE', fr: 'Chiffre\u0007' }] } } } })).toBe(
      '2 problèmes à corriger\u00a0: Trop long\u00a0: 20\u202f001 caractères pour le résumé de zoom en anglais, 20\u202f000 au plus. ' +
        'Caractère de contrôle (U+0007) dans la bonne pratique 1 du principe «\u202fSécurité\u202f» en français\u00a0: supprimez-le, il n’est pas accepté.',
    );
  });

  it('says in French which paragraph of the conclusions or the lessons learned holds markup or is too long', () => {
    const kase = campaign('edit-loop');
    const set = (conclusions: object, lessonsLearned: object) => french(failure(() => kase.checkConclusions({ by, conclusions, lessonsLearned } as never)));
    const fine = { en: ['Done.'], fr: ['Fait.'] };
    expect(set({ en: ['Done.'], fr: ['Fait.', 'Voir <script>x</script>'] }, fine)).toBe(
      'Balisage («\u202f<script\u202f») dans le paragraphe 2 des conclusions en français\u00a0: le balisage n’est pas accepté, décrivez-le avec des mots.',
    );
    expect(set(fine, { en: ['x'.repeat(20_001)], fr: ['Leçon.'] })).toBe('Trop long\u00a0: 20\u202f001 caractères pour le paragraphe 1 des enseignements tirés en anglais, 20\u202f000 au plus.');
  });

  it('says in French that a campaign has all the vendors it takes, or no room in its history for one more', () => {
    const letter = (characters: number) => ({ en: ['x'.repeat(characters)], fr: ['x'.repeat(characters)] });
    const engaging = (vendors: number, characters = 10) => {
      const campaign = { ...testCampaign('vc'), letterBody: letter(characters) };
      const input = { campaign, vendors: [testVendor('zoom')], policy: fastPolicy(), approval: { kind: 'all' }, publication: { folder: 'vc', notifyVendors: true } } satisfies CampaignInput;
      const kase = new CampaignCase(input, 'edit-loop');
      for (let i = 0; i < vendors; i++) kase.addEngagement(testVendor(`v${i}`), false);
      return kase;
    };
    const add = (kase: CampaignCase) => french(failure(() => kase.checkAddVendor({ by, vendor: testVendor('meet') } as never)));
    expect(add(engaging(2_000))).toBe('La campagne vc compte déjà 2\u202f000 entreprises, le maximum pour une campagne\u00a0: lancez-en une autre.');
    expect(add(engaging(60, 225_000))).toMatch(/^Cette entreprise ne peut pas être ajoutée\u00a0: 61 entreprises occuperaient quelque \d+ Mo dans l’historique de la campagne, .* Au plus \d+ entreprises avec cette lettre/);
    expect(add(engaging(99, 10_000))).toMatch(/^Cette entreprise ne peut pas être ajoutée\u00a0: avec cette lettre, le lancement de chaque dossier occupe \d+ Ko, et les 100 dossiers lancés ensemble.* moins de \d+ entreprises en tout\.$/);
  });

  it('says in French that a hand-made update has a field of the wrong type or a principle it does not know', () => {
    const view = (stage: string) => ({ workflowId: 'engagement:vc:zoom', stage, questions: [], demonstrations: [], responseDueDate: '2026-12-11T00:00:00.000Z', rounds: [] }) as never;
    const now = Date.parse('2026-12-01T12:00:00Z');
    expect(french(failure(() => rules.checkRecordResponse(view('awaiting-response'), { by, receivedAt: '2026-11-20', summary: 'S', attachments: 'policy.pdf' } as never, now)))).toBe(
      'Type incorrect pour attachments\u00a0: il faut une liste, et non un texte.',
    );
    const conclude = (findings: unknown) => french(failure(() => rules.checkConclude(view('responded'), { by, findings } as never)));
    expect(conclude([])).toBe('Type incorrect pour findings\u00a0: il faut un ensemble de champs, et non une liste.');
    expect(conclude({ ...completeFindings(), speed: {} })).toBe('Champ inconnu dans findings\u00a0: speed.');
    expect(conclude({ ...completeFindings(), security: { assessment: completeFindings().security.assessment, goodPractices: 'none' } })).toBe(
      'Type incorrect pour findings.security.goodPractices\u00a0: il faut une liste, et non un texte.',
    );
  });

  it('says in French every problem of several kinds found together, and leaves a list with one problem it cannot word in English', () => {
    const input = { campaign: testCampaign('vc'), vendors: [testVendor('zoom'), testVendor('cisco')], policy: fastPolicy(), approval: { kind: 'all' }, publication: { folder: 'vc', notifyVendors: true } } satisfies CampaignInput;
    const open = new CampaignCase(input, 'edit-loop');
    for (const vendor of input.vendors) open.addEngagement(vendor, false);
    const draft = (openCases: unknown[]) => failure(() => open.checkDraft({ by, openCases } as never));
    expect(french(draft([{ vendorId: 'zoom', action: 'close', reason: { en: 'x'.repeat(2_001), fr: 'Parti' } }, { vendorId: 'cisco', action: 'exclude', reason: { en: '', fr: '' } }]))).toBe(
      '2 problèmes à corriger\u00a0: Trop long\u00a0: 2\u202f001 caractères pour la raison publique en anglais de zoom, 2\u202f000 au plus. ' +
        'Indiquez la raison publique pour Vendor cisco en anglais ou en français\u00a0: la déclaration la publie.',
    );
    expect(french(draft([{ vendorId: 'zoom', action: 'close', reason: { en: 'Gone <iframe src=x>', fr: 'Parti' } }, { vendorId: 'cisco', action: 'exclude', reason: { en: 'x'.repeat(2_001), fr: 'Exclu' } }]))).toBe(
      '2 problèmes à corriger\u00a0: Balisage («\u202f<iframe\u202f») dans la raison publique en anglais de zoom\u00a0: le balisage n’est pas accepté, décrivez-le avec des mots. ' +
        'Trop long\u00a0: 2\u202f001 caractères pour la raison publique en anglais de cisco, 2\u202f000 au plus.',
    );
    const engaging = new CampaignCase({ ...input, vendors: [testVendor('zoom')] }, 'edit-loop');
    engaging.addEngagement(testVendor('zoom'), false);
    const add = (vendor: object) => failure(() => engaging.checkAddVendor({ by, vendor: { ...testVendor('meet'), ...vendor } } as never));
    expect(french(add({ id: 'Meet Inc', name: ' ' }))).toBe(
      '2 problèmes à corriger\u00a0: L’identifiant d’entreprise «\u202fMeet Inc\u202f» ne peut compter que des minuscules, des chiffres et des tirets (par exemple «\u202fopc-canada\u202f»). ' +
        'Remplissez le nom de l’entreprise\u00a0: ce champ ne doit pas être vide.',
    );
    // A field nobody declared, or of the wrong type, is named by its path in the request.
    expect(french(add({ id: 'Meet Inc', colour: 'blue' }))).toBe(
      '2 problèmes à corriger\u00a0: L’identifiant d’entreprise «\u202fMeet Inc\u202f» ne peut compter que des minuscules, des chiffres et des tirets (par exemple «\u202fopc-canada\u202f»). ' +
        'Champ inconnu dans vendor\u00a0: colour.',
    );
    expect(french(add({ contacts: 'privacy@meet.example' }))).toBe('Type incorrect pour vendor.contacts\u00a0: il faut une liste, et non un texte.');
    // A language this release does not know has no code: the whole list stays the English the CLI prints.
    expect(refusalDetails(add({ language: 'de', colour: 'blue' }))).toBeUndefined();
    // A newer worker's code among them: the sentence is shown instead.
    const listed = (...problems: object[]) => refusalSentence({ refusal: 'problems', values: { count: String(problems.length), problems: JSON.stringify(problems) } }, 'fr', 'UTC', views);
    expect(listed({ refusal: 'no-contact', values: {} }, { refusal: 'no-attendee', values: {} })).toBe('2 problèmes à corriger\u00a0: Indiquez au moins une adresse de contact pour l’entreprise. Invitez au moins un participant.');
    expect(listed({ refusal: 'no-contact', values: {} }, { refusal: 'from-a-newer-worker', values: {} })).toBeUndefined();
  });

  it('tells a co-signatory in French that its comment is too long, and that the version could not be printed', () => {
    const approving = campaign('legacy');
    approving.startApproval('2026-12-01T10:00:00.000Z');
    expect(french(failure(() => approving.checkChangeRequest({ by: 'Daniel', authorityId: 'opc', version: 1, comment: 'x'.repeat(20_001) })))).toBe(
      'Trop long\u00a0: 20\u202f001 caractères pour le commentaire, 20\u202f000 au plus.',
    );
    approving.draftUnprintable(1, 'the font has no glyph for U+1F600');
    expect(french(failure(() => approving.checkApproval({ by: 'Daniel', authorityId: 'opc', version: 1 })))).toBe(
      'La version 1 n’a pas pu être imprimée et ne peut donc pas être approuvée (the font has no glyph for U+1F600). Le ou la responsable de campagne soumet une nouvelle version.',
    );
  });

  it('says in French that an id of more than one word does not exist, or already exists', () => {
    const address = '127.0.0.1:7233';
    expect(french(fromTemporal(new WorkflowNotFoundError('not found', 'legacy-7', undefined), 'workflow legacy-7', address))).toBe(
      'workflow legacy-7 n’existe pas\u00a0: vérifiez les identifiants de la campagne et de l’entreprise.',
    );
    expect(french(fromTemporal(new WorkflowExecutionAlreadyStartedError('started', 'campaign:vc', 'campaign'), 'campaign vc', address))).toBe(
      'campaign vc existe déjà\u00a0: donnez un autre identifiant à la campagne.',
    );
  });
});

describe('a page of something that does not exist', () => {
  const shown = (err: Error) => {
    const app = createWebApp({
      config,
      signIn: {} as OidcSignIn,
      dossier: async () => {
        throw err;
      },
      campaigns: async () => ({}) as never,
      revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
    });
    return async (language: string) => {
      const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'f'.repeat(32), csrf: 't', language, user: AUDITOR, expiresAt: Date.now() + 60_000 })}`;
      const response = await app.request('/campaigns/nosuch', { headers: { cookie } });
      return { status: response.status, html: await response.text() };
    };
  };

  it('says in French that the campaign does not exist, from the code the refusal carries', async () => {
    const page = await shown(notFound('campaign:nosuch'))('fr');
    expect(page.status).toBe(404);
    expect(visibleText(page.html)).toContain('campaign:nosuch n’existe pas\u00a0: vérifiez les identifiants de la campagne et de l’entreprise.');
    expect(page.html).not.toContain('does not exist');
  });

  it('marks as English a sentence it has no code for, on a French page', async () => {
    const page = await shown(new DossierClientError(ClientErrorCode.NotFound, 'no case mailbox is configured for this workspace'))('fr');
    expect(page.html).toMatch(/<p lang="en"><code>no case mailbox is configured for this workspace<\/code><\/p>/);
  });
});

describe('the problems of a campaign file on a French page', () => {
  const app = createWebApp({
    config,
    signIn: {} as OidcSignIn,
    dossier: async () => ({}) as never,
    campaigns: async () => ({}) as never,
    revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
  });
  const session = { id: 'c'.repeat(32), csrf: 'tok', language: 'fr', user: { subject: 'lea', name: 'Léa', roles: ['lead-officer'] }, expiresAt: Date.now() + FILE_SESSION_MS };
  const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal(session)}`;
  const upload = (content: string) => {
    const body = new FormData();
    body.set('_csrf', 'tok');
    body.set('campaignFile', new File([content], 'campaign.yaml', { type: 'text/yaml' }));
    return app.request('/campaigns', { method: 'POST', headers: { cookie }, body });
  };

  it('words the parser’s problem from its code in French, and leaves the page’s own sentence unmarked', async () => {
    const refused = await upload('campaign: [unclosed\n');
    expect(refused.status).toBe(422);
    const html = await refused.text();
    expect(html).toMatch(/<li>[^<]*<code>[^<]*<\/code>\u00a0: [^<]+<\/li>/);
    expect(html).not.toMatch(/<li>[^<]*<code>[^<]*<\/code>\u00a0: <span lang="en">/);
    const empty = await upload('');
    expect(empty.status).toBe(400);
    expect(await empty.text()).toMatch(/<li><code>\(file\)<\/code>\u00a0: [^<]+<\/li>/);
  });

  // The example campaign, with one line changed or added: a field of the wrong type, one nobody declared.
  const example = readFileSync(join(import.meta.dirname, '..', '..', 'campaigns', 'video-conferencing-2020.yaml'), 'utf8');
  const problems = async (response: Response) =>
    [...(await response.text()).matchAll(/<div class="problems".*?<\/div>/gs)].flatMap((list) => [...list[0].matchAll(/<li>(.*?)<\/li>/gs)].map((m) => m[1]!.replace(/[ \n]+/g, ' ')));

  it('says in French that a field of the file has the wrong type, naming where and both types', async () => {
    const refused = await upload(example.replace(/^reference: .*$/m, 'reference: 2020').replace(/notifyVendors: true/, 'notifyVendors: "yes"'));
    expect(refused.status).toBe(422);
    const listed = await problems(refused);
    expect(listed).toContain('ligne 5, colonne 12\u00a0: Type incorrect pour reference\u00a0: il faut un texte, et non un nombre.');
    expect(listed.some((p) => p.includes('Type incorrect pour publication.notifyVendors\u00a0: il faut un booléen (true ou false), et non un texte.')), listed.join('\n')).toBe(true);
    expect(listed.join('\n')).not.toMatch(/must be|lang="en"/);
  });

  it('says in French which fields the file or one of its parts does not know', async () => {
    const refused = await upload(example.replace(/^reference: .*$/m, '$&\ncolour: blue\nsize: 3').replace(/^(\s+)- id: zoom$/m, '$&\n$1  colour: blue'));
    expect(refused.status).toBe(422);
    const listed = (await problems(refused)).join('\n');
    expect(listed).toContain('Champs inconnus dans le fichier\u00a0: colour, size.');
    expect(listed).toMatch(/Champ inconnu dans vendors\[\d\]\u00a0: colour\./);
    expect(listed).not.toMatch(/unknown field|lang="en"/);
  });

  it('says in French what is wrong with a text of the file, a date or a duration, keeping the field and the line', async () => {
    const refused = await upload(example.replace('reference: OPC-2020-VC', 'reference: ""').replace('date: 2020-07-21', 'date: 2020-07-32').replace('responseDue: 30 days', 'responseDue: 30 dais'));
    expect(refused.status).toBe(422);
    const listed = (await problems(refused)).join('\n');
    expect(listed).toContain('ligne 5, colonne 12\u00a0: <code>reference</code>\u00a0: ne doit pas être vide');
    expect(listed).toMatch(/<code>letter\.date<\/code>\u00a0: doit être une date qui existe \(et non «\u202f2020-07-32\u202f»\)/);
    expect(listed).toContain('<code>policy.responseDue</code>\u00a0: doit être une durée comme');
    expect(listed).not.toMatch(/must|lang="en"/);
  });

  it('says in French that a field the file needs is missing', async () => {
    const refused = await upload(example.replace(/^reference: .*\n/m, ''));
    expect(refused.status).toBe(422);
    expect((await problems(refused)).join('\n')).toContain('Il manque le champ reference.');
  });
});

describe('a form refused because the case ended while it was filled in', () => {
  // The case closed for no response at its deadline (or another officer concluded it) while an officer typed.
  const ended = async () => {
    throw refused('engagement engagement:vc:zoom', 'it has ended and accepts no more requests');
  };
  const forms = engagementForms('closed-no-response', { recordResponse: ended, recordDemonstrationOutcome: ended }, [
    { id: 'd1', at: '2026-12-01T15:00:00.000Z', topics: ['Encryption'], result: 'validated', notes: 'Shown by Ada' },
  ]);
  const post = (action: string, form: Record<string, string>) => forms.post(action, form, 'en');

  it('comes back with the refusal next to the field and what was typed, and offers no other action', async () => {
    const response = await post('respond', { summary: 'A summary typed for an hour', attachments: 'policy.pdf' });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('<p class="error" id="respond-summary-error">This case has ended and accepts no more requests.</p>');
    expect(html).toContain('>A summary typed for an hour</textarea>');
    expect(html).toContain('>policy.pdf</textarea>');
    expect(html).not.toContain('id="withdraw"');
  });

  it('gives a demonstration’s outcome back on that demonstration, though another officer recorded one meanwhile', async () => {
    const response = await post('demo-outcome', { demonstrationId: 'd1', result: 'not-validated', notes: 'Encryption was not shown' });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('<p class="error" id="outcome-notes-d1-error">This case has ended and accepts no more requests.</p>');
    expect(html).toContain('>Encryption was not shown</textarea>');
  });
});

describe('a refusal Dossier’s own code words, on a French page', () => {
  const forms = engagementForms('closed-no-response', {
    // As the client says it of a workflow that has finished (client/errors.ts, fromTemporal).
    recordResponse: async () => {
      throw refused('engagement:vc:zoom', ENDED_REASON);
    },
    // As the engagement's validator says it (workflows/engagement-rules.ts, requireOpen).
    withdraw: async () => {
      throw refused('engagement:vc:zoom', 'engagement:vc:zoom is closed-no-response: it accepts no more changes');
    },
    // A sentence this release does not know (a newer worker's).
    extendDeadline: async () => {
      throw refused('engagement:vc:zoom', 'the extension crosses the regulator’s winter closure');
    },
  });
  const post = (action: string, form: Record<string, string>, language = 'fr') => forms.post(action, form, language);

  it('says in French that the case has ended, not in English, after a form refused on an ended case', async () => {
    const response = await post('respond', { summary: 'Un résumé saisi pendant une heure', attachments: '' });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('<p class="error" id="respond-summary-error">Ce dossier est terminé et n’accepte plus aucune demande.</p>');
    expect(html).not.toContain(ENDED_REASON);
  });

  it('names the stage of a closed case in French when the workflow refuses a change', async () => {
    const response = await post('withdraw', { reason: 'Le fournisseur a cessé son activité', confirm: 'yes' });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('Ce dossier est à l’étape «\u202fclos, sans réponse\u202f»\u00a0: il n’accepte plus aucune modification.</p>');
    expect(html).not.toContain('it accepts no more changes');
  });

  it('says the same in English on an English page, unmarked', async () => {
    const response = await post('respond', { summary: 'A summary', attachments: '' }, 'en');
    expect(await response.text()).toContain('<p class="error" id="respond-summary-error">This case has ended and accepts no more requests.</p>');
  });

  it('shows a refusal it cannot recognise as it came, marked as English', async () => {
    const response = await post('extend', { dueDate: '2026-12-20', reason: 'Demandé' });
    expect(response.status).toBe(422);
    expect(await response.text()).toMatch(/<p class="error" id="extend-[a-zA-Z]+-error" lang="en">the extension crosses the regulator’s winter closure<\/p>/);
  });
});

describe('the refusals the workspace words itself', () => {
  it('recognises only whole sentences Dossier writes, and words only stages this release knows', () => {
    const views = loadViews();
    expect(wordedRefusal(ENDED_REASON)).toEqual({ refusal: 'ended', values: {} });
    expect(wordedRefusal('engagement:vc:zoom does not exist (check the campaign and vendor ids)')).toEqual({ refusal: 'not-found', values: { id: 'engagement:vc:zoom' } });
    expect(wordedRefusal('cannot conclude while the engagement is sending-letter (allowed in: responded, follow-up, demonstration)')).toEqual({ refusal: 'conclude-stage', values: { stage: 'sending-letter' } });
    expect(wordedRefusal('There is no draft awaiting approval (phase publishing).')).toEqual({ refusal: 'no-draft', values: { phase: 'publishing' } });
    expect(refusalSentence(wordedRefusal('There is no draft awaiting approval (phase archiving).')!, 'fr', 'UTC', views)).toBeUndefined();
    expect(wordedRefusal(`${ENDED_REASON}, and more`)).toBeUndefined();
    expect(refusalSentence(wordedRefusal('engagement:vc:zoom is archived-by-a-newer-worker: it accepts no more changes')!, 'fr', 'UTC', views)).toBeUndefined();
    expect(refusalSentence({ refusal: 'demonstration-recorded', values: { id: 'd1', result: 'half-validated' } }, 'fr', 'UTC', views)).toBeUndefined();
  });

  it('recognises what the engagement’s validators say, as an older worker sends it without its code', () => {
    const view = (stage: string) => ({ workflowId: 'engagement:vc:zoom', stage, questions: [], demonstrations: [], responseDueDate: '2026-12-11T00:00:00.000Z', rounds: [] }) as never;
    const reason = (check: () => void) => {
      try {
        check();
      } catch (err) {
        return (err as Error).message;
      }
      throw new Error('the check accepted the request');
    };
    const now = Date.parse('2026-12-01T12:00:00Z');
    const by = 'Owen';
    const refusals = [
      reason(() => rules.checkWithdraw(view('closed-no-response'), { by, reason: 'x' } as never)),
      reason(() => rules.checkConclude(view('awaiting-response'), { by, findings: {} } as never)),
      reason(() => rules.checkAskFollowUp(view('responded'), { by, questions: [] } as never, now)),
      reason(() => rules.checkAskFollowUp(view('awaiting-response'), { by, questions: ['Q?'] } as never, now)),
      reason(() => rules.checkRecordAnswers(view('responded'), { by, answers: [] } as never)),
      reason(() => rules.checkDemonstrationOutcome(view('responded'), { by, demonstrationId: 'd1', result: 'validated' } as never, now)),
      reason(() => rules.checkCorrectContacts(view('letter-undeliverable'), { by, contacts: [] } as never)),
      reason(() => rules.checkExtendDeadline(view('awaiting-response'), { by, reason: 'x', dueDate: '2026-12-20', extendBy: '14 days' } as never, now)),
    ];
    expect(refusals.filter((r) => wordedRefusal(r) === undefined)).toEqual([]);
  });

  it('finds a code and values on every refusal of the engagement’s, its mail’s and the campaign’s validators, worded in both languages', () => {
    const view = (stage: string, more: object = {}) =>
      ({ workflowId: 'engagement:vc:zoom', stage, questions: [], demonstrations: [], responseDueDate: '2026-12-11T00:00:00.000Z', rounds: [], ...more }) as never;
    const failure = (check: () => void) => {
      try {
        check();
      } catch (err) {
        return err;
      }
      throw new Error('the check accepted the request');
    };
    const now = Date.parse('2026-12-01T12:00:00Z');
    const by = 'Owen';
    const demonstration = { id: 'd1', at: '2026-12-03T15:00:00.000Z', topics: ['Encryption'] };
    const round = { round: 1, askedAt: '2026-11-20T10:00:00.000Z', dueDate: '2026-12-04T00:00:00.000Z', remindersExhausted: false };
    const question = { id: 'q1', round: 1, text: 'Q?' };
    const engagement = [
      failure(() => rules.checkWithdraw(view('closed-no-response'), { by, reason: 'x' } as never)),
      failure(() => rules.checkConclude(view('awaiting-response'), { by, findings: {} } as never)),
      failure(() => rules.checkConclude(view('responded'), { by, findings: { ...completeFindings(), transparency: { assessment: { en: '', fr: ' ' }, goodPractices: [] } } } as never)),
      failure(() => rules.checkAskFollowUp(view('responded'), { by, questions: [] } as never, now)),
      failure(() => rules.checkAskFollowUp(view('awaiting-response'), { by, questions: ['Q?'] } as never, now)),
      failure(() => rules.checkAskFollowUp(view('follow-up', { rounds: [round], questions: [question] }), { by, questions: ['Q?'] } as never, now)),
      failure(() => rules.checkAskFollowUp(view('responded'), { by, questions: ['Q?'], dueDate: '2026-11-30' } as never, now)),
      failure(() => rules.checkRecordAnswers(view('responded'), { by, answers: [] } as never)),
      failure(() => rules.checkRecordAnswers(view('follow-up', { rounds: [round], questions: [question] }), { by, answers: [] } as never)),
      failure(() => rules.checkRecordAnswers(view('follow-up', { rounds: [round], questions: [question] }), { by, answers: [{ questionId: 'q9', answer: 'A' }] } as never)),
      failure(() => rules.checkRecordResponse(view('awaiting-response'), { by, receivedAt: '2026-12-20', summary: 'S', attachments: [] } as never, now)),
      failure(() => rules.checkRecordResponse(view('closed-no-response'), { by, receivedAt: '2026-11-20', summary: 'S', attachments: [] } as never, now)),
      failure(() => rules.checkDemonstrationOutcome(view('responded'), { by, demonstrationId: 'd1', result: 'validated' } as never, now)),
      failure(() => rules.checkDemonstrationOutcome(view('demonstration', { demonstrations: [demonstration] }), { by, demonstrationId: 'd1', result: 'validated', notes: '' } as never, now)),
      failure(() => rules.checkScheduleDemonstration(view('responded'), { by, at: '2026-11-30T10:00:00Z', durationMinutes: 60, attendees: ['a@example.org'], topics: ['T'] } as never, now)),
      failure(() => rules.checkCorrectContacts(view('letter-undeliverable'), { by, contacts: [] } as never)),
      failure(() => rules.checkChangeContacts(view('awaiting-response', { contacts: [{ name: 'P', email: 'p@zoom.test' }] }), { by, mode: 'merge', contacts: [], reason: 'x' } as never)),
      failure(() => rules.checkChangeContacts(view('sending-letter', { contacts: [{ name: 'P', email: 'p@zoom.test' }] }), { by, mode: 'add', contacts: [], reason: 'x' } as never)),
      failure(() => rules.checkChangeContacts(view('letter-undeliverable', { contacts: [{ name: 'P', email: 'p@zoom.test' }] }), { by, mode: 'add', contacts: [], reason: 'x' } as never)),
      failure(() => rules.checkChangeContacts(view('responded', { contacts: [{ name: 'P', email: 'p@zoom.test' }] }), { by, mode: 'add', contacts: [{ name: 'P', email: 'P@zoom.test' }], reason: 'x' } as never)),
      failure(() => rules.checkChangeContacts(view('responded', { contacts: [{ name: 'P', email: 'p@zoom.test' }] }), { by, mode: 'replace', contacts: [{ name: 'Q', email: 'q@zoom.test' }, { name: 'Q', email: 'q@zoom.test' }], reason: 'x' } as never)),
      failure(() => rules.checkChangeContacts(view('responded', { contacts: [{ name: 'P', email: 'p@zoom.test' }] }), { by, mode: 'replace', contacts: [{ name: 'P', email: 'p@zoom.test' }], reason: 'x' } as never)),
      failure(() => rules.checkChangeContacts(view('responded', { contacts: Array.from({ length: 20 }, (_, i) => ({ name: 'C', email: `c${i}@zoom.test` })) }), { by, mode: 'add', contacts: [{ name: 'Q', email: 'q@zoom.test' }], reason: 'x' } as never)),
      failure(() => rules.checkExtendDeadline(view('awaiting-response'), { by, reason: 'x', dueDate: '2026-12-20', extendBy: '14 days' } as never, now)),
      failure(() => rules.checkExtendDeadline(view('awaiting-response'), { by, reason: 'x', dueDate: '2026-12-05' } as never, now)),
      failure(() => rules.checkExtendDeadline(view('awaiting-response'), { by, reason: 'x', extendBy: '10 working days' } as never, now)),
      failure(() => rules.checkExtendDeadline(view('responded'), { by, reason: 'x', dueDate: '2026-12-20' } as never, now)),
    ];
    const reply = { messageId: '<r1@zoom.test>', kind: 'reply', review: 'to-review', text: 'Our answer', receivedAt: '2026-11-25T10:00:00.000Z' };
    const mail = [
      failure(() => checkConfirmInbound(view('responded', { inbox: [reply] }), { by, messageId: reply.messageId, as: 'response' } as never)),
      failure(() => checkConfirmInbound(view('awaiting-response', { inbox: [{ ...reply, review: 'dismissed' }] }), { by, messageId: reply.messageId, as: 'response' } as never)),
      failure(() => checkConfirmInbound(view('follow-up', { inbox: [reply], rounds: [round], questions: [question] }), { by, messageId: reply.messageId, as: 'answers', answers: [] } as never)),
      failure(() => checkConfirmInbound(view('awaiting-response', { inbox: [reply], letterSentAt: '2026-11-27T10:00:00.000Z' }), { by, messageId: reply.messageId, as: 'response' } as never)),
      // Relays' reports the intake holds, and an officer who assigns one is refused again: both read in the pen.
      ...[
        { kind: 'bounce', answersStep: 'letter', bounce: { recipients: ['jane.doe@corp.zoom.test'] } },
        { kind: 'bounce', bounce: { recipients: ['privacy@zoom.test'] } },
        { kind: 'auto-reply', answersStep: 'letter', deliveryReport: { recipients: ['jane.doe@corp.zoom.test'], action: 'delayed' } },
      ].map((report) =>
        failure(() =>
          checkRecordInbound(view('awaiting-response', { inbox: [] }), testVendor('zoom'), {
            messageId: '<dsn@mx.zoom.test>', from: 'mailer-daemon@mx.zoom.test', subject: 'Undelivered Mail', receivedAt: '2026-11-25T10:00:00.000Z',
            matchedBy: 'thread', text: '', documents: [], notes: [], ...report,
          } as never),
        ),
      ),
    ];
    const campaignOf = (rules: 'legacy' | 'edit-loop') => {
      const input = { campaign: testCampaign('vc'), vendors: [testVendor('zoom'), testVendor('cisco')], policy: fastPolicy(), approval: { kind: 'all' }, publication: { folder: 'vc', notifyVendors: true } } satisfies CampaignInput;
      const kase = new CampaignCase(input, rules);
      for (const vendor of input.vendors) kase.addEngagement(vendor, false);
      return kase;
    };
    const kase = campaignOf('legacy');
    const before = [
      failure(() => kase.checkApproval({ by, authorityId: 'opc', version: 1 })),
      failure(() => kase.checkWithdrawVendor({ by, vendorId: 'meet', reason: 'Gone.' })),
      failure(() => campaignOf('edit-loop').checkDraft({ by })),
    ];
    kase.engagementEnded('zoom', { vendorId: 'zoom', vendorName: 'Zoom', stage: 'concluded', findings: completeFindings(), demonstrations: [], remindersSent: [], endedAt: '2026-12-01T10:00:00.000Z' });
    kase.engagementFailed('cisco', 'worker lost');
    kase.startApproval('2026-12-01T10:00:00.000Z');
    const campaign = [
      ...before,
      failure(() => kase.checkAddVendor({ by, vendor: testVendor('meet') })),
      failure(() => kase.checkWithdrawVendor({ by, vendorId: 'zoom', reason: 'Gone.' })),
      failure(() => kase.checkApproval({ by, authorityId: 'opc', version: 2 })),
      failure(() => kase.checkApproval({ by, authorityId: 'cnil', version: 1 })),
      failure(() => kase.checkChangeRequest({ by, authorityId: 'opc', version: 2, comment: 'Change it.' })),
    ];
    const { strings } = loadViews();
    for (const err of [...engagement, ...mail, ...campaign]) {
      const details = refusalDetails(err);
      expect(details?.refusal, (err as Error).message).toBeDefined();
      expect(strings.fr[`form-refusal.${details!.refusal}`], details!.refusal).toBeDefined();
    }
  });

  it('has a sentence in both languages for every refusal code, naming exactly its values', () => {
    const { strings } = loadViews();
    const placeholders = (sentence: string) => [...new Set([...sentence.matchAll(/\{\{(?:elide '[a-z]+' )?([a-zA-Z]+)\}\}/g)].map((m) => m[1]))].sort();
    for (const code of REFUSAL_CODES) {
      for (const language of ['en', 'fr'] as const) {
        const sentence = strings[language][`form-refusal.${code}`];
        expect(sentence, `${language} form-refusal.${code}`).toBeDefined();
        expect(placeholders(sentence!), `${language} form-refusal.${code}`).toEqual(Object.keys(REFUSALS[code]).sort());
      }
      expect(frenchPunctuationFaults(strings.fr[`form-refusal.${code}`]!), code).toEqual([]);
    }
  });
});

describe('who acted, on a French page', () => {
  // The workflows record a person as `Name (account, signed in)` or `Name (login@host, CLI)`: English
  // words the timeline already puts in the page's language, and so must every other page naming them.
  const authorities = [
    { id: 'opc', name: { en: 'OPC', fr: 'CPVP' }, lead: true },
    { id: 'ico', name: { en: 'ICO', fr: 'ICO' } },
  ];
  const draft = { version: 2, campaign: { title: { en: 'Video conferencing', fr: 'Vidéoconférence' }, authorities }, vendors: [] };
  const status = {
    campaignId: 'vc', reference: 'VC', phase: 'approving', engagements: [],
    draft: { version: 2, date: '2026-11-27', approvals: [{ authorityId: 'ico', version: 2, by: 'Emma Whitfield (ico, signed in)', at: '2026-11-27T15:30:00.000Z' }], pending: ['opc'], required: 2 },
    changeRequests: [{ version: 1, authorityId: 'opc', by: 'Marie Leclerc (marie@desk-12, CLI)', at: '2026-11-26T15:30:00.000Z', comment: 'Plus court' }],
  };

  it('names who approved and who sent a version back in French on the statement page', async () => {
    const fr = await statementShown(status, draft)('fr');
    expect(fr).toContain('approuvée par Emma Whitfield (ico, espace de travail) le');
    expect(fr).toContain('demandées par Marie Leclerc (marie@desk-12, ligne de commande) le');
    expect(fr).toContain('La version 1 a été renvoyée par');
    expect(fr).toContain('(Marie Leclerc (marie@desk-12, ligne de commande))');
    expect(fr).not.toMatch(/signed in|, CLI\)/);
    const en = await statementShown(status, draft)('en');
    expect(en).toContain('approved by Emma Whitfield (ico, signed in) on');
    expect(en).toContain('Marie Leclerc (marie@desk-12, command line)');
  });

  it('names who reviewed and who assigned a received message in French on its page', async () => {
    const message = {
      messageId: '<r@zoom.test>', from: 'privacy@zoom.test', subject: 'Re: [VC]', receivedAt: '2026-11-27T15:30:00.000Z', recordedAt: '2026-11-27T15:31:00.000Z',
      kind: 'reply', matchedBy: 'officer', text: 'Attached.', documents: [], notes: [], review: 'confirmed',
      reviewedBy: 'Owen Okafor (owen, signed in)', assignedBy: 'Marie Leclerc (marie@desk-12, CLI)',
    };
    const engagement = {
      workflowId: 'engagement:vc:zoom', campaignId: 'vc', vendorId: 'zoom', vendorName: 'Zoom', stage: 'responded',
      timeline: [], openQuestions: [], questions: [], demonstrations: [], remindersSent: [], deliveryFailures: [], inbox: [message],
    };
    const session = { id: 'w'.repeat(32), csrf: 't', language: 'fr', user: { subject: 'owen', name: 'Owen', roles: ['officer'] }, expiresAt: Date.now() + 60_000 };
    const response = await appShowing(engagement, 'UTC').request(`/campaigns/vc/engagements/zoom/mail/received?id=${encodeURIComponent(message.messageId)}`, {
      headers: { cookie: `__Host-dossier_session=${new CookieSealer(secret).seal(session)}` },
    });
    const text = visibleText(await response.text());
    expect(text).toContain('Owen Okafor (owen, espace de travail)');
    expect(text).toContain('Marie Leclerc (marie@desk-12, ligne de commande)');
    expect(text).not.toMatch(/signed in|, CLI\)/);
  });
});

describe('a sentence that writes “<” on a page', () => {
  // hint.contacts reads "Name <address>": markup to a browser, whose <address> element then took the
  // rest of the demonstration form into the attendees' label, and the hint lost its "<address>".
  const status = {
    workflowId: 'engagement:vc:zoom', campaignId: 'vc', vendorId: 'zoom', vendorName: 'Zoom', stage: 'responded',
    timeline: [], questions: [], openQuestions: [], demonstrations: [], remindersSent: [], deliveryFailures: [],
  };
  const app = appShowing(status, 'UTC');

  it('shows it as written in the schedule-demo form’s hint, in both languages', async () => {
    const hints: Record<string, string> = {};
    for (const language of ['en', 'fr'] as const) {
      const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'h'.repeat(32), csrf: 't', language, user: { subject: 'owen', name: 'Owen', roles: ['officer'] }, expiresAt: Date.now() + 60_000 })}`;
      const html = await (await app.request('/campaigns/vc/engagements/zoom', { headers: { cookie } })).text();
      const label = /<label for="demo-attendees">([\s\S]*?)<\/label>/.exec(html)?.[1] ?? '';
      hints[language] = visibleText(label);
      expect(label, language).not.toMatch(/<(address|adresse)>/);
    }
    expect(hints).toEqual({ en: 'Attendees one per line: Name <address>', fr: 'Participants un par ligne\u00a0: Nom <adresse>' });
  });
});

/** The elements a page gives focus to as it loads (autofocus): a page may hold one. */
function focusedOnLoad(html: string): string[] {
  return [...html.matchAll(/<[a-z]+\b[^>]*\sautofocus\b[^>]*>/g)].map((m) => m[0]);
}

/** The workspace over one campaign's state: its status and current version, and `more` of the campaign client. */
function statementPageApp(kase: CampaignCase, more: Record<string, unknown> = {}) {
  return createWebApp({
    config,
    signIn: {} as OidcSignIn,
    dossier: async () => ({}) as never,
    campaigns: async () => ({ status: async () => kase.status(), statement: async () => kase.draft, title: async () => undefined, statementChanges: async () => undefined, ...more }) as never,
    revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
  });
}

/** The statement page's forms as the lead sends them, each step of the campaign client given. */
function leadStatementForms(kase: CampaignCase, steps: Record<string, (...args: never[]) => Promise<never>>) {
  const app = statementPageApp(kase, { statementText: async () => ({ vendors: {} }), engagementOutcome: async () => undefined, ...steps });
  const lead = { subject: 'lea', name: 'Léa', roles: ['lead-officer'] };
  return (path: string, form: Record<string, string>, language = 'en') =>
    app.request(`/campaigns/vc/statement/${path}`, {
      method: 'POST',
      headers: {
        cookie: `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'l'.repeat(32), csrf: 't', language, user: lead, expiresAt: Date.now() + 60_000 })}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ _csrf: 't', ...form }).toString(),
    });
}

describe('a refused form of the statement page, for the keyboard and a screen reader', () => {
  const by = 'Léa';
  const kase = () => {
    const input = { campaign: testCampaign('vc'), vendors: [testVendor('zoom')], policy: fastPolicy(), approval: { kind: 'all' }, publication: { folder: 'vc', notifyVendors: true } } satisfies CampaignInput;
    const k = new CampaignCase(input, 'edit-loop');
    k.addEngagement(input.vendors[0], false);
    k.engagementEnded('zoom', { vendorId: 'zoom', vendorName: 'Zoom', stage: 'concluded', findings: completeFindings(), demonstrations: [], remindersSent: [], endedAt: '2026-12-01T10:00:00.000Z' });
    return k;
  };
  const refusedBy = (check: () => void): never => {
    try {
      check();
    } catch (err) {
      throw fromTemporal(new WorkflowUpdateFailedError('Workflow Update failed', err as Error), 'campaign vc', '127.0.0.1:7233');
    }
    throw new Error('the check accepted the request');
  };
  const k = kase();
  const post = leadStatementForms(k, {
    // The campaign's own check of what was sent: blank fields included, each refused by its key.
    setConclusions: async (_campaign: string, input: never) => refusedBy(() => k.checkConclusions(input)),
    draftStatement: async () => refusedBy(() => k.checkDraft({ by })),
    editStatement: async () => refusedBy(() => k.checkEdit({ by, vendors: { nobody: { summary: { en: 'A.', fr: 'B.' } } } } as never)),
  });

  it('puts focus on the summary of the conclusions or lessons fields it refuses, each described by its refusal', async () => {
    const response = await post('conclusions', { 'conclusions-en': 'Done.', 'conclusions-fr': '', 'lessons-en': '', 'lessons-fr': '' }, 'fr');
    expect(response.status).toBe(422);
    const html = await response.text();
    for (const [id, field] of [['conclusions-fr', 'les conclusions en français'], ['lessons-en', 'les enseignements tirés en anglais'], ['lessons-fr', 'les enseignements tirés en français']]) {
      expect(html, id).toMatch(new RegExp(`<textarea id="${id}" name="${id}" lang="(en|fr)" aria-invalid="true" aria-describedby="${id}-error">`));
      expect(html, id).toContain(`<p class="error" id="${id}-error">Remplissez ${field}\u00a0: ce champ ne doit pas être vide.</p>`);
    }
    expect(focusedOnLoad(html)).toEqual(['<div class="problems" role="alert" id="conclusions-problems" aria-labelledby="conclusions-problems-title" tabindex="-1" autofocus>']);
  });

  it('gives the workflow’s refusal of the French conclusions to the French conclusions, not the English ones', async () => {
    const html = await (await post('conclusions', { 'conclusions-en': 'Done.', 'conclusions-fr': 'x'.repeat(20_001), 'lessons-en': 'Early.', 'lessons-fr': 'Tôt.' })).text();
    expect(focusedOnLoad(html)).toEqual(['<textarea id="conclusions-fr" name="conclusions-fr" lang="fr" aria-invalid="true" autofocus aria-describedby="conclusions-fr-error">']);
    expect(html).toContain('<p class="error" id="conclusions-fr-error">');
    expect(html).not.toContain('id="conclusions-en-error"');
  });

  it('announces a refusal of the draft, the summaries or the findings, which names no one field, and puts focus on it', async () => {
    for (const [path, form, id] of [
      ['draft', {}, 'draft-draft'],
      ['summaries', { 'summary-zoom-en': 'A.' }, 'summaries-summaries'],
      ['findings/zoom', { 'assessment-security-en': 'Changed.' }, 'findings-findings'],
    ] as const) {
      const response = await post(path, form);
      expect(response.status, path).toBe(422);
      expect(focusedOnLoad(await response.text()), path).toEqual([`<p class="error" id="${id}-error" role="alert" tabindex="-1" autofocus>`]);
    }
  });
});

describe('a demonstration’s result refused, on the engagement page', () => {
  const demonstration = { id: 'd1', at: '2026-11-20T14:00:00.000Z', durationMinutes: 60, attendees: [{ name: 'Ada', email: 'ada@zoom.example' }], topics: ['Encryption'] };
  const { post } = engagementForms('demonstration', {}, [demonstration]);

  it('is shown next to the result, which takes focus and is described by it, in French too', async () => {
    for (const [language, words] of [['en', 'This field is required.'], ['fr', 'Ce champ est obligatoire.']] as const) {
      const response = await post('demo-outcome', { demonstrationId: 'd1', result: 'half-validated', notes: 'It went well.' }, language);
      expect(response.status).toBe(422);
      const html = await response.text();
      expect(html, language).toContain(`<p class="error" id="outcome-result-d1-error">${words}</p>`);
      expect(focusedOnLoad(html), language).toEqual(['<select id="outcome-result-d1" name="result" aria-invalid="true" autofocus aria-describedby="outcome-result-d1-error">']);
    }
  });
});

describe('a demonstration’s result the worker refuses (a worker of another release knowing other results)', () => {
  const demonstration = { id: 'd1', at: '2026-11-20T14:00:00.000Z', durationMinutes: 60, attendees: [{ name: 'Ada', email: 'ada@zoom.example' }], topics: ['Encryption'] };
  const { post } = engagementForms('demonstration', {
    recordDemonstrationOutcome: async () => {
      throw refused('engagement engagement:vc:zoom', 'result must be one of passed, failed (got "validated")');
    },
  }, [demonstration]);

  it('is shown next to the result, not the notes', async () => {
    const html = await (await post('demo-outcome', { demonstrationId: 'd1', result: 'validated', notes: 'It went well.' }, 'en')).text();
    expect(html).toContain('<p class="error" id="outcome-result-d1-error">result must be one of passed, failed (got &quot;validated&quot;)</p>');
    expect(html).not.toContain('id="outcome-notes-d1-error"');
  });
});

/** A page's title, as the browser's tab and a screen reader first read it. */
function pageTitle(html: string): string | undefined {
  return /<title>([\s\S]*?)<\/title>/.exec(html)?.[1];
}

describe('the title of a page whose form was refused', () => {
  const { post } = engagementForms('awaiting-response', {});

  it('says first that the form was refused, in the page’s language', async () => {
    expect(pageTitle(await (await post('respond', { summary: '' }, 'en')).text())).toBe('Error: Engagement with Zoom — Dossier');
    expect(pageTitle(await (await post('respond', { summary: '' }, 'fr')).text())).toBe('Erreur\u00a0: Dossier de Zoom — Dossier');
  });

  it('says it on the statement page too, and not on a page read afresh', async () => {
    const input = { campaign: testCampaign('vc'), vendors: [testVendor('zoom')], policy: fastPolicy(), approval: { kind: 'all' }, publication: { folder: 'vc', notifyVendors: true } } satisfies CampaignInput;
    const kase = new CampaignCase(input, 'edit-loop');
    kase.addEngagement(input.vendors[0], false);
    const post = leadStatementForms(kase, { setConclusions: async (_campaign: string, input: never) => refusedByWorkflow(() => kase.checkConclusions(input)) });
    expect(pageTitle(await (await post('conclusions', { 'conclusions-en': 'Done.' })).text())).toBe('Error: Joint statement: vc — Dossier');
    expect(pageTitle(await frenchStatementPage(kase))).toBe('Déclaration commune\u00a0: vc — Dossier');
  });

  it('says it of a campaign file refused, with the problems the page lists', async () => {
    const app = createWebApp({ config, signIn: {} as OidcSignIn, dossier: async () => ({}) as never, campaigns: async () => ({}) as never, revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }) });
    const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'n'.repeat(32), csrf: 't', language: 'en', user: { subject: 'lea', name: 'Léa', roles: ['lead-officer'] }, expiresAt: Date.now() + 60_000 })}`;
    const body = new FormData();
    body.set('_csrf', 't');
    const response = await app.request('/campaigns', { method: 'POST', headers: { cookie }, body });
    expect(response.status).toBe(400);
    expect(pageTitle(await response.text())).toMatch(/^Error: /);
  });
});

describe('the title of a board page', () => {
  const summaries = ['alpha', 'beta', 'gamma'].map((v) => ({ workflowId: `engagement:vc:${v}`, vendorId: v, stage: 'awaiting-response', executionStatus: 'RUNNING' }));
  const app = createWebApp({
    config,
    signIn: {} as OidcSignIn,
    dossier: async () =>
      ({
        findEngagements: async (filter: { stage?: string }) => (filter.stage ? [] : summaries),
        findEngagementsPage: async () => ({ engagements: summaries.slice(0, 2) }),
        countMatching: async () => summaries.length,
      }) as never,
    campaigns: async () => ({ board: async (campaignId: string) => ({ campaignId, reference: 'VC', phase: 'engaging', engagementCount: 3, vendorNames: { alpha: 'Alpha', beta: 'Beta', gamma: 'Gamma' }, timeZone: 'UTC' }) }) as never,
    revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
    boardPageSize: 2,
  });
  const titleOf = async (query: string, language = 'en') => {
    const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'b'.repeat(32), csrf: 't', language, user: { subject: 'owen', name: 'Owen', roles: ['officer'] }, expiresAt: Date.now() + 60_000 })}`;
    return pageTitle(await (await app.request(`/campaigns/vc${query}`, { headers: { cookie } })).text());
  };

  it('says which vendors the page shows and in what order, as its table’s caption does', async () => {
    expect(await titleOf('')).toBe('Campaign vc, vendors 1 to 2 of 3 — Dossier');
    expect(await titleOf('?sort=vendor')).toBe('Campaign vc, vendors 1 to 2 of 3, sorted by the column Vendor — Dossier');
    expect(await titleOf('?sort=vendor&dir=desc&from=2')).toBe('Campaign vc, vendors 3 to 3 of 3, sorted by the column Vendor, in descending order — Dossier');
    expect(await titleOf('?sort=stage&dir=desc', 'fr')).toBe('Campagne vc, entreprises 1 à 2 sur 3, triées selon la colonne Étape, par ordre décroissant — Dossier');
    expect(await titleOf('?sort=stage&stage=closed-no-response', 'fr')).toMatch(/^Campagne vc, aucune entreprise ne correspond — Dossier$/);
  });
});

describe('a campaign named to a person by its title, in the reader’s language', () => {
  const named = { en: 'Privacy of video calls', fr: 'Vie privée des appels vidéo' };
  const summaries = [{ workflowId: 'engagement:vc:zoom', vendorId: 'zoom', stage: 'awaiting-response', executionStatus: 'RUNNING' }];
  const boards: string[] = [];
  const status = {
    workflowId: 'engagement:vc:zoom', campaignId: 'vc', vendorId: 'zoom', vendorName: 'Zoom', stage: 'awaiting-response',
    questions: [], openQuestions: [], remindersSent: [], deliveryFailures: [], demonstrations: [], timeline: [],
  };
  const held = { ref: '1', messageId: '<m@zoom.test>', from: 'privacy@zoom.test', subject: 'Re: [VC]', date: '2026-11-27T15:30:00.000Z', reason: 'x', why: { code: 'no-match' }, kind: 'reply' };
  const app = fakeWorkspace({
    dossier: {
      findCampaigns: async () => [
        { workflowId: 'campaign:vc', campaignId: 'vc', title: named, executionStatus: 'RUNNING', startedAt: '2026-11-27T15:30:00.000Z', timeZone: 'UTC' },
        { workflowId: 'campaign:old', campaignId: 'old', executionStatus: 'RUNNING', startedAt: '2026-11-27T15:30:00.000Z' },
      ],
      findEngagementsPage: async () => ({ engagements: summaries }),
      countMatching: async () => summaries.length,
      status: async () => status,
      campaignOf: async () => ({ timeZone: 'UTC', title: named }),
    },
    campaigns: {
      board: async (campaignId: string) => {
        boards.push(campaignId);
        return { campaignId, reference: 'VC-2020', phase: 'engaging', engagementCount: 1, vendorNames: { zoom: 'Zoom' }, timeZone: 'UTC', ...(campaignId === 'vc' ? { title: named } : {}) };
      },
    },
    holdingPen: async () => ({ intake: { held: async () => [held], read: async () => ({ ...held, recipients: [], text: '', attachments: [] }) } as never, close: async () => {} }),
  });
  const html = async (path: string, language = 'en') => (await app.request(path, { headers: { cookie: officerCookie(language, 'n') } })).text();

  it('heads the board with the title, in its <title> too, and keeps the id to copy beside the reference', async () => {
    boards.length = 0;
    const board = await html('/campaigns/vc');
    expect(board).toContain('<h1>Privacy of video calls</h1>');
    expect(pageTitle(board)).toBe('Privacy of video calls, vendors 1 to 1 of 1 — Dossier');
    expect(board).toContain('<p><code>vc</code> · VC-2020 · ');
    expect(boards).toEqual(['vc']);
    const french = await html('/campaigns/vc', 'fr');
    expect(french).toContain('<h1>Vie privée des appels vidéo</h1>');
    expect(pageTitle(french)).toBe('Vie privée des appels vidéo, entreprises 1 à 1 sur 1 — Dossier');
    // A campaign started before its title was kept is still named by its id.
    expect(await html('/campaigns/old')).toContain('<h1>Campaign old</h1>');
  });

  it('lists each campaign by its title, with its id in a column of its own, and names it so in the statement’s link', async () => {
    const list = await html('/campaigns');
    expect(rowHeads(list)).toEqual([['Privacy of video calls'], ['old']]);
    expect(list).toContain('<a href="/campaigns/vc">Privacy of video calls</a></th>\n      <td data-label="Id"><code>vc</code></td>');
    expect(visibleText(list)).toContain('Joint statement: Privacy of video calls');
    expect(rowHeads(await html('/campaigns', 'fr'))).toEqual([['Vie privée des appels vidéo'], ['old']]);
  });

  it('names the campaign by its title in the engagement page’s and the holding pen’s way back', async () => {
    expect(visibleText(await html('/campaigns/vc/engagements/zoom'))).toContain('Back to the campaign: Privacy of video calls');
    expect(visibleText(await html('/campaigns/vc/engagements/zoom', 'fr'))).toContain('Retour à la campagne\u00a0: Vie privée des appels vidéo');
    const pen = await html('/held/vc');
    expect(pen).toContain('<h1>Holding pen: Privacy of video calls</h1>');
    expect(visibleText(pen)).toContain('Back to the campaign: Privacy of video calls');
  });

  it('names it by the title its memo kept on the statement page before the first draft', async () => {
    const kase = new CampaignCase({ campaign: testCampaign('vc'), vendors: [testVendor('zoom')], policy: fastPolicy(), approval: { kind: 'all' }, publication: { folder: 'vc', notifyVendors: true } }, 'edit-loop');
    kase.addEngagement(testVendor('zoom'), false);
    const statementApp = fakeWorkspace({ campaigns: { status: async () => kase.status(), statement: async () => kase.draft, statementChanges: async () => undefined, title: async () => named } });
    const page = async (language: string) => (await statementApp.request('/campaigns/vc/statement', { headers: { cookie: officerCookie(language, 's') } })).text();
    const english = await page('en');
    expect(english).toContain('<h1>Joint statement: Privacy of video calls</h1>');
    expect(visibleText(english)).toContain('Back to the campaign: Privacy of video calls');
    expect(await page('fr')).toContain('<h1>Déclaration commune\u00a0: Vie privée des appels vidéo</h1>');
  });
});

describe('the draft PDF a statement page links to, once the lead has submitted the next version', () => {
  const LEA = 'Léa Tremblay (lea, signed in)';
  const conclusions = (en: string, fr: string) => ({ by: LEA, conclusions: { en: [en], fr: [fr] }, lessonsLearned: { en: ['Ask early.'], fr: ['Demander tôt.'] } });
  const kase = new CampaignCase({ campaign: testCampaign('vc'), vendors: [testVendor('zoom')], policy: fastPolicy(), approval: { kind: 'all' }, publication: { folder: 'vc', notifyVendors: true } }, 'edit-loop');
  kase.addEngagement(testVendor('zoom'), false);
  kase.engagementFailed('zoom', 'worker lost');
  kase.setConclusions(conclusions('Version one says the measures are adequate.', 'La version un juge les mesures adéquates.'), '2026-11-24T15:00:00.000Z');
  kase.startApproval('2026-11-25T15:00:00.000Z');
  // The campaign client itself (its statementPdf), over the workflow's own state instead of Temporal's queries.
  const campaigns = Object.assign(Object.create(CampaignClient.prototype) as CampaignClient, {
    status: async () => kase.status(),
    statement: async (_campaign: string, version?: number) => (version === undefined ? kase.draft : kase.statementVersion(version)),
    title: async () => undefined, statementChanges: async (_campaign: string, authorityId?: string) => kase.changesOfCurrentVersion(authorityId),
  });
  const app = createWebApp({
    config,
    signIn: {} as OidcSignIn,
    dossier: async () => ({}) as never,
    campaigns: async () => campaigns as never,
    revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
  });
  const session = (language: string) => ({ id: 'z'.repeat(32), csrf: 't', language, user: { subject: 'zofia', name: 'Zofia Wiśniewska', roles: ['co-signatory'], authorityId: 'fdpic' }, expiresAt: Date.now() + 60_000 });
  const get = (path: string, language = 'en') => app.request(path, { headers: { cookie: `__Host-dossier_session=${new CookieSealer(secret).seal(session(language))}` } });
  /** The href of the page's link to its PDF in `language`, as a browser reads it. */
  const linkOn = (html: string, language: string) =>
    new RegExp(`href="([^"]*/statement/draft\\.${language}\\.pdf[^"]*)"`).exec(html)?.[1]?.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');
  const pdfText = async (response: Response) => (await pdfPageTexts(new Uint8Array(await response.arrayBuffer()))).join(' ').replace(/\s+/g, ' ');

  it('serves the version the page showed, and says plainly once the lead has replaced it', async () => {
    const page = await (await get('/campaigns/vc/statement')).text();
    const en = linkOn(page, 'en')!;
    const fr = linkOn(await (await get('/campaigns/vc/statement', 'fr')).text(), 'fr')!;
    expect(en).toBeDefined();
    const current = await get(en);
    expect(current.headers.get('content-type')).toBe('application/pdf');
    expect(current.headers.get('content-disposition')).toContain('vc-statement-1.draft.en.pdf');
    expect(await pdfText(current)).toContain('Version one says the measures are adequate.');

    // The lead submits version 2 while the page for version 1 is open.
    kase.requestChanges({ authorityId: 'fdpic', by: 'Zofia Wiśniewska (zofia, signed in)', version: 1, comment: 'Précisez.' }, '2026-11-25T16:00:00.000Z');
    kase.setConclusions(conclusions('Version two finds the measures wanting.', 'La version deux juge les mesures insuffisantes.'), '2026-11-25T17:00:00.000Z');
    kase.requestDraft({ by: LEA }, '2026-11-25T18:00:00.000Z');
    expect(kase.draft?.version).toBe(2);

    const superseded = await get(en);
    expect(superseded.status).toBe(409);
    expect(superseded.headers.get('content-type')).toMatch(/^text\/html/);
    const notice = visibleText(await superseded.text()).replace(/\s+/g, ' ');
    expect(notice).toContain('Version 1 of the statement has been replaced by version 2');
    expect(notice).not.toContain('Version two finds');
    const frNotice = visibleText(await (await get(fr, 'fr')).text()).replace(/\s+/g, ' ');
    expect(frNotice).toContain('La version 1 de la déclaration a été remplacée par la version 2');

    // Version 1 stays readable as it was, under a name that says it was replaced.
    const asItWas = linkOn(await (await get(en)).text(), 'en')!;
    expect(asItWas).toContain('version=1');
    const old = await get(asItWas);
    expect(old.headers.get('content-type')).toBe('application/pdf');
    expect(old.headers.get('content-disposition')).toContain('vc-statement-1.draft.superseded.en.pdf');
    const oldText = await pdfText(old);
    expect(oldText).toContain('Version one says the measures are adequate.');
    expect(oldText).not.toContain('Version two finds');

    // The page reloaded links version 2.
    const reloaded = linkOn(await (await get('/campaigns/vc/statement')).text(), 'en')!;
    expect(await pdfText(await get(reloaded))).toContain('Version two finds the measures wanting.');

    // Once version 2 is published, its draft link says so: the statement page has the published file.
    for (const authorityId of ['opc', 'fdpic']) kase.approve({ authorityId, by: authorityId, version: 2 }, '2026-11-26T10:00:00.000Z');
    kase.sign();
    kase.publish({ en: 'vc/statement-2.en.pdf', fr: 'vc/statement-2.fr.pdf' }, '2026-11-26T11:00:00.000Z');
    const afterPublication = await get(reloaded);
    expect(afterPublication.status).toBe(409);
    expect(visibleText(await afterPublication.text()).replace(/\s+/g, ' ')).toContain('the statement has been published as version 2');
  });
});

describe('the published statement the workspace serves', () => {
  it('is the file the campaign published, byte for byte, not the statement rendered again by this code', async () => {
    const kase = new CampaignCase({ campaign: testCampaign('vc'), vendors: [testVendor('zoom')], policy: fastPolicy(), approval: { kind: 'all' }, publication: { folder: 'vc', notifyVendors: true } }, 'edit-loop');
    kase.addEngagement(testVendor('zoom'), false);
    kase.engagementFailed('zoom', 'worker lost');
    kase.setConclusions({ by: 'Léa', conclusions: { en: ['Done.'], fr: ['Fait.'] }, lessonsLearned: { en: ['Ask early.'], fr: ['Demander tôt.'] } }, '2026-11-24T15:00:00.000Z');
    kase.startApproval('2026-11-25T15:00:00.000Z');
    for (const authorityId of ['opc', 'fdpic']) kase.approve({ authorityId, by: authorityId, version: 1 }, '2026-11-26T10:00:00.000Z');
    kase.sign();
    kase.publish({ en: 'vc/statement-1.en.pdf', fr: 'vc/statement-1.fr.pdf' }, '2026-11-26T11:00:00.000Z');
    // As an earlier release printed them: a later change to the rendering must not change what was published.
    const stored: Record<string, Buffer> = { 'vc/statement-1.en.pdf': Buffer.from('%PDF-1.7 published en'), 'vc/statement-1.fr.pdf': Buffer.from('%PDF-1.7 published fr') };
    const campaigns = Object.assign(Object.create(CampaignClient.prototype) as CampaignClient, {
      status: async () => kase.status(),
      statement: async (_campaign: string, version?: number) => (version === undefined ? kase.draft : kase.statementVersion(version)),
      title: async () => undefined, statementChanges: async () => undefined,
    });
    const app = createWebApp({
      config,
      signIn: {} as OidcSignIn,
      dossier: async () => ({}) as never,
      campaigns: async () => campaigns as never,
      publishedFiles: () => ({ read: async (path: string) => stored[path] }) as never,
      revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
    });
    const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'p'.repeat(32), csrf: 't', language: 'fr', user: AUDITOR, expiresAt: Date.now() + 60_000 })}`;
    for (const language of ['en', 'fr']) {
      const response = await app.request(`/campaigns/vc/statement/published.${language}.pdf`, { headers: { cookie } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/pdf');
      expect(response.headers.get('content-disposition')).toContain(`vc-statement-1.published.${language}.pdf`);
      expect(Buffer.from(await response.arrayBuffer()).toString()).toBe(`%PDF-1.7 published ${language}`);
    }
  });
});

describe('a reply the intake put up for review, on the engagement page', () => {
  const reply = {
    messageId: '<r1@zoom.test>', from: 'privacy@zoom.test', subject: 'Re: [VC] open letter', receivedAt: '2026-11-27T15:30:00.000Z', recordedAt: '2026-11-27T15:31:00.000Z',
    kind: 'reply', matchedBy: 'thread', text: 'Our answers follow.', documents: [], notes: [], review: 'to-review',
  };
  const question = { id: 'q1', round: 1, text: 'How long are recordings kept?', dueDate: '2026-12-11T00:00:00.000Z' };
  const status = {
    workflowId: 'engagement:vc:zoom', campaignId: 'vc', vendorId: 'zoom', vendorName: 'Zoom', stage: 'reply-received',
    timeline: [], openQuestions: [question], questions: [question], demonstrations: [], remindersSent: [], deliveryFailures: [], inbox: [reply],
  };
  const confirmed: unknown[] = [];
  const dismissed: unknown[] = [];
  /** The update id each request was sent under: a double click must be one request to the workflow. */
  const updateIds: (string | undefined)[] = [];
  let refuseNext: Error | undefined;
  const app = fakeWorkspace({
    dossier: {
      status: async () => status,
      campaignTimeZone: async () => 'UTC', campaignOf: async () => ({ timeZone: 'UTC' }),
      confirmInbound: async (_ref: unknown, input: unknown, options?: { updateId?: string }) => {
        if (refuseNext) throw refuseNext;
        updateIds.push(options?.updateId);
        confirmed.push(input);
        return { workflowId: status.workflowId, stage: 'responded' };
      },
      dismissInbound: async (_ref: unknown, input: unknown, options?: { updateId?: string }) => {
        updateIds.push(options?.updateId);
        dismissed.push(input);
        return { workflowId: status.workflowId, stage: 'awaiting-response' };
      },
    },
  });
  const cookie = (language: string) => officerCookie(language, 'v', 'csrf-of-the-session');
  const post = (action: string, fields: Record<string, string>, language = 'en') =>
    app.request(`/campaigns/vc/engagements/zoom/${action}`, {
      method: 'POST',
      headers: { cookie: cookie(language), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: 'csrf-of-the-session', messageId: reply.messageId, ...fields }).toString(),
    });

  it('offers to take it as the response or as answers to the open questions, or to dismiss it, in the reader’s language', async () => {
    const en = visibleText(await (await app.request('/campaigns/vc/engagements/zoom', { headers: { cookie: cookie('en') } })).text());
    expect(en).toContain('Review the reply: Re: [VC] open letter');
    expect(en).toContain('Take it as the response');
    expect(en).toContain('q1: How long are recordings kept?');
    expect(en).toContain('Take it as the answers');
    expect(en).toContain('Dismiss the reply');
    const fr = visibleText(await (await app.request('/campaigns/vc/engagements/zoom', { headers: { cookie: cookie('fr') } })).text());
    expect(fr).toContain('Examiner le message\u00a0: Re: [VC] open letter');
    expect(fr).toContain('Écarter le message');
  });

  it('confirms it as the response, with the message’s text when no summary is typed', async () => {
    const response = await post('confirm-reply', { as: 'response', summary: '' });
    expect(response.status).toBe(303);
    expect(confirmed.pop()).toEqual({ by: 'Owen (owen, signed in)', messageId: reply.messageId, as: 'response' });
  });

  it('confirms it as the answers to the questions ticked', async () => {
    const response = await post('confirm-reply', { as: 'answers', 'question-q1': 'on' });
    expect(response.status).toBe(303);
    expect(confirmed.pop()).toEqual({ by: 'Owen (owen, signed in)', messageId: reply.messageId, as: 'answers', answers: [{ questionId: 'q1' }] });
  });

  it('dismisses it with the reason typed', async () => {
    const response = await post('dismiss-reply', { reason: 'An acknowledgement, not the response.' });
    expect(response.status).toBe(303);
    expect(dismissed.pop()).toEqual({ by: 'Owen (owen, signed in)', messageId: reply.messageId, reason: 'An acknowledgement, not the response.' });
  });

  it('sends the same form sent twice (a double click) under one update id, so the workflow records it once, and another form under its own', async () => {
    updateIds.length = 0;
    for (let i = 0; i < 2; i++) expect((await post('confirm-reply', { as: 'response', summary: '', submission: '6f1c2a9e-0b7d-4c35-9a51-3e2d8f0a1b01' })).status).toBe(303);
    for (let i = 0; i < 2; i++) expect((await post('dismiss-reply', { reason: 'Out of office.', submission: '0d3e5b71-8c24-4f6a-b9e0-7a1c2d3e4f02' })).status).toBe(303);
    expect(updateIds.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(updateIds[0]).toBe(updateIds[1]);
    expect(updateIds[2]).toBe(updateIds[3]);
    expect(updateIds[0]).not.toBe(updateIds[2]);
  });

  it('shows the workflow’s refusal by the questions, in French, and keeps what was ticked', async () => {
    refuseNext = refused('engagement engagement:vc:zoom', 'question q1 is already answered', undefined, { refusal: 'question-answered', values: { id: 'q1' } });
    try {
      const response = await post('confirm-reply', { as: 'answers', 'question-q1': 'on' }, 'fr');
      expect(response.status).toBe(422);
      const html = await response.text();
      expect(html).toMatch(/<p class="error" id="confirm-answers-0-questions-error">La question q1 a déjà reçu une réponse\.<\/p>/);
      expect(html).toMatch(/<input type="checkbox" name="question-q1"[^>]* checked/);
    } finally {
      refuseNext = undefined;
    }
  });
});

describe('a demonstration and the vendor’s contacts on the engagement page', () => {
  const status = {
    workflowId: 'engagement:vc:zoom', campaignId: 'vc', vendorId: 'zoom', vendorName: 'Zoom', stage: 'demonstration',
    questions: [], openQuestions: [], remindersSent: [], deliveryFailures: [], timeline: [],
    contacts: [{ name: 'Νικόλαος Αντωνίου', email: 'privacy@zoom.test' }, { name: 'Legal', email: 'legal@zoom.test' }],
    demonstrations: [
      {
        id: 'd1', at: '2026-12-10T14:00:00.000Z', durationMinutes: 90, rescheduled: 0, topics: ['Encryption'],
        attendees: [{ name: 'Privacy lead', email: 'lead@zoom.test' }], location: 'OPC, Gatineau', meetingUrl: 'https://meet.example.org/opc-zoom',
      },
    ],
  };
  const app = appShowing(status, 'UTC');
  const shown = async (language: string) => {
    const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'w'.repeat(32), csrf: 't', language, user: { subject: 'owen', name: 'Owen', roles: ['officer'] }, expiresAt: Date.now() + 60_000 })}`;
    return (await app.request('/campaigns/vc/engagements/zoom', { headers: { cookie } })).text();
  };

  it('says how long it lasts, who attends, where it is held and its video call link, as its invitation did', async () => {
    const html = await shown('en');
    const row = /<tr><th scope="row">d1<\/th>(.*?)<\/tr>/s.exec(html)?.[1] ?? html;
    expect(visibleText(row)).toContain('90 min');
    expect(visibleText(row)).toContain('Privacy lead <lead@zoom.test>');
    expect(visibleText(row)).toContain('OPC, Gatineau');
    expect(row).toContain('<a href="https://meet.example.org/opc-zoom">https://meet.example.org/opc-zoom</a>');
  });

  it('names the vendor’s contacts the case writes to, in the reader’s language', async () => {
    const contacts = (html: string) => visibleText(/<dt>([^<]*)<\/dt><dd id="contacts">(.*?)<\/dd>/.exec(html)?.slice(1).join(': ') ?? html);
    expect(contacts(await shown('en'))).toBe('Vendor contacts: Νικόλαος Αντωνίου <privacy@zoom.test>; Legal <legal@zoom.test>');
    expect(contacts(await shown('fr'))).toBe('Contacts de l’entreprise: Νικόλαος Αντωνίου <privacy@zoom.test>\u202f; Legal <legal@zoom.test>');
  });
});

describe('texts the officer recorded over several lines, on the engagement page', () => {
  const question = { id: 'q1', round: 1, text: 'How are keys kept?', dueDate: '2026-12-11T00:00:00.000Z', answer: 'In an HSM.\nRotated yearly.' };
  const status = {
    workflowId: 'engagement:vc:zoom', campaignId: 'vc', vendorId: 'zoom', vendorName: 'Zoom', stage: 'demonstration',
    response: { receivedAt: '2026-11-27T15:30:00.000Z', summary: 'Zoom describes its programme.\n\nIt encrypts meetings end to end.', attachments: [] },
    questions: [question], openQuestions: [], remindersSent: [], deliveryFailures: [], timeline: [],
    demonstrations: [{ id: 'd1', at: '2026-12-10T14:00:00.000Z', durationMinutes: 60, attendees: [], topics: ['Keys'], result: 'validated', notes: 'Keys shown.\nLogs shown.' }],
  };
  const app = appShowing(status, 'UTC');

  it('keeps their line breaks: the response, an answer and a demonstration’s notes read as they were typed', async () => {
    const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'x'.repeat(32), csrf: 't', language: 'en', user: { subject: 'owen', name: 'Owen', roles: ['officer'] }, expiresAt: Date.now() + 60_000 })}`;
    const html = await (await app.request('/campaigns/vc/engagements/zoom', { headers: { cookie } })).text();
    // `.said` keeps line breaks (white-space: pre-line, web/stylesheet.ts); without it the browser joins the lines.
    expect(html).toContain('<blockquote class="said">Zoom describes its programme.\n\nIt encrypts meetings end to end.</blockquote>');
    expect(html).toContain('<td class="said" data-label="Answer">In an HSM.\nRotated yearly.</td>');
    expect(html).toMatch(/<td class="said" data-label="Result">validated[^<]*Keys shown\.\nLogs shown\.<\/td>/);
  });
});

describe('counts on the holding pen and the timeline, in English and French', () => {
  const held = { ref: '1', messageId: '<m@zoom.test>', from: 'privacy@zoom.test', subject: 'Re: [VC]', date: '2026-11-27T15:30:00.000Z', reason: 'x', why: { code: 'no-match' }, kind: 'reply' };
  let waiting = [held];
  const app = fakeWorkspace({
    campaigns: { board: async () => { throw new Error('no worker'); } },
    holdingPen: async () => ({ intake: { held: async () => waiting } as never, close: async () => {} }),
  });
  const caption = async (language: string, count: number) => {
    waiting = Array.from({ length: count }, (_, i) => ({ ...held, messageId: `<m${i}@zoom.test>` }));
    const cookie = officerCookie(language, 'y');
    return /<caption>(.*?)<\/caption>/.exec(await (await app.request('/held/unsorted', { headers: { cookie } })).text())?.[1];
  };

  it('says how many messages wait in the number the count takes, never "message(s)"', async () => {
    expect(await caption('en', 1)).toBe('1 message waiting');
    expect(await caption('en', 2)).toBe('2 messages waiting');
    expect(await caption('fr', 1)).toBe('1 message en attente');
    expect(await caption('fr', 3)).toBe('3 messages en attente');
  });

  it('counts a reply’s documents in the timeline without "document(s)"', () => {
    const views = loadViews();
    const entry = { what: 'reply received, to review', detail: 'privacy@zoom.test: Re: [VC] (1 document(s))' };
    for (const language of ['en', 'fr'] as const) expect(entryWords(entry, language, 'UTC', views)).not.toContain('(s)');
  });

  it('has no sentence that hedges its plural with "(s)": each count picks its form (key.one, key.other)', () => {
    const { strings } = loadViews();
    const hedged = (['en', 'fr'] as const).flatMap((language) =>
      Object.entries(strings[language]).filter(([, text]) => /\w\(s\)/.test(text)).map(([key]) => `${language} ${key}`),
    );
    expect(hedged).toEqual([]);
  });
});

describe('what the next deadline on an engagement page is for', () => {
  const base = {
    workflowId: 'engagement:vc:zoom', campaignId: 'vc', vendorId: 'zoom', vendorName: 'Zoom',
    responseDueDate: '2026-12-01T23:59:59.999Z', remindersSent: [], deliveryFailures: [], timeline: [],
  };
  const question = { id: 'q1', round: 2, text: 'How are keys kept?', dueDate: '2026-12-20T23:59:59.999Z' };
  const nextDeadlineOn = async (status: object, language = 'en') => {
    const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'z'.repeat(32), csrf: 't', language, user: { subject: 'owen', name: 'Owen', roles: ['officer'] }, expiresAt: Date.now() + 60_000 })}`;
    const html = await (await appShowing({ ...base, ...status }, 'UTC').request('/campaigns/vc/engagements/zoom', { headers: { cookie } })).text();
    return visibleText(/<dd id="next-deadline">(.*?)<\/dd>/.exec(html)?.[1] ?? html);
  };

  it('names the vendor’s response, a round of answers or a demonstration’s outcome to record', async () => {
    expect(await nextDeadlineOn({ stage: 'awaiting-response', nextDeadline: base.responseDueDate, questions: [], openQuestions: [], demonstrations: [] })).toBe('1\u00a0Dec\u00a02026 (the vendor’s response)');
    expect(
      await nextDeadlineOn({ stage: 'follow-up', nextDeadline: question.dueDate, rounds: [{ round: 2, dueDate: question.dueDate }], questions: [question], openQuestions: [question], demonstrations: [] }),
    ).toBe('20\u00a0Dec\u00a02026 (answers to follow-up round 2)');
    const demonstration = { id: 'd1', at: '2026-12-10T14:00:00.000Z', durationMinutes: 60, attendees: [], topics: ['Keys'], resultDue: '2026-12-11T23:59:59.999Z' };
    const demo = { stage: 'demonstration', nextDeadline: demonstration.resultDue, rounds: [{ round: 2, dueDate: question.dueDate }], questions: [question], openQuestions: [question], demonstrations: [demonstration] };
    expect(await nextDeadlineOn(demo)).toBe('11\u00a0Dec\u00a02026 (the outcome of demonstration d1, for you to record)');
    expect(await nextDeadlineOn(demo, 'fr')).toBe('11\u00a0déc.\u00a02026 (résultat de la démonstration d1, à consigner)');
  });
});

describe('the statement page before the first version', () => {
  it('says no version is drafted, and nothing of what a version changed', async () => {
    const status = { campaignId: 'vc', reference: 'VC', phase: 'engaging', engagements: [], changeRequests: [] };
    const text = await statementShown(status, undefined)('en', { subject: 'owen', name: 'Owen', roles: ['officer'] });
    expect(text).toContain('The statement has not been drafted yet.');
    expect(text).not.toContain('This is the first version.');
    expect(text).not.toContain('What changed');
  });
});

describe('assigning mail that names no campaign, with two running campaigns of the same title', () => {
  const held = { ref: '1', messageId: '<t@else.test>', from: 'someone@else.test', subject: 'Question', date: '2026-11-27T15:30:00.000Z', reason: 'x', why: { code: 'no-match' }, kind: 'reply' };
  const title = { en: 'Video calls', fr: 'Visioconférence' };
  const app = fakeWorkspace({
    dossier: {
      findCampaigns: async () =>
        ['vc', 'vc2'].map((campaignId) => ({ workflowId: `campaign:${campaignId}`, campaignId, title, executionStatus: 'RUNNING', startedAt: '2026-11-27T15:30:00.000Z' })),
    },
    campaigns: { board: async (campaignId: string) => ({ campaignId, reference: 'VC', title, phase: 'engaging', engagementCount: 1, vendorNames: { zoom: 'Zoom' } }) },
    holdingPen: async () => ({ intake: { read: async () => ({ ...held, recipients: [], text: 'Hello', attachments: [] }) } as never, close: async () => {} }),
  });

  it('tells them apart by their ids beside their titles, as the field’s hint says, in English and French', async () => {
    const en = await (await app.request('/held/unsorted/message?id=%3Ct%40else.test%3E', { headers: { cookie: officerCookie('en', 't') } })).text();
    expect(en).toMatch(/<optgroup label="Video calls \(vc\)">\s*<option value="vc\/zoom">Zoom<\/option>\s*<\/optgroup>\s*<optgroup label="Video calls \(vc2\)">/);
    expect(en).toContain('each running campaign’s vendors, under the campaign’s name and id');
    const fr = await (await app.request('/held/unsorted/message?id=%3Ct%40else.test%3E', { headers: { cookie: officerCookie('fr', 't') } })).text();
    expect(fr).toMatch(/<optgroup label="Visioconférence \(vc2\)">/);
    expect(fr).toContain('sous le nom et l’identifiant de la campagne');
  });
});

describe('assigning mail that names no campaign', () => {
  const held = { ref: '1', messageId: '<u@else.test>', from: 'someone@else.test', subject: 'Question', date: '2026-11-27T15:30:00.000Z', reason: 'x', why: { code: 'no-match' }, kind: 'reply' };
  const assigned: unknown[] = [];
  const app = fakeWorkspace({
    dossier: { findCampaigns: async () => [{ workflowId: 'campaign:vc', campaignId: 'vc', executionStatus: 'RUNNING', startedAt: '2026-11-27T15:30:00.000Z' }] },
    campaigns: { board: async (campaignId: string) => ({ campaignId, reference: 'VC', phase: 'engaging', engagementCount: 2, vendorNames: { zoom: 'Zoom', cisco: 'Cisco' } }) },
    holdingPen: async () => ({
      intake: {
        read: async () => ({ ...held, recipients: [], text: 'Hello', attachments: [] }),
        assign: async (pen: unknown, messageId: string, to: unknown) => {
          assigned.push({ pen, messageId, to });
        },
      } as never,
      close: async () => {},
    }),
  });
  const cookie = officerCookie('en', 'u', 'csrf-u');

  it('offers the running campaigns’ engagements by vendor name, so the officer need not know their ids', async () => {
    const html = await (await app.request('/held/unsorted/message?id=%3Cu%40else.test%3E', { headers: { cookie } })).text();
    expect(html).toMatch(/<optgroup label="vc">\s*<option value="vc\/cisco">Cisco<\/option>\s*<option value="vc\/zoom">Zoom<\/option>\s*<\/optgroup>/);
  });

  it('assigns the message to the engagement chosen', async () => {
    const response = await app.request('/held/unsorted/assign', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: 'csrf-u', messageId: held.messageId, engagement: 'vc/zoom' }).toString(),
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/campaigns/vc/engagements/zoom');
    expect(assigned).toEqual([{ pen: undefined, messageId: held.messageId, to: { campaignId: 'vc', vendorId: 'zoom' } }]);
  });
});

describe('the case a held message’s sender suggests', () => {
  // A vendor that writes a fresh email (no thread, no token, no case reference) lands in the pen of
  // mail that names no campaign: its address, a vendor's by the engagement's own rule, names the case
  // to assign it to, chosen for the officer to confirm. Each campaign is asked which of its vendors the
  // sender could be (its own query, answered here by the rule the campaign applies); its board gives
  // names only. A worker older than the query cannot tell, nor can a campaign that does not answer.
  const heldFrom = (from: string, why: object = { code: 'no-match' }) => ({ ref: '1', messageId: '<s@x.test>', from, subject: 'A question', date: '2026-11-27T15:30:00.000Z', reason: 'x', why, kind: 'reply' });
  /** A campaign as the fake server has it: `contacts` undefined for a worker older than the query, `silent` for one that does not answer, `ended` its vendors whose engagements have ended. */
  type Board = { title?: object; vendorNames: Record<string, string>; contacts?: Record<string, string[]>; silent?: boolean; ended?: string[]; failed?: string[] };
  const video: Board = {
    title: { en: 'Video calls', fr: 'Visioconférence' },
    vendorNames: { zoom: 'Zoom', cisco: 'Cisco', epsilon: 'Epsilon' },
    contacts: { zoom: ['privacy@zoom.test'], cisco: ['privacy@cisco.test', 'legal@cisco-law.test'], epsilon: ['dpo@epsilon.test'] },
  };
  const older: Board = { title: { en: 'Older calls', fr: 'Anciens appels' }, vendorNames: { teams: 'Teams', zoom: 'Zoom' }, contacts: { teams: ['privacy@teams.test'], zoom: ['legal@zoom.test'] } };
  const refuse = () => Promise.reject(new DossierClientError(ClientErrorCode.NotFound, 'no engagement engagement:vc:cisco: the campaign has no such vendor'));
  /** Every question the campaigns were asked, with its bound. */
  const asked: { campaignId: string; from: string; timeoutMs?: number }[] = [];
  /** A workspace whose running campaigns have these boards, holding one message; `pen` is where it waits. */
  const workspace = (boards: Record<string, Board>, message: object) =>
    fakeWorkspace({
      dossier: {
        findCampaigns: async () => Object.keys(boards).map((campaignId) => ({ workflowId: `campaign:${campaignId}`, campaignId, executionStatus: 'RUNNING', startedAt: '2026-11-27T15:30:00.000Z' })),
        endedCases: async () =>
          Object.entries(boards).map(([campaignId, b]) => ({ campaignId, title: b.title, cases: (b.ended ?? []).map((vendorId) => ({ vendorId, vendorName: b.vendorNames[vendorId] })) })),
      },
      campaigns: {
        board: async (campaignId: string) => {
          const { contacts: _contacts, silent: _silent, ended: _ended, failed: _failed, ...named } = boards[campaignId]!;
          return { campaignId, reference: campaignId.toUpperCase(), phase: 'engaging', engagementCount: Object.keys(named.vendorNames).length, timeZone: 'UTC', ...named };
        },
        vendorsNearSender: async (campaignId: string, from: string, options: { timeoutMs?: number } = {}) => {
          asked.push({ campaignId, from, ...options });
          const { contacts, silent, ended = [], failed = [] } = boards[campaignId]!;
          if (silent) throw new DossierClientError(ClientErrorCode.ServerUnreachable, 'the query timed out');
          const vendors = contacts && Object.entries(contacts).map(([vendorId, emails]) => ({ vendorId, contacts: emails.map((email) => ({ name: 'DPO', email })) }));
          return (
            vendors &&
            vendorsOfSender(from, vendors).map((v) => ({
              vendorId: v.vendorId,
              distance: vendorAddressDistance(v, from)!,
              ...(ended.includes(v.vendorId) ? { ended: true } : {}),
              ...(failed.includes(v.vendorId) ? { failed: true } : {}),
            }))
          );
        },
        status: async (campaignId: string) => ({
          engagements: (boards[campaignId]!.ended ?? []).map((vendorId) => ({ vendorId, vendorName: boards[campaignId]!.vendorNames[vendorId], state: 'ended' })),
        }),
      },
      holdingPen: async () => ({ intake: { held: async () => [message], read: async () => ({ ...message, recipients: [], text: 'Hello', attachments: [] }), assign: refuse } as never, close: async () => {} }),
    });
  const open = async (app: ReturnType<typeof fakeWorkspace>, pen: string, language = 'en') =>
    (await app.request(`/held/${pen}/message?id=%3Cs%40x.test%3E`, { headers: { cookie: officerCookie(language, 'v') } })).text();
  const assignForm = (html: string) => /<form method="post" action="\/held\/[^/]+\/assign"[^]*?<\/form>/.exec(html)?.[0] ?? '';
  const selected = (html: string) => [...assignForm(html).matchAll(/<option value="([^"]+)" selected>/g)].map((m) => m[1]);
  const hint = (html: string) => visibleText(/<p class="hint" id="assign-sender">[^]*?<\/p>/.exec(assignForm(html))?.[0] ?? '');

  // A reply in a case's thread from an address the case does not know (a colleague, a new DPO): its
  // engagement refused it, and the email it answers names the case the officer most likely assigns it to.
  describe('from an address of no vendor, answering an email of a case', () => {
    const answering = (answers: object) => ({ ...heldFrom('new.dpo@elsewhere.test', { code: 'refused', refusals: [] }), answers });

    it('chooses and names the case whose email it answers, in the campaign’s pen, in English and French', async () => {
      const app = workspace({ vc: video }, answering({ campaignId: 'vc', vendorId: 'zoom' }));
      const en = await open(app, 'vc');
      expect(selected(en)).toEqual(['zoom']);
      expect(hint(en)).toBe('This message answers the email Dossier sent to Zoom, but from an address not among its contacts: its case is chosen below. Check the sender before you assign the message.');
      const fr = await open(app, 'vc', 'fr');
      expect(selected(fr)).toEqual(['zoom']);
      expect(hint(fr)).toBe('Ce message répond au courriel que Dossier a envoyé à Zoom, mais d’une adresse qui n’est pas parmi ses contacts\u00a0: son dossier est choisi ci-dessous. Vérifiez l’expéditeur avant de rattacher le message.');
    });

    it('chooses the case among every running campaign’s, for mail that names no campaign', async () => {
      const app = workspace({ vc: video, old: older }, answering({ campaignId: 'old', vendorId: 'teams' }));
      const en = await open(app, 'unsorted');
      expect(selected(en)).toEqual(['old/teams']);
      expect(hint(en)).toBe('This message answers the email Dossier sent to Teams, but from an address not among its contacts: its case in Older calls is chosen below. Check the sender before you assign the message.');
    });

    it('chooses nothing for a case that has ended (assigning is refused), nor for one the form does not offer', async () => {
      const ended = await open(workspace({ vc: { ...video, ended: ['zoom'] } }, answering({ campaignId: 'vc', vendorId: 'zoom' })), 'vc');
      expect(selected(ended)).toEqual([]);
      expect(hint(ended)).toBe('');
      const elsewhere = await open(workspace({ vc: video }, answering({ campaignId: 'gone', vendorId: 'zoom' })), 'vc');
      expect(selected(elsewhere)).toEqual([]);
    });

    it('leaves the suggestion to the sender’s address when it names a vendor', async () => {
      const app = workspace({ vc: video }, { ...heldFrom('privacy@cisco.test', { code: 'refused', refusals: [] }), answers: { campaignId: 'vc', vendorId: 'zoom' } });
      expect(selected(await open(app, 'vc'))).toEqual(['cisco']);
    });
  });

  it('chooses and names the sole vendor’s case among every running campaign’s, for mail that names no campaign', async () => {
    // Older calls has no vendor of cisco.test: only Video calls' Cisco is the sender's.
    const app = workspace({ vc: video, old: older }, heldFrom('Privacy@Cisco.test'));
    const en = await open(app, 'unsorted');
    expect(selected(en)).toEqual(['vc/cisco']);
    expect(hint(en)).toBe('This message comes from an address of Cisco: its case in Video calls is chosen below. Check it before you assign the message.');
    expect(assignForm(en)).toContain('<select id="assign-engagement" name="engagement" aria-describedby="assign-sender">');
    const fr = await open(app, 'unsorted', 'fr');
    expect(selected(fr)).toEqual(['vc/cisco']);
    expect(hint(fr)).toBe('Ce message vient d’une adresse de Cisco\u00a0: son dossier de la campagne Visioconférence est choisi ci-dessous. Vérifiez-le avant de rattacher le message.');
  });

  it('chooses and names the vendor whose domain the sender writes from, in a campaign’s pen', async () => {
    const app = workspace({ vc: video }, heldFrom('counsel@cisco-law.test', { code: 'refused', refusals: [] }));
    const en = await open(app, 'vc');
    expect(selected(en)).toEqual(['cisco']);
    expect(hint(en)).toBe('This message comes from an address of Cisco: its case is chosen below. Check it before you assign the message.');
    const fr = await open(workspace({ vc: video }, heldFrom('dpo@epsilon.test')), 'vc', 'fr');
    expect(selected(fr)).toEqual(['epsilon']);
    expect(hint(fr)).toBe('Ce message vient d’une adresse d’Epsilon\u00a0: son dossier est choisi ci-dessous. Vérifiez-le avant de rattacher le message.');
  });

  it('chooses none and lists the cases when the address could be several vendors’: one vendor in two campaigns, two vendors of one domain', async () => {
    const twoCampaigns = await open(workspace({ vc: video, old: older }, heldFrom('ceo@zoom.test')), 'unsorted');
    expect(selected(twoCampaigns)).toEqual([]);
    expect(hint(twoCampaigns)).toBe('The sender’s address could be that of the vendor of any of these cases: Zoom (Older calls); Zoom (Video calls). None is chosen below: choose the case the message belongs to.');
    const fr = await open(workspace({ vc: video, old: older }, heldFrom('ceo@zoom.test')), 'unsorted', 'fr');
    expect(hint(fr)).toBe('L’adresse de l’expéditeur peut être celle de l’entreprise de chacun de ces dossiers\u00a0: Zoom (Anciens appels)\u202f; Zoom (Visioconférence). Aucun n’est choisi ci-dessous\u00a0: choisissez le dossier auquel appartient le message.');
    const shared: Board = { vendorNames: { alpha: 'Alpha', beta: 'Beta', gamma: 'Gamma' }, contacts: { alpha: ['privacy@group.test'], beta: ['dpo@group.test'], gamma: ['privacy@gamma.test'] } };
    const sameDomain = await open(workspace({ vc: shared }, heldFrom('counsel@group.test')), 'vc');
    expect(selected(sameDomain)).toEqual([]);
    expect(hint(sameDomain)).toBe('The sender’s address could be that of the vendor of any of these cases: Alpha; Beta. None is chosen below: choose the case the message belongs to.');
    // The very address one of them lists is that one's, as the intake weighs a sender.
    expect(selected(await open(workspace({ vc: shared }, heldFrom('dpo@group.test')), 'vc'))).toEqual(['beta']);
  });

  it('asks each campaign listed which of its vendors the sender is, bounded as its board, and suggests nothing while one whose vendors the form lists does not answer', async () => {
    asked.length = 0;
    // Zoom is in both campaigns; Older calls' board answers but its question does not, so its Zoom,
    // offered in the form, could be the sender's as well: nothing is chosen or named.
    const app = workspace({ vc: video, old: { ...older, silent: true } }, heldFrom('Privacy@Zoom.test'));
    const en = await open(app, 'unsorted');
    expect(asked.sort((a, b) => a.campaignId.localeCompare(b.campaignId))).toEqual([
      { campaignId: 'old', from: 'Privacy@Zoom.test', timeoutMs: 5_000 },
      { campaignId: 'vc', from: 'Privacy@Zoom.test', timeoutMs: 5_000 },
    ]);
    expect(selected(en)).toEqual([]);
    expect(en).not.toContain('assign-sender');
    expect(en).toContain('value="old/zoom"');
    // In a campaign's pen, that campaign alone is asked; silent, nothing is suggested.
    asked.length = 0;
    const pen = await open(workspace({ vc: { ...video, silent: true } }, heldFrom('privacy@zoom.test')), 'vc');
    expect(asked).toEqual([{ campaignId: 'vc', from: 'privacy@zoom.test', timeoutMs: 5_000 }]);
    expect(selected(pen)).toEqual([]);
    expect(pen).not.toContain('assign-sender');
  });

  it('asks no campaign about a sender the border mail server could not verify', async () => {
    asked.length = 0;
    for (const pen of ['vc', 'unsorted']) await open(workspace({ vc: video }, heldFrom('privacy@zoom.test', { code: 'unverified-sender', detail: 'dmarc=fail for zoom.test' })), pen);
    expect(asked).toEqual([]);
  });

  it('chooses nothing and says nothing as before when the sender is no vendor’s, a campaign’s worker is older than the question, or its sender could not be verified', async () => {
    for (const [boards, message, pen] of [
      [{ vc: video, old: older }, heldFrom('someone@else.test'), 'unsorted'],
      [{ vc: video }, heldFrom('someone@else.test'), 'vc'],
      // A worker older than the question: one of its vendors could be the sender's too.
      [{ vc: video, old: { ...older, contacts: undefined } }, heldFrom('privacy@zoom.test'), 'unsorted'],
      [{ vc: video }, heldFrom('privacy@zoom.test', { code: 'unverified-sender', detail: 'dmarc=fail for zoom.test' }), 'vc'],
    ] as const) {
      const html = await open(workspace(boards as Record<string, Board>, message), pen);
      expect(selected(html)).toEqual([]);
      expect(html).not.toContain('assign-sender');
      expect(assignForm(html)).toMatch(/<select id="assign-(vendor|engagement)" name="(vendor|engagement)">/);
    }
  });

  it('keeps the officer’s own choice on a form sent back with an error, over the sender’s case', async () => {
    for (const [pen, field, chosen] of [
      ['vc', 'vendor', 'cisco'],
      ['unsorted', 'engagement', 'vc/cisco'],
    ] as const) {
      const app = workspace({ vc: video }, heldFrom('privacy@zoom.test'));
      const session = { id: 'w'.repeat(32), csrf: 'tok', language: 'en', user: { subject: 'mia', name: 'Mia', roles: ['officer'] }, expiresAt: Date.now() + 60_000 };
      const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal(session)}`;
      const sent = await app.request(`/held/${pen}/assign`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', origin: 'https://dossier.example' },
        body: new URLSearchParams({ _csrf: 'tok', messageId: '<s@x.test>', [field]: chosen }).toString(),
      });
      // Refused, the form comes back on the message's page with what the officer chose.
      expect(sent.status).toBe(422);
      const html = await sent.text();
      expect(visibleText(assignForm(html))).toContain('the campaign has no such vendor');
      expect(selected(html)).toEqual([chosen]);
      // The suggestion is still said, and the error described with it, but no longer as chosen: the officer's choice is.
      expect(hint(html)).toBe(
        pen === 'vc'
          ? 'This message comes from an address of Zoom: its case is the one suggested. Your own choice is kept below: check it before you assign the message.'
          : 'This message comes from an address of Zoom: its case in Video calls is the one suggested. Your own choice is kept below: check it before you assign the message.',
      );
      expect(assignForm(html)).toContain(`aria-describedby="assign-sender assign-${field}-error"`);
    }
  });

  it('chooses no case for a sender at a domain under a vendor’s, which may be one of its customers’, and says so', async () => {
    // The engagement holds such mail (sender-under-vendor-domain): a help desk or host under the
    // vendor's domain may be a customer's, so the case is named with that warning, never chosen.
    const pen = await open(workspace({ vc: video }, heldFrom('counsel@eu.cisco-law.test')), 'vc');
    expect(selected(pen)).toEqual([]);
    expect(hint(pen)).toBe('This message comes from eu.cisco-law.test, a domain under Cisco’s, which may be one of its customers’: check who wrote it before you assign it to Cisco’s case.');
    const fr = await open(workspace({ vc: video }, heldFrom('counsel@eu.cisco-law.test')), 'vc', 'fr');
    expect(hint(fr)).toBe('Ce message vient d’eu.cisco-law.test, un domaine situé sous celui de Cisco, qui peut appartenir à l’un de ses clients\u00a0: vérifiez qui l’a écrit avant de le rattacher au dossier de Cisco.');
    const unsorted = await open(workspace({ vc: video, old: older }, heldFrom('Help@Support.Epsilon.test')), 'unsorted');
    expect(selected(unsorted)).toEqual([]);
    expect(hint(unsorted)).toBe('This message comes from support.epsilon.test, a domain under Epsilon’s, which may be one of its customers’: check who wrote it before you assign it to Epsilon’s case in Video calls.');
    const unsortedFr = await open(workspace({ vc: video, old: older }, heldFrom('help@support.epsilon.test')), 'unsorted', 'fr');
    expect(hint(unsortedFr)).toBe('Ce message vient de support.epsilon.test, un domaine situé sous celui d’Epsilon, qui peut appartenir à l’un de ses clients\u00a0: vérifiez qui l’a écrit avant de le rattacher au dossier d’Epsilon de la campagne Visioconférence.');
    // Under the domain of a vendor in each campaign: both named, none chosen, with the same warning.
    const two = await open(workspace({ vc: video, old: older }, heldFrom('ceo@eu.zoom.test')), 'unsorted');
    expect(selected(two)).toEqual([]);
    expect(hint(two)).toBe('This message comes from eu.zoom.test, a domain under those of the vendors of these cases, which may be one of their customers’: Zoom (Older calls); Zoom (Video calls). Check who wrote it before you assign it.');
    const twoFr = await open(workspace({ vc: video, old: older }, heldFrom('ceo@eu.zoom.test')), 'unsorted', 'fr');
    expect(hint(twoFr)).toBe('Ce message vient d’eu.zoom.test, un domaine situé sous ceux des entreprises de ces dossiers, qui peut appartenir à l’un de leurs clients\u00a0: Zoom (Anciens appels)\u202f; Zoom (Visioconférence). Vérifiez qui l’a écrit avant de le rattacher.');
  });

  it('does not choose an ended vendor’s case to assign to, and proposes it for a late reply instead', async () => {
    const ended: Board = { ...video, ended: ['zoom'] };
    const lateForm = (html: string) => /<details open><summary>Attach to the closed record of a case<\/summary>[^]*?<\/form>/.exec(html)?.[0] ?? '';
    // In the campaign's pen: the attach-late form lists the campaign's ended cases, the sender's chosen.
    const pen = await open(workspace({ vc: ended }, heldFrom('privacy@zoom.test')), 'vc');
    expect(selected(pen)).toEqual([]);
    expect(hint(pen)).toBe('This message comes from an address of Zoom, whose case has ended: it records no more mail. You can attach the message to its closed record as a late reply.');
    expect(lateForm(pen)).toContain('<option value="zoom" selected>Zoom</option>');
    const fr = await open(workspace({ vc: ended }, heldFrom('privacy@zoom.test')), 'vc', 'fr');
    expect(hint(fr)).toBe('Ce message vient d’une adresse de Zoom, dont le dossier est clos\u00a0: il n’enregistre plus de courrier. Vous pouvez verser le message à son dossier clos comme réponse tardive.');
    // For mail that names no campaign: the ended case among every campaign's, chosen the same way.
    const unsorted = await open(workspace({ vc: ended }, heldFrom('privacy@zoom.test')), 'unsorted');
    expect(selected(unsorted)).toEqual([]);
    expect(hint(unsorted)).toBe('This message comes from an address of Zoom, whose case in Video calls has ended: it records no more mail. You can attach the message to its closed record as a late reply.');
    expect(lateForm(unsorted)).toContain('<option value="vc/zoom" selected>Zoom</option>');
    const unsortedFr = await open(workspace({ vc: ended }, heldFrom('privacy@zoom.test')), 'unsorted', 'fr');
    expect(hint(unsortedFr)).toBe('Ce message vient d’une adresse de Zoom, dont le dossier de la campagne Visioconférence est clos\u00a0: il n’enregistre plus de courrier. Vous pouvez verser le message à son dossier clos comme réponse tardive.');
  });

  it('weighs every campaign’s vendors together: the very address in one campaign outweighs its domain in another', async () => {
    // Video calls' Zoom lists privacy@zoom.test itself; Older calls' Zoom only an address at zoom.test.
    const exact = await open(workspace({ vc: video, old: older }, heldFrom('privacy@zoom.test')), 'unsorted');
    expect(selected(exact)).toEqual(['vc/zoom']);
    expect(hint(exact)).toBe('This message comes from an address of Zoom: its case in Video calls is chosen below. Check it before you assign the message.');
    const other = await open(workspace({ vc: video, old: older }, heldFrom('legal@zoom.test')), 'unsorted');
    expect(selected(other)).toEqual(['old/zoom']);
    // As near in both (a colleague at the domain each lists): both named, none chosen, as before.
    expect(selected(await open(workspace({ vc: video, old: older }, heldFrom('ceo@zoom.test')), 'unsorted'))).toEqual([]);
  });

  /** The assign form sent back refused (the fake engagement does not exist), with `chosen` in `field`. */
  const sentBack = async (app: ReturnType<typeof fakeWorkspace>, pen: string, field: string, chosen: string, language = 'en') => {
    const session = { id: 'w'.repeat(32), csrf: 'tok', language, user: { subject: 'mia', name: 'Mia', roles: ['officer'] }, expiresAt: Date.now() + 60_000 };
    const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal(session)}`;
    const sent = await app.request(`/held/${pen}/assign`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', origin: 'https://dossier.example' },
      body: new URLSearchParams({ _csrf: 'tok', messageId: '<s@x.test>', [field]: chosen }).toString(),
    });
    expect(sent.status).toBe(422);
    return sent.text();
  };

  it('on a form sent back, names an ended case, one under a vendor’s domain, or several such, without saying what is or is not chosen', async () => {
    // The officer chose the very case the sender suggests: the hint must not say it is not chosen.
    for (const [boards, from, pen, field, chosen] of [
      [{ vc: { ...video, ended: ['zoom'] } }, 'privacy@zoom.test', 'vc', 'vendor', 'zoom'],
      [{ vc: { ...video, ended: ['zoom'] } }, 'privacy@zoom.test', 'unsorted', 'engagement', 'vc/zoom'],
      [{ vc: video }, 'counsel@eu.cisco-law.test', 'vc', 'vendor', 'cisco'],
      [{ vc: video }, 'counsel@eu.cisco-law.test', 'unsorted', 'engagement', 'vc/cisco'],
      [{ vc: video, old: older }, 'ceo@eu.zoom.test', 'unsorted', 'engagement', 'vc/zoom'],
      [{ vc: { ...video, ended: ['zoom'] } }, 'ceo@eu.zoom.test', 'vc', 'vendor', 'zoom'],
    ] as const) {
      for (const language of ['en', 'fr']) {
        const html = await sentBack(workspace(boards as Record<string, Board>, heldFrom(from)), pen, field, chosen, language);
        expect(selected(html)).toEqual([chosen]);
        expect(hint(html)).not.toMatch(/chosen|choisi/);
        expect(hint(html)).toContain(chosen.endsWith('zoom') ? 'Zoom' : 'Cisco');
      }
    }
  });

  it('offers a blank first option, chosen when no case is, and refuses it sent blank, saying what to choose', async () => {
    // An ended case is not chosen: the blank option is, rather than the first vendor the browser would show and send.
    const pen = await open(workspace({ vc: { ...video, ended: ['zoom'] } }, heldFrom('privacy@zoom.test')), 'vc');
    expect(assignForm(pen)).toMatch(/<select id="assign-vendor"[^>]*>\s*<option value="" selected>Choose a case…<\/option>/);
    const unsorted = await open(workspace({ vc: video, old: older }, heldFrom('ceo@zoom.test')), 'unsorted', 'fr');
    expect(assignForm(unsorted)).toMatch(/<select id="assign-engagement"[^>]*>\s*<option value="" selected>Choisissez un dossier…<\/option>/);
    // A case chosen for the officer: the blank option is offered, not chosen.
    const chosen = await open(workspace({ vc: video }, heldFrom('privacy@zoom.test')), 'vc');
    expect(assignForm(chosen)).toContain('<option value="">Choose a case…</option>');
    expect(selected(chosen)).toEqual(['zoom']);
    // Sent blank: refused before any engagement is asked, the field named.
    for (const [pen, field, en, fr] of [
      ['vc', 'vendor', 'Choose the vendor whose engagement the message belongs to.', 'Choisissez l’entreprise dont le dossier reçoit le message.'],
      ['unsorted', 'engagement', 'Choose the engagement the message belongs to.', 'Choisissez le dossier auquel appartient le message.'],
    ] as const) {
      const html = await sentBack(workspace({ vc: video }, heldFrom('someone@else.test')), pen, field, '');
      expect(visibleText(/<p class="error" id="assign-[a-z]+-error"[^]*?<\/p>/.exec(assignForm(html))?.[0] ?? '')).toBe(en);
      expect(assignForm(html)).toMatch(new RegExp(`<select id="assign-${field}" name="${field}" aria-invalid="true"`));
      expect(assignForm(html)).toMatch(/<option value="" selected>/);
      const htmlFr = await sentBack(workspace({ vc: video }, heldFrom('someone@else.test')), pen, field, '', 'fr');
      expect(visibleText(/<p class="error" id="assign-[a-z]+-error"[^]*?<\/p>/.exec(assignForm(htmlFr))?.[0] ?? '')).toBe(fr);
    }
  });

  it('says which of several cases have ended, and that they take a late reply only', async () => {
    const oldEnded: Board = { ...older, contacts: { teams: ['privacy@teams.test'], zoom: ['privacy@zoom.test'] }, ended: ['zoom'] };
    const html = await open(workspace({ vc: video, old: oldEnded }, heldFrom('privacy@zoom.test')), 'unsorted');
    expect(selected(html)).toEqual([]);
    expect(hint(html)).toBe(
      'The sender’s address could be that of the vendor of any of these cases: Zoom (Older calls, ended); Zoom (Video calls). None is chosen below: choose the case the message belongs to. A case that has ended takes the message only as a late reply, attached to its closed record.',
    );
    const fr = await open(workspace({ vc: video, old: oldEnded }, heldFrom('privacy@zoom.test')), 'unsorted', 'fr');
    expect(hint(fr)).toBe(
      'L’adresse de l’expéditeur peut être celle de l’entreprise de chacun de ces dossiers\u00a0: Zoom (Anciens appels, clos)\u202f; Zoom (Visioconférence). Aucun n’est choisi ci-dessous\u00a0: choisissez le dossier auquel appartient le message. Un dossier clos ne reçoit le message que comme réponse tardive, versée à son dossier clos.',
    );
    // Under the domain of an ended case: the warning, and the late-reply path rather than "before you assign it".
    const under = await open(workspace({ vc: { ...video, ended: ['cisco'] } }, heldFrom('counsel@eu.cisco-law.test')), 'vc');
    expect(selected(under)).toEqual([]);
    expect(hint(under)).toBe(
      'This message comes from eu.cisco-law.test, a domain under Cisco’s, which may be one of its customers’. Cisco’s case has ended: it records no more mail. If Cisco wrote it, you can attach the message to the case’s closed record as a late reply.',
    );
    const underFr = await open(workspace({ vc: { ...video, ended: ['cisco'] } }, heldFrom('counsel@eu.cisco-law.test')), 'unsorted', 'fr');
    expect(hint(underFr)).toBe(
      'Ce message vient d’eu.cisco-law.test, un domaine situé sous celui de Cisco, qui peut appartenir à l’un de ses clients. Le dossier de Cisco de la campagne Visioconférence est clos\u00a0: il n’enregistre plus de courrier. Si Cisco l’a écrit, vous pouvez verser le message à son dossier clos comme réponse tardive.',
    );
  });

  it('does not choose a case whose engagement failed, nor propose it for a late reply', async () => {
    const failed: Board = { ...video, failed: ['zoom'] };
    const pen = await open(workspace({ vc: failed }, heldFrom('privacy@zoom.test')), 'vc');
    expect(selected(pen)).toEqual([]);
    expect(hint(pen)).toBe('This message comes from an address of Zoom, whose case has failed: it takes no mail, neither assigned nor as a late reply.');
    const unsorted = await open(workspace({ vc: failed }, heldFrom('privacy@zoom.test')), 'unsorted', 'fr');
    expect(selected(unsorted)).toEqual([]);
    expect(hint(unsorted)).toBe('Ce message vient d’une adresse de Zoom, dont le dossier de la campagne Visioconférence est en échec\u00a0: il ne reçoit aucun courrier, ni rattaché ni comme réponse tardive.');
    expect(unsorted).not.toMatch(/<details open><summary>Verser au dossier clos d’une affaire/);
    // Among several, marked as failed.
    const several = await open(workspace({ vc: failed, old: older }, heldFrom('ceo@zoom.test')), 'unsorted');
    expect(hint(several)).toContain('Zoom (Video calls, failed)');
    expect(hint(several)).toContain('A case that has failed takes no mail.');
  });

  it('fills in the late-reply form’s ids for the sender’s ended case when the list of ended cases cannot be read', async () => {
    const app = fakeWorkspace({
      dossier: {
        findCampaigns: async () => [{ workflowId: 'campaign:vc', campaignId: 'vc', executionStatus: 'RUNNING', startedAt: '2026-11-27T15:30:00.000Z' }],
        // The list has not caught up with the case that ended: no list, the ids typed.
        endedCases: async () => [],
      },
      campaigns: {
        board: async () => ({ campaignId: 'vc', reference: 'VC', phase: 'engaging', engagementCount: 3, timeZone: 'UTC', title: video.title, vendorNames: video.vendorNames }),
        vendorsNearSender: async () => [{ vendorId: 'zoom', distance: 0, ended: true }],
        status: async () => ({ engagements: [] }),
      },
      holdingPen: async () => ({ intake: { held: async () => [heldFrom('privacy@zoom.test')], read: async () => ({ ...heldFrom('privacy@zoom.test'), recipients: [], text: 'Hello', attachments: [] }), assign: refuse } as never, close: async () => {} }),
    });
    const html = await open(app, 'unsorted');
    const late = /<details open><summary>Attach to the closed record of a case<\/summary>[^]*?<\/form>/.exec(html)?.[0] ?? '';
    expect(late).toContain('<input type="text" id="attach-late-any-campaign" name="campaign" value="vc">');
    expect(late).toContain('<input type="text" id="attach-late-any-vendor" name="vendor" value="zoom">');
  });
});

describe('the documents an engagement has received', () => {
  const doc = (name: string) => ({ id: name, name, type: 'application/pdf', size: 1000, sha256: 'x' });
  const mail = (messageId: string, subject: string, documents: object[], review: string) => ({
    messageId, from: 'privacy@zoom.test', subject, receivedAt: '2026-11-27T15:30:00.000Z', recordedAt: '2026-11-27T15:31:00.000Z',
    kind: 'reply', matchedBy: 'thread', text: 'See attached.', documents, notes: [], review,
  });
  const shown = async (status: object) => {
    const full = { workflowId: 'engagement:vc:zoom', campaignId: 'vc', vendorId: 'zoom', vendorName: 'Zoom', questions: [], openQuestions: [], demonstrations: [], remindersSent: [], deliveryFailures: [], timeline: [], ...status };
    const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'd'.repeat(32), csrf: 't', language: 'en', user: { subject: 'owen', name: 'Owen', roles: ['officer'] }, expiresAt: Date.now() + 60_000 })}`;
    const html = await (await appShowing(full, 'UTC').request('/campaigns/vc/engagements/zoom', { headers: { cookie } })).text();
    return /<h2>Documents<\/h2>\s*(.*?)\s*<h2>/s.exec(html)?.[1] ?? html;
  };

  it('lists those that came with mail still to review, linked to their message, not "No document received."', async () => {
    const section = await shown({ stage: 'reply-received', inbox: [mail('<r1@zoom.test>', 'Re: [VC] our answers', [doc('programme.pdf')], 'to-review')] });
    expect(section).not.toContain('No document received.');
    expect(visibleText(section)).toContain('programme.pdf — Re: [VC] our answers');
    expect(section).toMatch(/href="\/campaigns\/vc\/engagements\/zoom\/mail\/received\?id(=|&#x3D;)%3Cr1%40zoom.test%3E"/);
  });

  it('lists the response’s documents once, even when they came with the reply taken as the response', async () => {
    const reply = mail('<r1@zoom.test>', 'Re: [VC] our answers', [doc('programme.pdf')], 'confirmed');
    const section = await shown({
      stage: 'responded', inbox: [reply],
      response: { receivedAt: reply.receivedAt, summary: 'See attached.', attachments: ['programme.pdf'], documents: [doc('programme.pdf')], messageId: reply.messageId },
    });
    expect(visibleText(section).match(/programme\.pdf/g)).toHaveLength(1);
  });

  describe('where the workspace reads the document store', () => {
    const downloads: object[] = [];
    const status = (extra: object) => ({ workflowId: 'engagement:vc:zoom', campaignId: 'vc', vendorId: 'zoom', vendorName: 'Zoom', questions: [], openQuestions: [], demonstrations: [], remindersSent: [], deliveryFailures: [], timeline: [], ...extra });
    const appWith = (shown: object) =>
      appShowingWith(shown, { recordDownload: async (input: object) => void downloads.push(input) }, 'UTC', {
        receivedDocument: async (_campaignId: string, document: { name: string }) => Buffer.from(`bytes of ${document.name}`),
      });
    const cookie = () => `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'd'.repeat(32), csrf: 't', language: 'en', user: { subject: 'owen', name: 'Owen', roles: ['officer'] }, expiresAt: Date.now() + 60_000 })}`;
    const section = async (shown: object) => {
      const html = await (await appWith(shown).request('/campaigns/vc/engagements/zoom', { headers: { cookie: cookie() } })).text();
      return /<h2>Documents<\/h2>\s*(.*?)\s*<h2>/s.exec(html)?.[1] ?? html;
    };
    const hrefOf = (html: string, name: string) => new RegExp(`<a href="([^"]+)">${name.replace('.', '\\.')}</a>`).exec(html)?.[1]?.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');

    it('links each document of a reply to its download, beside the link to its message', async () => {
      const html = await section(status({ stage: 'reply-received', inbox: [mail('<r1@zoom.test>', 'Re: [VC] our answers', [doc('programme.pdf')], 'to-review')] }));
      expect(hrefOf(html, 'programme.pdf')).toBe('/campaigns/vc/engagements/zoom/mail/received/document?id=%3Cr1%40zoom.test%3E&document=programme.pdf');
      expect(visibleText(html)).toContain('programme.pdf — Re: [VC] our answers');
    });

    it('links the documents of a response recorded with its files (respond --attach, no message), and hands them over once the download is recorded', async () => {
      const shown = status({ stage: 'responded', response: { receivedAt: '2026-11-27T15:30:00.000Z', summary: 'See attached.', attachments: ['dpia.pdf'], documents: [doc('dpia.pdf')] } });
      const href = hrefOf(await section(shown), 'dpia.pdf');
      expect(href).toBe('/campaigns/vc/engagements/zoom/mail/received/document?document=dpia.pdf');
      downloads.length = 0;
      const response = await appWith(shown).request(href!, { headers: { cookie: cookie() } });
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('bytes of dpia.pdf');
      expect(downloads).toEqual([expect.objectContaining({ campaignId: 'vc', vendorId: 'zoom', document: expect.objectContaining({ id: 'dpia.pdf' }) })]);
      expect(downloads[0]).not.toHaveProperty('messageId');
    });

    it('leaves a response’s file named in words only as a name, and asks no message for it', async () => {
      const html = await section(status({ stage: 'responded', response: { receivedAt: '2026-11-27T15:30:00.000Z', summary: 'See attached.', attachments: ['named-only.pdf'] } }));
      expect(visibleText(html)).toContain('named-only.pdf');
      expect(hrefOf(html, 'named-only.pdf')).toBeUndefined();
    });
  });
});

describe('the files of a vendor’s response, uploaded with the respond form', () => {
  const MB = 1024 * 1024;
  const awaiting = () => ({
    workflowId: 'engagement:vc:zoom', campaignId: 'vc', vendorId: 'zoom', vendorName: 'Zoom', stage: 'awaiting-response',
    letterSentAt: '2026-11-20T10:00:00.000Z', responseDueDate: '2026-12-11T00:00:00.000Z',
    timeline: [], openQuestions: [], questions: [], demonstrations: [], remindersSent: [], deliveryFailures: [], rounds: [],
  });
  /** A workspace whose engagement checks and records a response by its own rules, and whose store keeps what it is given. */
  const workspace = ({ keeps = true } = {}) => {
    const status: Record<string, unknown> = awaiting();
    const kept: { campaignId: string; files: { name: string; type: string; content: Buffer }[] }[] = [];
    const recorded: Record<string, unknown>[] = [];
    const check = (input: never) => decidedByWorkflow(() => rules.checkRecordResponse(status as never, input, Date.now()));
    const app = appShowingWith(
      status,
      {
        checkResponse: async (_ref: unknown, input: never) => check(input),
        recordResponse: async (_ref: unknown, input: Record<string, unknown>) => {
          check(input as never);
          recorded.push(input);
          Object.assign(status, { stage: 'responded', response: { receivedAt: input.receivedAt, summary: input.summary, attachments: input.attachments, documents: input.documents } });
          return { stage: 'responded' };
        },
        recordDownload: async () => {},
      },
      'UTC',
      {
        receivedDocument: async (_campaignId: string, document: { name: string }) => Buffer.from(`bytes of ${document.name}`),
        ...(keeps
          ? {
              keepDocuments: async (campaignId: string, files: { name: string; type: string; content: Buffer }[]) => {
                kept.push({ campaignId, files: files.map((f) => ({ name: f.name, type: f.type, content: Buffer.from(f.content) })) });
                return files.map((f) => ({ id: `id-${f.name}`, name: f.name, type: f.type, size: f.content.length, sha256: 'x' }));
              },
            }
          : {}),
      } as never,
    );
    const cookie = (language: string) => officerCookie(language, 'u', 'csrf-u');
    const send = (form: Record<string, string>, files: File[], { language = 'en', cookie: sent = cookie(language), csrf = 'csrf-u', action = 'respond' } = {}) => {
      const body = new FormData();
      if (csrf) body.set('_csrf', csrf);
      for (const [name, value] of Object.entries(form)) body.set(name, value);
      for (const file of files) body.append('documents', file);
      return app.request(`/campaigns/vc/engagements/zoom/${action}`, { method: 'POST', headers: { cookie: sent }, body });
    };
    const page = async (language = 'en') => (await app.request('/campaigns/vc/engagements/zoom', { headers: { cookie: cookie(language) } })).text();
    return { app, status, kept, recorded, send, page };
  };
  const respondForm = (html: string) => /<form[^>]*id="respond"[\s\S]*?<\/form>/.exec(html)?.[0] ?? '';
  const errorOf = (html: string) => /<p class="error" id="respond-documents-error"[^>]*>([^<]*)<\/p>/.exec(html)?.[1];

  it('is a multipart form with a labelled file input for any number of files, whose hint gives the sizes allowed, in English and French', async () => {
    const { page } = workspace();
    const en = respondForm(await page('en'));
    expect(en).toMatch(/<form method="post" action="\/campaigns\/vc\/engagements\/zoom\/respond" enctype="multipart\/form-data"/);
    expect(en).toMatch(/<input type="file" id="respond-documents" name="documents" multiple/);
    expect(visibleText(/<label for="respond-documents">.*?<\/label>/.exec(en)?.[0] ?? '')).toBe('Files the vendor sent any type; each at most 25 MB, 50 MB together');
    const fr = respondForm(await page('fr'));
    expect(visibleText(/<label for="respond-documents">.*?<\/label>/.exec(fr)?.[0] ?? '')).toBe('Fichiers envoyés par l’entreprise tout type\u202f; 25\u00a0Mo au plus chacun, 50\u00a0Mo en tout');
  });

  it('keeps each file in the document store, records the response naming them, and then links each to its download', async () => {
    const { kept, recorded, send, page } = workspace();
    const response = await send({ summary: 'See the attached programme.', attachments: 'named-only.pdf', receivedAt: '' }, [
      new File(['%PDF-1.7 programme'], 'dpia.pdf', { type: 'application/octet-stream' }),
      new File(['notes'], 'notes.txt'),
    ]);
    expect(response.status).toBe(303);
    // The type from the name, as the CLI's --attach gives it, not the browser's.
    expect(kept).toEqual([{ campaignId: 'vc', files: [
      { name: 'dpia.pdf', type: 'application/pdf', content: Buffer.from('%PDF-1.7 programme') },
      { name: 'notes.txt', type: 'text/plain', content: Buffer.from('notes') },
    ] }]);
    expect(recorded).toEqual([expect.objectContaining({
      summary: 'See the attached programme.',
      attachments: ['named-only.pdf', 'dpia.pdf', 'notes.txt'],
      documents: [expect.objectContaining({ id: 'id-dpia.pdf', name: 'dpia.pdf' }), expect.objectContaining({ id: 'id-notes.txt', name: 'notes.txt' })],
    })]);
    const documents = /<ul id="documents">.*?<\/ul>/s.exec(await page())?.[0] ?? '';
    expect(documents).toContain('<a href="/campaigns/vc/engagements/zoom/mail/received/document?document&#x3D;id-dpia.pdf">dpia.pdf</a>');
    expect(documents).toContain('<a href="/campaigns/vc/engagements/zoom/mail/received/document?document&#x3D;id-notes.txt">notes.txt</a>');
    expect(visibleText(documents)).toContain('named-only.pdf');
  });

  it('records a response sent with no file chosen as before, keeping nothing', async () => {
    const { kept, recorded, send } = workspace();
    // A browser sends an empty file input as a part with no name and no bytes.
    const response = await send({ summary: 'Our response.', attachments: '' }, [new File([], '')]);
    expect(response.status).toBe(303);
    expect(kept).toEqual([]);
    expect(recorded).toEqual([expect.objectContaining({ attachments: [] })]);
    expect(recorded[0]).not.toHaveProperty('documents');
  });

  it('takes a file over the limit of every other form, as the CLI takes one up to 25 MB', async () => {
    const { kept, send } = workspace();
    const response = await send({ summary: 'See the recording.' }, [new File([new Uint8Array(20 * MB)], 'recording.mp4')]);
    expect(response.status).toBe(303);
    expect(kept[0]?.files.map((f) => [f.name, f.type, f.content.length])).toEqual([['recording.mp4', 'application/octet-stream', 20 * MB]]);
  });

  it('refuses a file larger than a document may be, naming it, in English and French, and keeps and records nothing', async () => {
    const { kept, recorded, send } = workspace();
    const files = () => [new File(['fine'], 'dpia.pdf'), new File([new Uint8Array(25 * MB + 1)], 'recording.mp4')];
    const en = await send({ summary: 'See the recording.' }, files());
    expect(en.status).toBe(422);
    const html = await en.text();
    expect(errorOf(html)).toBe('“recording.mp4” is 25.1 MB; a document may be at most 25 MB. Nothing was recorded: choose the files again, leaving it out.');
    expect(html).toMatch(/<input type="file" id="respond-documents" name="documents" multiple[^>]* aria-invalid="true"/);
    expect(html).toContain('>See the recording.</textarea>');
    const fr = await (await send({ summary: 'Voir l’enregistrement.' }, files(), { language: 'fr' })).text();
    expect(errorOf(fr)).toBe('«\u202frecording.mp4\u202f» fait 25,1\u00a0Mo\u202f; un document fait au plus 25\u00a0Mo. Rien n’a été consigné\u00a0: choisissez de nouveau les fichiers, sans celui-ci.');
    expect(kept).toEqual([]);
    expect(recorded).toEqual([]);
  });

  it('keeps no file of a response the engagement refuses, and asks for the files again by name', async () => {
    const { kept, recorded, send } = workspace();
    const response = await send({ summary: 'Our response.', receivedAt: '2099-01-01' }, [new File(['%PDF'], 'dpia.pdf')]);
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toMatch(/id="respond-receivedAt-error"/);
    expect(visibleText(/<p class="hint" id="respond-documents-again">.*?<\/p>/.exec(html)?.[0] ?? '')).toBe('Choose the files again (a refused form cannot keep them): “dpia.pdf”.');
    expect(kept).toEqual([]);
    expect(recorded).toEqual([]);
  });

  it('keeps no file sent without the form’s token, nor by no one signed in', async () => {
    const { kept, recorded, send } = workspace();
    const file = () => [new File(['%PDF'], 'dpia.pdf')];
    expect((await send({ summary: 'Forged.' }, file(), { csrf: '' })).status).toBe(403);
    expect((await send({ summary: 'Forged.' }, file(), { csrf: 'another-token' })).status).toBe(403);
    expect((await send({ summary: 'Lapsed.' }, file(), { cookie: '' })).status).toBe(401);
    expect(kept).toEqual([]);
    expect(recorded).toEqual([]);
  });

  it('refuses files together larger than one response takes as they stream in, with the sizes and the way to record more', async () => {
    const { app, kept } = workspace();
    // Announced larger than 50 MB of files and the form's fields: refused before a byte is read.
    const refusedIn = async (language: string) => {
      const response = await app.request('/campaigns/vc/engagements/zoom/respond', {
        method: 'POST',
        headers: { cookie: officerCookie(language, 'u', 'csrf-u'), 'content-type': 'multipart/form-data; boundary=b', 'content-length': String(52 * MB) },
        body: '--b--\r\n',
      });
      return { status: response.status, text: visibleText(await response.text()) };
    };
    const en = await refusedIn('en');
    expect(en.status).toBe(413);
    expect(en.text).toContain('These files are larger together than the workspace takes with one response. Nothing was recorded.');
    expect(en.text).toContain('Each file may be at most 25 MB, and the files of one response 50 MB together.');
    expect(en.text).toContain('npx dossier engagement respond … --attach FILE');
    expect(en.text).toContain('Back to the engagement');
    const fr = await refusedIn('fr');
    expect(fr.text).toContain('Chaque fichier fait au plus 25\u00a0Mo, et les fichiers d’une réponse 50\u00a0Mo en tout.');
    expect(kept).toEqual([]);
  });

  it('takes no file over the limit of every other form from anyone not signed in, nor on another form', async () => {
    const { kept, send } = workspace();
    const big = () => [new File([new Uint8Array(20 * MB)], 'recording.mp4')];
    expect((await send({ summary: 'x' }, big(), { cookie: '' })).status).toBe(413);
    expect((await send({ reason: 'x', dueDate: '2026-12-20' }, big(), { action: 'extend' })).status).toBe(413);
    expect(kept).toEqual([]);
  });

  it('refuses files where the workspace keeps no documents, and offers no file input there', async () => {
    const { kept, recorded, send, page } = workspace({ keeps: false });
    expect(respondForm(await page())).not.toContain('type="file"');
    const response = await send({ summary: 'Our response.' }, [new File(['%PDF'], 'dpia.pdf')]);
    expect(response.status).toBe(422);
    expect(recorded).toEqual([]);
    expect(kept).toEqual([]);
  });
});

describe('who did what, on a French page', () => {
  it('names an officer signed in to the workspace without a past participle that takes a gender: Odile is not "connecté"', () => {
    const views = loadViews();
    const text = (language: 'en' | 'fr', key: string, values?: object) => views.text(language, key, values);
    const wording = { text, date: (v: string) => v, dateTime: (v: string) => v };
    expect(actorWords('Odile Fournier (odile, signed in)', 'fr', wording)).toBe('Odile Fournier (odile, espace de travail)');
    expect(actorWords('Odile Fournier (odile, signed in)', 'en', wording)).toBe('Odile Fournier (odile, signed in)');
  });
});

describe('a form refused because of the case’s stage', () => {
  const status = {
    workflowId: 'engagement:vc:zoom', campaignId: 'vc', vendorId: 'zoom', vendorName: 'Zoom', stage: 'follow-up',
    timeline: [], openQuestions: [], questions: [], demonstrations: [], remindersSent: [], deliveryFailures: [],
  };
  const app = fakeWorkspace({
    dossier: {
      status: async () => status,
      campaignTimeZone: async () => 'UTC', campaignOf: async () => ({ timeZone: 'UTC' }),
      recordResponse: async () => {
        throw refused('engagement engagement:vc:zoom', 'cannot record a response while the engagement is follow-up (allowed in: awaiting-response, reply-received)', undefined, {
          refusal: 'respond-stage',
          values: { stage: 'follow-up' },
        });
      },
    },
  });
  const cookie = officerCookie('en', 's', 'csrf-s');

  it('shows the refusal by the form’s main field, not by a field whose name its list of stages happens to contain ("reply-received")', async () => {
    const response = await app.request('/campaigns/vc/engagements/zoom/respond', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: 'csrf-s', summary: 'A second response.', receivedAt: '' }).toString(),
    });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('<p class="error" id="respond-summary-error">A response cannot be recorded at the case’s current stage, “follow-up questions”.</p>');
    expect(html).not.toMatch(/id="respond-receivedAt"[^>]*aria-invalid/);
  });
});

describe('a reply to review, read on its own page', () => {
  const reply = {
    messageId: '<r2@zoom.test>', from: 'privacy@zoom.test', subject: 'Re: [VC]', receivedAt: '2026-11-27T15:30:00.000Z', recordedAt: '2026-11-27T15:31:00.000Z',
    kind: 'reply', matchedBy: 'thread', text: 'Our answers.', documents: [], notes: [], review: 'to-review',
  };
  const status = {
    workflowId: 'engagement:vc:zoom', campaignId: 'vc', vendorId: 'zoom', vendorName: 'Zoom', stage: 'reply-received',
    timeline: [], openQuestions: [], questions: [], demonstrations: [], remindersSent: [], deliveryFailures: [], inbox: [reply],
  };
  const app = appShowing(status, 'UTC');
  const shown = async (roles: string[]) => {
    const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'm'.repeat(32), csrf: 't', language: 'en', user: { subject: 'x', name: 'X', roles }, expiresAt: Date.now() + 60_000 })}`;
    return (await app.request(`/campaigns/vc/engagements/zoom/mail/received?id=${encodeURIComponent(reply.messageId)}`, { headers: { cookie } })).text();
  };

  it('leads an officer to the forms that settle it, on the engagement page', async () => {
    expect(await shown(['officer'])).toContain('<a href="/campaigns/vc/engagements/zoom#confirm-response-0">Take it as the response, or dismiss it</a>');
  });

  it('offers an auditor, who may not act, no such link', async () => {
    expect(await shown(['auditor'])).not.toContain('#confirm-response-0');
  });
});

describe('a reply to review after the response, on the engagement page and its own page', () => {
  const reply = {
    messageId: '<r3@zoom.test>', from: 'privacy@zoom.test', subject: 'Re: [VC] questions', receivedAt: '2026-11-27T15:30:00.000Z', recordedAt: '2026-11-27T15:31:00.000Z',
    kind: 'reply', matchedBy: 'thread', text: 'Our answers.', documents: [], notes: [], review: 'to-review',
  };
  const question = { id: 'q1', round: 1, text: 'How long are recordings kept?', dueDate: '2026-12-11T00:00:00.000Z' };
  const statusAt = (stage: string, open: boolean) => ({
    workflowId: 'engagement:vc:zoom', campaignId: 'vc', vendorId: 'zoom', vendorName: 'Zoom', stage,
    response: { receivedAt: '2026-11-20T10:00:00.000Z', summary: 'Our response.', attachments: [] },
    timeline: [], openQuestions: open ? [question] : [], questions: [question], demonstrations: [], remindersSent: [], deliveryFailures: [], inbox: [reply],
  });
  const read = async (status: object, path: string, language = 'en') => {
    const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'n'.repeat(32), csrf: 't', language, user: { subject: 'x', name: 'X', roles: ['officer'] }, expiresAt: Date.now() + 60_000 })}`;
    return (await appShowing(status, 'UTC').request(path, { headers: { cookie } })).text();
  };
  const mailPage = `/campaigns/vc/engagements/zoom/mail/received?id=${encodeURIComponent(reply.messageId)}`;

  it('offers neither to record the response nor to take the reply as the response once the response is recorded', async () => {
    const html = await read(statusAt('follow-up', true), '/campaigns/vc/engagements/zoom');
    expect(html).not.toContain('id="respond"');
    expect(html).not.toContain('id="confirm-response-0"');
    expect(html).toContain('id="confirm-answers-0"');
    expect(html).toContain('id="dismiss-reply-0"');
  });

  it('still offers both while the response is awaited', async () => {
    const html = await read({ ...statusAt('reply-received', false), response: undefined }, '/campaigns/vc/engagements/zoom');
    expect(html).toContain('id="respond"');
    expect(html).toContain('id="confirm-response-0"');
  });

  it('says on the reply’s page only what can be done with it, in English and French', async () => {
    expect(await read(statusAt('follow-up', true), mailPage)).toContain('<a href="/campaigns/vc/engagements/zoom#confirm-answers-0">Take it as answers, or dismiss it</a>');
    expect(await read(statusAt('follow-up', true), mailPage, 'fr')).toContain('<a href="/campaigns/vc/engagements/zoom#confirm-answers-0">Le consigner comme réponses aux questions, ou l’écarter</a>');
    expect(await read(statusAt('responded', false), mailPage)).toContain('<a href="/campaigns/vc/engagements/zoom#dismiss-reply-0">Dismiss it</a>');
    expect(await read(statusAt('responded', false), mailPage, 'fr')).toContain('<a href="/campaigns/vc/engagements/zoom#dismiss-reply-0">L’écarter</a>');
    expect(await read({ ...statusAt('awaiting-response', false), response: undefined }, mailPage)).toContain('<a href="/campaigns/vc/engagements/zoom#confirm-response-0">Take it as the response, or dismiss it</a>');
  });
});

describe('a refusal for the case’s stage, for every stage', () => {
  it('names the stage apart from the sentence, so it reads whatever the stage, in English and French', () => {
    const views = loadViews();
    for (const code of ['respond-stage', 'ask-stage', 'schedule-stage', 'conclude-stage', 'correct-contact-stage', 'extend-stage']) {
      for (const stage of ENGAGEMENT_STAGES) {
        const en = views.text('en', `form-refusal.${code}`, { stage: views.text('en', `stage.${stage}`) });
        const fr = views.text('fr', `form-refusal.${code}`, { stage: views.text('fr', `stage.${stage}`) });
        expect(en, `${code} at ${stage}`).toContain(`“${views.text('en', `stage.${stage}`)}”`);
        expect(en).not.toMatch(/while (the case|it) is/);
        expect(fr, `${code} at ${stage}`).toContain(`«\u202f${views.text('fr', `stage.${stage}`)}\u202f»`);
      }
    }
  });
});

describe('answers refused for one question of several', () => {
  const questions = [
    { id: 'q1', round: 1, text: 'Q one?', dueDate: '2026-12-11T00:00:00.000Z' },
    { id: 'q2', round: 1, text: 'Q two?', dueDate: '2026-12-11T00:00:00.000Z' },
  ];
  const status = {
    workflowId: 'engagement:vc:zoom', campaignId: 'vc', vendorId: 'zoom', vendorName: 'Zoom', stage: 'follow-up',
    timeline: [], openQuestions: questions, questions, demonstrations: [], remindersSent: [], deliveryFailures: [],
  };
  const app = fakeWorkspace({
    dossier: {
      status: async () => status,
      campaignTimeZone: async () => 'UTC', campaignOf: async () => ({ timeZone: 'UTC' }),
      recordAnswers: async () => {
        throw refused('engagement engagement:vc:zoom', 'Markup ("<script") in the answer to question q2: markup is not accepted, describe it in words.', undefined, {
          refusal: 'field-markup',
          values: { field: 'answer:q2', found: '"<script"' },
        });
      },
    },
  });
  const cookie = officerCookie('en', 'q', 'csrf-q');

  it('marks that question’s answer alone, with focus on it and the refusal beside it, and keeps both answers as typed', async () => {
    const response = await app.request('/campaigns/vc/engagements/zoom/answer', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: 'csrf-q', 'answer-q1': 'Fine.', 'answer-q2': '<script>x</script>' }).toString(),
    });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toMatch(/<textarea id="answer-q1" name="answer-q1">Fine\.<\/textarea>/);
    expect(html).toMatch(/<textarea id="answer-q2" name="answer-q2" aria-invalid="true" autofocus aria-describedby="answer-q2-error">&lt;script&gt;x&lt;\/script&gt;<\/textarea>/);
    expect(html).toMatch(/<p class="error" id="answer-q2-error">[^<]*markup/i);
  });
});

describe('a board with engagements the visibility store does not list', () => {
  const app = fakeWorkspace({
    dossier: { findEngagementsPage: async () => ({ engagements: [] }), countMatching: async () => 0 },
    campaigns: { board: async (campaignId: string) => ({ campaignId, reference: 'VC', phase: 'engaging', engagementCount: 3, vendorNames: { a: 'A', b: 'B', c: 'C' }, timeZone: 'UTC' }) },
  });
  const board = async (query: string, language = 'en') => {
    const cookie = officerCookie(language, 'k');
    return visibleText(await (await app.request(`/campaigns/vc${query}`, { headers: { cookie } })).text());
  };

  it('says, just after the campaign starts, that its engagements are not listed yet rather than only that no vendor matches', async () => {
    expect(await board('')).toContain('3 of the campaign’s engagements are not listed: one just started appears within seconds (reload the page); one closed longer ago than the server keeps closed cases is no longer listed.');
    expect(await board('', 'fr')).toContain('3 dossiers de la campagne ne sont pas listés');
  });

  it('says nothing of it under a filter, where fewer rows are what was asked', async () => {
    expect(await board('?stage=concluded')).not.toContain('not listed');
  });
});

describe('a reply waiting for review, on the board', () => {
  // A reply that comes during a round or before a demonstration leaves the stage as it was: the row
  // says it waits, as the engagement page and the digest do (trial finding).
  const listed = (vendorId: string, stage: string, more: object = {}) => ({ workflowId: `engagement:vc:${vendorId}`, campaignId: 'vc', vendorId, stage, executionStatus: 'RUNNING', startedAt: '2026-11-27T15:30:00.000Z', ...more });
  const engagements = [
    listed('a', 'follow-up', { replyWaiting: true }),
    listed('b', 'demonstration', { replyWaiting: true }),
    listed('c', 'follow-up'),
    // Its stage already says a reply waits.
    listed('d', 'reply-received', { replyWaiting: true }),
    listed('e', 'withdrawn', { replyWaiting: true, executionStatus: 'COMPLETED' }),
  ];
  const app = fakeWorkspace({
    dossier: { findEngagementsPage: async () => ({ engagements }), countMatching: async () => engagements.length },
    campaigns: { board: async (campaignId: string) => ({ campaignId, reference: 'VC', phase: 'engaging', engagementCount: 5, vendorNames: { a: 'A', b: 'B', c: 'C', d: 'D', e: 'E' }, timeZone: 'UTC' }) },
  });
  const rowsOf = async (language: string) => {
    const html = await (await app.request('/campaigns/vc', { headers: { cookie: officerCookie(language, 'k') } })).text();
    return Object.fromEntries([...html.matchAll(/<tr data-vendor="(\w)">([\s\S]*?)<\/tr>/g)].map(([, vendor, row]) => [vendor, visibleText(row!).replace(/\s+/g, ' ')]));
  };

  it('marks the row of an open case whose reply waits, in English and French', async () => {
    const en = await rowsOf('en');
    expect(en.a).toContain('follow-up questions');
    expect([en.a, en.b, en.c, en.d, en.e].map((row) => row!.includes('reply to review'))).toEqual([true, true, false, false, false]);
    // Not twice where the stage says it.
    expect(en.d!.match(/to review/g)).toHaveLength(1);
    const fr = await rowsOf('fr');
    expect([fr.a, fr.b, fr.c, fr.d, fr.e].map((row) => row!.includes('réponse à examiner'))).toEqual([true, true, false, false, false]);
  });
});

describe('the examples of a duration a French refusal gives', () => {
  it('are durations the extend form accepts, as its hint’s "10 jours ouvrés" is', () => {
    const { strings } = loadViews();
    const examples = Object.values(strings.fr).flatMap((text) => [...text.matchAll(/«\s*(\d+ [^»]*?)\s*»/g)].map((m) => m[1]!.trim()));
    const durations = examples.filter((e) => /jour|heure|semaine/.test(e));
    expect(durations.length).toBeGreaterThan(0);
    expect(durations.filter((d) => durationIssue(d, { workingDays: true }) !== undefined)).toEqual([]);
  });
});

describe('a letter copy put back from the statement page, larger than a letter copy can be', () => {
  const app = createWebApp({
    config,
    signIn: {} as OidcSignIn,
    dossier: async () => ({}) as never,
    campaigns: async () => ({ fileLetterCopy: async () => ({ path: 'vc/letters/gone.en.pdf', sha256: '0', step: 'letter-2' }) }) as never,
    revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
  });
  const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'f'.repeat(32), csrf: 't', language: 'en', user: { subject: 'lea', name: 'Léa', roles: ['lead-officer'] }, expiresAt: Date.now() + FILE_SESSION_MS })}`;
  /** The answer to an upload whose body starts with `sent` bytes and never ends, or 'still reading' after 3 s. */
  const answerTo = async (sent: number, length?: number): Promise<Response | 'still reading'> => {
    let given = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller): Promise<void> | void {
        // What the request declared, or more, never comes: only a limit checked as it streams answers.
        if (given >= sent) return new Promise<void>(() => {});
        const chunk = Math.min(64 * 1024, sent - given);
        given += chunk;
        controller.enqueue(new Uint8Array(chunk));
      },
    });
    const headers: Record<string, string> = { cookie, 'content-type': 'multipart/form-data; boundary=----x' };
    if (length !== undefined) headers['content-length'] = String(length);
    const answered = app.request('/campaigns/vc/statement/letter-copy', { method: 'POST', body, headers, duplex: 'half' } as RequestInit);
    return Promise.race([answered, new Promise<'still reading'>((resolve) => setTimeout(() => resolve('still reading'), 3_000))]);
  };

  // A copy is at most 5 MB: a body past that is refused as it streams in, not read whole first (up
  // to the workspace's 16 MB) only to be refused then.
  it('is refused as soon as its declared length is past the limit', async () => {
    const answer = await answerTo(64 * 1024, 8 * 1024 * 1024);
    expect(answer === 'still reading' ? answer : answer.status).toBe(413);
    expect(visibleText(await (answer as Response).text())).toContain('This file is larger than a letter copy can be (5 MB at most). Nothing was filed.');
  });

  it('is refused once what streamed in is past the limit, with no length declared', async () => {
    const answer = await answerTo(6 * 1024 * 1024);
    expect(answer === 'still reading' ? answer : answer.status).toBe(413);
  });
});

describe('a letter copy put back on a campaign that has ended', () => {
  // The campaign takes a copy off its listing at its next look; once it has ended it looks no more,
  // so the page asks whether the copy on file is the letter the vendor received before offering it.
  const status = {
    campaignId: 'vc', reference: 'VC', phase: 'published', changeRequests: [],
    engagements: [{ vendorId: 'gone', vendorName: 'Vendor gone', stage: 'closed-no-response' }],
    deliveryFailures: [{ at: '2026-11-27T10:00:00.000Z', step: 'letter-copy-gone', reason: 'The copy of the open letter to gone in the publication folder is not the letter the vendor was sent last', refusal: { code: 'letter-copy-not-last-letter', diagnostic: 'vc/letters/gone.en.pdf is a copy of letter' } }],
    draft: { version: 1, date: '2026-11-26', approvals: [], pending: [], required: 0 },
    published: { version: 1, publishedAt: '2026-11-27T15:30:00.000Z' },
  };
  const draft = { version: 1, campaign: { title: { en: 'Video conferencing', fr: 'Vidéoconférence' }, authorities: [] }, vendors: [] };
  const pageWith = async (putBack: string[]) => {
    const asked: string[][] = [];
    const app = createWebApp({
      config,
      signIn: {} as OidcSignIn,
      dossier: async () => ({}) as never,
      campaigns: async () =>
        ({
          status: async () => status, statement: async () => draft, title: async () => undefined, statementChanges: async () => undefined,
          letterCopiesPutBack: async (_campaign: string, vendorIds: string[]) => (asked.push(vendorIds), putBack),
        }) as never,
      revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
    });
    const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'f'.repeat(32), csrf: 't', language: 'en', user: { subject: 'lea', name: 'Léa', roles: ['lead-officer'] }, expiresAt: Date.now() + 60_000 })}`;
    return { html: await (await app.request('/campaigns/vc/statement', { headers: { cookie } })).text(), asked };
  };

  it('is no longer offered for upload once the copy on file is the letter received', async () => {
    const { html, asked } = await pageWith(['gone']);
    expect(asked).toEqual([['gone']]);
    expect(html).not.toContain('id="letter-copies"');
  });

  it('keeps the form of a refused upload, saying why, where the copy is no longer listed', async () => {
    const refusedApp = createWebApp({
      config,
      signIn: {} as OidcSignIn,
      dossier: async () => ({}) as never,
      campaigns: async () =>
        ({
          status: async () => ({ ...status, deliveryFailures: [] }), statement: async () => draft, title: async () => undefined, statementChanges: async () => undefined,
          letterCopiesPutBack: async () => [],
          fileLetterCopy: async () => {
            throw new DossierClientError(ClientErrorCode.Refused, 'the file is not the letter gone received last (letter-2)', { wording: { key: 'letter-copy.not-the-letter-received', values: { vendor: 'gone', step: 'letter-2' } } });
          },
        }) as never,
      revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
    });
    const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'f'.repeat(32), csrf: 't', language: 'en', user: { subject: 'lea', name: 'Léa', roles: ['lead-officer'] }, expiresAt: Date.now() + 60_000 })}`;
    const body = new FormData();
    body.set('_csrf', 't');
    body.set('vendor', 'gone');
    body.set('pdf', new File([new Uint8Array([37, 80, 68, 70])], 'gone.pdf', { type: 'application/pdf' }));
    const answer = await refusedApp.request('/campaigns/vc/statement/letter-copy', { method: 'POST', body, headers: { cookie } });
    expect(answer.status).toBe(422);
    const html = await answer.text();
    expect(html).toContain('id="letter-copy-gone-pdf-error"');
    expect(visibleText(html)).toContain("This vendor's copy is no longer among the copies to put back");
  });

  it('is still offered while the copy on file is an earlier letter', async () => {
    const { html } = await pageWith([]);
    expect(visibleText(html)).toContain('Letter copies to put back');
    expect(html).toContain('id="letter-copy-gone-pdf"');
  });
});

describe('the next version submitted unchanged after a co-signatory sent it back, on the statement page', () => {
  const by = 'Léa';
  /** Version 1 out, sent back by fdpic; the lead submits with the text unchanged. */
  const sentBack = () => {
    const kase = new CampaignCase({ campaign: testCampaign('vc'), vendors: [testVendor('zoom')], policy: fastPolicy(), approval: { kind: 'all' }, publication: { folder: 'vc', notifyVendors: true } }, 'edit-loop');
    kase.addEngagement(testVendor('zoom'), false);
    kase.engagementFailed('zoom', 'worker lost');
    kase.edit({ by, conclusions: { en: ['Done.'], fr: ['Fait.'] }, lessonsLearned: { en: ['Early.'], fr: ['Tôt.'] } });
    kase.startApproval('2026-11-25T10:00:00.000Z');
    kase.requestChanges({ by: 'Adrian Lobsiger', authorityId: 'fdpic', version: 1, comment: 'Say more.' }, '2026-11-26T09:00:00.000Z');
    const sent: { confirmsUnchanged?: boolean; answer?: string }[] = [];
    const post = leadStatementForms(kase, {
      draftStatement: (async (_campaign: string, _by: string, openCases: never, options: { confirmsUnchanged?: boolean; answer?: string } = {}) => {
        sent.push({ confirmsUnchanged: options.confirmsUnchanged, ...(options.answer !== undefined ? { answer: options.answer } : {}) });
        const input = { by, openCases, confirmsUnchanged: options.confirmsUnchanged, ...(options.answer !== undefined ? { answer: options.answer } : {}) };
        try {
          kase.checkDraft(input);
        } catch (err) {
          throw fromTemporal(new WorkflowUpdateFailedError('Workflow Update failed', err as Error), 'campaign vc', '127.0.0.1:7233');
        }
        return kase.requestDraft(input, '2026-11-26T10:00:00.000Z');
      }) as never,
    });
    return { kase, post, sent };
  };

  it('is refused with the sentence by the submit button and a checkbox to submit it unchanged, focused, in English and French', async () => {
    for (const [language, sentence, label] of [
      ['en', 'Version 1 was sent back for changes (by Adrian Lobsiger) and the text has not changed since: edit the text, or confirm that it goes out unchanged (--confirm-unchanged on the command line).', 'Submit it unchanged'],
      ['fr', 'La version 1 a été renvoyée pour modifications (par Adrian Lobsiger) et son texte n’a pas changé depuis\u00a0: modifiez le texte, ou confirmez qu’elle part inchangée (--confirm-unchanged en ligne de commande).', 'La soumettre inchangée'],
    ] as const) {
      const { kase, post } = sentBack();
      const response = await post('draft', {}, language);
      expect(response.status, language).toBe(422);
      const html = await response.text();
      expect(html, language).toContain(sentence);
      expect(html, language).toContain(`<label for="draft-confirm-unchanged">${label}</label>`);
      expect(focusedOnLoad(html), language).toEqual(['<input type="checkbox" id="draft-confirm-unchanged" name="confirm-unchanged" value="yes" aria-invalid="true" autofocus aria-describedby="draft-confirm-unchanged-error">']);
      expect(kase.draft!.version).toBe(1);
    }
  });

  it('submits it unchanged once the checkbox is ticked', async () => {
    const { kase, post, sent } = sentBack();
    const response = await post('draft', { 'confirm-unchanged': 'yes' });
    expect(response.status).toBe(303);
    expect(sent).toEqual([{ confirmsUnchanged: true }]);
    expect(kase.draft!.version).toBe(2);
  });

  it('offers the lead a field to answer who sent it back, sends the answer with the next version and shows it on the page, in English and French', async () => {
    for (const [language, label, said] of [
      ['en', 'Your answer to the change requests (optional)', 'Léa answered the change requests on version 1 and submitted the next version unchanged: “The vendor names no auditor; we say so.”'],
      ['fr', 'Votre réponse aux demandes de modification (facultatif)', 'Léa a répondu aux demandes de modification sur la version 1 et a soumis la version suivante sans modification\u00a0: «\u202fThe vendor names no auditor; we say so.\u202f»'],
    ] as const) {
      const { kase, post, sent } = sentBack();
      const app = statementPageApp(kase, { statementText: async () => ({ vendors: {} }), engagementOutcome: async () => undefined });
      const lead = `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'l'.repeat(32), csrf: 't', language, user: { subject: 'lea', name: 'Léa', roles: ['lead-officer'] }, expiresAt: Date.now() + 60_000 })}`;
      const before = await (await app.request('/campaigns/vc/statement', { headers: { cookie: lead } })).text();
      expect(before, language).toContain(`<label for="draft-answer">${label}</label>`);
      expect(before, language).toContain('<textarea id="draft-answer" name="answer"');
      const response = await post('draft', { 'confirm-unchanged': 'yes', answer: '  The vendor names no auditor; we say so. ' }, language);
      expect(response.status, language).toBe(303);
      expect(sent, language).toEqual([{ confirmsUnchanged: true, answer: 'The vendor names no auditor; we say so.' }]);
      const after = await (await app.request('/campaigns/vc/statement', { headers: { cookie: lead } })).text();
      expect(visibleText(after), language).toContain(said);
      // Version 2 is not sent back: nothing to answer, so no field.
      expect(after, language).not.toContain('id="draft-answer"');
    }
  });

  it('sends no answer when the field is left blank', async () => {
    const { post, sent } = sentBack();
    expect((await post('draft', { 'confirm-unchanged': 'yes', answer: '   ' })).status).toBe(303);
    expect(sent).toEqual([{ confirmsUnchanged: true }]);
  });
});

describe('a statement PDF that does not exist', () => {
  // The campaign is known (its statement read): the page leads back to its statement, and its header's
  // sign-in end is in the campaign's zone, as the statement page prints its times.
  const authorities = [{ id: 'opc', name: { en: 'OPC', fr: 'CPVP' }, lead: true, jurisdiction: 'CA', timeZone: 'America/Toronto' }];
  const app = createWebApp({
    config,
    signIn: {} as OidcSignIn,
    dossier: async () => ({}) as never,
    campaigns: async () =>
      ({
        statement: async () => ({ version: 1, campaign: { title: { en: 'Video conferencing', fr: 'Vidéoconférence' }, authorities }, vendors: [] }),
        statementPdf: async () => undefined,
        title: async () => undefined,
      }) as never,
    revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
  });

  it('links back to its campaign’s statement page and gives the sign-in’s end in the campaign’s zone, in both languages', async () => {
    for (const [language, back, zone] of [
      ['en', 'Back to the statement: Video conferencing', '(Eastern Time)'],
      ['fr', 'Retour à la déclaration\u00a0: Vidéoconférence', '(heure de l’Est)'],
    ] as const) {
      const cookie = `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'p'.repeat(32), csrf: 't', language, user: AUDITOR, expiresAt: Date.now() + 3_600_000 })}`;
      const response = await app.request('/campaigns/vc/statement/published.en.pdf', { headers: { cookie } });
      expect(response.status).toBe(404);
      const html = await response.text();
      expect(html).toMatch(new RegExp(`<a href="/campaigns/vc/statement">${back}</a>`));
      const until = /<span class="until" id="sign-in-until">([^<]*)<\/span>/.exec(html)?.[1] ?? '';
      expect(until).toContain(zone);
      expect(until).not.toContain('UTC');
    }
  });
});

describe('a refused form, followed by a reload', () => {
  // The campaign signed the statement while the co-signatory wrote its comment: the campaign refuses it.
  const authorities = [{ id: 'opc', name: { en: 'OPC', fr: 'CPVP' }, lead: true }, { id: 'ico', name: { en: 'ICO', fr: 'ICO' } }];
  const sent: unknown[] = [];
  const app = createApp({
    config,
    signIn: {} as OidcSignIn,
    dossier: async () => ({}) as never,
    campaigns: async () =>
      ({
        status: async () => ({ campaignId: 'vc', reference: 'VC', phase: 'publishing', engagements: [], changeRequests: [], deliveryFailures: [], draft: { version: 1, date: '2026-11-27', approvals: [], pending: ['ico'], required: 2 } }),
        statement: async () => ({ version: 1, campaign: { title: { en: 'Video conferencing', fr: 'Vidéoconférence' }, authorities }, vendors: [] }),
        title: async () => undefined,
        statementChanges: async () => undefined,
        requestChanges: async (_campaign: string, input: unknown) => {
          sent.push(input);
          throw refused('campaign campaign:vc', 'There is no draft awaiting approval (phase publishing).');
        },
      }) as never,
    revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
  });
  const ivy = { id: 'i'.repeat(32), csrf: 'tok', language: 'en', user: { subject: 'ivy', name: 'Ivy', roles: ['co-signatory'], authorityId: 'ico' }, expiresAt: Date.now() + 3_600_000 };
  const sessionCookie = (response: Response, before: string) => /__Host-dossier_session=[^;]+/.exec(response.headers.get('set-cookie') ?? '')?.[0] ?? before;

  it('lands on the statement page’s own address with the refusal and the comment, and a reload reads the page without sending the form again', async () => {
    const signedIn = `__Host-dossier_session=${new CookieSealer(secret).seal(ivy)}`;
    const posted = await app.request('/campaigns/vc/statement/request-changes', {
      method: 'POST',
      headers: { cookie: signedIn, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: 'tok', version: '1', comment: 'A comment typed at length' }).toString(),
    });
    expect(posted.status).toBe(303);
    expect(posted.headers.get('location')).toBe('/campaigns/vc/statement');
    // The browser follows with the cookie the answer set: the page shows the refusal and gives back what was typed.
    const afterPost = sessionCookie(posted, signedIn);
    const landed = await app.request('/campaigns/vc/statement', { headers: { cookie: afterPost } });
    expect(landed.status).toBe(422);
    const html = await landed.text();
    expect(html).toContain('There is no draft awaiting approval (phase “being published”).');
    expect(html).toContain('>A comment typed at length</textarea>');
    expect(pageTitle(html)).toMatch(/^Error: /);
    // A reload is a GET of the same address: the page as it is, the form not sent again.
    const reloaded = await app.request('/campaigns/vc/statement', { headers: { cookie: sessionCookie(landed, afterPost) } });
    expect(reloaded.status).toBe(200);
    const again = await reloaded.text();
    expect(again).not.toContain('There is no draft awaiting approval');
    expect(again).not.toContain('A comment typed at length');
    expect(sent).toHaveLength(1);
    // Another session (a copy of the first cookie, before the page took the form) does not read it.
    const other = `__Host-dossier_session=${new CookieSealer(secret).seal({ ...ivy, id: 'o'.repeat(32), refusedForms: [] })}`;
    expect(await (await app.request('/campaigns/vc/statement', { headers: { cookie: other } })).text()).not.toContain('A comment typed at length');
  });
});

describe('withdrawing or concluding an engagement, confirmed first', () => {
  const calls: { withdraw: unknown[]; conclude: unknown[] } = { withdraw: [], conclude: [] };
  const { post } = engagementForms('awaiting-response', {
    withdraw: (async (_ref: unknown, input: unknown) => {
      calls.withdraw.push(input);
      return {};
    }) as never,
    conclude: (async (_ref: unknown, input: unknown) => {
      calls.conclude.push(input);
      return {};
    }) as never,
  });
  const findings = (): Record<string, string> => Object.fromEntries(PRINCIPLES.flatMap((p) => [[`assessment-${p}`, 'Met.'], [`assessment-${p}-fr`, 'Respecté.']]));

  it('withdraws nothing without the confirmation, says why by the box, focused, and keeps the reason typed, in English and French', async () => {
    for (const [language, sentence] of [
      ['en', 'Withdrawing ends this engagement for good: tick the confirmation to withdraw it.'],
      ['fr', 'Retirer le dossier y met fin pour de bon\u00a0: cochez la confirmation pour le retirer.'],
    ] as const) {
      calls.withdraw.length = 0;
      const response = await post('withdraw', { reason: 'The vendor left the market' }, language);
      expect(response.status, language).toBe(422);
      expect(calls.withdraw, language).toEqual([]);
      const html = await response.text();
      expect(html, language).toContain(`<p class="error" id="withdraw-confirm-error" role="alert" tabindex="-1">${sentence}</p>`);
      expect(html, language).toMatch(/<input type="checkbox" id="withdraw-confirm" name="confirm" value="yes" required aria-invalid="true" autofocus aria-describedby="withdraw-confirm-error">/);
      expect(html, language).toContain('value="The vendor left the market"');
    }
  });

  it('says on the withdrawal form what withdrawing does and that it cannot be undone, in English and French', async () => {
    const en = visibleText(await (await post('withdraw', { reason: '' }, 'en')).text());
    expect(en).toContain('I understand that the engagement with Zoom then ends as withdrawn, for good: it takes no more responses or requests, and this cannot be undone.');
    const fr = visibleText(await (await post('withdraw', { reason: '' }, 'fr')).text());
    expect(fr).toContain('Je comprends que le dossier de Zoom prend alors fin, retiré, pour de bon\u00a0: il n’accepte plus ni réponse ni demande, et c’est irréversible.');
  });

  it('withdraws once the confirmation is ticked', async () => {
    calls.withdraw.length = 0;
    const response = await post('withdraw', { reason: 'The vendor left the market', confirm: 'yes' }, 'en');
    expect(response.status).toBe(303);
    expect(calls.withdraw).toEqual([{ by: 'Owen (owen, signed in)', reason: 'The vendor left the market' }]);
  });

  it('concludes nothing without the confirmation, says why by the box and keeps the findings typed, in English and French', async () => {
    for (const [language, sentence, label] of [
      ['en', 'Concluding ends this engagement for good: tick the confirmation to conclude it.', 'I understand that the engagement with Zoom then ends, concluded with these findings, for good'],
      ['fr', 'Conclure le dossier y met fin pour de bon\u00a0: cochez la confirmation pour le conclure.', 'Je comprends que le dossier de Zoom prend alors fin, conclu avec ces constatations, pour de bon\u00a0:'],
    ] as const) {
      calls.conclude.length = 0;
      const response = await post('conclude', { ...findings(), 'practices-security': 'Encrypts recordings.' }, language);
      expect(response.status, language).toBe(422);
      expect(calls.conclude, language).toEqual([]);
      const html = await response.text();
      expect(html, language).toContain(`<p class="error" id="conclude-confirm-error" role="alert" tabindex="-1">${sentence}</p>`);
      expect(html, language).toMatch(/<input type="checkbox" id="conclude-confirm" name="confirm" value="yes" required aria-invalid="true" autofocus aria-describedby="conclude-confirm-error">/);
      expect(visibleText(html), language).toContain(label);
      expect(html, language).toContain('<textarea id="practices-security" name="practices-security" lang="en">Encrypts recordings.</textarea>');
    }
  });

  it('concludes once the confirmation is ticked', async () => {
    calls.conclude.length = 0;
    const response = await post('conclude', { ...findings(), confirm: 'yes' }, 'en');
    expect(response.status).toBe(303);
    expect(calls.conclude).toHaveLength(1);
  });
});

describe('closing or leaving out open engagements as the next version is submitted, confirmed first', () => {
  const by = 'Léa';
  const openOnes = () => {
    const kase = new CampaignCase({ campaign: testCampaign('vc'), vendors: [testVendor('zoom'), testVendor('cisco')], policy: fastPolicy(), approval: { kind: 'all' }, publication: { folder: 'vc', notifyVendors: true } }, 'edit-loop');
    kase.addEngagement(testVendor('zoom'), false);
    kase.addEngagement(testVendor('cisco'), false);
    kase.edit({ by, conclusions: { en: ['Done.'], fr: ['Fait.'] }, lessonsLearned: { en: ['Early.'], fr: ['Tôt.'] } });
    const sent: unknown[] = [];
    const post = leadStatementForms(kase, {
      draftStatement: (async (_campaign: string, _by: string, openCases: never) => {
        sent.push(openCases);
        return kase.status();
      }) as never,
    });
    return { kase, post, sent };
  };
  const decisions = {
    'open-zoom-action': 'close',
    'open-zoom-reason-en': 'No answer after two reminders.',
    'open-zoom-reason-fr': 'Aucune réponse après deux rappels.',
    'open-cisco-action': 'exclude',
    'open-cisco-reason-en': 'Out of scope.',
    'open-cisco-reason-fr': 'Hors du champ.',
  };

  it('ends no engagement without the confirmation, names those it would end and keeps what was typed, in English and French', async () => {
    for (const [language, sentence] of [
      ['en', 'Submitting this version ends these engagements for good: Vendor zoom; Vendor cisco. Tick the confirmation to submit it.'],
      ['fr', 'Soumettre cette version met fin pour de bon à ces dossiers\u00a0: Vendor zoom\u202f; Vendor cisco. Cochez la confirmation pour la soumettre.'],
    ] as const) {
      const { post, sent } = openOnes();
      const response = await post('draft', decisions, language);
      expect(response.status, language).toBe(422);
      expect(sent, language).toEqual([]);
      const html = await response.text();
      expect(html, language).toContain(`<p class="error" id="draft-confirm-open-cases-error" role="alert" tabindex="-1">${sentence}</p>`);
      expect(html, language).toMatch(/<input type="checkbox" id="draft-confirm-open-cases" name="confirm-open-cases" value="yes" aria-invalid="true" autofocus aria-describedby="draft-confirm-open-cases-error">/);
      expect(html, language).toContain('<option value="close" selected>');
      expect(html, language).toContain('<option value="exclude" selected>');
      expect(html, language).toContain('>No answer after two reminders.</textarea>');
    }
  });

  it('says by the open engagements what closing or leaving one out does and that it cannot be undone', async () => {
    const { post } = openOnes();
    const html = await (await post('draft', decisions)).text();
    expect(visibleText(html)).toContain('I understand that each engagement I close or leave out above ends for good when this version is submitted: it takes no more responses or requests, and this cannot be undone.');
  });

  it('sends the decisions once the confirmation is ticked', async () => {
    const { post, sent } = openOnes();
    const response = await post('draft', { ...decisions, 'confirm-open-cases': 'yes' });
    expect(response.status).toBe(303);
    expect(sent).toEqual([
      [
        { vendorId: 'zoom', action: 'close', reason: { en: 'No answer after two reminders.', fr: 'Aucune réponse après deux rappels.' } },
        { vendorId: 'cisco', action: 'exclude', reason: { en: 'Out of scope.', fr: 'Hors du champ.' } },
      ],
    ]);
  });
});

describe('starting a campaign from its file, confirmed first', () => {
  const started: unknown[] = [];
  const app = createWebApp({
    config,
    signIn: {} as OidcSignIn,
    dossier: async () => ({}) as never,
    campaigns: async () => ({ start: async (input: unknown) => void started.push(input) }) as never,
    revokedSessions: () => ({ revoke: async () => {}, isRevoked: async () => false }),
  });
  const cookieIn = (language: string) =>
    `__Host-dossier_session=${new CookieSealer(secret).seal({ id: 'u'.repeat(32), csrf: 'tok', language, user: { subject: 'lea', name: 'Léa', roles: ['lead-officer'] }, expiresAt: Date.now() + FILE_SESSION_MS })}`;
  const yaml = readFileSync(join(__dirname, '..', 'fixtures', 'cli', 'campaign.yaml'), 'utf8');
  const send = (fields: Record<string, string>, file?: string, language = 'en') => {
    const body = new FormData();
    body.set('_csrf', 'tok');
    for (const [k, v] of Object.entries(fields)) body.set(k, v);
    if (file !== undefined) body.set('campaignFile', new File([file], 'campaign.yaml', { type: 'text/yaml' }));
    return app.request('/campaigns', { method: 'POST', headers: { cookie: cookieIn(language) }, body });
  };
  const hidden = (html: string, name: string) => {
    const value = new RegExp(`<input type="hidden" name="${name}" value="([^"]*)">`).exec(html)?.[1];
    return value?.replace(/&#x([0-9A-F]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16))).replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#x27;|&#39;/g, "'").replace(/&#x3D;/g, '=').replace(/&#x60;/g, '`');
  };

  it('starts nothing on a file that checks out, and asks as a plain question, not an error, naming the companies the letters go to, in English and French', async () => {
    for (const [language, sentence, label] of [
      ['en', 'The file “campaign.yaml” checks out. Starting it sends the open letters now: tick the confirmation to send them.', 'I understand the open letters go to 3 companies now (Zoom; Cisco; Houseparty); this cannot be undone.'],
      ['fr', 'Le fichier «\u202fcampaign.yaml\u202f» est vérifié. Le lancer envoie maintenant les lettres ouvertes\u00a0: cochez la confirmation pour les envoyer.', 'Je comprends que les lettres ouvertes partent maintenant à 3 entreprises (Zoom\u202f; Cisco\u202f; Houseparty)\u202f; c’est irréversible.'],
    ] as const) {
      started.length = 0;
      const response = await send({}, yaml, language);
      expect(response.status, language).toBe(200);
      expect(started, language).toEqual([]);
      const html = await response.text();
      expect(html, language).toContain(`<p id="campaign-confirm-question">${sentence}</p>`);
      expect(html, language).toContain(`<label for="campaign-confirm">${label}</label>`);
      expect(html, language).toMatch(/<input type="checkbox" id="campaign-confirm" name="confirm" value="yes" required autofocus aria-describedby="campaign-confirm-question">/);
      expect(html, language).not.toMatch(/aria-invalid|role="alert"|class="error"/);
      expect(pageTitle(html), language).not.toMatch(/^(Error|Erreur)/);
      // The file is kept in the form: nothing to choose again.
      expect(hidden(html, 'campaignText'), language).toBe(yaml);
    }
  });

  it('starts the file kept in the form once confirmed, even sent back with CRLF line ends', async () => {
    started.length = 0;
    const html = await (await send({}, yaml)).text();
    const kept = { campaignFileName: hidden(html, 'campaignFileName')!, campaignText: hidden(html, 'campaignText')!.replace(/\n/g, '\r\n'), confirms: hidden(html, 'confirms')! };
    const response = await send({ ...kept, confirm: 'yes' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/campaigns/cli-test');
    expect(started).toHaveLength(1);
  });

  it('starts a file just under the size limit once confirmed, though the browser sends it back with CRLF (one byte more a line)', async () => {
    started.length = 0;
    const line = '# padding\n';
    const big = yaml + line.repeat(Math.floor((999_000 - Buffer.byteLength(yaml)) / line.length));
    expect(Buffer.byteLength(big)).toBeLessThan(1_000_000);
    const html = await (await send({}, big)).text();
    const kept = { campaignFileName: hidden(html, 'campaignFileName')!, campaignText: hidden(html, 'campaignText')!.replace(/\n/g, '\r\n'), confirms: hidden(html, 'confirms')! };
    expect(Buffer.byteLength(kept.campaignText)).toBeGreaterThan(1_000_000);
    const response = await send({ ...kept, confirm: 'yes' });
    expect(response.status).toBe(303);
    expect(started).toHaveLength(1);
  });

  it('says it is an error when the confirmation comes back unticked, in English and French, and starts nothing', async () => {
    for (const [language, sentence] of [
      ['en', 'The confirmation was not ticked, so nothing was sent: tick it to send the open letters of “campaign.yaml”.'],
      ['fr', 'La confirmation n’a pas été cochée, rien n’a donc été envoyé\u00a0: cochez-la pour envoyer les lettres ouvertes de «\u202fcampaign.yaml\u202f».'],
    ] as const) {
      started.length = 0;
      const html = await (await send({}, yaml, language)).text();
      const response = await send({ campaignFileName: hidden(html, 'campaignFileName')!, campaignText: hidden(html, 'campaignText')!, confirms: hidden(html, 'confirms')! }, undefined, language);
      expect(response.status, language).toBe(422);
      expect(started, language).toEqual([]);
      const again = await response.text();
      expect(again, language).toContain(`<p class="error" id="campaign-confirm-error" role="alert" tabindex="-1">${sentence}</p>`);
      expect(again, language).toMatch(/<input type="checkbox" id="campaign-confirm" name="confirm" value="yes" required aria-invalid="true" autofocus aria-describedby="campaign-confirm-error campaign-confirm-question">/);
      expect(pageTitle(again), language).toMatch(/^(Error|Erreur)/);
    }
  });

  it('starts nothing on a file sent ticked but without the digest of the file confirmed, and asks about that file', async () => {
    started.length = 0;
    // As a hand-made request sends it: the file and the tick at once, never shown the question.
    const response = await send({ confirm: 'yes' }, yaml);
    expect(started).toEqual([]);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<p id="campaign-confirm-question">The file “campaign.yaml” checks out.');
    expect(hidden(html, 'confirms')).toBe(createHash('sha256').update(yaml).digest('hex'));
  });

  it('asks again, as an error, when another file comes with a confirmation given for the one kept', async () => {
    for (const [language, sentence] of [
      ['en', 'The file sent is not the one confirmed, so nothing was sent: “campaign.yaml” has been checked instead; read whom its letters go to, then tick the confirmation to send them.'],
      ['fr', 'Le fichier envoyé n’est pas celui qui a été confirmé, rien n’a donc été envoyé\u00a0: c’est «\u202fcampaign.yaml\u202f» qui a été vérifié\u202f; lisez à qui partent ses lettres, puis cochez la confirmation pour les envoyer.'],
    ] as const) {
      started.length = 0;
      const html = await (await send({}, yaml, language)).text();
      const other = yaml.replace('name: Houseparty', 'name: Houseparty Inc');
      const response = await send({ confirms: hidden(html, 'confirms')!, confirm: 'yes' }, other, language);
      expect(response.status, language).toBe(422);
      expect(started, language).toEqual([]);
      const again = await response.text();
      expect(again, language).toContain('Houseparty Inc)');
      expect(again, language).toContain(`<p class="error" id="campaign-confirm-error" role="alert" tabindex="-1">${sentence}</p>`);
      expect(hidden(again, 'confirms'), language).toBe(createHash('sha256').update(other).digest('hex'));
    }
  });
});
