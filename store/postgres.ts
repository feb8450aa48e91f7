// Shared state in PostgreSQL, for workers on several hosts: every worker and CLI pointed at the same
// DATABASE_URL sees the same ledger, keys, published files and documents. The schema is created and
// migrated by node-pg-migrate from store/migrations/ on first use (workers call `ready()` at start).
// A send's claim is owned by the worker process that took it and renewed while its send lasts; another
// worker takes it over only once it has seen the lease run out and then stay unrenewed for a lease, so
// a dropped database connection (restart, failover), or a database away for longer than a lease, never
// lets a second worker send a message the first one is still sending.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Pool, type QueryResultRow } from 'pg';
import { claimLost, turnUnderClaim, type BeginOptions, type DeliveryLedger, type DeliveryRecord, type SendTurn } from '../activities/delivery-ledger';
import { checkCampaignId, checkClaimHolder, checkDocumentKey, checkKeyId, checkLanguageTag, checkRefusedFormId, checkSessionId, checkSubject, checkTokenDigest, newClaimHolder, normalPath, REFUSED_FORMS_CLEARED_PER_KEEP, REVOKED_KEPT_AFTER_EXPIRY_MS, sha256Hex } from './rules';
import {
  StoreError,
  StoreErrorCode,
  type DocumentMetadata,
  type DocumentStore,
  type PublishedFiles,
  type RefusedFormStore,
  type RevokedSessions,
  type UserPreferences,
  type SharedStore,
  type StoredDocument,
  type TokenRefreshes,
  type WrappedKey,
  type WrappedKeyStore,
} from './types';

export const MIGRATIONS_DIR = join(__dirname, 'migrations');
export const MIGRATIONS_TABLE = 'dossier_migrations';

export interface PostgresStoreOptions {
  /**
   * How long a claim on a send holds unless renewed (it is, three times a lease, while the send
   * lasts). Another worker takes a claim over once it has seen it expired and unrenewed for a further
   * lease: a send started by a worker that died waits up to two leases.
   */
  leaseMs?: number;
  pollMs?: number;
  /** Connections in the pool (DOSSIER_DB_POOL_SIZE; the worker's default follows its activity slots). */
  maxConnections?: number;
}

export const DEFAULT_LEASE_MS = 120_000;
export const DEFAULT_POOL_SIZE = 10;
/** How long a send that gives up at the worker's shutdown waits for its claim to be marked given up. */
const ABANDON_WAIT_MS = 2_000;
/** How long a query waits for a connection, to a database host that drops packets or from a busy pool. */
const CONNECTION_WAIT_MS = 10_000;

/**
 * The URL without its passwords, for logs and error messages: the one before the host and any given
 * as a query parameter (libpq and pg read `password=` and `sslpassword=` there too).
 */
export function maskDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    const secrets = [...parsed.searchParams.keys()].filter((name) => /pass|secret|token/i.test(name));
    for (const name of new Set(secrets)) parsed.searchParams.set(name, '***');
    return parsed.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

type Query = <R extends QueryResultRow>(text: string, values?: unknown[]) => Promise<R[]>;

export function openPostgresStore(databaseUrl: string, options: PostgresStoreOptions = {}): SharedStore {
  const size = options.maxConnections ?? DEFAULT_POOL_SIZE;
  // A database host that drops packets fails a query in 10 s, not after the system's connect timeout (minutes).
  const pool = new Pool({ connectionString: databaseUrl, max: size, allowExitOnIdle: true, connectionTimeoutMillis: CONNECTION_WAIT_MS });
  // An idle connection dropped by the server (restart, failover) is replaced on next use; without a
  // listener its 'error' event would end the process.
  pool.on('error', () => undefined);
  const where = maskDatabaseUrl(databaseUrl);
  let migrating: Promise<void> | undefined;
  const ready = () => (migrating ??= migrate(databaseUrl, where).catch((err) => {
    migrating = undefined;
    throw err;
  }));
  const query: Query = async (text, values) => {
    await ready();
    try {
      return (await pool.query(text, values)).rows;
    } catch (err) {
      throw unavailable(err, where, { size, full: pool.totalCount >= size });
    }
  };
  const ledger = new PostgresLedger(query, options);
  return {
    kind: 'postgres',
    ledger,
    keys: new PostgresWrappedKeys(query),
    files: new PostgresPublishedFiles(query),
    documents: new PostgresDocuments(query),
    sessions: new PostgresRevokedSessions(query),
    refreshes: new PostgresTokenRefreshes(query),
    refusedForms: new PostgresRefusedForms(query),
    preferences: new PostgresUserPreferences(query),
    ready,
    describe: () => `PostgreSQL ${where}`,
    location: { kind: 'postgres', database: where },
    async close() {
      await pool.end();
    },
  };
}

