// The local mail sink: a real SMTP server on loopback that keeps every message it accepts, in
// memory and (when given a folder) as an .eml file. It stands in for the regulator's mail relay in
// the embedded set-up, the demo and the tests; tests can make it refuse recipients (5xx or 4xx).
import { EventEmitter } from 'node:events';
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import type { MaildirMailbox } from '../intake/maildir-mailbox';

export interface ReceivedMail {
  /** Sequence number in arrival order, from 1. */
  seq: number;
  from: string;
  to: string[];
  raw: Buffer;
  /** The Message-ID header as sent, angle brackets included. */
  messageId?: string;
  emlPath?: string;
}

/** Answer for one recipient: undefined accepts it; otherwise the SMTP code and text to refuse with. */
export type RecipientPolicy = (address: string) => { code: number; message: string } | undefined;

/** Answer for a whole message at the end of its DATA: undefined accepts it, as for RecipientPolicy. */
export type MessagePolicy = (mail: ReceivedMail) => { code: number; message: string } | undefined;

/** Whether a client's AUTH credentials are accepted; a refusal answers 535, as a relay would. */
export type AuthPolicy = (username: string, password: string) => boolean;

export interface MailSinkOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Folder for .eml files; none are written when omitted. */
  folder?: string;
  /**
   * Local delivery, as a mail server would do for its own domain: mail to the case mailbox (or a
   * `+token` address of it) is also put into this Maildir, which the intake reads.
   */
  caseMailbox?: { address: string; maildir: MaildirMailbox };
}

/** Whether `address` is the case mailbox or one of its `+token` sub-addresses. */
export function isCaseMailbox(address: string, caseMailbox: string): boolean {
  const [local, domain] = splitAddress(address.toLowerCase());
  const [caseLocal, caseDomain] = splitAddress(caseMailbox.toLowerCase());
  return domain === caseDomain && local.split('+')[0] === caseLocal;
}

function splitAddress(address: string): [string, string] {
  const at = address.lastIndexOf('@');
  return [address.slice(0, at), address.slice(at + 1)];
}

export class MailSink extends EventEmitter {
  readonly messages: ReceivedMail[] = [];
  recipientPolicy: RecipientPolicy = () => undefined;
  messagePolicy: MessagePolicy = () => undefined;
  authPolicy: AuthPolicy = () => true;
  private server?: SMTPServer;
  private listening?: { host: string; port: number };

  constructor(private readonly options: MailSinkOptions = {}) {
    super();
    // Every message holds contact addresses and case text: owner-only, like the rest of local state.
    if (options.folder) mkdirSync(options.folder, { recursive: true, mode: 0o700 });
  }

