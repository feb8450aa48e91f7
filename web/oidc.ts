// Sign-in with OpenID Connect: authorization code flow with PKCE (openid-client 6) against the
// regulator's identity provider. The provider's metadata is discovered on first use and kept; the
// state, nonce and code verifier travel in a short-lived sealed cookie, one a sign-in, never in the URL.
import * as client from 'openid-client';
import { LIMITS } from '../workflows/text-rules';
import { rolesFromClaim } from './access';
import { DEFAULT_OIDC_SCOPES, isLoopbackUrl } from './config';
import type { PendingSignIn, SignedInUser } from './session';

export interface SignInSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Where the provider sends the browser back: `<workspace URL>/auth/callback`. */
  redirectUri: string;
  /** The claim that lists a user's roles (default `dossier_roles`). */
  rolesClaim: string;
  /** The scopes asked for, space-separated (default DEFAULT_OIDC_SCOPES). */
  scopes?: string;
}

export class SignInError extends Error {
  readonly code = 'SignInError';
}

/**
 * The provider no longer grants what a session was signed in with: its refresh token is refused (the
 * account disabled or removed, the grant revoked) or it names another person. The session ends.
 */
export class SignInWithdrawn extends Error {
  readonly code = 'SignInWithdrawn';
}

/**
 * A silent sign-in (`prompt=none`) the provider could not give without the person: its own session
 * ended (`login_required`), or it must ask them something first. They sign in as usual. `expected`:
 * the provider said so in the words the standard gives; any other refusal of a silent sign-in (a
 * provider that does not take `prompt=none`) is worth a line in the log, and is answered the same way.
 */
export class SignInNeedsThePerson extends Error {
  readonly code = 'SignInNeedsThePerson';