/**
 * Connection failures carry a code, and name the database without its password. A query that waited
 * out its time for a connection while every one of the pool's was open and in use met a busy pool, not
 * an unreachable database: that message names the pool's size and the variable that sets it.
 */
function unavailable(err: unknown, where: string, pool: { size: number; full: boolean }): unknown {
  const code = (err as { code?: string }).code;
  // SQLSTATE errors (five characters) are the query's own fault: pass them on as they are, but for a
  // session the server ended (class 08, and 57P01–57P05: shut down, restarted, terminated by an
  // administrator or a failover), which is the database's.
  if (code && /^[0-9A-Z]{5}$/.test(code)) {
    if (!/^(08|57P0)/.test(code)) return err;
    // A pooler in front of the server (PgBouncer) answers for it, with 08P01, when it cannot reach it:
    // query_wait_timeout, server_login_retry. The connection to the pooler itself is fine.
    if (code === '08P01') return new StoreError(StoreErrorCode.Unavailable, `PostgreSQL at ${where} is unreachable: ${poolerAnswer((err as Error).message)}`, { cause: err });
    return new StoreError(StoreErrorCode.Unavailable, `PostgreSQL at ${where} ended the connection (SQLSTATE ${code}): ${(err as Error).message}`, { cause: err });
  }
  if (pool.full && /timeout exceeded when trying to connect/i.test((err as Error).message)) {
    return new StoreError(
      StoreErrorCode.Unavailable,
      `PostgreSQL at ${where}: all ${pool.size} connections of this process's pool were busy for ${CONNECTION_WAIT_MS / 1000} s; ` +
        'raise DOSSIER_DB_POOL_SIZE (within the server\'s max_connections) or lower DOSSIER_ACTIVITY_TASK_SLOTS',
      { cause: err },
    );
  }
  return new StoreError(StoreErrorCode.Unavailable, `PostgreSQL at ${where} is unreachable: ${(err as Error).message}`, { cause: err });
}

/**
 * A connection pooler's own refusal (PgBouncer answers with SQLSTATE 08P01), with the setting that
 * explains it where one does: Dossier needs transactions, and takes no session settings from the URL.
 */
function poolerAnswer(message: string): string {
  const answer = `the connection pooler at that address answered "${message}"`;
  if (message === 'query_wait_timeout') {
    return `${answer}: no server connection came free within its query_wait_timeout (the server is down, or the pooler's default_pool_size is too small for the workers' pools)`;
  }
  if (/statement pooling mode/.test(message)) {
    return `${answer}: Dossier migrates its schema in a transaction, which pool_mode = statement refuses; set pool_mode = transaction (or session) for this database`;
  }
  const parameter = /^unsupported startup parameter: (\S+)/.exec(message)?.[1];
  if (parameter) {
    return `${answer}: DATABASE_URL sets "${parameter}", which the pooler does not pass on to the server; remove it from the URL and set it on the database role instead (ALTER ROLE … SET …), which every pooled session then has`;
  }
  return answer;
}

/**
 * Runs pending migrations in one transaction that first takes node-pg-migrate's advisory lock, as a
 * transaction lock: workers starting together queue behind the first and then find nothing left to
 * run. node-pg-migrate's own lock is a session lock, taken and released by separate statements:
 * behind a pooler in transaction mode (PgBouncer) those run on different server sessions, so the lock
 * excluded nobody (two workers created the same table) and stayed held on a pooled session.
 */
