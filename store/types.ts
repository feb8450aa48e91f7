// Every piece of state a worker or the CLI shares with others, behind one interface with two homes:
// local files (the embedded default, one host) and PostgreSQL (workers on several hosts). The
// delivery ledger keeps mail once-only, the wrapped data keys keep payloads readable (and shreddable),
// published files are what users read and notices attach, and the document store keeps what arrives
// with a case. `openStore` (store/index.ts) picks the home from DATABASE_URL.
import type { DeliveryLedger } from '../activities/delivery-ledger';
import { DossierError } from '../workflows/errors';

export type { BeginOptions, DeliveryLedger, DeliveryRecord, SendTurn } from '../activities/delivery-ledger';

/** A campaign's data key as stored: encrypted (AES-256-GCM) under the master key `masterKeyId`. */
export interface WrappedKey {
  id: string;
  masterKeyId: string;
  iv: string;
  wrapped: string;
  tag: string;
  createdAt: string;
}

/** Where wrapped data keys live; the keystore (encryption/keystore.ts) wraps and unwraps them. */
export interface WrappedKeyStore {
  get(keyId: string): Promise<WrappedKey | undefined>;
  /**
   * Stores `key` unless one with its id exists; returns whichever is stored (two workers may race),
   * or undefined when that id was shredded: a destroyed key is never made again.
   */
  putIfAbsent(key: WrappedKey): Promise<WrappedKey | undefined>;
  /** Replaces a key only while it is still wrapped by `expectedMasterKeyId` (master-key rotation). */
  replace(key: WrappedKey, expectedMasterKeyId: string): Promise<boolean>;
  /**
   * Crypto-shredding: records that the key was destroyed (a tombstone with the time, kept for good
   * and written first, so a key made meanwhile sees it), then removes the wrapped key. False when
   * the key was already gone. `shreddedAt` is given only when a shredding recorded elsewhere is copied
   * (store/import-local.ts), so that it keeps its own time.
   */
  delete(keyId: string, shreddedAt?: string): Promise<boolean>;
  /** When the key was shredded (ISO time, the first shredding's), or undefined if it never was. */
  shreddedAt(keyId: string): Promise<string | undefined>;
  list(): Promise<string[]>;
  /**
   * Reclaims what deleted keys left behind in the store's own files, where the store can (PostgreSQL:
   * VACUUM FULL of the key table). Returns what was done, for the operator.
   */
  purgeDeleted(): Promise<string>;
}

/**
 * Files users read and mail attaches: statements, drafts, letter copies. Paths are relative
 * (`<campaign folder>/statement-1.en.pdf`); `..` and absolute paths are refused.
 */
export interface PublishedFiles {
  /** Writes the file unless it already holds exactly these bytes, so a retried activity is harmless. */
  write(path: string, bytes: Uint8Array): Promise<void>;
  read(path: string): Promise<Buffer | undefined>;
  /** Paths under `prefix` (a folder, or '' for all), sorted. */
  list(prefix?: string): Promise<string[]>;
  delete(path: string): Promise<boolean>;
  /**
   * Writes the file only if none is there yet, and returns what the path then holds: these bytes, or
   * those of whoever wrote it first. Of two hosts claiming one path at once, exactly one wins.
   */
  claim(path: string, bytes: Uint8Array): Promise<Buffer>;
  /** Where a user finds the file: a local path, or `postgres:<path>` (read it with `dossier statement get`). */
  locate(path: string): string;
}

export interface DocumentMetadata {
  /** File name as received (`answers.pdf`). */
  name: string;
  /** Media type (`application/pdf`). */
  type: string;
}

export interface StoredDocument extends DocumentMetadata {
  campaignId: string;
  key: string;
  size: number;
  /** Hex SHA-256 of the stored bytes (ciphertext when the caller encrypted). */
  sha256: string;
  storedAt: string;
}

/**
 * Documents that arrive with a case (attachments of vendors' replies), by campaign and key. The
 * store keeps bytes as given: callers encrypt confidential content under the campaign's key first,
 * so shredding that key makes the documents unreadable too.
 */
export interface DocumentStore {
  /** Stores (or replaces) the document; size and sha256 are computed here. */
  put(campaignId: string, key: string, bytes: Uint8Array, metadata: DocumentMetadata): Promise<StoredDocument>;
  get(campaignId: string, key: string): Promise<{ document: StoredDocument; bytes: Buffer } | undefined>;
  /** Metadata only, sorted by key. */
  list(campaignId: string): Promise<StoredDocument[]>;
  delete(campaignId: string, key: string): Promise<boolean>;
}

/**
 * Workspace sessions signed out before they expire. A session lives in a sealed cookie, not on the
 * server, so several web processes serve the same users; without this list, a copy of the cookie
 * would stay signed in after its owner signed out. Ids only, each kept until its session expires.
 */
