// The workspace's HTTP application (Hono): security headers on every response, the sealed session
// cookie, CSRF on every form, sign-in through OpenID Connect, and the pages (web/pages/). Each page
// and action asks `access.ts` on the server whether the signed-in user may see or do it; what the
// case allows is left to the workflows, reached through the same typed client API as the CLI.
import { createHash, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { bodyLimit } from 'hono/body-limit';
import { Hono, type Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { CampaignClient } from '../client/campaign-api';
import type { DossierClient } from '../client/api';
import type { Intake } from '../intake/intake';
import type { SentMailReader } from '../client/sent-mail';
import type { ReceivedDocumentReader } from '../client/received-documents';
import type { LateReplyReader } from '../client/late-replies';
import { MAX_ATTACHED_FILE_BYTES, type DocumentKeeper } from '../client/response-files';
import type { RevokedSessions, TokenRefreshes, UserPreferences } from '../client/revoked-sessions';
import { ClientErrorCode, DossierClientError } from '../client/errors';
import { signedInActor } from '../client/identity';
import { authorityReading } from '../client/authority-names';
import { MAX_LETTER_COPY_BYTES } from '../client/letter-copy';
import { errorCode } from '../workflows/errors';
import { refusalDetails } from '../workflows/refusals';
import { storeFault } from '../client/shared-store';
import { ID_PATTERN, type Language } from '../workflows/types';
import { can, type Permission } from './access';
import { actingAs } from './acting-as';
import { DEFAULT_ROLES_CHECK_MINUTES, type WebConfig } from './config';
import { isLanguage, MAX_RESPONSE_FILES_BYTES, megabytes, textFields } from './forms';
import { SignInError, SignInNeedsThePerson, SignInWithdrawn, type OidcSignIn } from './oidc';
import { registerPages } from './pages';
import { refusalSentence, wordedRefusal } from './refusals';
import { CookieSealer, newCsrfToken, newSessionId, sameToken, type PendingSignIn, type Session, type SignedInUser } from './session';
import { inProcessRefusedForms, MAX_REFUSED_FORMS, newRefusedFormId, REFUSED_FORM_MS, type RefusedForm, type RefusedFormStore } from './refused-forms';
import { ICON_SVG, STYLESHEET } from './stylesheet';
import { inProcessRefreshes, recheckOncePerToken } from './token-refresh';
import { loadViews, type Views } from './views';

export interface WebDeps {
  config: WebConfig;
  signIn: OidcSignIn;
  /** The typed client APIs, connected on first use. */
  dossier(): Promise<DossierClient>;
  campaigns(): Promise<CampaignClient>;
  /**
   * The case mailbox's holding pen, opened for one request (the same Intake the CLI's `inbox`
   * commands use); absent where the workspace has no mailbox configured.
   */
  holdingPen?(): Promise<HoldingPen>;
  /** The kept copy of a message sent on an engagement, by its step (client/sent-mail.ts). */
  sentMail?: SentMailReader;
  /** A document a vendor sent, decrypted from the document store (client/received-documents.ts). */
  receivedDocument?: ReceivedDocumentReader;
  /** Replies attached to ended cases' records, shown with them (client/late-replies.ts); none where absent. */
  lateReplies?: LateReplyReader;
  /**
   * Keeps the files an officer uploads with a vendor's response in the document store, as the CLI's
   * `respond --attach` does (client/response-files.ts); absent, the respond form takes no files.
   */
  keepDocuments?: DocumentKeeper;
  /**
   * The published files (the output folder, or the shared store): the published statement is served
   * as the campaign wrote it, not rendered again by code that may have changed since.
   */
  publishedFiles?(): { read(path: string): Promise<Uint8Array | undefined> };
  /** Sessions signed out before they expire, in the shared store every web process reads. */
  revokedSessions(): RevokedSessions;
  /**
   * Refreshes of sessions' refresh tokens, in the same shared store, so that of the requests carrying
   * one old token (two tabs, two hosts) only one asks the provider; absent, this process's own.
   */
  tokenRefreshes?(): TokenRefreshes;
  /** Refused forms waiting for their page (web/refused-forms.ts), in the shared store every web process reads; absent, this process's own. */
  refusedForms?(): RefusedFormStore;
  /** What each user chose for themselves (their language), in the shared store; absent, this process's own. */
  userPreferences?(): UserPreferences;
  views?: Views;
  now?: () => Date;
  /** Rows per page of a campaign's board (default 100). */
  boardPageSize?: number;
  /** The setting that names the shared store (`storeSettingOf`), for the log line saying it did not answer. */
  storeSetting?: string;
}

export interface HoldingPen {
  intake: Pick<Intake, 'held' | 'read' | 'attachment' | 'assign' | 'attachLate' | 'dismiss' | 'fate'>;
  close(): Promise<void>;
}

export type WebEnv = {
  Variables: {
    session: Session;
    language: Language;
    /** Set once the body was read for the CSRF check, so handlers do not read it twice. */
    body: Record<string, string | File | (string | File)[]>;
    sessionChanged: boolean;
  };
};

/** A request the signed-in user may not make: answered 403, whatever the page showed. */
export class AccessRefused extends Error {
  readonly code = 'AccessRefused';
}

export class SignInRequired extends Error {
  readonly code = 'SignInRequired';
}

/**
 * The largest request body accepted: a campaign file (1 MB) or a statement's summaries for every
 * vendor, percent-encoded, which Temporal's 2 MB payload limit bounds long before this.
 */
const MAX_REQUEST_BYTES = 16 * 1024 * 1024;
/** Where the statement page puts back a vendor's letter copy (web/pages.ts), whose upload has a limit of its own. */
const LETTER_COPY_UPLOAD_PATH = '/campaigns/:campaign/statement/letter-copy';
/** The upload form's fields beside its file (CSRF token, vendor id) and the multipart boundaries between them. */
const LETTER_COPY_FORM_BYTES = 64 * 1024;
/** Where the engagement page records a vendor's response, with the files it sent (web/pages.ts). */
const RESPONSE_UPLOAD_PATH = /^\/campaigns\/[^/]+\/engagements\/[^/]+\/respond$/;
/**
 * The respond form's fields beside its files: a summary of 20,000 characters and a hundred file names
 * of 255, in three-byte UTF-8, are under 200 KB with their multipart boundaries.
 */
const RESPONSE_FORM_BYTES = 1024 * 1024;

/**
 * The workspace's cookies by their plain names. Served over HTTPS each is named `__Host-<name>`:
 * the browser then keeps only one set by this very host, Secure, for the whole site, so a sibling
 * subdomain (the same site) cannot plant its own sign-in state or session in it. On plain
 * http://localhost for development the prefix would be refused, so the plain names stay there.
 */
const COOKIES = {
  session: 'dossier_session',
  /** One a sign-in begun and not yet finished, named `<this>_<digest of its state>` (signInCookie). */
  signIn: 'dossier_sign_in',
  /**
   * Left by a sign-out so the next sign-in in this browser asks the provider for credentials again,
   * for a provider that cannot end its own session or a user who chose to stay signed in there. A day
   * outlasts the provider sessions a regulator would configure for its staff.
   */
  signedOut: 'dossier_signed_out',
  /**
   * The language last chosen in this browser, kept apart from the session, which lapses after hours:
   * a form sent after its sign-in lapsed, and the sign-in after it, come in the language the user chose.
   */
  language: 'dossier_language',
} as const;
const SIGNED_OUT_SECONDS = 24 * 3600;
/**
 * How long the browser keeps a session's cookie past the session's end (which the sealed value
 * holds, and alone decides): a form sent after the sign-in lapsed is known as that person's, whose
 * next sign-in keeps the CSRF token of the pages they left open.
 */
const LAPSED_SIGN_IN_SECONDS = 24 * 3600;
/**
 * Sign-ins one browser may have begun at once (a tab each) before the oldest is forgotten: a page
 * that sends the browser round and round grows no more cookies than this (and tabs that begin theirs
 * at the very same moment, this and one each).
 */
const MAX_SIGN_INS_WAITING = 5;
const LANGUAGE_SECONDS = 365 * 24 * 3600;
/**
 * How long before a sign-in ends its pages say so, with a link that signs in again through the
 * provider (at once while the provider's session lasts) and comes back: time to send a form being
 * filled in, or to renew first. Without script a page cannot warn while it is open, only when loaded.
 */
const SESSION_ENDING_MS = 15 * 60_000;
/** Key errors (encryption/keystore.ts) a page answers as a setting of this workspace to fix, by code. */
const KEY_PROBLEM_PAGES: Record<string, string> = {
  KeyNotInStore: 'error.key-not-in-store',
  MasterKeyMissing: 'error.master-key-missing',
  MasterKeyMismatch: 'error.master-key-missing',
};
/**
 * Steps of signing in and out, and asset paths (the stylesheet and the icon are served before the
 * session is read; a missing asset is no page): never sent round the provider to re-check the roles.
 */
const SIGN_IN_STEPS = /^\/(auth\/|login|logout|signed-out|static\/)/;

export function createWebApp(deps: WebDeps): Hono<WebEnv> {
  const views = deps.views ?? loadViews();
  const sealer = new CookieSealer(deps.config.sessionSecret);
  const secure = deps.config.publicUrl.startsWith('https:') || /^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(`${deps.config.publicUrl}/`);
  const cookie = { httpOnly: true, secure, sameSite: 'Lax' as const, path: '/' };
  const hostOnly = deps.config.publicUrl.startsWith('https:');
  const named = Object.fromEntries(Object.entries(COOKIES).map(([key, name]) => [key, hostOnly ? `__Host-${name}` : name])) as Record<keyof typeof COOKIES, string>;
  const languageCookie = (c: Context<WebEnv>): Language | undefined => {
    const value = getCookie(c, named.language);
    return isLanguage(value) ? value : undefined;
  };
  const sessionMs = deps.config.sessionHours * 3_600_000;
  const rolesCheckMs = (deps.config.rolesCheckMinutes ?? DEFAULT_ROLES_CHECK_MINUTES) * 60_000;
  // Signing out posts a form that ends on the provider's end-session page: form-action allows it.
  const provider = new URL(deps.config.issuer).origin;
  const formAction = `'self' ${provider}`;
  const ownRefreshes = deps.tokenRefreshes ? undefined : inProcessRefreshes();
  const recheck = recheckOncePerToken(deps.signIn, deps.tokenRefreshes ?? (() => ownRefreshes!), sealer, rolesCheckMs);
  const ownPreferences = deps.userPreferences ? undefined : inProcessPreferences();
  const userPreferences = deps.userPreferences ?? (() => ownPreferences!);
  // A store out of reach costs the person their choice on other browsers, not the page: this browser
  // keeps it in its session and cookie, and the log says what was not kept.
  async function rememberedLanguage(c: Context<WebEnv>, subject: string): Promise<Language | undefined> {
    try {
      const remembered = await userPreferences().language(subject);
      return isLanguage(remembered) ? remembered : undefined;
    } catch (err) {
      console.error(`web: ${requestLine(c)}: the language ${loggable(subject)} chose was not read, this browser's is used: ${loggableError(err)}`);
      return undefined;
    }
  }
  async function rememberLanguage(c: Context<WebEnv>, subject: string, language: Language): Promise<void> {
    try {
      await userPreferences().setLanguage(subject, language);
    } catch (err) {
      console.error(`web: ${requestLine(c)}: the language ${loggable(subject)} chose was kept for this browser only: ${loggableError(err)}`);
    }
  }
  const app = new Hono<WebEnv>();
  const storeFaultWords = (fault: Error) => `the shared store (${deps.storeSetting ?? 'DATABASE_URL'}) cannot be reached: ${loggable(fault.message)}`;

  app.use('*', async (c, next) => {
    await next();
    // Nothing but this origin's own stylesheet and forms (and the provider's, where signing out ends);
    // no script at all.
    c.header(
      'Content-Security-Policy',
      `default-src 'none'; style-src 'self'; img-src 'self'; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
    );
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'same-origin');
    c.header('X-Frame-Options', 'DENY');
    // Another site's window gets no handle on a workspace page it opened (or that opened it), and no
    // page of another origin may load a workspace response as an image, script or embed: a sibling
    // subdomain is the same site, so its requests carry the SameSite=Lax cookie.
    c.header('Cross-Origin-Opener-Policy', 'same-origin');
    c.header('Cross-Origin-Resource-Policy', 'same-origin');
    // Served over HTTPS, the browser is told never to come back over plain HTTP (cookies included).
    if (deps.config.publicUrl.startsWith('https:')) c.header('Strict-Transport-Security', 'max-age=31536000');
    // A page is no-store; what a route says of its own caching (the icon) stands.
    if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store');
  });

  // The stylesheet and the icon are the same for everyone: served before the session is read, a
  // fetch of them neither asks the shared store whether a session was signed out (nor fails with it),
  // nor re-checks roles at the provider, nor writes a cookie a browser with none did not ask for.
  app.get('/static/web.css', (c) => {
    c.header('Content-Type', 'text/css; charset=utf-8');
    return c.body(STYLESHEET);
  });
  // The layout names this icon; `/favicon.ico` answers with it too, for what a browser asks of a page that names none (a PDF).
  for (const path of ['/static/icon.svg', '/favicon.ico']) {
    app.get(path, (c) => {
      c.header('Content-Type', 'image/svg+xml');
      c.header('Cache-Control', 'max-age=86400');
      return c.body(ICON_SVG);
    });
  }

  app.use('*', async (c, next) => {
    const now = Date.now();
    const sealed = getCookie(c, named.session);
    let session = sealer.open<Session>(sealed, now);
    // A sign-in that lapsed here (not one signed out) leaves its CSRF token to the session with no
    // one signed in that follows, for the same person's next sign-in (Session.lapsedSubject).
    const lapsed = session ? undefined : sealer.openLapsed<Session>(sealed);
    const lapsedSubject = lapsed?.user?.subject ?? lapsed?.lapsedSubject;
    // The language chosen outlives the sign-in it was chosen in: a session signed out elsewhere
    // keeps it, and an expired one (a cookie the browser no longer sends) leaves it in its own cookie.
    const chosen = session?.language ?? languageCookie(c);
    // Signed in only while not signed out: a copy of the cookie dies with its sign-out. A cookie
    // sealed before sessions had ids cannot be revoked, so it signs in again. With the store out of
    // reach nobody is let in, and the cookie is left as it is, except by a sign-out: the browser left
    // at a shared desk is signed out whatever the store says (the sign-out answers 503 if it cannot
    // record the revocation for other copies).
    const signingOut = c.req.method === 'POST' && c.req.path === '/logout';
    let unavailable: unknown;
    let unavailableFor = 'cannot tell whether the session was signed out';
    if (session?.user && !signingOut) {
      try {
        if (!session.id || (await deps.revokedSessions().isRevoked(session.id))) session = undefined;
      } catch (err) {
        unavailable = err;
      }
    }
    // The roles a session was signed in with hold until the provider is asked again, every
    // rolesCheckMs: a role withdrawn there, or the account disabled, ends here within minutes. A
    // provider out of reach leaves the roles last read for one more interval (a page read or a form
    // sent meanwhile is not lost to a blip), and after that lets nobody in.
    let rolesChanged = false;
    let providerUnreachable: unknown;
    if (session?.user && session.refreshToken && !signingOut && !unavailable && now >= (session.rolesCheckedAt ?? 0) + rolesCheckMs) {
      const { user, refreshToken, rolesCheckedAt = 0 } = session;
      try {
        const held = await recheck(refreshToken, user.subject, session.expiresAt);
        if (held.roles.length) {
          session = { ...session, user: { ...user, roles: held.roles, authorityId: held.authorityId }, refreshToken: held.refreshToken ?? refreshToken, rolesCheckedAt: held.checkedAt };
          rolesChanged = true;
        } else {
          console.error(`web: ${requestLine(c)}: the session of ${loggable(user.subject)} ended: the identity provider grants it no role any more`);
          session = undefined;
        }
      } catch (err) {
        if (err instanceof SignInWithdrawn) {
          // An ordinary end (an account disabled, a grant revoked, a development provider restarted):
          // one line, as the log's other entries; a stack would only say where the answer was read.
          console.error(`web: ${requestLine(c)}: the session of ${loggable(user.subject)} ended: ${loggable(err.message)}`);
          session = undefined;
        } else if (err instanceof DossierClientError && err.code === ClientErrorCode.ServerUnreachable) {
          // The store that keeps one refresh per old token (web/token-refresh.ts) is out of reach:
          // asking the provider anyway could spend a token another host is spending too.
          unavailable = err;
          unavailableFor = 'cannot claim the re-check of the roles in the shared store';
        } else if (now < rolesCheckedAt + 2 * rolesCheckMs) {
          console.error(`web: ${requestLine(c)}: roles of ${loggable(user.subject)} kept as last read, the provider did not answer: ${loggableError(err)}`);
        } else providerUnreachable = err;
      }
    }
    // A session signed in without a refresh token (a provider that gives none without offline access)
    // has its roles asked again through the browser: a page asked for once they are due goes by the
    // provider with `prompt=none`, which answers at once while its own session lasts and comes back to
    // that page (/auth/callback). A form cannot make that trip without losing what was typed: it is let
    // through on the roles last read for one more interval, as when the provider is out of reach, and
    // after that is answered as a lapsed sign-in is, with what was typed, the cookie left as it is (a
    // change of language meanwhile keeps whose it was) so that signing in again as the same person
    // keeps its CSRF token.
    let askSilently = false;
    let rolesOverdue = false;
    // (A cookie sealed before roles were re-checked at all carries no rolesCheckedAt: as before, it
    // lasts until it expires.)
    if (session?.user && !session.refreshToken && session.rolesCheckedAt !== undefined && !signingOut && !unavailable && now >= session.rolesCheckedAt + rolesCheckMs) {
      if (c.req.method === 'GET' && !SIGN_IN_STEPS.test(c.req.path)) askSilently = true;
      else if (now >= session.rolesCheckedAt + 2 * rolesCheckMs) rolesOverdue = true;
    }
    c.set(
      'session',
      unavailable || providerUnreachable || !session
        ? lapsedSubject && lapsed?.csrf
          ? { csrf: lapsed.csrf, lapsedSubject, expiresAt: now + sessionMs }
          : { csrf: newCsrfToken(), expiresAt: now + sessionMs }
        : rolesOverdue
          ? { csrf: session.csrf, language: session.language, lapsedSubject: session.user!.subject, expiresAt: session.expiresAt }
          : session,
    );
    c.set('sessionChanged', (!session || rolesChanged) && !unavailable && !providerUnreachable);
    c.set('language', chosen ?? preferredLanguage(c.req.header('accept-language')));
    if (unavailable) {
      const fault = storeFault(unavailable);
      console.error(`web: ${requestLine(c)}: ${unavailableFor}: ${fault ? storeFaultWords(fault) : loggableError(unavailable)}`);
      c.res = c.html(page(c, 'error', { title: views.text(c.get('language'), 'error.unavailable.title'), messageKey: fault ? 'error.store-unavailable' : 'error.unavailable' }), 503);
    } else if (providerUnreachable) c.res = signInFailed(c, providerUnreachable, 'error.sign-in-unreachable', 503);
    else if (askSilently) {
      const asked = await askRolesSilently(c, session!);
      if (asked) c.res = asked;
      else await next();
    } else await next();
    if (c.get('sessionChanged')) setCookie(c, named.session, sealer.seal(c.get('session')), { ...cookie, maxAge: Math.floor(sessionMs / 1000) + LAPSED_SIGN_IN_SECONDS });
    const language = c.get('session').language;
    if (language && language !== languageCookie(c)) setCookie(c, named.language, language, { ...cookie, maxAge: LANGUAGE_SECONDS });
  });

  // A letter copy put back is at most MAX_LETTER_COPY_BYTES: its upload is refused as it streams in
  // past that (and the form's few fields), before the workspace's own limit below reads it whole.
  app.use(
    LETTER_COPY_UPLOAD_PATH,
    bodyLimit({
      maxSize: MAX_LETTER_COPY_BYTES + LETTER_COPY_FORM_BYTES,
      onError: (c) => c.html(page(c, 'error', { title: views.text(c.get('language'), 'error.too-large.title'), messageKey: 'error.letter-copy-too-large' }), 413),
    }),
  );

  // A body is read whole before anything else looks at it: past the largest form the workspace
  // takes, the request is refused as it streams in, so no one fills the server's memory. A response's
  // files, each as large as the CLI's --attach takes, come in larger, from someone signed in only.
  const requestLimit = bodyLimit({
    maxSize: MAX_REQUEST_BYTES,
    onError: (c) => c.html(page(c, 'error', { title: views.text(c.get('language'), 'error.too-large.title'), messageKey: 'error.too-large' }), 413),
  });
  const responseUploadLimit = bodyLimit({
    maxSize: MAX_RESPONSE_FILES_BYTES + RESPONSE_FORM_BYTES,
    onError: (c) => {
      const language = c.get('language');
      const word = (l: Language, key: string, values: object) => views.text(l, key, values);
      const sizes = { perFile: megabytes(MAX_ATTACHED_FILE_BYTES, language, word), together: megabytes(MAX_RESPONSE_FILES_BYTES, language, word) };
      const backTo = { href: formPage(c.req.path), text: views.text(language, 'error.back-to-engagement') };
      return c.html(page(c, 'error', { title: views.text(language, 'error.too-large.title'), messageKey: 'error.response-files-too-large', detail: views.text(language, 'error.response-files-sizes', sizes), detailWorded: true, backTo }), 413);
    },
  });
  app.use('*', (c, next) => (c.get('session').user && RESPONSE_UPLOAD_PATH.test(c.req.path) ? responseUploadLimit : requestLimit)(c, next));

  // Every POST carries the session's CSRF token: a form posted from another site is refused.
  app.use('*', async (c, next) => {
    if (c.req.method !== 'POST') return next();
    // No page of the workspace sends a body that cannot be read (a multipart body with no boundary, or
    // a broken one): it is refused as a forged form, not answered as the workspace's own fault (500).
    const body = (await c.req.parseBody({ all: true }).catch(() => undefined)) as WebEnv['Variables']['body'] | undefined;
    if (!body) return c.html(page(c, 'error', { title: views.text(c.get('language'), 'error.csrf.title'), messageKey: 'error.csrf' }), 400);
    c.set('body', body);
    // A form sent after its sign-in lapsed (expired, or signed out elsewhere) meets a fresh session
    // whose token it cannot carry: it is told to sign in, not that the form was forged. Nothing is
    // done for it either way; changing the language and signing out need no one signed in.
    if (!c.get('session').user && c.req.path !== '/language' && c.req.path !== '/logout') {
      const language = c.get('language');
      // What was typed comes back only to a form of this site: another site could otherwise make a
      // workspace page show any text it likes.
      const typed = fromThisSite(c, deps.config.publicUrl) ? typedFields(c, views) : undefined;
      return c.html(page(c, 'error', { title: views.text(language, 'error.sign-in.title'), messageKey: 'error.sign-in-required', typed, formKept: true }), 401);
    }
    if (!sameToken(c.get('session').csrf, body._csrf)) {
      return c.html(page(c, 'error', { title: views.text(c.get('language'), 'error.csrf.title'), messageKey: 'error.csrf' }), 403);
    }
    return next();
  });

  // What a signed-in user's request asks of Temporal carries them as its identity (web/acting-as.ts).
  app.use('*', async (c, next) => {
    const user = c.get('session').user;
    return user ? actingAs(actorName(user), next) : next();
  });

  const page = (c: Context<WebEnv>, name: string, view: object) => {
    const session = c.get('session');
    // Where a change of language returns: this page with its sort, page and filter; after a refused
    // form (a POST), the page its action belongs to, which the form's path names up to the action.
    const returnTo = c.req.method === 'GET' ? `${c.req.path}${new URL(c.req.url).search}` : formPage(c.req.path);
    // The title the browser's tab and a screen reader give first: the page's own (`headTitle`, else
    // its heading's), said to be an error when a form on it was refused.
    const { title, headTitle = title } = view as { title?: string; headTitle?: string };
    return views.render(name, c.get('language'), {
      ...view,
      headTitle: formRefused(view) ? views.text(c.get('language'), 'layout.title-refused', { title: headTitle }) : headTitle,
      user: session.user,
      csrf: session.csrf,
      returnTo,
      // Signing in comes back here too (a form sent after the sign-in lapsed: the co-signatory's
      // statement page, as its approval email's link did), but never to a step of signing in or out,
      // whose callback code is good once.
      signInPath: /^\/(auth\/|login|logout|signed-out)/.test(c.req.path) ? '/login' : `/login?returnTo=${encodeURIComponent(returnTo)}`,
      roleKeys: session.user?.roles.map((r) => `role.${r}`),
      authorityShown: authorityShown(session, c.get('language'), views),
      canReadCases: session.user ? can(session.user.roles, 'read-cases') : false,
      // When the sign-in ends, in the header of every page: a page left open cannot warn without script.
      signedInUntil: session.user ? new Date(session.expiresAt).toISOString() : undefined,
      // In its last minutes a sign-in says on every page when it ends, with a way to go on (WCAG 2.2.1).
      sessionEndsAt: session.user && session.expiresAt - Date.now() <= SESSION_ENDING_MS ? new Date(session.expiresAt).toISOString() : undefined,
    });
  };

  /**
   * A sign-in the provider refused (its callback's error, a code it would not exchange) or that could
   * not reach it. The provider's words are written for its administrator, and may name its hosts or
   * an account's state: the page says what to do in its own words, with a reference the user can
   * quote, and the log keeps the provider's words under that reference, on one line.
   */
  const signInFailed = (c: Context<WebEnv>, err: unknown, messageKey: string, status: 400 | 502 | 503) => {
    const reference = randomBytes(4).toString('hex').toUpperCase();
    // The provider's answer (a locked account, a cancelled consent) says it all, on one line; so does
    // a provider out of reach (SignInError names it and why); a fault here keeps its stack.
    const words = providerWords(err);
    const said = words ? loggable(String(err)) : err instanceof SignInError ? `${err.code}: ${loggable(err.message)}` : loggableError(err);
    console.error(`web: ${requestLine(c)}: sign-in failed, reference ${reference}: ${words}${said}`);
    const language = c.get('language');
    const detail = views.text(language, 'error.sign-in-reference', { reference });
    return c.html(page(c, 'error', { title: views.text(language, 'error.sign-in.title'), messageKey, detail, detailWorded: true }), status);
  };

  /**
   * Sends the browser to the provider for a sign-in that shows no page, to come back to the page asked
   * for with the roles held now. Undefined (the page is served on the roles last read) while the
   * provider that cannot be reached is one interval overdue at most; after that, the page says so.
   */
  const askRolesSilently = async (c: Context<WebEnv>, session: Session): Promise<Response | undefined> => {
    const asked = new URL(c.req.url);
    try {
      const { url, pending } = await deps.signIn.begin(sameSiteReturnPath(`${asked.pathname}${asked.search}`), c.get('language'), { silent: true });
      keepSignIn(c, pending);
      return c.redirect(url.href, 302);
    } catch (err) {
      if (Date.now() >= (session.rolesCheckedAt ?? 0) + 2 * rolesCheckMs) return signInFailed(c, err, 'error.sign-in-unreachable', 503);
      console.error(`web: ${requestLine(c)}: roles of ${loggable(session.user!.subject)} kept as last read, the provider did not answer: ${loggableError(err)}`);
      return undefined;
    }
  };

  app.get('/login', async (c) => {
    const returnTo = sameSiteReturnPath(c.req.query('returnTo'));
    // A sign-out made before the cookies had their __Host- names left its mark under the plain one:
    // still honoured (a mark planted there can only make a sign-in ask for credentials).
    const reauthenticate = getCookie(c, named.signedOut) !== undefined || getCookie(c, COOKIES.signedOut) !== undefined;
    const { url, pending } = await deps.signIn.begin(returnTo, c.get('language'), { reauthenticate });
    keepSignIn(c, pending);
    return c.redirect(url.href, 302);
  });

  /**
   * Each sign-in begun in this browser keeps what its callback checks in a cookie of its own, named
   * by its state: tabs that begin theirs at once (a session lapsed, or its roles due, with several
   * open) each send the cookies as they were, and one cookie for all would keep only the last answer's.
   */
  const signInCookie = (state: string) => `${named.signIn}_${createHash('sha256').update(state).digest('base64url').slice(0, 22)}`;
  const keepSignIn = (c: Context<WebEnv>, pending: PendingSignIn) => {
    const waiting = Object.entries(getCookie(c))
      .filter(([name]) => name.startsWith(`${named.signIn}_`))
      .map(([name, sealed]) => ({ name, expiresAt: sealer.open<PendingSignIn>(sealed)?.expiresAt ?? 0 }))
      .sort((a, b) => a.expiresAt - b.expiresAt);
    for (const { name } of waiting.slice(0, Math.max(0, waiting.length - MAX_SIGN_INS_WAITING + 1))) setCookie(c, name, '', { ...cookie, maxAge: 0 });
    setCookie(c, signInCookie(pending.state), sealer.seal(pending), { ...cookie, maxAge: Math.ceil((pending.expiresAt - Date.now()) / 1000) });
  };

  app.get('/auth/callback', async (c) => {
    const callback = new URL(c.req.url);
    // The sign-in this callback finishes is the one its state names; the others (other tabs') wait on.
    const state = callback.searchParams.get('state') ?? '';
    const sealed = getCookie(c, signInCookie(state));
    if (sealed !== undefined) setCookie(c, signInCookie(state), '', { ...cookie, maxAge: 0 });
    const pending = sealer.open<PendingSignIn>(sealed);
    if (!pending || pending.state !== state) return c.html(page(c, 'error', { title: views.text(c.get('language'), 'error.sign-in.title'), messageKey: 'error.sign-in-expired' }), 400);
    const publicCallback = new URL(`${deps.config.publicUrl}/auth/callback${callback.search}`);
    let user: SignedInUser & { locale?: string; refreshToken?: string };
    try {
      user = await deps.signIn.finish(publicCallback, pending);
    } catch (err) {
      // A re-check of the roles the provider could not answer without the person (its session ended):
      // they sign in as usual, and come back to the same page.
      if (err instanceof SignInNeedsThePerson) {
        if (!err.expected) console.error(`web: ${requestLine(c)}: the roles were not re-checked without a page, the person signs in: ${providerWords(err.cause)}${loggable(err.message)}`);
        return c.redirect(`/login?returnTo=${encodeURIComponent(pending.returnTo)}`, 303);
      }
      return signInFailed(c, err, 'error.sign-in-failed', 400);
    }
    const before = c.get('session');
    if (!user.roles.length) {
      // The same person with no role left (withdrawn since the session began): the session ends.
      if (before.user?.subject === user.subject) {
        if (before.id) await deps.revokedSessions().revoke(before.id, new Date(before.expiresAt));
        c.set('session', { csrf: newCsrfToken(), language: before.language, expiresAt: Date.now() + sessionMs });
        c.set('sessionChanged', true);
      }
      // The provider's session would sign the same account in again at once, and it would be refused
      // again: the next sign-in here asks for credentials, so another account can be used.
      setCookie(c, named.signedOut, '1', { ...cookie, maxAge: SIGNED_OUT_SECONDS });
      return c.html(page(c, 'error', { title: views.text(c.get('language'), 'error.sign-in.title'), messageKey: 'error.no-role', detail: user.name }), 403);
    }
    // The same person renewing a sign-in before it ends (the link its last minutes show), or signing
    // in again once it lapsed, keeps the CSRF token, so a form open in another tab still posts; anyone
    // else starts with a fresh one. A silent re-check of the roles keeps the session itself (its id,
    // so other tabs' cookies stay good, and its end): it lasts DOSSIER_SESSION_HOURS from its sign-in,
    // as one with a refresh token does.
    const renewed = (before.user?.subject ?? before.lapsedSubject) === user.subject;
    const rechecked = renewed && pending.silent === true;
    // Signing in over a live session ends that one: a copy of its cookie is signed in no more.
    if (before.user && before.id && !rechecked) await deps.revokedSessions().revoke(before.id, new Date(before.expiresAt));
    const { locale, refreshToken, ...signedIn } = user;
    // The language the person chose, wherever they chose it, before this browser's: the browser may be
    // another person's. A choice made here just before signing in is theirs, and remembered for them.
    const chosenHere = before.languageChosen ? before.language : undefined;
    const remembered = chosenHere ? undefined : await rememberedLanguage(c, user.subject);
    const language = chosenHere ?? remembered ?? before.language ?? languageCookie(c) ?? (isLanguage(locale?.slice(0, 2)) ? (locale!.slice(0, 2) as Language) : c.get('language'));
    if (chosenHere) await rememberLanguage(c, user.subject, chosenHere);
    // A fresh session at sign-in: nothing from before it carries over but a renewal's CSRF token.
    const signedInAt = Date.now();
    const [id, expiresAt] = rechecked && before.id ? [before.id, before.expiresAt] : [newSessionId(), signedInAt + sessionMs];
    // A silent re-check is a detour on the way to a page: what a form left for that page (its notice,
    // a refused form to show) is still there when it arrives.
    const waiting = rechecked ? { ...(before.notice !== undefined ? { notice: before.notice } : {}), ...(before.refusedForms ? { refusedForms: before.refusedForms } : {}) } : {};
    c.set('session', { id, user: signedIn, language, csrf: renewed ? before.csrf : newCsrfToken(), expiresAt, refreshToken, rolesCheckedAt: signedInAt, ...waiting });
    c.set('language', language);
    c.set('sessionChanged', true);
    setCookie(c, named.signedOut, '', { ...cookie, maxAge: 0 });
    if (hostOnly && getCookie(c, COOKIES.signedOut) !== undefined) setCookie(c, COOKIES.signedOut, '', { ...cookie, maxAge: 0 });
    return c.redirect(pending.returnTo, 303);
  });

  app.post('/logout', async (c) => {
    const { id, user, expiresAt, language, refreshToken } = c.get('session');
    // This browser is signed out first, whatever happens to the revocation of other copies.
    c.set('session', { csrf: newCsrfToken(), language, expiresAt: Date.now() + sessionMs });
    c.set('sessionChanged', true);
    // Set before the revocation, which may fail: the next sign-in in this browser asks for credentials.
    setCookie(c, named.signedOut, '1', { ...cookie, maxAge: SIGNED_OUT_SECONDS });
    // The refresh token sealed in the cookie would go on getting tokens from the provider for whoever
    // copied it (or the cookie) before now, whether or not the browser reaches the end-session page
    // below: revoked there before the store's record, which may fail. A provider out of reach does not
    // hold up the sign-out; the log keeps it under a reference.
    if (user && refreshToken) {
      try {
        if (!(await deps.signIn.revokeRefreshToken(refreshToken))) {
          console.error(`web: ${requestLine(c)}: the identity provider has no revocation endpoint: the refresh token of ${loggable(user.subject)} stays good there until it expires`);
        }
      } catch (err) {
        const reference = randomBytes(4).toString('hex').toUpperCase();
        console.error(`web: ${requestLine(c)}: the refresh token of ${loggable(user.subject)} was not revoked at the identity provider, reference ${reference}: ${providerWords(err)}${loggableError(err)}`);
      }
    }
    if (user && id) await deps.revokedSessions().revoke(id, new Date(expiresAt));
    // The provider's session ends too, or the next "Sign in" on this machine would let anyone in
    // as the user who just left. A provider out of reach cannot end it: the cookie above then makes
    // the next sign-in ask for credentials.
    let endSession: URL | undefined;
    try {
      endSession = await deps.signIn.endSessionUrl(`${deps.config.publicUrl}/signed-out`, c.get('language'));
    } catch (err) {
      console.error('web: POST /logout: cannot end the session at the identity provider:', err);
    }
    if (endSession && endSession.origin !== provider) {
      console.error(`web: POST /logout: the provider's end-session endpoint ${endSession.origin} is not on the issuer's origin, which alone the pages' form-action allows`);
    } else if (endSession) return c.redirect(endSession.href, 303);
    return c.html(page(c, 'signed-out', { title: views.text(c.get('language'), 'signed-out.title') }));
  });

  // Where the provider sends the browser back once its session ended.
  app.get('/signed-out', (c) => {
    if (c.get('session').user) return c.redirect('/campaigns', 303);
    return c.html(page(c, 'signed-out', { title: views.text(c.get('language'), 'signed-out.title') }));
  });

  app.post('/language', async (c) => {
    const chosen = c.get('body').language;
    if (isLanguage(chosen)) {
      const session = c.get('session');
      // Signed out, the choice waits in the session for the sign-in that follows, which remembers it for its person.
      c.set('session', session.user ? { ...session, language: chosen } : { ...session, language: chosen, languageChosen: true });
      c.set('sessionChanged', true);
      if (session.user) await rememberLanguage(c, session.user.subject, chosen);
    }
    return c.redirect(sameSiteReturnPath(String(c.get('body').returnTo ?? '/')), 303);
  });

  // A path names campaigns, vendors and holding pens by their ids (a pen is a campaign's, or
  // `unsorted`): anything else names no page, and is answered so before a handler writes it into a
  // form's action or a link (`/held/../../x/assign`), or a sentence of the page (`Nothing by that name: …`).
  const idsOf: Record<string, (value: string) => boolean> = { campaign: (v) => ID_PATTERN.test(v), vendor: (v) => ID_PATTERN.test(v), pen: (v) => v === 'unsorted' || ID_PATTERN.test(v) };
  const ID_PATHS = ['/campaigns/:campaign', '/campaigns/:campaign/engagements/:vendor', '/campaigns/:campaign/statement/findings/:vendor', '/held/:pen'];
  for (const path of ID_PATHS.flatMap((p) => [p, `${p}/*`])) {
    app.use(path, async (c, next) => {
      const named = Object.entries(c.req.param() as Record<string, string>).every(([name, value]) => idsOf[name]?.(value) ?? true);
      if (named) return next();
      return c.html(page(c, 'error', { title: views.text(c.get('language'), 'error.not-found.title'), messageKey: 'error.no-page' }), 404);
    });
  }

  // A refused form goes on to its page (post/redirect/get): the address is then the page's, and a
  // reload reads the page again rather than sending the form a second time.
  const ownRefusedForms = deps.refusedForms ? undefined : inProcessRefusedForms();
  const refusedForms = deps.refusedForms ?? (() => ownRefusedForms!);
  const refusedThen = async (c: Context<WebEnv>, to: string, refused: RefusedForm): Promise<Response> => {
    const session = c.get('session');
    const id = newRefusedFormId();
    await refusedForms().keep(id, sealer.seal({ ...refused, sessionId: session.id, page: to, expiresAt: Date.now() + REFUSED_FORM_MS }), new Date(Date.now() + REFUSED_FORM_MS));
    const waiting = (session.refusedForms ?? []).filter((r) => r.page !== to).slice(-(MAX_REFUSED_FORMS - 1));
    c.set('session', { ...session, refusedForms: [...waiting, { id, page: to }] });
    c.set('sessionChanged', true);
    return c.redirect(to, 303);
  };
  /** The refused form kept for this page, taken (a reload shows the page as it is). */
  const takeRefused = async (c: Context<WebEnv>): Promise<RefusedForm | undefined> => {
    const session = c.get('session');
    const asked = new URL(c.req.url);
    const here = `${asked.pathname}${asked.search}`;
    const mine = session.refusedForms?.find((r) => r.page === here);
    if (!mine || c.req.method !== 'GET') return undefined;
    const rest = session.refusedForms!.filter((r) => r !== mine);
    const { refusedForms: _taken, ...others } = session;
    c.set('session', rest.length ? { ...others, refusedForms: rest } : others);
    c.set('sessionChanged', true);
    const kept = sealer.open<RefusedForm & { sessionId?: string; page: string; expiresAt: number }>(await refusedForms().take(mine.id));
    if (!kept || kept.sessionId !== session.id || kept.page !== here) return undefined;
    return { status: kept.status, ...(kept.form ? { form: kept.form } : {}), ...(kept.extra ? { extra: kept.extra } : {}) };
  };

  registerPages(app, { ...deps, views, page, refusedThen, takeRefused });

  app.onError((err, c) => {
    const language = c.get('language') ?? 'en';
    if (err instanceof SignInRequired) {
      if (c.req.method === 'GET') return c.redirect(`/login?returnTo=${encodeURIComponent(c.req.path + (new URL(c.req.url).search || ''))}`, 303);
      return c.html(page(c, 'error', { title: views.text(language, 'error.sign-in.title'), messageKey: 'error.sign-in-required', formKept: true }), 401);
    }
    if (err instanceof AccessRefused) {
      return c.html(page(c, 'error', { title: views.text(language, 'error.refused.title'), messageKey: 'error.refused' }), 403);
    }
    if (err instanceof DossierClientError && err.code === ClientErrorCode.NotFound) {
      // Said in the page's language by the code it carries (or its known English sentence); any other
      // as it came, marked English.
      const refusal = refusalDetails(err) ?? wordedRefusal(err.message);
      const worded = refusal && refusalSentence(refusal, language, 'UTC', views);
      const detail = worded !== undefined ? { detail: worded, detailWorded: true } : { detail: err.message, ...(language !== 'en' ? { detailLang: 'en' } : {}) };
      return c.html(page(c, 'error', { title: views.text(language, 'error.not-found.title'), messageKey: 'error.not-found', ...detail }), 404);
    }
    // No worker polls the cases' task queue: the server holds every case as it was, so this is a
    // wait, not a fault. Every page of a case queries its workflow, which needs that worker too: a
    // refused form cannot be shown again on its page, so what was typed is given back here.
    if (err instanceof DossierClientError && err.code === ClientErrorCode.NoWorker) {
      console.error(`web: ${requestLine(c)}: ${loggable(err.message)}`);
      return c.html(page(c, 'error', { title: views.text(language, 'error.no-worker.title'), messageKey: 'error.no-worker', typed: typedFields(c, views) }), 503);
    }
    // The shared store out of reach (PostgreSQL down, or its schema not reachable to migrate) is not
    // the case server: the page and the log's one line say which, so nobody restarts Temporal for it.
    const fault = storeFault(err);
    if (fault) {
      console.error(`web: ${requestLine(c)}: ${storeFaultWords(fault)}`);
      return c.html(page(c, 'error', { title: views.text(language, 'error.unavailable.title'), messageKey: 'error.store-unavailable' }), 503);
    }
    if (err instanceof DossierClientError && err.code === ClientErrorCode.ServerUnreachable) {
      return c.html(page(c, 'error', { title: views.text(language, 'error.unavailable.title'), messageKey: 'error.unavailable' }), 503);
    }
    if (err instanceof SignInError) return signInFailed(c, err, 'error.sign-in-unreachable', 502);
    // A key this workspace cannot reach or open is its configuration's fault, not a lost campaign:
    // the administrator learns which store or master key from the log line, the reader that it waits.
    const keyProblem = KEY_PROBLEM_PAGES[errorCode(err) ?? ''];
    if (keyProblem) {
      console.error(`web: ${requestLine(c)}: ${loggable((err as Error).message)}`);
      return c.html(page(c, 'error', { title: views.text(language, 'error.key-unavailable.title'), messageKey: keyProblem, typed: typedFields(c, views) }), 503);
    }
    console.error(`web: ${requestLine(c)}: ${loggableError(err)}`);
    return c.html(page(c, 'error', { title: views.text(language, 'error.internal.title'), messageKey: 'error.internal' }), 500);
  });
  app.notFound((c) =>
    c.html(page(c, 'error', { title: views.text(c.get('language'), 'error.not-found.title'), messageKey: 'error.no-page' }), 404),
  );
  return app;
}

/** Fields a form carries for the workspace, not typed by anyone. */
const FORM_MACHINERY = new Set(['_csrf', 'submission', 'demonstrationId', 'returnTo']);

/** A request a page of this workspace sent (browsers say so in Sec-Fetch-Site, or at least in Origin). */
function fromThisSite(c: Context<WebEnv>, publicUrl: string): boolean {
  const site = c.req.header('sec-fetch-site');
  if (site) return site === 'same-origin';
  const origin = c.req.header('origin');
  return origin !== undefined && (origin === new URL(publicUrl).origin || origin === new URL(c.req.url).origin);
}

/**
 * What the user typed into a POSTed form that was not recorded, so the page can give it back: each
 * field under the label its form showed, in the reader's language; a field no form of the pages
 * names (or labels) keeps its code name, so no typed text is lost. Hidden fields were typed by nobody.
 */
function typedFields(c: Context<WebEnv>, views: Views): { field: string; label?: string; value: string }[] | undefined {
  if (c.req.method !== 'POST') return undefined;
  const typed = Object.entries(textFields(c.get('body') ?? {}))
    .filter(([field, value]) => !FORM_MACHINERY.has(field) && value.trim())
    .map(([field, value]) => ({ field, value, shown: views.field(c.req.path, field, c.get('language')) }))
    .filter(({ shown }) => !shown?.hidden)
    .map(({ field, value, shown }) => ({ field, label: shown?.label, value }));
  return typed.length ? typed : undefined;
}

/**
 * A text a request chose (its path, decoded), as one line of the server's log: a line break, or any
 * other control character, is written as its percent code. A path with `%0D%0A` in it would otherwise
 * write a line of its own into the log (`web: POST /x` then `web: <anything>`), no sign-in needed.
 */
export function loggable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (ch) => encodeURIComponent(ch));
}