async function migrate(databaseUrl: string, where: string): Promise<void> {
  // node-pg-migrate is an ES module; loaded only when a database is configured.
  const { runner, PG_MIGRATE_LOCK_ID } = await import('node-pg-migrate');
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: CONNECTION_WAIT_MS });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('BEGIN');
    // The same key as node-pg-migrate's session lock, which it conflicts with: an older worker
    // migrating at the same moment is waited for too.
    await client.query(`SELECT pg_advisory_xact_lock(${PG_MIGRATE_LOCK_ID})`);
    await runner({
      dbClient: client,
      noLock: true,
      dir: MIGRATIONS_DIR,
      migrationsTable: MIGRATIONS_TABLE,
      direction: 'up',
      checkOrder: true,
      // Its BEGIN inside ours is a no-op (PostgreSQL warns), and its COMMIT is ours: every migration
      // must therefore run in a transaction (no CREATE INDEX CONCURRENTLY).
      singleTransaction: true,
      log: () => undefined,
      logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    });
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    const reason = (err as { code?: string }).code === '08P01' ? poolerAnswer((err as Error).message) : (err as Error).message;
    throw new StoreError(StoreErrorCode.Migration, `Cannot create or migrate Dossier's schema in ${where}: ${reason}`, { cause: err });
  } finally {
    await client.end().catch(() => undefined);
  }
}

interface ClaimRow {
  token: string;
  owner: string | null;
  expired: boolean;
  /** Marked given up (its worker stopping): taken over at once. */
  abandoned: boolean;
  /** As text, so a take-over can name exactly the expiry it saw unrenewed. */
  expires_at: string;
  lease_ms: number | null;
}

/** A claim of another process this one found expired: which expiry, and since when (this process's clock). */
interface ExpiredSeen {
  token: string;
  expiresAt: string;
  since: number;
}

class PostgresLedger implements DeliveryLedger {
  private readonly leaseMs: number;
  private readonly pollMs: number;
  /**
   * Who owns this ledger's claims: drawn once, so it outlives any database connection. A session
   * would not do: a dropped connection (restart, failover, idle reaper) is not a dead worker.
   */
  private readonly owner = randomUUID();
  /** Claims held by sends of this ledger: its own attempt is alive exactly while listed here. */
  private readonly activeTokens = new Set<string>();
  /**
   * Another process's claims found expired, by message. The database's clock runs on while the
   * database is stopped, so every claim reads expired when it starts again, those of live workers
   * too: a claim is dead only once it has also stayed unrenewed for its holder's lease since.
   */
  private readonly expiredSeen = new Map<string, ExpiredSeen>();

  constructor(
    private readonly query: Query,
    { leaseMs = DEFAULT_LEASE_MS, pollMs = 100 }: PostgresStoreOptions,
  ) {
    // Whole milliseconds: the claim keeps it in an integer column.
    this.leaseMs = Math.round(leaseMs);
    this.pollMs = pollMs;
  }

  async find(messageId: string): Promise<DeliveryRecord | undefined> {
    const rows = await this.query<{ record: DeliveryRecord }>('SELECT record FROM delivery_records WHERE message_id = $1', [messageId]);
    return rows[0]?.record;
  }

  async findMany(messageIds: readonly string[]): Promise<Map<string, DeliveryRecord>> {
    if (!messageIds.length) return new Map();
    const rows = await this.query<{ message_id: string; record: DeliveryRecord }>('SELECT message_id, record FROM delivery_records WHERE message_id = ANY($1::text[])', [[...new Set(messageIds)]]);
    return new Map(rows.map((row) => [row.message_id, row.record]));
  }

