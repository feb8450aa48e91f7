// The workspace's settings, read once from the environment at start-up; a missing or malformed
// variable stops it with a message naming the variable. Secrets may come from `*_FILE` variables.
import { readFileSync } from 'node:fs';

export interface WebConfig {
  host: string;
  port: number;
  /** The address users reach, as links in emails and the OIDC redirect name it. */
  publicUrl: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  rolesClaim: string;
  /** The scopes sign-in asks for (DOSSIER_OIDC_SCOPES; default DEFAULT_OIDC_SCOPES). */
  scopes?: string;
  sessionSecret: string;
  /** Hours a sign-in lasts. */
  sessionHours: number;
  /**
   * Minutes between re-checks of a signed-in user's roles at the provider (default 5): a role
   * withdrawn there is gone from the workspace within that, not at the session's end.
   */
  rolesCheckMinutes?: number;
}

export class WebConfigError extends Error {
  readonly code = 'WebConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid workspace configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export const DEFAULT_WEB_PORT = 8300;
/**
 * `dossier` names the scope under which the development provider (and a provider set up as README's
 * "Sign-in" says) releases the roles claim; a provider that releases it otherwise, and refuses a
 * scope it does not know, is given DOSSIER_OIDC_SCOPES without it.
 */
export const DEFAULT_OIDC_SCOPES = 'openid profile email dossier';
export const DEFAULT_ROLES_CHECK_MINUTES = 5;

export function parseWebConfig(env: NodeJS.ProcessEnv = process.env): WebConfig {
  const problems: string[] = [];
  const read = (name: string): string | undefined => {
    const file = env[`${name}_FILE`];
    if (file) {
      try {
        return readFileSync(file, 'utf8').trim();
      } catch (err) {
        problems.push(`${name}_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
        return undefined;
      }
    }
    return env[name]?.trim() || undefined;
  };
  const required = (name: string, hint: string): string => {
    const value = read(name);
    if (!value) problems.push(`${name} is required: ${hint}`);
    return value ?? '';
  };
  // A blank value is unset; anything else must be written in digits ("" read as a number is 0: any free port).
  const whole = (name: string, fallback: number): number => {
    const text = read(name);
    return text === undefined ? fallback : /^\d+$/.test(text) ? Number(text) : NaN;
  };
  const port = whole('DOSSIER_WEB_PORT', DEFAULT_WEB_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`DOSSIER_WEB_PORT: "${env.DOSSIER_WEB_PORT}" is not a port number`);
  const host = env.DOSSIER_WEB_HOST?.trim() || '127.0.0.1';
  const publicUrl = (env.DOSSIER_WEB_URL?.trim() || `http://${host}:${port}`).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/\s]+(\/\S*)?$/.test(publicUrl)) problems.push(`DOSSIER_WEB_URL: "${publicUrl}" must be an http(s) URL`);
  else if (publicUrl.startsWith('http:') && !isLoopback(hostnameOf(publicUrl))) {
    // The session cookie is only marked Secure over HTTPS: on a network, plain HTTP would carry it in clear.
    problems.push(
      `DOSSIER_WEB_URL: "${publicUrl}" is plain HTTP on a network address, where sign-in cookies would travel unencrypted: ` +
        'serve the workspace over https:// (a TLS proxy in front of it) and name that address, or keep it on 127.0.0.1 for development',
    );
  }
  const issuer = required('DOSSIER_OIDC_ISSUER', "the identity provider's issuer URL, e.g. https://login.regulator.example");
  if (issuer) {
    // Sign-in's tokens and codes cross this link: TLS anywhere but on this machine (the development provider).
    if (!/^https?:\/\/[^/\s]+(\/\S*)?$/.test(issuer) || !canParseUrl(issuer)) {
      problems.push(`DOSSIER_OIDC_ISSUER: "${issuer}" must be the identity provider's https:// issuer URL, e.g. https://login.regulator.example`);
    } else if (issuer.startsWith('http:') && !isLoopback(hostnameOf(issuer))) {
      problems.push(
        `DOSSIER_OIDC_ISSUER: "${issuer}" is plain HTTP on a network address, where the sign-in's codes and tokens would travel unencrypted: ` +
          "name the provider's https:// issuer, or keep it on 127.0.0.1 for development",
      );
    }
  }
  const scopes = (env.DOSSIER_OIDC_SCOPES?.trim() || DEFAULT_OIDC_SCOPES).split(/\s+/).join(' ');
  // RFC 6749 §3.3: scope tokens are printable ASCII without space, quote or backslash.
  if (!/^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/.test(scopes)) {
    problems.push(`DOSSIER_OIDC_SCOPES: "${env.DOSSIER_OIDC_SCOPES}" must be space-separated scope names, e.g. openid profile email`);
  } else if (!scopes.split(' ').includes('openid')) {
    problems.push(`DOSSIER_OIDC_SCOPES: "${scopes}" must include openid (without it the provider gives no ID token), e.g. openid profile email`);
  }
  const clientId = required('DOSSIER_OIDC_CLIENT_ID', 'the client id the identity provider gave the workspace');
  const clientSecret = required('DOSSIER_OIDC_CLIENT_SECRET', "the workspace's client secret (or DOSSIER_OIDC_CLIENT_SECRET_FILE)");
  const sessionSecret = required('DOSSIER_SESSION_SECRET', 'at least 32 random characters (openssl rand -base64 32), or DOSSIER_SESSION_SECRET_FILE');
  if (sessionSecret && sessionSecret.length < 32) problems.push('DOSSIER_SESSION_SECRET must be at least 32 characters (openssl rand -base64 32)');
  const sessionHours = whole('DOSSIER_SESSION_HOURS', 8);
  if (!(sessionHours > 0 && sessionHours <= 24 * 7)) problems.push(`DOSSIER_SESSION_HOURS: "${env.DOSSIER_SESSION_HOURS}" must be a whole number of hours from 1 to 168`);
  const rolesCheckMinutes = whole('DOSSIER_ROLES_CHECK_MINUTES', DEFAULT_ROLES_CHECK_MINUTES);
  if (!(rolesCheckMinutes > 0 && rolesCheckMinutes <= 60)) problems.push(`DOSSIER_ROLES_CHECK_MINUTES: "${env.DOSSIER_ROLES_CHECK_MINUTES}" must be a whole number of minutes from 1 to 60`);
  if (problems.length) throw new WebConfigError(problems);
  return {
    host,
    port,
    publicUrl,
    issuer,
    clientId,
    clientSecret,
    rolesClaim: env.DOSSIER_OIDC_ROLES_CLAIM?.trim() || 'dossier_roles',
    scopes,
    sessionSecret,
    sessionHours,
    rolesCheckMinutes,
  };
}

/** The URL's host, or '' when the rest of it is malformed (a bad port is named on its own). */
function hostnameOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

function canParseUrl(url: string): boolean {
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
}

/** Whether `url` names this machine only (127.0.0.0/8, ::1, localhost). */
export function isLoopbackUrl(url: string): boolean {
  return isLoopback(hostnameOf(url));
}

/** 127.0.0.0/8, ::1 or localhost (or a host that could not be read): only this machine reaches it. */
export function isLoopback(hostname: string): boolean {
  return hostname === '' || hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}