  constructor(
    message: string,
    readonly expected: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** What a provider answers a `prompt=none` request it cannot satisfy without showing a page (OpenID Connect Core §3.1.2.6). */
const NEEDS_THE_PERSON = new Set(['login_required', 'interaction_required', 'consent_required', 'account_selection_required']);

/** Who a session's user is now at the provider, and the refresh token that asks it again. */
export interface RolesNow {
  roles: SignedInUser['roles'];
  authorityId?: string;
  /** The provider's next refresh token, when it rotates them. */
  refreshToken?: string;
}

/**
 * How long a request to the provider may take before it counts as out of reach: a re-check of the
 * roles holds up a page while it waits.
 */
const PROVIDER_TIMEOUT_SECONDS = 10;

const SIGN_IN_MINUTES = 10;

export class OidcSignIn {
  private discovered: Promise<client.Configuration> | undefined;

  constructor(private readonly settings: SignInSettings) {}

  private configuration(): Promise<client.Configuration> {
    const { issuer, clientId, clientSecret } = this.settings;
    // Plain http only for a provider on this machine (the development one); anywhere else, TLS
    // (parseWebConfig refuses a plain-http issuer on the network at start, by the same rule).
    const loopback = issuer.startsWith('http:') && isLoopbackUrl(issuer);
    this.discovered ??= client
      .discovery(new URL(issuer), clientId, clientSecret, undefined, loopback ? { execute: [client.allowInsecureRequests] } : undefined)
      .then((config) => {
        config.timeout = PROVIDER_TIMEOUT_SECONDS;
        return config;
      })
      .catch((err: unknown) => {
        this.discovered = undefined; // try again on the next sign-in, the provider may be starting
        throw new SignInError(`cannot reach the identity provider at ${issuer}: ${reasonOf(err)}`, { cause: err });
      });
    return this.discovered;
  }

  /**
   * The provider's authorization URL and what the callback must check. `reauthenticate` makes the
   * provider ask for credentials even while its own session lasts (`prompt=login`): the first sign-in
   * after a sign-out on a shared machine must not let the next person in as the last one. `silent`
   * asks it to show no page at all (`prompt=none`): a session with no refresh token has its roles
   * asked again this way, answered at once while the provider's session lasts (finish then throws
   * SignInNeedsThePerson when it does not).
   */
  async begin(returnTo: string, language: string, { reauthenticate = false, silent = false } = {}): Promise<{ url: URL; pending: PendingSignIn }> {
    const config = await this.configuration();
    const codeVerifier = client.randomPKCECodeVerifier();
    const pending: PendingSignIn = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      codeVerifier,
      returnTo,
      expiresAt: Date.now() + SIGN_IN_MINUTES * 60_000,
      ...(silent ? { silent } : {}),
    };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.settings.redirectUri,
      scope: this.settings.scopes ?? DEFAULT_OIDC_SCOPES,
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
      ui_locales: language,
      ...(reauthenticate ? { prompt: 'login' } : silent ? { prompt: 'none' } : {}),
    });
    return { url, pending };
  }

  /**
   * Where the browser goes so the provider ends its own session too (RP-initiated logout), then
   * comes back to `postLogoutRedirectUri`; undefined when the provider has no end-session endpoint.
   * No id_token_hint: keeping the ID token would swell the session cookie, and the client_id this
   * URL carries names the workspace (the provider may then ask the user to confirm).
   */
  async endSessionUrl(postLogoutRedirectUri: string, language: string): Promise<URL | undefined> {
    const config = await this.configuration();
    if (!config.serverMetadata().end_session_endpoint) return undefined;
    return client.buildEndSessionUrl(config, { post_logout_redirect_uri: postLogoutRedirectUri, ui_locales: language });
  }

  /**
   * Revokes a session's refresh token at the provider (RFC 7009): a copy of it, or of the cookie that
   * sealed it, gets no more tokens once its user has signed out. False when the provider has no
   * revocation endpoint; a SignInError when it does not answer or refuses.
   */
  async revokeRefreshToken(refreshToken: string): Promise<boolean> {
    const config = await this.configuration();
    if (!config.serverMetadata().revocation_endpoint) return false;
    try {
      await client.tokenRevocation(config, refreshToken, { token_type_hint: 'refresh_token' });
      return true;
    } catch (err) {
      throw new SignInError(`cannot revoke the refresh token at the identity provider: ${(err as Error).message}`, { cause: err });
    }
  }

  /**
   * Exchanges the code, checks state, nonce and PKCE, and reads who signed in and their roles, with
   * the refresh token (when the provider gives one) that lets the session ask again (recheck).
   */
  async finish(callbackUrl: URL, pending: PendingSignIn): Promise<SignedInUser & { locale?: string; refreshToken?: string }> {
    const config = await this.configuration();
    const tokens = await client
      .authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      })
      .catch((err: unknown) => {
        if (pending.silent && err instanceof client.AuthorizationResponseError) {
          throw new SignInNeedsThePerson(`the identity provider did not sign the person in without them: ${err.error}`, NEEDS_THE_PERSON.has(err.error), { cause: err });
        }
        throw err;
      });
    const idClaims = tokens.claims();
    if (!idClaims) throw new SignInError('the identity provider returned no ID token');
    const claims = await this.claimsOf(config, tokens.access_token, idClaims.sub, idClaims);
    const { roles, authorityId } = rolesFromClaim(claims[this.settings.rolesClaim]);
    return {
      subject: idClaims.sub,
      name: displayNameOf(claims),
      email: typeof claims.email === 'string' ? claims.email : undefined,
      roles,
      authorityId,
      locale: typeof claims.locale === 'string' ? claims.locale : undefined,
      refreshToken: tokens.refresh_token,
    };
  }

  /**
   * The roles `subject` holds at the provider now, asked with the session's refresh token: a role
   * withdrawn there is gone from the workspace at the next re-check, not at the session's end.
   * SignInWithdrawn when the provider refuses the token or names someone else; a provider that does
   * not answer (within PROVIDER_TIMEOUT_SECONDS) is a SignInError.
   */
  async recheck(refreshToken: string, subject: string): Promise<RolesNow> {
    const config = await this.configuration();
    try {
      const tokens = await client.refreshTokenGrant(config, refreshToken);
      const idClaims = tokens.claims();
      if (idClaims && idClaims.sub !== subject) throw new SignInWithdrawn('the identity provider names another subject');
      const claims = await this.claimsOf(config, tokens.access_token, subject, idClaims ?? {});
      return { ...rolesFromClaim(claims[this.settings.rolesClaim]), refreshToken: tokens.refresh_token };
    } catch (err) {
      if (err instanceof SignInWithdrawn) throw err;
      // The provider's own refusal (RFC 6749 §5.2): the grant is no longer good. A userinfo answer
      // for another subject means the same. Anything else (no answer, a 5xx) is the provider out of reach.
      if (err instanceof client.ResponseBodyError && err.error === 'invalid_grant') throw new SignInWithdrawn(`the identity provider refused the session's refresh token: ${err.error_description ?? err.error}`, { cause: err });
      if ((err as { code?: unknown }).code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED') throw new SignInWithdrawn('the identity provider names another subject', { cause: err });
      throw new SignInError(`cannot re-check the roles at the identity provider: ${reasonOf(err)}`, { cause: err });
    }
  }

  /** The ID token's claims and userinfo's: profile and role claims may come only from userinfo (providers keep ID tokens small). */
  private async claimsOf(config: client.Configuration, accessToken: string, subject: string, idClaims: object): Promise<Record<string, unknown>> {
    const info = await client.fetchUserInfo(config, accessToken, subject);
    return { ...idClaims, ...info };
  }
}

/**
 * An error's message with its causes': fetch says only "fetch failed", and the reason (a refused
 * connection, an unknown host, a bad port) is in its cause, which the log's one line must carry.
 */
function reasonOf(err: unknown): string {
  const said: string[] = [];
  for (let cause = err, depth = 0; cause instanceof Error && depth < 8; cause = cause.cause, depth++) {
    if (cause.message && !said.some((s) => s.includes(cause.message))) said.push(cause.message);
  }
  return said.join(': ') || String(err);
}

/**
 * The name a signed-in person acts under: the provider's display name, else its login, email or
 * subject. Every action carries it, and the workflows refuse a name with a line break, `<` or `>`, or
 * over LIMITS.name characters; a provider allows all three, so the name is made to fit here rather
 * than have its owner refused at every step: breaks become spaces, angle brackets look-alike quotes.
 */
export function displayNameOf(claims: Record<string, unknown>): string {
  const name = [claims.name, claims.preferred_username, claims.email, claims.sub].find((v) => typeof v === 'string' && v.trim()) as string;
  const plain = name
    .replace(/[\s\p{Cc}]+/gu, ' ')
    .trim()
    .replaceAll('<', '‹')
    .replaceAll('>', '›');
  if (plain.length <= LIMITS.name) return plain;
  return `${plain.slice(0, LIMITS.name - 1).replace(/[\uD800-\uDBFF]$/, '').trimEnd()}…`;
}
