// Who is signed in, kept in the browser as one encrypted, HTTP-only cookie (AES-256-GCM under a key
// derived from DOSSIER_SESSION_SECRET): the server keeps no session store, so several web processes
// can serve the same users, and a tampered or expired cookie simply reads as "not signed in". The
// shared store keeps only the ids of sessions signed out before they expire.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Authority, Bilingual, Language } from '../workflows/types';
import type { Role } from './access';

export interface SignedInUser {
  /** The identity provider's subject: stable, never reused. */
  subject: string;
  name: string;
  email?: string;
  roles: Role[];
  /** The authority a co-signatory acts for (its id in the campaign file). */
  authorityId?: string;
}

export interface Session {
  /** Set at sign-in; signing out revokes it in the shared store (store/types.ts, RevokedSessions). */
  id?: string;
  user?: SignedInUser;
  language?: Language;
  /**
   * Set when the language was chosen here with no one signed in: the sign-in that follows keeps it over
   * the one its person chose before, and remembers it for them (store/types.ts, UserPreferences).
   */
  languageChosen?: true;
  /**
   * The co-signatory's authority as the last campaign file read here names it (names in both
   * languages, French article), so the header names it on every page, not only on a statement.
   */
  authority?: { id: string; name: Bilingual; article?: Authority['article'] };
  /**
   * Who was signed in here when the sign-in lapsed (its cookie past its end), in the session with no
   * one signed in that follows it: signing in again as the same person keeps its CSRF token, so the
   * forms of pages left open (the one that gave back what a late form typed, another tab) still send.
   */
  lapsedSubject?: string;
  /** Echoed by every form; a POST without it is refused (CSRF). */
  csrf: string;
  /** Epoch ms after which the cookie is ignored. */
  expiresAt: number;
  /**
   * The provider's refresh token, with which the user's roles are asked again every few minutes
   * (web/app.ts). A session signed in without one (a provider that gives none) has them asked
   * through the browser instead, by a sign-in that shows no page while the provider's session lasts.
   */
  refreshToken?: string;
  /** Epoch ms at which the provider last said which roles the user holds. */
  rolesCheckedAt?: number;
  /**
   * What the last form did (its action), shown once on the page it led to. Kept here, never in the
   * URL: a link anyone can write must not tell a co-signatory that an approval was recorded.
   */
  notice?: string;
  /**
   * Forms refused and sent on to their page (web/refused-forms.ts), by the page each is for: which
   * kept form is this session's, so that only it reads its refusal and what it typed.
   */
  refusedForms?: { id: string; page: string }[];
}

/** What the sign-in redirect must find again when the identity provider sends the browser back. */
export interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
  expiresAt: number;
  /** Asked with `prompt=none` to re-check a session's roles (web/app.ts): the session it renews keeps its end. */
  silent?: boolean;
}

export class CookieSealer {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, 'dossier-web', 'session-cookie', 32));
  }

  seal(value: object): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  /** The value, or undefined when the cookie was tampered with, sealed under another key, or expired. */
  open<T extends { expiresAt: number }>(sealed: string | undefined, now = Date.now()): T | undefined {
    const value = this.openLapsed<T>(sealed);
    return value && typeof value.expiresAt === 'number' && value.expiresAt > now ? value : undefined;
  }

  /** The value whatever its end (to know whose sign-in lapsed), or undefined when tampered with or sealed under another key. */
  openLapsed<T>(sealed: string | undefined): T | undefined {
    if (!sealed) return undefined;
    try {
      const bytes = Buffer.from(sealed, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, 12));
      decipher.setAuthTag(bytes.subarray(12, 28));
      return JSON.parse(Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8')) as T;
    } catch {
      return undefined;
    }
  }
}

export function newSessionId(): string {
  return randomBytes(24).toString('base64url');
}

export function newCsrfToken(): string {
  return randomBytes(24).toString('base64url');
}

export function sameToken(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