  // A closed SMTPServer keeps answering "421 shutting down", so every start gets a new one.
  private build(): SMTPServer {
    return new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      size: 25 * 1024 * 1024,
      // Clients that send no credentials are served as before; tests give credentials to see a 535.
      allowInsecureAuth: true,
      onAuth: (auth, _session, callback) => {
        if (this.authPolicy(auth.username ?? '', auth.password ?? '')) return callback(null, { user: auth.username });
        const error = new Error('Authentication credentials invalid') as Error & { responseCode: number };
        error.responseCode = 535;
        return callback(error);
      },
      onRcptTo: (address: SMTPServerAddress, _session, callback) => {
        const refusal = this.recipientPolicy(address.address);
        if (!refusal) return callback();
        const error = new Error(refusal.message) as Error & { responseCode: number };
        error.responseCode = refusal.code;
        return callback(error);
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks);
          let pendingDelivery: Promise<unknown> = Promise.resolve();
          const mail: ReceivedMail = {
            seq: this.messages.length + 1,
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw,
            messageId: headerValue(raw, 'message-id'),
          };
          const refusal = this.messagePolicy(mail);
          if (refusal) return callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
          const local = this.options.caseMailbox;
          const forCase = local ? mail.to.filter((to) => isCaseMailbox(to, local.address)) : [];
          if (local && forCase.length) {
            // Delivered-To names the envelope recipient, as local delivery does: the token survives a Bcc.
            const delivered = Buffer.concat([Buffer.from(`Delivered-To: ${forCase[0]}\r\n`), raw]);
            pendingDelivery = local.maildir.append(delivered);
          }
          if (this.options.folder) {
            // Owner-only; 'wx': a name that somehow exists already is never overwritten (a copy gets a suffix).
            mail.emlPath = writeUnique(join(this.options.folder, emlFileName(new Date(), mail.seq, mail.messageId)), raw);
          }
          this.messages.push(mail);
          this.emit('message', mail);
          // The sender hears "250 OK" only once the case mailbox holds the message.
          pendingDelivery.then(
            () => callback(),
            (err: Error) => callback(Object.assign(new Error(`local delivery failed: ${err.message}`), { responseCode: 451 })),
          );
        });
      },
    });
  }

  async start(): Promise<this> {
    const host = this.options.host ?? '127.0.0.1';
    const server = (this.server = this.build());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // After a stop, start again on the same port: clients configured with its URL come back.
      server.listen(this.listening?.port ?? this.options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    // smtp-server re-emits a sender's socket error on the server: a worker killed in the middle of a
    // message (its connection reset) would end the process serving the sink. The sender retries;
    // the message it did not finish is not one the sink received.
    server.on('error', () => undefined);
    const address = server.server.address();
    if (!address || typeof address !== 'object') throw new Error('mail sink did not bind');
    this.listening = { host, port: address.port };
    return this;
  }

  get port(): number {
    if (!this.listening) throw new Error('mail sink not started');
    return this.listening.port;
  }

  /** SMTP URL for nodemailer: plain SMTP on loopback, no TLS. */
  get url(): string {
    if (!this.listening) throw new Error('mail sink not started');
    return `smtp://${this.listening.host}:${this.listening.port}`;
  }

  /** Resolves once `count` messages matching `filter` have arrived; rejects after `timeoutMs`. */
  waitFor(count: number, filter: (m: ReceivedMail) => boolean = () => true, timeoutMs = 30_000): Promise<ReceivedMail[]> {
    return waitForMessages(this, count, filter, timeoutMs);
  }

  clear(): void {
    this.messages.length = 0;
    this.recipientPolicy = () => undefined;
    this.authPolicy = () => true;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function headerValue(raw: Buffer, name: string): string | undefined {
  const head = raw.subarray(0, Math.max(0, raw.indexOf('\r\n\r\n'))).toString('utf8').replace(/\r\n[ \t]+/g, ' ');
  const line = head.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name}:`));
  return line?.slice(name.length + 1).trim();
}

// Process id: two sinks started in the same millisecond (a test, a second `npm start`) still differ.
const RUN = `${process.pid.toString(36)}`;

/**
 * `<UTC time to the millisecond>-<run>-<arrival number>-<Message-ID>.eml`: names sort in arrival
 * order across restarts (the numbering of each run starts again at 1, the time does not) and two
 * runs never write the same name, even for the same Message-ID (a resend).
 */
export function emlFileName(at: Date, seq: number, messageId: string | undefined): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('.', '-');
  return `${stamp}-${RUN}-${String(seq).padStart(4, '0')}-${fileSafe(messageId)}.eml`;
}

/**
 * Writes the message whole under a name no watcher lists, then links it to its `.eml` name: a
 * watcher in another process (the demo beside `npm start`) polls the folder and would otherwise read
 * a file still being written, and see a message with no headers.
 */
function writeUnique(path: string, data: Buffer): string {
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, data, { mode: 0o600 });
  try {
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? path : path.replace(/\.eml$/, `.${n}.eml`);
      try {
        linkSync(partial, candidate);
        return candidate;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
  } finally {
    rmSync(partial, { force: true });
  }
}

function fileSafe(text: string | undefined): string {
  return (text ?? 'no-message-id').replace(/[^A-Za-z0-9.@_-]+/g, '_').slice(0, 120);
}

/** The mail a sink received, as a process that did not start the sink sees it (the demo beside `npm start`). */
export interface MailSeen {
  readonly messages: ReceivedMail[];
  readonly port: number;
  waitFor(count: number, filter?: (m: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail[]>;
  on(event: 'message', listener: (mail: ReceivedMail) => void): unknown;
  off(event: 'message', listener: (mail: ReceivedMail) => void): unknown;
}

/**
 * The messages another process's sink keeps as `.eml` files (its folder), from now on: each new file
 * is read once it appears, in the sink's own arrival order (the names sort so). The envelope is not
 * in the file: its To and Cc headers stand for the recipients.
 */
export class MailFolderWatcher extends EventEmitter implements MailSeen {
  readonly messages: ReceivedMail[] = [];
  private readonly seen = new Set<string>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly folder: string,
    readonly port: number,
    private readonly everyMs = 200,
  ) {
    super();
  }

  start(): this {
    for (const name of this.names()) this.seen.add(name);
    this.timer = setInterval(() => this.poll(), this.everyMs);
    return this;
  }

  private names(): string[] {
    return existsSync(this.folder) ? readdirSync(this.folder).filter((n) => n.endsWith('.eml')).sort() : [];
  }

  private poll(): void {
    for (const name of this.names()) {
      if (this.seen.has(name)) continue;
      this.seen.add(name);
      const emlPath = join(this.folder, name);
      const raw = readFileSync(emlPath);
      const addresses = (header: string) => (headerValue(raw, header) ?? '').split(',').map((a) => /<([^>]+)>/.exec(a)?.[1] ?? a.trim()).filter(Boolean);
      const mail: ReceivedMail = {
        seq: this.messages.length + 1,
        from: addresses('from')[0] ?? '',
        to: [...addresses('to'), ...addresses('cc')],
        raw,
        messageId: headerValue(raw, 'message-id'),
        emlPath,
      };
      this.messages.push(mail);
      this.emit('message', mail);
    }
  }

  waitFor(count: number, filter: (m: ReceivedMail) => boolean = () => true, timeoutMs = 30_000): Promise<ReceivedMail[]> {
    return waitForMessages(this, count, filter, timeoutMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

function waitForMessages(source: EventEmitter & { messages: ReceivedMail[] }, count: number, filter: (m: ReceivedMail) => boolean, timeoutMs: number): Promise<ReceivedMail[]> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const found = source.messages.filter(filter);
      if (found.length >= count) {
        cleanup();
        resolve(found);
      }
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`expected ${count} message(s), got ${source.messages.filter(filter).length} after ${timeoutMs} ms`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      source.off('message', check);
    };
    source.on('message', check);
    check();
  });
}
