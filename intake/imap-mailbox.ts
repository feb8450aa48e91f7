// The case mailbox over IMAP (imapflow). A folder is locked (selected) for each command on it, not
// while the caller handles a message, so handling one may look into another folder (the holding pen)
// mid-pass; between passes the inbox is selected and IDLEs, and the server's EXISTS notice wakes the
// intake. Messages are fetched one by one by UID (never the whole backlog). A second intake on the
// same mailbox is harmless: recording is idempotent.
import { ImapFlow, type SearchObject } from 'imapflow';
import { headerOf, INBOX, type MailboxSource, type ReadOptions, type StoredMessage } from './mailbox';

export interface ImapSettings {
  host: string;
  port: number;
  /** TLS from the first byte (port 993); otherwise plain, as Dovecot on loopback in tests. */
  secure: boolean;
  user: string;
  password: string;
}

export class ImapMailbox implements MailboxSource {
  private client?: ImapFlow;
  private readonly created = new Set<string>([INBOX]);
  private arrivals = new Set<() => void>();

  /** Between open() and close(): a dropped connection is then made again by the next call. */
  private opened = false;
  private reconnecting?: Promise<void>;

  constructor(private readonly settings: ImapSettings) {}

  /**
   * The connection, made again when the server or the network dropped it (imapflow never reconnects
   * by itself): a restarted Dovecot must not leave the intake retrying on a dead client for ever.
   */
  private async imap(): Promise<ImapFlow> {
    if (!this.opened) throw new Error('the IMAP mailbox is not open: call open() first');
    if (this.client?.usable) return this.client;
    // Calls that find the connection gone at the same moment (a pass moves messages while it reads) share one reconnection.
    if (!this.reconnecting) {
      this.client?.close();
      this.client = undefined;
      this.reconnecting = this.connect().finally(() => (this.reconnecting = undefined));
    }
    await this.reconnecting;
    return this.client!;
  }

  async open(): Promise<void> {
    this.opened = true;
    await this.connect();
  }

  private async connect(): Promise<void> {
    const { host, port, secure, user, password } = this.settings;
    const client = new ImapFlow({ host, port, secure, auth: { user, pass: password }, logger: false, emitLogs: false });
    client.on('exists', () => {
      for (const wake of this.arrivals) wake();
    });
    // A dropped connection is reported by the next call; without a listener it would crash the process.
    client.on('error', () => undefined);
    await client.connect();
    this.client = client;
    // Selecting the inbox lets the server announce new mail while the connection IDLEs.
    await client.mailboxOpen(INBOX);
  }

  private async ensure(folder: string): Promise<void> {
    if (this.created.has(folder)) return;
    const imap = await this.imap();
    const list = await imap.list();
    if (!list.some((m) => m.path === folder)) await imap.mailboxCreate(folder);
    this.created.add(folder);
  }

  messages(folder = INBOX, options: ReadOptions = {}): AsyncIterable<StoredMessage> {
    return this.found(folder, { all: true }, options);
  }

  messagesWithHeader(folder: string, name: string, value: string | readonly string[], options: ReadOptions = {}): AsyncIterable<StoredMessage> {
    const values = typeof value === 'string' ? [value] : value;
    const criteria = values.map((one): SearchObject => ({ header: { [name.toLowerCase()]: one } }));
    if (!criteria.length) return (async function* () {})();
    const matching = criteria.length === 1 ? criteria[0]! : { or: criteria };
    // SINCE compares the day of INTERNALDATE in the server's zone: a day earlier, so none is missed.
    return this.found(folder, options.since === undefined ? matching : { ...matching, since: new Date(options.since - 86_400_000) }, options);
  }

  /** Runs `work` with `folder` selected and locked; the inbox selected again afterwards, for IDLE. */
  private async inFolder<T>(folder: string, work: (imap: ImapFlow) => Promise<T>, { reselect = true } = {}): Promise<T> {
    const imap = await this.imap();
    const lock = await imap.getMailboxLock(folder);
    try {
      return await work(imap);
    } finally {
      lock.release();
      if (reselect && folder !== INBOX && imap.usable) await imap.mailboxOpen(INBOX).catch(() => undefined);
    }
  }

