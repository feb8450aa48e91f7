// The case mailbox as a local Maildir (the embedded default: no mail server to install). The layout
// is Maildir++ as Dovecot writes it: the inbox in the root's new/ and cur/, each folder in `.Name/`.
// A message is written to tmp/ and renamed into new/, so a reader never sees half a message.
// Vendors' replies are confidential: folders are created owner-only (0700), messages 0600.
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { HEADER_LIMIT, headerOf, INBOX, type MailboxSource, type ReadOptions, type StoredMessage } from './mailbox';

let counter = 0;

/** A folder's delivery lock (a directory: made or refused at once) and the time its last message was named. */
const DELIVERING = '.delivering';
const LAST_DELIVERED = '.last-delivered';
/** A lock older than this was left by a writer that died while delivering: a delivery takes milliseconds. */
const STALE_LOCK_MS = 10_000;

export class MaildirMailbox implements MailboxSource {
  constructor(readonly root: string) {}

  private folderPath(folder = INBOX): string {
    return folder === INBOX ? this.root : join(this.root, `.${folder}`);
  }

  private async ensure(folder = INBOX): Promise<string> {
    const path = this.folderPath(folder);
    await Promise.all(['new', 'cur', 'tmp'].map((sub) => mkdir(join(path, sub), { recursive: true, mode: 0o700 })));
    return path;
  }

  async open(): Promise<void> {
    await this.ensure(INBOX);
  }

  async *messages(folder = INBOX, { maxBytes = Infinity }: ReadOptions = {}): AsyncIterable<StoredMessage> {
    const path = await this.ensure(folder);
    yield* this.read(path, await this.names(path), { maxBytes });
  }

  /** The refs of a folder's messages, in the order of arrival. */
  private async names(path: string): Promise<string[]> {
    const names: string[] = [];
    for (const sub of ['new', 'cur']) for (const name of await readdir(join(path, sub))) names.push(`${sub}/${name}`);
    // Unique names start with the delivery time in milliseconds, so name order is arrival order.
    names.sort((a, b) => a.slice(4).localeCompare(b.slice(4)));
    return names;
  }

  private async *read(path: string, names: string[], { maxBytes = Infinity }: ReadOptions): AsyncIterable<StoredMessage> {
    for (const ref of names) {
      let message: StoredMessage;
      try {
        // Written in tmp/ and renamed into new/ at delivery: the time written is the arrival.
        const { mtimeMs: arrivedAt, size } = await stat(join(path, ref));
        message = size > maxBytes ? { ref, raw: await readHeader(join(path, ref)), arrivedAt, oversize: size } : { ref, raw: await readFile(join(path, ref)), arrivedAt };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // moved meanwhile by another reader
        throw err;
      }
      yield message;
    }
  }

  /** Reads each message's header alone to choose, and only the chosen whole. */
  async *messagesWithHeader(folder: string, name: string, value: string | readonly string[], options: ReadOptions = {}): AsyncIterable<StoredMessage> {
    const values = typeof value === 'string' ? [value] : value;
    if (!values.length) return;
    const path = await this.ensure(folder);
    const { since } = options;
    // Told by its name, unread: a moved message keeps the name its delivery gave it, as its date.
    const names = (await this.names(path)).filter((ref) => since === undefined || !(deliveredAt(ref) < since));
    for await (const { ref, raw } of this.read(path, names, { maxBytes: 0 })) {
      if (!values.some((one) => hasHeader(raw, name, one))) continue;
      for await (const message of this.read(path, [ref], options)) yield message;
    }
  }

  async append(raw: Buffer, folder = INBOX): Promise<string> {
    const path = await this.ensure(folder);
    const unique = `M${++counter}P${process.pid}.${hostname().replace(/[/:]/g, '_')}`;
    const written = join(path, 'tmp', `${Date.now()}.${unique}`);
    await writeFile(written, raw, { mode: 0o600 });
    return this.deliver(path, written, unique);
  }