  async begin(messageId: string, { signal }: BeginOptions = {}): Promise<SendTurn> {
    for (;;) {
      const token = randomUUID();
      // Listed before it exists: another attempt of this ledger that reads the new claim must find it alive.
      this.activeTokens.add(token);
      const inserted = await this.query(
        `INSERT INTO delivery_claims (message_id, token, owner, host, expires_at, lease_ms)
         VALUES ($1, $2, $3, $4, now() + $5 * interval '1 millisecond', $5)
         ON CONFLICT (message_id) DO NOTHING RETURNING token`,
        [messageId, token, this.owner, hostname(), this.leaseMs],
      ).catch((err: unknown) => {
        this.activeTokens.delete(token);
        throw err;
      });
      if (inserted.length) return this.turn(messageId, token, false);
      this.activeTokens.delete(token);
      // A claim left behind by an attempt that did record its outcome must not hold this one up.
      const delivered = await this.find(messageId);
      if (delivered && !delivered.deferred?.length) return { delivered };
      const [held] = await this.query<ClaimRow>(
        `SELECT token, owner, expires_at < now() AS expired, expires_at = '-infinity' AS abandoned, expires_at::text AS expires_at, lease_ms
         FROM delivery_claims WHERE message_id = $1`,
        [messageId],
      );
      if (!held) continue;
      // One of this ledger's own is known here. Another process's claim is renewed three times a
      // lease while its send lasts: expired, and still unrenewed a lease later, that process died
      // (its renewals fail only while the database is away, and resume once it is back).
      const alive = held.owner === this.owner ? this.activeTokens.has(held.token) : !held.abandoned && !this.deadSince(messageId, held);
      if (alive) {
        if (held.owner !== this.owner && !held.expired) this.expiredSeen.delete(messageId);
      } else {
        // The earlier attempt died without recording an outcome: whether the server accepted its
        // copy is unknowable here, so send again (same Message-ID, which mail clients collapse).
        // Taken over in one statement, and only while it is still the dead claim read above: a
        // delete then an insert left the message unclaimed in between, for a retry that started
        // then to claim without the date, or two retries each believed they took it over. The row
        // keeps the due date its holder stated, so a second crash keeps it too.
        // Only at the very expiry seen unrenewed: a holder that renewed meanwhile keeps its claim.
        this.activeTokens.add(token);
        const [taken] = await this.query<{ due_date: string | null }>(
          `UPDATE delivery_claims SET token = $3, owner = $4, host = $5, expires_at = now() + $6 * interval '1 millisecond', lease_ms = $6
           WHERE message_id = $1 AND token = $2 AND (owner = $4 OR (expires_at < now() AND expires_at::text = $7)) RETURNING due_date`,
          [messageId, held.token, token, this.owner, hostname(), this.leaseMs, held.expires_at],
        ).catch((err: unknown) => {
          this.activeTokens.delete(token);
          throw err;
        });
        this.expiredSeen.delete(messageId);
        if (taken) return this.turn(messageId, token, true, taken.due_date ?? undefined);
        this.activeTokens.delete(token);
        continue;
      }
      signal?.throwIfAborted();
      await sleep(this.pollMs, undefined, { signal });
    }
  }

  /**
   * Whether another process's expired claim has stayed at the expiry first seen here for its holder's
   * lease (this one's, when a worker of an older version wrote it without).
   */
  private deadSince(messageId: string, held: ClaimRow): boolean {
    if (!held.expired) return false;
    const seen = this.expiredSeen.get(messageId);
    if (seen?.token === held.token && seen.expiresAt === held.expires_at) return Date.now() - seen.since >= (held.lease_ms ?? this.leaseMs);
    this.expiredSeen.set(messageId, { token: held.token, expiresAt: held.expires_at, since: Date.now() });
    return false;
  }

