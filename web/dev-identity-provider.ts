// A real OpenID Connect provider (oidc-provider 8) running in this process on loopback, with a few
// named users: the embedded default (`npm start`) and the tests sign in through it, so the workspace
// runs the same code path as against the regulator's provider. Development only: its sign-in page
// (oidc-provider's devInteractions, its page drawn here) accepts a known user name with any password.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { sharedSentence } from '../client/shared-sentence';
import type { Language } from '../workflows/types';

export interface DevUser {
  /** What to type on the sign-in page; also the subject. */
  login: string;
  name: string;
  email: string;
  /** Values of the roles claim: `lead-officer`, `officer`, `auditor`, `co-signatory:<authority id>`. */
  roles: string[];
  locale?: 'en' | 'fr';
}

export interface DevIdentityProviderOptions {
  users: DevUser[];
  /** The workspace's redirect URIs (`<url>/auth/callback`). */
  redirectUris: string[];
  /** Where a sign-out returns; by default the workspace's `<url>/signed-out` for each redirect URI. */
  postLogoutRedirectUris?: string[];
  clientId?: string;
  clientSecret?: string;
  port?: number;
  rolesClaim?: string;
  /**
   * Issue a new refresh token at each use and revoke the whole grant when a used one comes back
   * (oidc-provider's reuse detection), as Keycloak's "revoke refresh token" and Auth0's rotation do.
   */
  rotateRefreshTokens?: boolean;
  /**
   * Issue no refresh token at all, as a provider that gives them only with the `offline_access`
   * scope, which the workspace does not ask for (README, "Security").
   */
  noRefreshTokens?: boolean;
}

export interface DevIdentityProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  users: DevUser[];
  stop(): Promise<void>;
}

/**
 * Users the embedded default prints at start: one co-signatory for each authority of the demo campaign
 * (campaigns/video-conferencing-2020.yaml), named as its file names that authority's contact, so that the
 * whole statement can be approved in the workspace and the approvals read as the signatories it prints;
 * and its officers, as the file names them, so the digest the demo mails is to the people signed in.
 */
export const DEFAULT_DEV_USERS: DevUser[] = [
  { login: 'lead', name: 'Geneviève Tremblay-Côté', email: 'genevieve.tremblay@opc-priv.example', roles: ['lead-officer', 'co-signatory:opc'], locale: 'fr' },
  { login: 'officer', name: 'Daniel Okafor', email: 'daniel.okafor@opc-priv.example', roles: ['officer'] },
  { login: 'ico', name: 'Eleanor Whitfield', email: 'international@ico.example', roles: ['co-signatory:ico'] },
  { login: 'oaic', name: 'Dimitra Papadopoulou', email: 'd.papadopoulou@oaic.example', roles: ['co-signatory:oaic'] },
  { login: 'gra', name: 'Joseph Caruana', email: 'privacy@gra.example', roles: ['co-signatory:gra'] },
  { login: 'pcpd', name: 'Chan Wing-yan', email: 'wychan@pcpd.example', roles: ['co-signatory:pcpd'] },
  { login: 'fdpic', name: 'Zofia Wiśniewska-Müller', email: 'zofia.wisniewska@edoeb.example', roles: ['co-signatory:fdpic'], locale: 'fr' },
  { login: 'auditor', name: 'Ada Auditor', email: 'ada.auditor@opc-priv.example', roles: ['auditor'] },
];

/**
 * The development users as `npm start` prints them: a heading row, then one row per user, each column as
 * wide as its longest entry (a name like "Zofia Wiśniewska-Müller" overran a fixed width), with the
 * language the user's workspace opens in: someone trying the French pages needs to know whom to sign in as.
 */
export function devUsersTable(users: readonly DevUser[]): string[] {
  const rows = [['login', 'name', 'language', 'roles'], ...users.map((u) => [u.login, u.name, u.locale === 'fr' ? 'French' : 'English', u.roles.join(', ')])];
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => [...r[i]!].length)));
  return rows.map((r) => r.map((cell, i) => (i < 3 ? cell + ' '.repeat(widths[i]! - [...cell].length) : cell)).join('  '));
}