  /**
   * Names a written message and moves it into new/, one writer at a time, even across processes: a
   * message seen later is always listed later, as IMAP's UIDs order them. Two intakes holding one
   * message at once each keep their copy only if it is the first listed (Intake.hold); a name chosen
   * before the write, then seen after another writer's, let both keep theirs.
   */
  private async deliver(path: string, written: string, unique: string): Promise<string> {
    const lock = join(path, 'tmp', DELIVERING);
    await takeLock(lock);
    try {
      const last = join(path, 'tmp', LAST_DELIVERED);
      const previous = Number(await readFile(last, 'utf8').catch(() => '0')) || 0;
      const at = Math.max(Date.now(), previous + 1);
      // Recorded first: a crash before the rename leaves a gap in the times, never an earlier name.
      await writeFile(last, String(at), { mode: 0o600 });
      const name = `${at}.${unique}`;
      await rename(written, join(path, 'new', name));
      return `new/${name}`;
    } finally {
      await rm(lock, { recursive: true, force: true });
    }
  }

  async discard(ref: string, folder: string): Promise<void> {
    if (!/^(new|cur)\/[^/]+$/.test(ref)) throw new Error(`"${ref}" is not a message of this Maildir`);
    // Gone already: an officer decided the message meanwhile, and its copies went with the decision.
    await rm(join(this.folderPath(folder), ref), { force: true });
  }

  async move(ref: string, to: string, from = INBOX): Promise<boolean> {
    if (!/^(new|cur)\/[^/]+$/.test(ref)) throw new Error(`"${ref}" is not a message of this Maildir`);
    const target = await this.ensure(to);
    const base = ref.slice(4).split(':')[0];
    const source = join(this.folderPath(from), ref);
    try {
      await rename(source, join(target, 'cur', `${base}:2,S`));
      return true;
    } catch (err) {
      // Gone from its folder: another reader moved it first (the target folder was just made).
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !(await exists(source))) return false;
      throw err;
    }
  }

  waitForMail(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolveWait) => {
      let watcher: FSWatcher | undefined;
      const done = () => {
        clearTimeout(timer);
        watcher?.close();
        signal?.removeEventListener('abort', done);
        resolveWait();
      };
      const timer = setTimeout(done, timeoutMs);
      signal?.addEventListener('abort', done);
      try {
        watcher = watch(join(this.root, 'new'), done);
      } catch {
        // No watcher (folder gone): the timeout still ends the wait.
      }
    });
  }

  async close(): Promise<void> {}
}

async function takeLock(lock: string): Promise<void> {
  for (;;) {
    try {
      await mkdir(lock, { mode: 0o700 });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const held = await stat(lock).catch(() => undefined);
    if (held && Date.now() - held.mtimeMs > STALE_LOCK_MS) await rm(lock, { recursive: true, force: true });
    else await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

async function readHeader(file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const start = Buffer.alloc(HEADER_LIMIT);
    const { bytesRead } = await handle.read(start, 0, HEADER_LIMIT, 0);
    return Buffer.from(headerOf(start.subarray(0, bytesRead)));
  } finally {
    await handle.close();
  }
}

/** Whether a header (its lines unfolded) has a field `name` whose value contains `value`, ignoring case. */
function hasHeader(header: Buffer, name: string, value: string): boolean {
  const field = `${name.toLowerCase()}:`;
  const wanted = value.toLowerCase();
  return header
    .toString('latin1')
    .replace(/\r?\n(?=[ \t])/g, '')
    .split(/\r?\n/)
    .some((line) => line.toLowerCase().startsWith(field) && line.slice(field.length).toLowerCase().includes(wanted));
}

/**
 * When a message was delivered, by its unique name (`<time>.<unique>.<host>`: milliseconds as this
 * Maildir writes them, seconds as Dovecot does); NaN for a name that does not say.
 */
function deliveredAt(ref: string): number {
  const time = /^(?:new|cur)\/(\d+)[._]/.exec(ref)?.[1];
  if (time === undefined) return NaN;
  const n = Number(time);
  return n < 1e11 ? n * 1000 : n;
}