  /** The turn of the attempt that holds the claim `token` (listed in `activeTokens`). */
  private turn(messageId: string, token: string, tookOverFromCrash: boolean, dueDate?: string): Promise<SendTurn> {
    const held = {
      release: () => this.release(messageId, token),
      // This ledger's own claim is alive exactly while listed, whatever its expiry: a send that gave
      // up at the worker's shutdown must leave it dead at once, or another attempt of this process
      // would wait on it for good. Expired too, another worker need not wait out the lease while this
      // one finishes stopping. Bounded: a database that does not answer leaves it to the lease.
      abandon: async () => {
        this.activeTokens.delete(token);
        const expired = this.query(`UPDATE delivery_claims SET expires_at = '-infinity' WHERE message_id = $1 AND token = $2`, [messageId, token]);
        const timer = new Promise<void>((resolve) => setTimeout(resolve, ABANDON_WAIT_MS).unref());
        await Promise.race([expired, timer]);
      },
      // Past its expiry too (the database was away for longer than a lease), while no other worker
      // has taken it over and it was not given up: another worker waits a lease for this renewal.
      renew: async () => {
        if (!this.activeTokens.has(token)) return;
        await this.query(
          `UPDATE delivery_claims SET expires_at = now() + $3 * interval '1 millisecond', lease_ms = $3
           WHERE message_id = $1 AND token = $2 AND expires_at <> '-infinity'`,
          [messageId, token, this.leaseMs],
        );
      },
      // Past its expiry too, while no other attempt has taken the claim over (its send took its
      // time composing): renewed with it.
      stateDueDate: async (stated: string) => {
        const rows = await this.query(
          `UPDATE delivery_claims SET due_date = $3, expires_at = now() + $4 * interval '1 millisecond', lease_ms = $4
           WHERE message_id = $1 AND token = $2 RETURNING token`,
          [messageId, token, stated, this.leaseMs],
        );
        if (!rows.length) throw claimLost(messageId);
      },
      leaseMs: this.leaseMs,
    };
    return turnUnderClaim(held, () => this.find(messageId), tookOverFromCrash, dueDate);
  }

  async record(entry: DeliveryRecord): Promise<void> {
    await this.query(
      `INSERT INTO delivery_records (message_id, record) VALUES ($1, $2)
       ON CONFLICT (message_id) DO UPDATE SET record = excluded.record, recorded_at = now()`,
      [entry.messageId, JSON.stringify(entry)],
    );
  }

  private async release(messageId: string, token: string): Promise<void> {
    this.activeTokens.delete(token);
    await this.query('DELETE FROM delivery_claims WHERE message_id = $1 AND token = $2', [messageId, token]);
  }
}

interface KeyRow {
  key_id: string;
  master_key_id: string;
  iv: string;
  wrapped: string;
  tag: string;
  created_at: Date;
}

const keyOf = (row: KeyRow): WrappedKey => ({
  id: row.key_id,
  masterKeyId: row.master_key_id,
  iv: row.iv,
  wrapped: row.wrapped,
  tag: row.tag,
  createdAt: row.created_at.toISOString(),
});

class PostgresWrappedKeys implements WrappedKeyStore {
  constructor(private readonly query: Query) {}

  async get(keyId: string): Promise<WrappedKey | undefined> {
    const rows = await this.query<KeyRow>('SELECT * FROM wrapped_keys WHERE key_id = $1', [checkKeyId(keyId)]);
    return rows[0] && keyOf(rows[0]);
  }

  async putIfAbsent(key: WrappedKey): Promise<WrappedKey | undefined> {
    await this.query(
      `INSERT INTO wrapped_keys (key_id, master_key_id, iv, wrapped, tag, created_at)
       SELECT $1, $2, $3, $4, $5, $6 WHERE NOT EXISTS (SELECT 1 FROM shredded_keys WHERE key_id = $1)
       ON CONFLICT (key_id) DO NOTHING`,
      [checkKeyId(key.id), key.masterKeyId, key.iv, key.wrapped, key.tag, key.createdAt],
    );
    return this.get(key.id);
  }

  async replace(key: WrappedKey, expectedMasterKeyId: string): Promise<boolean> {
    const rows = await this.query(
      `UPDATE wrapped_keys SET master_key_id = $2, iv = $3, wrapped = $4, tag = $5
       WHERE key_id = $1 AND master_key_id = $6 RETURNING key_id`,
      [checkKeyId(key.id), key.masterKeyId, key.iv, key.wrapped, key.tag, expectedMasterKeyId],
    );
    return rows.length === 1;
  }