/**
 * An error with its stack, its message (which may quote what the request sent: an id, a path, or
 * what an identity provider answered) on one line, and so the messages of the errors that caused it.
 */
function loggableError(err: unknown): string {
  let text = inspect(err);
  for (let cause = err, depth = 0; cause instanceof Error && depth < 8; cause = cause.cause, depth++) {
    if (cause.message) text = text.split(cause.message).join(loggable(cause.message));
  }
  return text;
}

/** The error code and description a provider's OAuth answer carried (openid-client keeps them on the error), as one line. */
function providerWords(err: unknown): string {
  const { error, error_description: description } = (err ?? {}) as { error?: unknown; error_description?: unknown };
  const words = [error, description].filter((w): w is string => typeof w === 'string' && w !== '');
  return words.length ? `${loggable(words.join(': '))}; ` : '';
}

function requestLine(c: Context<WebEnv>): string {
  return `${c.req.method} ${loggable(c.req.path)}`;
}

/** The signed-in user, or a redirect to sign in. */
export function signedIn(c: Context<WebEnv>): SignedInUser {
  const user = c.get('session').user;
  if (!user) throw new SignInRequired();
  return user;
}

/** The signed-in user if they hold `permission`; refused (403) otherwise. */
export function allowed(c: Context<WebEnv>, permission: Permission): SignedInUser {
  const user = signedIn(c);
  if (!can(user.roles, permission)) throw new AccessRefused(permission);
  return user;
}

