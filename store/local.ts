// The embedded default: shared state as files on one host, needing no server. Folders are created
// owner-only (0700) and files written owner-only (0600), each write made atomic by a rename (or a
// hard link, where an existing file must win), so a reader never sees half a file, and flushed to
// disk with its folder (store/durable-files.ts), so a power cut cannot leave a key file empty.
// Workers on other hosts cannot see these files: for that, set DATABASE_URL (store/postgres.ts).
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { readlink, rename, rm, symlink, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FileDeliveryLedger } from '../activities/delivery-ledger';
import { makeFolder, makeFolderNow, overwriteSynced, removeLeftoversOf, syncFolder, writeAtomically as writeDurably, writeOnce as writeOnceDurably } from './durable-files';
import { checkCampaignId, checkClaimHolder, checkDocumentKey, checkKeyId, checkLanguageTag, checkRefusedFormId, checkSessionId, checkSubject, checkTokenDigest, newClaimHolder, normalPath, REFUSED_FORM_ID, REVOKED_KEPT_AFTER_EXPIRY_MS, SESSION_ID, sha256Hex, TOKEN_DIGEST } from './rules';
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

export interface LocalStoreFolders {
  /** Published files (`out/` in DOSSIER_DATA_DIR, else `out/`). */
  outputDir: string;
  /** The delivery ledger and stored documents (`state/` in DOSSIER_DATA_DIR, else `.data/state`). */
  stateDir: string;
  /** Wrapped data keys (`keys/` in DOSSIER_DATA_DIR, else `.data/keys`). */
  keysDir: string;
}

const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

export function openLocalStore(folders: LocalStoreFolders, { ledgerLeaseMs }: { ledgerLeaseMs?: number } = {}): SharedStore {
  const outputDir = resolve(folders.outputDir);
  const stateDir = resolve(folders.stateDir);
  const keysDir = resolve(folders.keysDir);
  // Folders are made on first use: a CLI that only reads keys creates no ledger folder.
  let ledger: FileDeliveryLedger | undefined;
  let keys: LocalWrappedKeys | undefined;
  return {
    kind: 'local',
    get ledger() {
      if (!ledger) {
        makeFolderNow(join(stateDir, 'deliveries'), DIR_MODE);
        ledger = new FileDeliveryLedger(join(stateDir, 'deliveries'), ledgerLeaseMs ? { leaseMs: ledgerLeaseMs } : {});
      }
      return ledger;
    },
    get keys() {
      return (keys ??= new LocalWrappedKeys(keysDir));
    },
    files: new LocalPublishedFiles(outputDir),
    documents: new LocalDocuments(join(stateDir, 'documents')),
    sessions: new LocalRevokedSessions(join(stateDir, 'revoked-sessions')),
    refreshes: new LocalTokenRefreshes(join(stateDir, 'token-refreshes')),
    refusedForms: new LocalRefusedForms(join(stateDir, 'refused-forms')),
    preferences: new LocalUserPreferences(join(stateDir, 'user-preferences')),
    ready: async () => undefined,
    describe: () => `local files (state ${stateDir}, keys ${keysDir}, output ${outputDir})`,
    location: { kind: 'local', stateDir, keysDir, outputDir },
    close: async () => undefined,
  };
}

/**
 * Writes under a name of this writer's own, then renames: readers see the old file or the new one. A
 * failure names the file: Node's own message for a full disk names none ("ENOSPC: no space left on
 * device, write"), and the on-call must know which of the folders (output, state, keys) to look at.
 */