  async delete(keyId: string, shreddedAt?: string): Promise<boolean> {
    // Two statements, tombstone first: a key inserted before the tombstone was committed is then
    // visible to the DELETE, and one inserted after it finds the tombstone (keystore.ts reads it again).
    await this.query('INSERT INTO shredded_keys (key_id, shredded_at) VALUES ($1, COALESCE($2::timestamptz, now())) ON CONFLICT (key_id) DO NOTHING', [
      checkKeyId(keyId),
      shreddedAt ?? null,
    ]);
    const rows = await this.query('DELETE FROM wrapped_keys WHERE key_id = $1 RETURNING key_id', [keyId]);
    return rows.length === 1;
  }

  async shreddedAt(keyId: string): Promise<string | undefined> {
    const rows = await this.query<{ shredded_at: Date }>('SELECT shredded_at FROM shredded_keys WHERE key_id = $1', [checkKeyId(keyId)]);
    return rows[0]?.shredded_at.toISOString();
  }

  async list(): Promise<string[]> {
    const rows = await this.query<{ key_id: string }>('SELECT key_id FROM wrapped_keys ORDER BY key_id COLLATE "C"');
    return rows.map((r) => r.key_id);
  }

  async purgeDeleted(): Promise<string> {
    // A DELETE only marks the row dead; VACUUM FULL writes the table anew without it and removes
    // the old file. WAL, backups and replicas keep their copies: see README, "Crypto-shredding".
    await this.query('VACUUM FULL wrapped_keys');
    return 'PostgreSQL: VACUUM FULL rewrote the key table without the deleted rows';
  }
}

/** `prefix/` as a LIKE pattern that matches it literally. */
function folderPattern(prefix: string): string {
  return `${normalPath(prefix).replace(/[\\%_]/g, (c) => `\\${c}`)}/%`;
}

class PostgresPublishedFiles implements PublishedFiles {
  constructor(private readonly query: Query) {}

  async write(path: string, bytes: Uint8Array): Promise<void> {
    const buffer = Buffer.from(bytes);
    // The same bytes again (a retried activity) change nothing, not even the row.
    await this.query(
      `INSERT INTO published_files (path, bytes, size, sha256) VALUES ($1, $2, $3, $4)
       ON CONFLICT (path) DO UPDATE SET bytes = excluded.bytes, size = excluded.size, sha256 = excluded.sha256, written_at = now()
       WHERE published_files.sha256 <> excluded.sha256`,
      [normalPath(path), buffer, buffer.length, sha256Hex(buffer)],
    );
  }

  async read(path: string): Promise<Buffer | undefined> {
    const rows = await this.query<{ bytes: Buffer }>('SELECT bytes FROM published_files WHERE path = $1', [normalPath(path)]);
    return rows[0]?.bytes;
  }

  async claim(path: string, bytes: Uint8Array): Promise<Buffer> {
    const buffer = Buffer.from(bytes);
    // The primary key decides between two claims at once; the loser's insert changes nothing.
    await this.query('INSERT INTO published_files (path, bytes, size, sha256) VALUES ($1, $2, $3, $4) ON CONFLICT (path) DO NOTHING', [
      normalPath(path),
      buffer,
      buffer.length,
      sha256Hex(buffer),
    ]);
    return (await this.read(path))!;
  }

  async list(prefix = ''): Promise<string[]> {
    const rows = prefix
      ? await this.query<{ path: string }>('SELECT path FROM published_files WHERE path LIKE $1 ORDER BY path COLLATE "C"', [folderPattern(prefix)])
      : await this.query<{ path: string }>('SELECT path FROM published_files ORDER BY path COLLATE "C"');
    return rows.map((r) => r.path);
  }

  async delete(path: string): Promise<boolean> {
    return (await this.query('DELETE FROM published_files WHERE path = $1 RETURNING path', [normalPath(path)])).length === 1;
  }

  locate(path: string): string {
    return `postgres:${normalPath(path)}`;
  }
}

interface DocumentRow {
  campaign_id: string;
  key: string;
  name: string;
  type: string;
  size: number;
  sha256: string;
  stored_at: Date;
  bytes?: Buffer;
}