/**
 * How the workspace names the person acting in a workflow's timeline and approvals: the name the
 * identity provider gave, and its subject, so a record can always be traced to one account.
 */
export function actorName(user: SignedInUser): string {
  return signedInActor(user.name, user.subject);
}

/**
 * The page a form's action belongs to: `<page>/<action>` for an engagement's, a statement's or a
 * held message's actions; a vendor's findings post to their own page; a new campaign to `/campaigns`.
 */
function formPage(actionPath: string): string {
  if (/\/statement\/findings\/[^/]+$/.test(actionPath)) return actionPath;
  if (actionPath === '/campaigns') return '/campaigns/new';
  return actionPath.replace(/\/[^/]+$/, '') || '/campaigns';
}

/** Stands for this site's origin when a return path is resolved as a browser would resolve it. */
const THIS_SITE = 'http://this-site.invalid';

/**
 * Only paths on this site: an open redirect would send a signed-in officer anywhere. Browsers drop
 * tabs and line breaks from a URL and read `\` as `/`, so `/<tab>/evil.example` is another site: the
 * path is resolved as a browser would, and anything that leaves the site or holds a control
 * character goes to the campaigns instead. Resolving can itself make a `//` path (`/..//evil.example`
 * resolves to `//evil.example`), which a browser reads in a Location header as another host: such a
 * result goes to the campaigns too.
 */