export async function startDevIdentityProvider(options: DevIdentityProviderOptions): Promise<DevIdentityProvider> {
  const rolesClaim = options.rolesClaim ?? 'dossier_roles';
  const clientId = options.clientId ?? 'dossier-workspace';
  const clientSecret = options.clientSecret ?? randomBytes(24).toString('base64url');
  // Read at each use: a user taken out of `options.users` (or given other roles) is at once an account
  // the provider no longer knows (or one whose claims say so), as a disabled account is at a real one.
  const userOf = (login: string) => options.users.find((u) => u.login === login);
  const server: Server = createServer();
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const scope = 'openid profile email dossier';

  const configuration: Configuration = {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: options.redirectUris,
        post_logout_redirect_uris: options.postLogoutRedirectUris ?? options.redirectUris.map((uri) => uri.replace(/\/auth\/callback$/, '/signed-out')),
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'dev', use: 'sig', alg: 'RS256' }] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: { openid: ['sub'], profile: ['name', 'locale'], email: ['email'], dossier: [rolesClaim] },
    scopes: ['openid', 'profile', 'email', 'dossier'],
    features: {
      devInteractions: { enabled: true },
      // A sign-out revokes the session's refresh token here (RFC 7009), as at the regulator's provider.
      revocation: { enabled: true },
      // The workspace's sign-out ends this provider's session at once, without the confirmation page
      // (any site may sign a developer out of this provider: harmless for development).
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx: KoaContextWithOIDC, form: string) {
          const say = sayer(languageOf(ctx));
          ctx.type = 'html';
          ctx.body = providerPage(
            say.language,
            say('dev-sign-out.title'),
            form.replace('</form>', `<input type="hidden" name="logout" value="yes"/><noscript><button type="submit">${say('dev-sign-out.submit')}</button></noscript></form>`),
            `<script>document.addEventListener('DOMContentLoaded', function () { document.forms[0].submit() });</script>`,
          );
        },
        // Where a sign-out begun at the provider itself (no workspace named to return to) ends.
        async postLogoutSuccessSource(ctx: KoaContextWithOIDC) {
          const say = sayer(languageOf(ctx));
          ctx.type = 'html';
          ctx.body = providerPage(say.language, say('dev-signed-out.title'), `<p>${say('dev-signed-out.text')}</p>`);
        },
      },
    },
    pkce: { required: () => true },
    // A request the provider refuses without sending the browser back (an unknown client_id, a
    // redirect_uri not registered, an interaction that expired): the library's page would load
    // Google's fonts. Its `out` holds only what is fit to show (no internal message).
    async renderError(ctx: KoaContextWithOIDC, out: { error?: string; error_description?: string }) {
      const say = sayer(languageOf(ctx));
      const reason = PROVIDER_ERRORS_WORDED.has(out.error ?? '') ? `<p>${say(`dev-provider-error.${out.error}`)}</p>` : '';
      const words = [out.error, out.error_description].filter(Boolean).join(': ');
      // The library's words are English, for whoever set the provider up.
      const said = say('dev-provider-error.said', { words: '\u0000' }).replace('\u0000', `<span lang="en">${escapeHtml(words)}</span>`);
      ctx.type = 'html';
      ctx.set('Cache-Control', 'no-store');
      ctx.body = providerPage(say.language, say('dev-provider-error.title'), `<p class="error" role="alert">${say('dev-provider-error.intro')}</p>${reason}<p>${say('dev-provider-error.again')}</p>${words ? `<p>${said}</p>` : ''}`);
    },
    // The workspace asks a signed-in user's roles again with a refresh token every few minutes; it
    // asks for no offline access, so the token is issued to the client allowed the grant, as the
    // regulator's provider is to be configured (README, "Roles re-checked").
    async issueRefreshToken(_ctx: KoaContextWithOIDC, client: { grantTypeAllowed(type: string): boolean }) {
      return !options.noRefreshTokens && client.grantTypeAllowed('refresh_token');
    },
    ...(options.rotateRefreshTokens ? { rotateRefreshToken: true } : {}),
    // Short lives, set explicitly (oidc-provider warns about each default otherwise).
    ttl: { Interaction: 600, Session: 8 * 3600, Grant: 8 * 3600, AuthorizationCode: 60, AccessToken: 600, IdToken: 600, RefreshToken: 8 * 3600 },
    async findAccount(_ctx: KoaContextWithOIDC, id: string) {
      const user = userOf(id);
      if (!user) return undefined;
      return {
        accountId: id,
        async claims() {
          return { sub: id, name: user.name, email: user.email, locale: user.locale ?? 'en', [rolesClaim]: user.roles };
        },
      };
    },
    // The workspace is the regulator's own application: no consent screen, every scope granted.
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const { Grant } = ctx.oidc.provider;
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
      if (grantId) return Grant.find(grantId);
      const grant = new Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId });
      grant.addOIDCScope(scope);
      grant.addOIDCClaims(['name', 'email', 'locale', rolesClaim]);
      await grant.save();
      return grant;
    },
  };
  const provider = new Provider(issuer, configuration);
  // oidc-provider's own sign-in page is English only and imports a font from fonts.googleapis.com
  // (nothing loads offline, and a workspace loads nothing from third parties): the login prompt gets
  // this page instead, in the language the workspace asks (ui_locales) or else the browser's, as
  // renderError and the sign-out pages above do.
  const signInPage = async (ctx: KoaContextWithOIDC, uid: string, refused?: string): Promise<void> => {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const say = sayer(languageAsked(details.params.ui_locales as string | undefined, ctx.get('accept-language')));
    ctx.type = 'html';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = providerPage(
      say.language,
      say('dev-sign-in.title'),
      `<p>${say('dev-sign-in.intro')}</p>
${refused === undefined ? '' : `<p class="error" role="alert">${say('dev-sign-in.unknown', { login: refused, users: options.users.map((u) => u.login).join(', ') })}</p>`}
<form autocomplete="off" action="/interaction/${encodeURIComponent(uid)}" method="post">
<input type="hidden" name="prompt" value="login">
<label for="login">${say('dev-sign-in.login')}</label><input required type="text" id="login" name="login" autofocus${refused === undefined ? '' : ` value="${escapeHtml(refused)}" aria-invalid="true"`}>
<label for="password">${say('dev-sign-in.password')}</label><input required type="password" id="password" name="password">
<button type="submit">${say('dev-sign-in.submit')}</button>
</form>`,
    );
  };
  provider.use(async (ctx, next) => {
    const shown = ctx.method === 'GET' ? /^\/interaction\/([^/]+)$/.exec(ctx.path) : null;
    if (shown) {
      const details = await provider.interactionDetails(ctx.req, ctx.res).catch(() => undefined);
      if (details?.prompt.name === 'login') return signInPage(ctx, shown[1]!);
    }
    // An unknown name is refused on the sign-in page itself, before any redirect.
    // oidc-provider takes the sign-in form at POST /interaction/<uid> (its "submit" route).
    const posted = ctx.method === 'POST' ? /^\/interaction\/([^/]+)$/.exec(ctx.path) : null;
    if (posted) {
      const body = await readForm(ctx.req);
      if (body.get('prompt') === 'login' && !userOf(body.get('login') ?? '')) {
        await signInPage(ctx, posted[1]!, body.get('login') ?? '');
        ctx.status = 401;
        return;
      }
      // oidc-provider reads the body again: hand it a parsed copy.
      (ctx.req as { body?: unknown }).body = Object.fromEntries(body);
    }
    await next();
  });
  server.on('request', provider.callback());
  return {
    issuer,
    clientId,
    clientSecret,
    users: options.users,
    async stop() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close').catch(() => undefined);
    },
  };
}