async function writeAtomically(path: string, bytes: Uint8Array | string): Promise<void> {
  try {
    await writeDurably(path, bytes, { mode: FILE_MODE, folderMode: DIR_MODE });
  } catch (err) {
    throw new StoreError(StoreErrorCode.Unavailable, `cannot write ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/** Writes `path` only if it does not exist yet (of two writers racing, exactly one file is kept). */
async function writeOnce(path: string, text: string): Promise<void> {
  await writeOnceDurably(path, text, FILE_MODE);
}

function readIfExists(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Removes a file, and flushes its folder so the removal survives a power cut too. */
async function removeIfExists(path: string): Promise<boolean> {
  try {
    await rm(path);
    await syncFolder(dirname(path));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

export class LocalWrappedKeys implements WrappedKeyStore {
  constructor(private readonly folder: string) {
    makeFolderNow(folder, DIR_MODE);
  }

  private pathOf(keyId: string): string {
    return join(this.folder, `${checkKeyId(keyId)}.json`);
  }

  /** The tombstone of a shredded key: `<id>.shredded`, holding the time; never a `.json`, so never listed. */
  private tombstoneOf(keyId: string): string {
    return join(this.folder, `${checkKeyId(keyId)}.shredded`);
  }

  async get(keyId: string): Promise<WrappedKey | undefined> {
    const bytes = readIfExists(this.pathOf(keyId));
    return bytes ? (JSON.parse(bytes.toString('utf8')) as WrappedKey) : undefined;
  }

  async putIfAbsent(key: WrappedKey): Promise<WrappedKey | undefined> {
    if (await this.shreddedAt(key.id)) return undefined;
    await writeOnce(this.pathOf(key.id), JSON.stringify(key));
    return (await this.get(key.id)) ?? key;
  }

  async replace(key: WrappedKey, expectedMasterKeyId: string): Promise<boolean> {
    const current = await this.get(key.id);
    if (!current || current.masterKeyId !== expectedMasterKeyId) return false;
    await writeAtomically(this.pathOf(key.id), JSON.stringify(key));
    return true;
  }

  async delete(keyId: string, shreddedAt = new Date().toISOString()): Promise<boolean> {
    const tombstone = this.tombstoneOf(keyId);
    // The first of two shreddings racing keeps its time.
    if (!readIfExists(tombstone)) {
      await writeOnce(tombstone, JSON.stringify({ shreddedAt }));
    }
    const path = this.pathOf(keyId);
    const current = readIfExists(path);
    if (!current) return false;
    // Overwrite before unlinking: a best effort on file systems that write in place.
    try {
      await overwriteSynced(path, randomBytes(Math.max(512, current.length)));
    } catch (err) {
      // Another shredding removed it meanwhile.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
    return removeIfExists(path);
  }

  async shreddedAt(keyId: string): Promise<string | undefined> {
    const tombstone = readIfExists(this.tombstoneOf(keyId));
    return tombstone && (JSON.parse(tombstone.toString('utf8')) as { shreddedAt: string }).shreddedAt;
  }

  async list(): Promise<string[]> {
    return readdirSync(this.folder)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -'.json'.length))
      .sort();
  }

  async purgeDeleted(): Promise<string> {
    return 'local files: a destroyed key file was overwritten with random bytes before it was unlinked';
  }
}

export class LocalPublishedFiles implements PublishedFiles {
  constructor(private readonly root: string) {}

  private pathOf(path: string): string {
    return join(this.root, ...normalPath(path).split('/'));
  }

  async write(path: string, bytes: Uint8Array): Promise<void> {
    const full = this.pathOf(path);
    const existing = readIfExists(full);
    if (!existing || !existing.equals(Buffer.from(bytes))) await writeAtomically(full, bytes);
    // The retry of a write whose worker was killed: its half file goes, or the folder would publish it.
    await removeLeftoversOf(full);
  }

  async read(path: string): Promise<Buffer | undefined> {
    return readIfExists(this.pathOf(path));
  }

  async claim(path: string, bytes: Uint8Array): Promise<Buffer> {
    const full = this.pathOf(path);
    try {
      await makeFolder(dirname(full), DIR_MODE);
      // A hard link, not a rename: an existing file wins, so two claims cannot both succeed.
      await writeOnceDurably(full, bytes, FILE_MODE);
    } catch (err) {
      throw new StoreError(StoreErrorCode.Unavailable, `cannot write ${full}: ${(err as Error).message}`, { cause: err });
    }
    return readIfExists(full)!;
  }

  async list(prefix = ''): Promise<string[]> {
    const start = prefix ? this.pathOf(prefix) : this.root;
    const found: string[] = [];
    const walk = (folder: string) => {
      let entries;
      try {
        entries = readdirSync(folder, { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return;
        throw err;
      }
      for (const entry of entries) {
        const full = join(folder, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.isFile() && !entry.name.endsWith('.partial')) found.push(relative(this.root, full).split(sep).join('/'));
      }
    };
    walk(start);
    return found.sort();
  }

  async delete(path: string): Promise<boolean> {
    return removeIfExists(this.pathOf(path));
  }

  locate(path: string): string {
    return this.pathOf(path);
  }
}

export class LocalDocuments implements DocumentStore {
  constructor(private readonly root: string) {}

  /** Keys may hold any character: files are named by their hash, the key kept in the metadata. */
  private pathsOf(campaignId: string, key: string) {
    const name = createHash('sha256').update(checkDocumentKey(key)).digest('hex');
    const folder = join(this.root, checkCampaignId(campaignId));
    return { metadata: join(folder, `${name}.json`), bytes: join(folder, `${name}.bin`) };
  }

  async put(campaignId: string, key: string, bytes: Uint8Array, metadata: DocumentMetadata): Promise<StoredDocument> {
    const paths = this.pathsOf(campaignId, key);
    const document: StoredDocument = {
      campaignId,
      key,
      name: metadata.name,
      type: metadata.type,
      size: bytes.length,
      sha256: sha256Hex(bytes),
      storedAt: new Date().toISOString(),
    };
    // Bytes first, then the metadata that names their hash: a reader checks one against the other.
    await writeAtomically(paths.bytes, bytes);
    await writeAtomically(paths.metadata, JSON.stringify(document));
    return document;
  }

  async get(campaignId: string, key: string): Promise<{ document: StoredDocument; bytes: Buffer } | undefined> {
    const paths = this.pathsOf(campaignId, key);
    for (let attempt = 1; ; attempt++) {
      const metadata = readIfExists(paths.metadata);
      const bytes = readIfExists(paths.bytes);
      if (!metadata || !bytes) return undefined;
      const document = JSON.parse(metadata.toString('utf8')) as StoredDocument;
      if (sha256Hex(bytes) === document.sha256) return { document, bytes };
      // A put racing this read may have replaced one file and not yet the other: read again.
      if (attempt === 3) {
        throw new StoreError(StoreErrorCode.Corrupt, `document "${key}" of campaign ${campaignId}: ${paths.bytes} does not match the SHA-256 in ${paths.metadata}`);
      }
    }
  }

  async list(campaignId: string): Promise<StoredDocument[]> {
    const folder = join(this.root, checkCampaignId(campaignId));
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return names
      .filter((n) => n.endsWith('.json'))
      .flatMap((n) => {
        const metadata = readIfExists(join(folder, n));
        return metadata ? [JSON.parse(metadata.toString('utf8')) as StoredDocument] : [];
      })
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(campaignId: string, key: string): Promise<boolean> {
    const paths = this.pathsOf(campaignId, key);
    const removed = await removeIfExists(paths.metadata);
    return (await removeIfExists(paths.bytes)) || removed;
  }
}

/**
 * One file per user, named by the SHA-256 of their subject (a subject may hold any printable
 * character, a file name may not), holding what they chose as JSON.
 */
class LocalUserPreferences implements UserPreferences {
  constructor(private readonly folder: string) {}

  async language(subject: string): Promise<string | undefined> {
    const bytes = readIfExists(this.pathOf(subject));
    if (bytes === undefined) return undefined;
    try {
      const { language } = JSON.parse(bytes.toString('utf8')) as { language?: unknown };
      return typeof language === 'string' ? language : undefined;
    } catch (err) {
      throw new StoreError(StoreErrorCode.Corrupt, `${this.pathOf(subject)} is not a user's choices: ${(err as Error).message}`, { cause: err });
    }
  }

  async setLanguage(subject: string, language: string): Promise<void> {
    // The subject is kept beside the choice: the file's name alone could not say whose it is.
    await writeAtomically(this.pathOf(subject), JSON.stringify({ subject, language: checkLanguageTag(language) }));
  }

  private pathOf(subject: string): string {
    return join(this.folder, sha256Hex(Buffer.from(checkSubject(subject), 'utf8')));
  }
}