const documentOf = (row: DocumentRow): StoredDocument => ({
  campaignId: row.campaign_id,
  key: row.key,
  name: row.name,
  type: row.type,
  size: row.size,
  sha256: row.sha256,
  storedAt: row.stored_at.toISOString(),
});

const DOCUMENT_COLUMNS = 'campaign_id, key, name, type, size, sha256, stored_at';

class PostgresDocuments implements DocumentStore {
  constructor(private readonly query: Query) {}

  async put(campaignId: string, key: string, bytes: Uint8Array, metadata: DocumentMetadata): Promise<StoredDocument> {
    const buffer = Buffer.from(bytes);
    const rows = await this.query<DocumentRow>(
      `INSERT INTO documents (campaign_id, key, name, type, size, sha256, bytes) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (campaign_id, key) DO UPDATE SET name = excluded.name, type = excluded.type, size = excluded.size,
         sha256 = excluded.sha256, bytes = excluded.bytes, stored_at = now()
       RETURNING ${DOCUMENT_COLUMNS}`,
      [checkCampaignId(campaignId), checkDocumentKey(key), metadata.name, metadata.type, buffer.length, sha256Hex(buffer), buffer],
    );
    return documentOf(rows[0]);
  }

  async get(campaignId: string, key: string): Promise<{ document: StoredDocument; bytes: Buffer } | undefined> {
    const rows = await this.query<DocumentRow>(`SELECT ${DOCUMENT_COLUMNS}, bytes FROM documents WHERE campaign_id = $1 AND key = $2`, [
      checkCampaignId(campaignId),
      checkDocumentKey(key),
    ]);
    return rows[0] && { document: documentOf(rows[0]), bytes: rows[0].bytes! };
  }

  async list(campaignId: string): Promise<StoredDocument[]> {
    const rows = await this.query<DocumentRow>(`SELECT ${DOCUMENT_COLUMNS} FROM documents WHERE campaign_id = $1 ORDER BY key COLLATE "C"`, [
      checkCampaignId(campaignId),
    ]);
    return rows.map(documentOf);
  }

  async delete(campaignId: string, key: string): Promise<boolean> {
    const rows = await this.query('DELETE FROM documents WHERE campaign_id = $1 AND key = $2 RETURNING key', [
      checkCampaignId(campaignId),
      checkDocumentKey(key),
    ]);
    return rows.length === 1;
  }
}

/** One row per user who chose something, keyed by their subject. */
class PostgresUserPreferences implements UserPreferences {
  constructor(private readonly query: Query) {}

  async language(subject: string): Promise<string | undefined> {
    const [row] = await this.query<{ language: string }>('SELECT language FROM user_preferences WHERE subject = $1', [checkSubject(subject)]);
    return row?.language;
  }

  async setLanguage(subject: string, language: string): Promise<void> {
    await this.query('INSERT INTO user_preferences (subject, language) VALUES ($1, $2) ON CONFLICT (subject) DO UPDATE SET language = EXCLUDED.language', [
      checkSubject(subject),
      checkLanguageTag(language),
    ]);
  }
}

class PostgresRevokedSessions implements RevokedSessions {
  constructor(private readonly query: Query) {}

  async revoke(sessionId: string, until: Date): Promise<void> {
    await this.query('INSERT INTO revoked_sessions (session_id, until) VALUES ($1, $2) ON CONFLICT (session_id) DO UPDATE SET until = EXCLUDED.until', [
      checkSessionId(sessionId),
      until,
    ]);
    // Each sign-out clears the entries whose sessions expired long ago. Times are the web host's,
    // as the cookie's expiry is: a database clock running ahead would let a copy back in early; a
    // margin, so a host whose own clock runs ahead clears nothing another host still needs.
    await this.query('DELETE FROM revoked_sessions WHERE until <= $1', [new Date(Date.now() - REVOKED_KEPT_AFTER_EXPIRY_MS)]);
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    const rows = await this.query('SELECT 1 FROM revoked_sessions WHERE session_id = $1 AND until > $2', [checkSessionId(sessionId), new Date()]);
    return rows.length > 0;
  }
}


