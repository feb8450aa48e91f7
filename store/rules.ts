// What every store accepts as a key, a campaign id or a file path, checked the same way by both
// homes so a name that works on one host's files also works in PostgreSQL, and none escapes its folder.
import { createHash, randomBytes } from 'node:crypto';
import { StoreError, StoreErrorCode } from './types';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * How long a signed-out session's entry is kept past the moment its session would have expired. The
 * host that clears entries reads its own clock: one running minutes ahead (or stepped back by NTP
 * later) would otherwise clear an entry that a host with the right clock still needs, letting a copy of
 * the signed-out cookie back in. A day covers any clock that is only off.
 */
export const REVOKED_KEPT_AFTER_EXPIRY_MS = 24 * 3_600_000;

export function checkKeyId(keyId: string): string {
  if (!/^[\w-][\w.-]{0,99}$/.test(keyId)) {
    throw new StoreError(StoreErrorCode.InvalidKey, `invalid data key id "${keyId}": letters, digits, . _ - only, at most 100`);
  }
  return keyId;
}

export function checkCampaignId(campaignId: string): string {
  if (!/^[\w-][\w.-]{0,199}$/.test(campaignId)) {
    throw new StoreError(StoreErrorCode.InvalidKey, `invalid campaign id "${campaignId}": letters, digits, . _ - only, at most 200`);
  }
  return campaignId;
}

export function checkDocumentKey(key: string): string {
  if (!key || key.length > 500 || /[\u0000-\u001f]/.test(key)) {
    throw new StoreError(StoreErrorCode.InvalidKey, `invalid document key ${JSON.stringify(key)}: 1 to 500 characters, no control characters`);
  }
  return key;
}

/**
 * A published file's path in one spelling: relative, `/`-separated, no `.` or `..` segment, no
 * empty segment. Refused rather than repaired, so two spellings never name two copies.
 */
export function normalPath(path: string): string {
  const segments = path.split('/');
  const bad = !path || path.length > 1000 || path.includes('\\') || /[\u0000-\u001f]/.test(path) || segments.some((s) => s === '' || s === '.' || s === '..');
  if (bad) {
    throw new StoreError(StoreErrorCode.InvalidPath, `"${path}" is not a published file path: use a relative path like <campaign>/statement-1.en.pdf, without . or .. segments`);
  }
  return path;
}

/** A workspace session's id: random, URL-safe base64. */
export const SESSION_ID = /^[A-Za-z0-9_-]{16,64}$/;

export function checkSessionId(sessionId: string): string {
  if (!SESSION_ID.test(sessionId)) {
    throw new StoreError(StoreErrorCode.InvalidKey, `invalid session id "${sessionId.slice(0, 80)}": 16 to 64 letters, digits, _ or -`);
  }
  return sessionId;
}

/**
 * At most how many refused forms past their time one keep clears: a keep adds one, so the store
 * shrinks back to the forms refused lately, and no keep waits on a long backlog.
 */
export const REFUSED_FORMS_CLEARED_PER_KEEP = 100;

/** A refused form's id, as the workspace draws it: random, URL-safe base64. */
export const REFUSED_FORM_ID = /^[A-Za-z0-9_-]{16,64}$/;

export function checkRefusedFormId(id: string): string {
  if (!REFUSED_FORM_ID.test(id)) throw new StoreError(StoreErrorCode.InvalidKey, `invalid refused form id "${id.slice(0, 80)}": 16 to 64 letters, digits, _ or -`);
  return id;
}

/**
 * A user as the identity provider names them (OpenID Connect's `sub`: at most 255 ASCII characters).
 * Control characters are refused so a subject never breaks a log line or a file's name.
 */
export function checkSubject(subject: string): string {
  if (!/^[\x20-\x7e]{1,255}$/.test(subject)) throw new StoreError(StoreErrorCode.InvalidKey, `invalid user subject "${subject.slice(0, 80)}": 1 to 255 printable ASCII characters`);
  return subject;
}

/** A language a user chose, as a short tag (`en`, `fr`, `pt-BR`). */
export function checkLanguageTag(language: string): string {
  if (!/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/.test(language)) throw new StoreError(StoreErrorCode.InvalidKey, `invalid language "${language.slice(0, 20)}": a tag such as en or fr`);
  return language;
}

/** A refresh token's digest, as the store keys its refresh by: hex SHA-256. */
export const TOKEN_DIGEST = /^[0-9a-f]{64}$/;

export function checkTokenDigest(digest: string): string {
  if (!TOKEN_DIGEST.test(digest)) throw new StoreError(StoreErrorCode.InvalidKey, `invalid refresh token digest "${digest.slice(0, 80)}": 64 hex digits`);
  return digest;
}

/** The holder of a refresh claim, as a store names it: 32 hex digits drawn at random. */
const CLAIM_HOLDER = /^[0-9a-f]{32}$/;

export const newClaimHolder = (): string => randomBytes(16).toString('hex');

export function checkClaimHolder(holder: string): string {
  if (!CLAIM_HOLDER.test(holder)) throw new StoreError(StoreErrorCode.InvalidKey, `invalid refresh claim holder "${holder.slice(0, 80)}": 32 hex digits, as claim returned it`);
  return holder;
}