export interface RevokedSessions {
  revoke(sessionId: string, until: Date): Promise<void>;
  isRevoked(sessionId: string): Promise<boolean>;
}

/**
 * Refreshes of workspace sessions' refresh tokens, one per old token across every web process. A
 * provider that rotates refresh tokens revokes the whole grant when an old one is used again, and two
 * tabs (or two hosts) re-checking a session's roles at once both carry the same old token: the first
 * to claim it asks the provider and records the outcome here (sealed by the caller), the others take
 * that outcome. Entries are keyed by a digest of the old token; an outcome is kept until the time its
 * `settle` names (a refresh that rotated the token: until its session ends, since any older copy of the
 * cookie may come back with the spent token), and cleared after.
 *
 * A claim names its holder: a claim past its time may be claimed again, but its holder may only have
 * been slow (a provider that answered after the claim ran out), and its late `settle` or `release`
 * must leave the newer claimant's claim and outcome, which carry the newest refresh token.
 */
export interface TokenRefreshes {
  /**
   * Claims the refresh of `digest` until `until`: for exactly one caller, the claim's holder (an id that
   * `settle` and `release` name); undefined while another's claim or recorded outcome stands. A claim
   * past its `until` (its holder died, or is only slow) may be claimed again.
   */
  claim(digest: string, until: Date): Promise<string | undefined>;
  /**
   * Records `holder`'s outcome, which every other caller with the same old token then reads until
   * `until`: true if recorded. False, recording nothing, while another holder's claim or outcome stands
   * (this holder's claim ran out and the token was claimed again). With nothing standing (the claim
   * cleared past its time, or a newer claimant gave its own up) the outcome is recorded: the old token
   * is spent at the provider either way, and must not be sent again.
   */
  settle(digest: string, holder: string, outcome: string, until: Date): Promise<boolean>;
  /** `pending` while claimed without an outcome, the outcome once settled, `none` when unclaimed or past its time. */
  outcome(digest: string): Promise<{ state: 'pending' } | { state: 'settled'; outcome: string } | { state: 'none' }>;
  /**
   * Gives `holder`'s claim up without an outcome (the provider did not answer), so a later request asks
   * again; a newer claim of the same token, or its outcome, is left as it is.
   */
  release(digest: string, holder: string): Promise<void>;
}

/**
 * Refused workspace forms waiting for the page they were sent on to (post/redirect/get), sealed by the
 * workspace: the host that refused a form may not be the one a load balancer sends the page to, so
 * every web process sharing the store finds it. Each is taken once, and counts for nothing past its
 * time (minutes); keeping one clears some of those past their time, so the store holds only the
 * forms refused lately.
 */
export interface RefusedFormStore {
  keep(id: string, sealed: string, until: Date): Promise<void>;
  /** The sealed form, removed as it is taken (of two takes at once, one gets it); undefined once taken or past its time. */
  take(id: string): Promise<string | undefined>;
}

/**
 * What each workspace user chose for themselves, by the identity provider's subject: the language a
 * person chose follows them to any browser and any web host, where a browser's cookie kept it for
 * whoever used that browser next.
 */
export interface UserPreferences {
  /** The language `subject` last chose (a short tag such as `fr`), undefined if they never chose one. */
  language(subject: string): Promise<string | undefined>;
  setLanguage(subject: string, language: string): Promise<void>;
}

export type StoreKind = 'local' | 'postgres';

/** The folders of local files, or the database (its URL masked). */
export type StoreLocation = { kind: 'local'; stateDir: string; keysDir: string; outputDir: string } | { kind: 'postgres'; database: string };

export interface SharedStore {
  readonly kind: StoreKind;
  readonly ledger: DeliveryLedger;
  readonly keys: WrappedKeyStore;
  readonly files: PublishedFiles;
  readonly documents: DocumentStore;
  readonly sessions: RevokedSessions;
  readonly refreshes: TokenRefreshes;
  readonly refusedForms: RefusedFormStore;
  readonly preferences: UserPreferences;
  /** Creates or migrates the schema (PostgreSQL); a no-op for local files. Other methods call it on first use. */
  ready(): Promise<void>;
  /** One line for logs, with no password. */
  describe(): string;
  /** Where the state is, as facts a front end words in its reader's language (`describe` is the logs' English). */
  readonly location: StoreLocation;
  close(): Promise<void>;
}

export const StoreErrorCode = {
  InvalidPath: 'StoreInvalidPath',
  InvalidKey: 'StoreInvalidKey',
  Unavailable: 'StoreUnavailable',
  Migration: 'StoreMigrationFailed',
  Corrupt: 'StoreCorrupt',
} as const;
export type StoreErrorCode = (typeof StoreErrorCode)[keyof typeof StoreErrorCode];

/** A string code survives Temporal and process boundaries, where `instanceof` does not. */
export class StoreError extends DossierError<StoreErrorCode> {}