/**
 * One row per refresh, keyed by the old token's digest: the primary key decides between two claims at
 * once, and each settle or release is one statement conditioned on the row's holder, so a holder whose
 * claim was taken over changes nothing (a take-over by a web host of the release before holders names
 * none, and a trigger clears the holder it would leave: 1796076000000_refresh-claim-unnamed-take-over).
 * Times are the web host's, as the cookie's are.
 */
class PostgresTokenRefreshes implements TokenRefreshes {
  constructor(private readonly query: Query) {}

  async claim(digest: string, until: Date): Promise<string | undefined> {
    const now = new Date();
    const holder = newClaimHolder();
    await this.query('DELETE FROM token_refreshes WHERE until <= $1 AND digest <> $2', [now, checkTokenDigest(digest)]);
    // A row past its time (its holder died or is late, or the old token came back after the row's time) is claimed again, in the same statement.
    const rows = await this.query(
      `INSERT INTO token_refreshes (digest, until, holder) VALUES ($1, $2, $4)
       ON CONFLICT (digest) DO UPDATE SET until = excluded.until, holder = excluded.holder, outcome = NULL WHERE token_refreshes.until <= $3
       RETURNING digest`,
      [digest, until, now, holder],
    );
    return rows.length === 1 ? holder : undefined;
  }

  async settle(digest: string, holder: string, outcome: string, until: Date): Promise<boolean> {
    // Recorded over this holder's own row, over a row past its time, or as a new row where none is left.
    const rows = await this.query(
      `INSERT INTO token_refreshes (digest, until, holder, outcome) VALUES ($1, $2, $3, $4)
       ON CONFLICT (digest) DO UPDATE SET until = excluded.until, holder = excluded.holder, outcome = excluded.outcome
         WHERE token_refreshes.holder = excluded.holder OR token_refreshes.until <= $5
       RETURNING digest`,
      [checkTokenDigest(digest), until, checkClaimHolder(holder), outcome, new Date()],
    );
    return rows.length === 1;
  }

  async outcome(digest: string): Promise<{ state: 'pending' } | { state: 'settled'; outcome: string } | { state: 'none' }> {
    const [row] = await this.query<{ outcome: string | null }>('SELECT outcome FROM token_refreshes WHERE digest = $1 AND until > $2', [checkTokenDigest(digest), new Date()]);
    if (!row) return { state: 'none' };
    return row.outcome === null ? { state: 'pending' } : { state: 'settled', outcome: row.outcome };
  }

  async release(digest: string, holder: string): Promise<void> {
    await this.query('DELETE FROM token_refreshes WHERE digest = $1 AND holder = $2', [checkTokenDigest(digest), checkClaimHolder(holder)]);
  }
}

/**
 * One row per refused form. A take is one DELETE … RETURNING, so of two takes at once the row goes to
 * one. Each keep deletes a bounded number of rows past their time (skipping rows another host is
 * deleting), which more than keeps up with the one row a keep adds. Times are the web host's.
 */
class PostgresRefusedForms implements RefusedFormStore {
  constructor(private readonly query: Query) {}

  async keep(id: string, sealed: string, until: Date): Promise<void> {
    await this.query('INSERT INTO refused_forms (id, sealed, until) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET sealed = EXCLUDED.sealed, until = EXCLUDED.until', [
      checkRefusedFormId(id),
      sealed,
      until,
    ]);
    await this.query(
      `DELETE FROM refused_forms WHERE id IN (SELECT id FROM refused_forms WHERE until <= $1 ORDER BY until LIMIT ${REFUSED_FORMS_CLEARED_PER_KEEP} FOR UPDATE SKIP LOCKED)`,
      [new Date()],
    );
  }

  async take(id: string): Promise<string | undefined> {
    const [row] = await this.query<{ sealed: string; live: boolean }>('DELETE FROM refused_forms WHERE id = $1 RETURNING sealed, until > $2 AS live', [checkRefusedFormId(id), new Date()]);
    return row?.live ? row.sealed : undefined;
  }
}