/** One file per revoked session, named by its id, holding when the session would have expired. */
class LocalRevokedSessions implements RevokedSessions {
  constructor(private readonly folder: string) {}

  async revoke(sessionId: string, until: Date): Promise<void> {
    await writeAtomically(join(this.folder, checkSessionId(sessionId)), String(until.getTime()));
    // Each sign-out clears the entries whose sessions expired long ago (a margin for a clock stepped back).
    // Only entries: another process's file being written (a temporary name) is not one.
    const clearedBefore = Date.now() - REVOKED_KEPT_AFTER_EXPIRY_MS;
    for (const name of readdirSync(this.folder)) {
      if (!SESSION_ID.test(name)) continue;
      const path = join(this.folder, name);
      const expires = Number(readIfExists(path)?.toString('utf8') || Number.NaN);
      if (expires <= clearedBefore) await removeIfExists(path);
    }
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    const until = readIfExists(join(this.folder, checkSessionId(sessionId)));
    return until !== undefined && Number(until.toString('utf8')) > Date.now();
  }
}


/** How often a process looks for refused forms past their time in the folder. */
const REFUSED_FORMS_CLEARED_EVERY_MS = 60_000;
/**
 * How long a file in the refused forms' folder that is not an entry (a form taken by a process that
 * stopped before removing it, a write cut short) stays before it counts as left: writes and takes last
 * milliseconds.
 */