async function readForm(req: NodeJS.ReadableStream): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** The refusals of renderError that have a sentence of their own in strings.yaml (`dev-provider-error.<code>`). */
const PROVIDER_ERRORS_WORDED = new Set(['invalid_client', 'invalid_redirect_uri']);

/**
 * Every page the provider shows (signing in, a refused request, signing out), self-contained: no
 * font or anything else from another site, so it works offline and tells no third party who signs in.
 * `title` and `main` are HTML, already escaped.
 */
function providerPage(language: Language, title: string, main: string, head = ''): string {
  return `<!DOCTYPE html>
<html lang="${language}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title>${head}
<style>body{font-family:"DejaVu Sans",Arial,sans-serif;margin:2rem auto;max-width:24rem;padding:0 1rem;line-height:1.5}label,input,button{display:block;width:100%;box-sizing:border-box;font:inherit}input{margin:.25rem 0 1rem;padding:.4rem}button{padding:.5rem;background:#0b3a63;color:#fff;border:0}p.error{color:#a30000}</style></head>
<body><main><h1>${title}</h1>${main}</main></body></html>`;
}

/** A sentence of strings.yaml in `language`, escaped for HTML; `.language` says which. */
function sayer(language: Language): ((key: string, values?: object) => string) & { language: Language } {
  return Object.assign((key: string, values?: object) => escapeHtml(sharedSentence(language, key, values)), { language });
}

/** The language a request to the provider asks for: its `ui_locales` (the workspace passes its own), else the browser's. */
function languageOf(ctx: KoaContextWithOIDC): Language {
  // (ctx.oidc is absent on a request that failed before oidc-provider read it.)
  const asked = ctx.oidc?.params?.ui_locales ?? ctx.query.ui_locales;
  return languageAsked(typeof asked === 'string' ? asked : undefined, ctx.get('accept-language'));
}

/** The page's language: the first of `ui_locales` Dossier speaks, else the browser's first, else English. */
function languageAsked(uiLocales: string | undefined, acceptLanguage: string): Language {
  const tags = [...(uiLocales ?? '').split(/\s+/), ...acceptLanguage.split(',').map((t) => t.split(';')[0]!.trim())];
  const found = tags.map((t) => t.toLowerCase().split('-')[0]).find((t) => t === 'fr' || t === 'en');
  return (found as Language | undefined) ?? 'en';
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