export function sameSiteReturnPath(value: string | undefined): string {
  if (!value || !value.startsWith('/') || /[\u0000-\u0020\u007f\\]/.test(value)) return '/campaigns';
  const resolved = new URL(value, THIS_SITE);
  if (resolved.origin !== THIS_SITE) return '/campaigns';
  const path = `${resolved.pathname}${resolved.search}`;
  return path.startsWith('//') || path.includes('\\') ? '/campaigns' : path;
}

function preferredLanguage(header: string | undefined): Language {
  for (const part of (header ?? '').split(',')) {
    const tag = part.trim().slice(0, 2).toLowerCase();
    if (isLanguage(tag)) return tag;
  }
  return 'en';
}

/**
 * The authority a co-signatory acts for, as the header names it: by its name in the reader's
 * language once a campaign file read in this session gave it (French with its article), its id
 * until then.
 */
function authorityShown(session: Session, language: Language, views: Views): string | undefined {
  const id = session.user?.authorityId;
  if (!id) return undefined;
  const known = session.authority?.id === id ? session.authority : undefined;
  if (!known) return id;
  return language === 'en' ? known.name.en : authorityReading(known, language, views);
}

/** Whether the page gives back a form refused: a field's error (pages.ts, formView), or a campaign file's problems. */
function formRefused(view: object): boolean {
  const { errors, problems } = view as { errors?: Record<string, Record<string, unknown> | undefined>; problems?: unknown[] };
  return Object.values(errors ?? {}).some((fields) => Object.keys(fields ?? {}).length > 0) || (problems?.length ?? 0) > 0;
}

/** The choices users made, kept by this process alone: for a workspace given no shared store (tests, one process). */
function inProcessPreferences(): UserPreferences {
  const languages = new Map<string, string>();
  return {
    language: async (subject) => languages.get(subject),
    setLanguage: async (subject, language) => void languages.set(subject, language),
  };
}