const REFUSED_LEFTOVER_AFTER_MS = 10 * 60_000;

interface RefusedFormEntry {
  /** Epoch ms after which the form counts for nothing. */
  until: number;
  sealed: string;
}

/** A refused form's file as written, or undefined for one that does not read as such (a disk fault): no one's form. */
function readRefusedForm(bytes: Buffer): RefusedFormEntry | undefined {
  try {
    const entry = JSON.parse(bytes.toString('utf8')) as Partial<RefusedFormEntry>;
    return typeof entry.until === 'number' && typeof entry.sealed === 'string' ? (entry as RefusedFormEntry) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One file per refused form, named by its id. A take renames the file to a name of its own before
 * reading it: a rename of a name that is gone fails, so of two takes at once (two hosts on a shared
 * folder) one gets the form. Keeping a form clears, at most once a minute in a process, the entries
 * past their time and what takes and writes cut short left: each pass reads only the forms refused in
 * the last minutes, and the folder holds no more.
 */
class LocalRefusedForms implements RefusedFormStore {
  /** When this instance last looked for entries past their time (epoch ms). */
  private clearedAt = 0;

  constructor(private readonly folder: string) {}

  async keep(id: string, sealed: string, until: Date): Promise<void> {
    const entry = JSON.stringify({ until: until.getTime(), sealed } satisfies RefusedFormEntry);
    await writeAtomically(join(this.folder, checkRefusedFormId(id)), entry);
    await this.clearPastEntries();
  }

  async take(id: string): Promise<string | undefined> {
    const taken = `${join(this.folder, checkRefusedFormId(id))}.taken.${randomBytes(4).toString('hex')}`;
    try {
      await rename(join(this.folder, id), taken);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new StoreError(StoreErrorCode.Unavailable, `cannot take the refused form ${join(this.folder, id)}: ${(err as Error).message}`, { cause: err });
    }
    const bytes = readIfExists(taken);
    await removeIfExists(taken);
    const entry = bytes && readRefusedForm(bytes);
    return entry && entry.until > Date.now() ? entry.sealed : undefined;
  }

  private async clearPastEntries(): Promise<void> {
    const now = Date.now();
    if (now - this.clearedAt < REFUSED_FORMS_CLEARED_EVERY_MS) return;
    this.clearedAt = now;
    for (const name of readdirSync(this.folder)) {
      const path = join(this.folder, name);
      if (REFUSED_FORM_ID.test(name)) {
        // Written whole by a rename: one that does not read as an entry is no one's form.
        const bytes = readIfExists(path);
        const until = (bytes && readRefusedForm(bytes)?.until) ?? Number.NaN;
        if (until > now) continue;
      } else {
        // A rename keeps the time a file was written and changes its ctime: a form taken a moment ago counts from then.
        const times = statSync(path, { throwIfNoEntry: false });
        if (!times || now - Math.max(times.mtimeMs, times.ctimeMs) < REFUSED_LEFTOVER_AFTER_MS) continue;
      }
      // A take of the same entry meanwhile removes it too.
      await removeIfExists(path);
    }
  }
}

/** How often a process clears the token refreshes past their time from the folder. */
const REFRESHES_CLEARED_EVERY_MS = 60_000;
/** How long a claim waits for another process's marker on an entry past its time (held for a write's milliseconds). */
const MARKER_WAIT_MS = 2_000;

interface RefreshEntry {
  /** Epoch ms after which the entry counts for nothing. */
  until: number;
  /** Who claimed it (absent from entries written before claims named their holder, which no holder matches). */
  holder?: string;
  outcome?: string;
}

/**
 * One file per refresh, named by the old token's digest: made by a hard link (of two claims at once,
 * exactly one makes it). An entry past its time is taken over or cleared only under a marker named
 * after the bytes read (swapEntry): two claimants that both read it used to remove it in turn, the
 * second the first's fresh claim, and both spent the same refresh token. The holder's outcome
 * replaces its claim, and its release removes it, under the same marker: a holder late past its
 * claim's time, whose claim another took over meanwhile, then finds the entry changed and leaves it.
 */
class LocalTokenRefreshes implements TokenRefreshes {
  /** When this instance last cleared the entries past their time (epoch ms). */
  private clearedAt = 0;

  constructor(private readonly folder: string) {}

  private pathOf(digest: string): string {
    return join(this.folder, checkTokenDigest(digest));
  }

  private entry(digest: string): RefreshEntry | undefined {
    const bytes = readIfExists(this.pathOf(digest));
    return bytes && (JSON.parse(bytes.toString('utf8')) as RefreshEntry);
  }

  async claim(digest: string, until: Date): Promise<string | undefined> {
    const path = this.pathOf(digest);
    const holder = newClaimHolder();
    return writingTo(path, async () => {
      await makeFolder(this.folder, DIR_MODE);
      await this.clearPastEntries(digest);
      const entry = JSON.stringify({ until: until.getTime(), holder } satisfies RefreshEntry);
      const deadline = Date.now() + MARKER_WAIT_MS;
      for (let pause = 1; ; pause = Math.min(2 * pause, 50)) {
        if (await writeOnceDurably(path, entry, FILE_MODE)) return holder;
        const seen = readIfExists(path);
        // Cleared since the link failed: the next link decides.
        if (!seen) continue;
        if ((JSON.parse(seen.toString('utf8')) as RefreshEntry).until > Date.now()) return undefined;
        // A claim past its time: its holder died or is late, or the old token came back after the entry's time.
        const swapped = await swapEntry(path, seen, entry);
        if (swapped === 'swapped') return holder;
        // 'changed': read afresh. 'busy': another claimant is taking it over; unless it stopped in the middle, it has by now.
        if (swapped === 'busy') {
          if (Date.now() >= deadline) return undefined;
          await sleep(pause);
        }
      }
    });
  }

  /**
   * Clears the entries past their time (only entries: another writer's temporary file or marker is
   * not one), at most once a minute: a refresh that rotated its token is kept until its session ends,
   * so the folder holds hundreds of live entries, each read to clear a few. An entry past its time
   * counts for nothing meanwhile (`claim` and `outcome` read its `until`).
   */
  private async clearPastEntries(claimed: string): Promise<void> {
    const now = Date.now();
    if (now - this.clearedAt < REFRESHES_CLEARED_EVERY_MS) return;
    for (const name of readdirSync(this.folder)) {
      if (!TOKEN_DIGEST.test(name) || name === claimed) continue;
      const left = readIfExists(join(this.folder, name));
      // A claimant taking the entry over meanwhile keeps it ('changed', 'busy').
      if (left && (JSON.parse(left.toString('utf8')) as RefreshEntry).until <= now) await swapEntry(join(this.folder, name), left, undefined);
    }
    this.clearedAt = now;
  }

  async settle(digest: string, holder: string, outcome: string, until: Date): Promise<boolean> {
    const path = this.pathOf(digest);
    const settled = JSON.stringify({ until: until.getTime(), holder: checkClaimHolder(holder), outcome } satisfies RefreshEntry);
    return writingTo(path, async () => {
      const deadline = Date.now() + MARKER_WAIT_MS;
      for (let pause = 1; ; pause = Math.min(2 * pause, 50)) {
        const seen = readIfExists(path);
        if (!seen) {
          // Cleared past its time, or given up by a newer claimant: made like a claim, by a link.
          await makeFolder(this.folder, DIR_MODE);
          if (await writeOnceDurably(path, settled, FILE_MODE)) return true;
          continue;
        }
        const entry = JSON.parse(seen.toString('utf8')) as RefreshEntry;
        if (entry.holder !== holder && entry.until > Date.now()) return false;
        const swapped = await swapEntry(path, seen, settled);
        if (swapped === 'swapped') return true;
        // 'changed': read afresh. 'busy': the entry, past its time, is being taken over or cleared; read it once that is done.
        if (swapped === 'busy') {
          if (Date.now() >= deadline) return false;
          await sleep(pause);
        }
      }
    });
  }

  async outcome(digest: string): Promise<{ state: 'pending' } | { state: 'settled'; outcome: string } | { state: 'none' }> {
    const held = this.entry(digest);
    if (!held || held.until <= Date.now()) return { state: 'none' };
    return held.outcome === undefined ? { state: 'pending' } : { state: 'settled', outcome: held.outcome };
  }

  async release(digest: string, holder: string): Promise<void> {
    const path = this.pathOf(digest);
    checkClaimHolder(holder);
    await writingTo(path, async () => {
      for (;;) {
        const seen = readIfExists(path);
        if (!seen || (JSON.parse(seen.toString('utf8')) as RefreshEntry).holder !== holder) return;
        // 'busy': past its time, the claim is being taken over or cleared, which gives it up as well.
        if ((await swapEntry(path, seen, undefined)) !== 'changed') return;
      }
    });
  }
}

/** `work` on the entry at `path`: a failure of the file system is a StoreError (Unavailable) naming the file. */
async function writingTo<T>(path: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof StoreError) throw err;
    throw new StoreError(StoreErrorCode.Unavailable, `cannot write ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/** 'swapped'; 'changed': the file no longer holds the bytes read; 'busy': a live process holds its marker. */
type SwapOutcome = 'swapped' | 'changed' | 'busy';

let markerHost: string | undefined;
/**
 * This process among those that had its id on this host: a process restarted is often given the id
 * of the one before (pid 1 in a container whose hostname outlives it), which may have died holding a
 * marker that would otherwise seem held by a live process for as long as this one runs.
 */
const markerRun = randomBytes(6).toString('hex');
/** What a marker holds: `pid host run`, the host hashed to a fixed length. */
function markerText(): string {
  markerHost ??= sha256Hex(Buffer.from(hostname())).slice(0, 12);
  return `${process.pid} ${markerHost} ${markerRun}`;
}

/** Whether the process that wrote a marker still runs (one of another host, or of another user, counts as running). */
function markerHolderAlive(text: string): boolean {
  const [pid, host, run] = text.split(' ');
  if (host !== markerText().split(' ')[1]) return true;
  // This process's id, written by another run of it (or by a release whose markers named no run).
  if (Number(pid) === process.pid) return run === markerRun;
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readMarker(path: string): Promise<string | undefined> {
  return readlink(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
}

/**
 * Renames `next` over the file at `path`, or removes it when `next` is undefined, only while it still
 * holds `seen`. A read then a removal is no compare-and-swap: two processes that both read an entry
 * past its time could each replace it, the second the first's fresh claim. So the change is made
 * holding a marker named after the bytes read, a symbolic link created exclusively, and the file is
 * read again under it: whoever made the marker first changes the file, any other finds it 'busy' or,
 * once the marker is given back, 'changed' (bytes never come back: each entry names its claim's
 * holder, drawn at random). A marker whose process died holding it is taken over the same way, under a
 * marker of its own; markers need not outlive a power cut, as their processes do not.
 */
async function swapEntry(path: string, seen: Buffer | string, next: string | undefined): Promise<SwapOutcome> {
  const marker = `${path}.${sha256Hex(Buffer.from(seen)).slice(0, 16)}.swap`;
  const mine = markerText();
  for (;;) {
    try {
      await symlink(mine, marker);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = await readMarker(marker);
    if (holder === undefined) continue;
    if (markerHolderAlive(holder)) return 'busy';
    if ((await swapMarker(marker, holder, mine)) !== 'swapped') return 'busy';
    break;
  }
  try {
    const current = readIfExists(path);
    if (!current || !current.equals(Buffer.from(seen))) return 'changed';
    if (next === undefined) await removeIfExists(path);
    else await writeAtomically(path, next);
    return 'swapped';
  } finally {
    // No other process takes over a marker whose process is alive: this one is still ours.
    await unlink(marker).catch(() => undefined);
  }
}

/** swapEntry for a marker whose process died: a new link renamed over it, under a marker of its own. */
async function swapMarker(marker: string, held: string, mine: string): Promise<SwapOutcome> {
  const inner = `${marker}.${sha256Hex(Buffer.from(held)).slice(0, 16)}.swap`;
  try {
    await symlink(mine, inner);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const holder = await readMarker(inner);
    if (holder === undefined || markerHolderAlive(holder)) return 'busy';
    if ((await swapMarker(inner, holder, mine)) !== 'swapped') return 'busy';
  }
  try {
    if ((await readMarker(marker)) !== held) return 'changed';
    const aside = `${marker}.${randomBytes(4).toString('hex')}.new`;
    await symlink(mine, aside);
    await rename(aside, marker);
    return 'swapped';
  } finally {
    await unlink(inner).catch(() => undefined);
  }
}