  /** The messages of `folder` the server's SEARCH finds, fetched one by one. */
  private async *found(folder: string, query: SearchObject, { maxBytes = Infinity }: ReadOptions): AsyncIterable<StoredMessage> {
    await this.ensure(folder);
    const { uids, sizes } = await this.inFolder(
      folder,
      async (imap) => {
        // NOOP makes the server report mail delivered since the folder was selected; SEARCH alone does not.
        await imap.noop();
        const uids = (await imap.search(query, { uid: true })) || [];
        // Sizes first (RFC822.SIZE, one FETCH for the folder), so a huge message is never fetched whole.
        const sizes = new Map<number, number>();
        if (uids.length && Number.isFinite(maxBytes)) {
          for await (const m of imap.fetch(uids, { size: true }, { uid: true })) if (m.size !== undefined) sizes.set(m.uid, m.size);
        }
        return { uids, sizes };
      },
      { reselect: false },
    );
    try {
      for (const uid of uids) {
        const size = sizes.get(uid);
        const oversize = size !== undefined && size > maxBytes;
        // Selected again only if handling the last message selected another folder; UIDs outlive that.
        const message = await this.inFolder(folder, (imap) => imap.fetchOne(String(uid), oversize ? { headers: true, internalDate: true } : { source: true, internalDate: true }, { uid: true }), {
          reselect: false,
        });
        const raw = !message ? undefined : oversize ? message.headers && headerOf(message.headers) : message.source;
        if (!message || !raw) continue; // expunged meanwhile
        const arrivedAt = message.internalDate ? new Date(message.internalDate).getTime() : undefined;
        yield { ref: String(uid), raw, ...(Number.isFinite(arrivedAt) ? { arrivedAt } : {}), ...(oversize ? { oversize: size } : {}) };
      }
    } finally {
      if (folder !== INBOX) await this.inFolder(INBOX, async () => undefined).catch(() => undefined);
    }
  }

  async append(raw: Buffer, folder = INBOX): Promise<string | undefined> {
    await this.ensure(folder);
    const appended = await (await this.imap()).append(folder, raw);
    return appended && appended.uid !== undefined ? String(appended.uid) : undefined;
  }

  async discard(ref: string, folder: string): Promise<void> {
    // A UID no longer there (an officer decided the message meanwhile) deletes nothing.
    await this.inFolder(folder, (imap) => imap.messageDelete(ref, { uid: true }));
  }

  async move(ref: string, to: string, from = INBOX): Promise<boolean> {
    await this.ensure(to);
    return this.inFolder(from, async (imap) => {
      await imap.messageFlagsAdd(ref, ['\\Seen'], { uid: true });
      // imapflow answers a refused MOVE with false rather than an error: the message is still there.
      const moved = await imap.messageMove(ref, to, { uid: true });
      if (!moved) throw new Error(`the IMAP server did not move message ${ref} from ${from} to ${to}`);
      // A UID another reader already moved is no longer in the folder: the server moves nothing and
      // so names no new UID (COPYUID, RFC 4315). Without UIDPLUS the server never names one.
      return !imap.capabilities.has('UIDPLUS') || (moved.uidMap?.size ?? 0) > 0;
    });
  }

  waitForMail(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolveWait) => {
      const done = () => {
        clearTimeout(timer);
        this.arrivals.delete(done);
        signal?.removeEventListener('abort', done);
        resolveWait();
      };
      const timer = setTimeout(done, timeoutMs);
      this.arrivals.add(done);
      signal?.addEventListener('abort', done);
      // IDLE at once (imapflow would wait 15 s before its automatic IDLE); the next command ends it.
      // A dropped connection just waits out the timeout: the next pass connects again.
      if (this.client?.usable) this.client.idle().catch(() => undefined);
    });
  }

  async close(): Promise<void> {
    this.opened = false;
    const client = this.client;
    this.client = undefined;
    if (client) await client.logout().catch(() => client.close());
  }
}
