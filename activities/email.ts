// Sends one message of a case over SMTP with nodemailer. Thin on purpose: the text comes from
// compose.ts, the delivered-once guarantee from the ledger, the retry decision from the error
// type (a recipient's 5xx, and a message too large or malformed for the relay, are permanent; a 4xx,
// any other refusal or fault of the relay itself is retried by Temporal with backoff; when only some
// recipients are deferred, the retry sends to those alone).
import { connect, type Socket } from 'node:net';
import nodemailer, { type Transporter } from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { leadCalendar, type Contact, type LetterCopiesInput, type LetterCopyInput, type LetterCopyKey, type LetterCopyNotFiled, type OutgoingMessage, type SentMessage } from '../workflows/types';
import type { DeliveryLedger, DeliveryRecord } from './delivery-ledger';
import { ErrorType, type RecipientRejectedDetails } from '../workflows/errors';
import { recipientDeferred, recipientRejected, relayFault } from './errors';
import type { PublishedFiles } from '../store/types';
import { sha256Hex } from '../store/rules';
import { composeMessage, type ComposedMessage } from './compose';
import { openLetterFileName, renderOpenLetter } from './letter';
import { withLetterBody } from './stored-letter';
import { letterCopyPath, publishedPath } from './published-paths';
import { LocalPublishedFiles } from '../store/local';
import { acceptedLetters, lastAcceptedLetter, letterAccepted, letterNumber, letterStep, walkEach, type FindRecords } from './letter-accepted';
import { sealedLedger } from './sealed-ledger';
import { mailDomain, messageIdFor, replyAddressFor, replyThreadOf, threadRootStep } from './threading';
import { engagementWorkflowId } from '../workflows/workflow-ids';
import { dueCountedFrom } from '../workflows/time';
import { mailCounters } from './mail-metrics';
import { inLanes } from './lanes';

export interface EmailDeps {
  transport: Transporter;
  mailFrom: string;
  ledger: DeliveryLedger;
  /** Where attachment paths (published statements) are read; the local `outputDir` without it. */
  files?: PublishedFiles;
  outputDir?: string;
  /** Where replies go (`Reply-To`, with an engagement's token); `case@<MAIL_FROM's domain>` by default. */
  caseMailbox?: string;
  hooks?: EmailHooks;
  /** The web workspace's address, for links in approval emails. */
  workspaceUrl?: string;
  /**
   * The key a thread's addresses are sealed with in the ledger (derived from its campaign's data
   * key); none when payload encryption is off.
   */
  ledgerKeyFor?: (threadId: string) => Promise<Buffer | undefined>;
  /**
   * Keeps a copy of each message the mail server accepted (its raw MIME), for the workspace's message
   * pages; a failure is logged and never fails the send (that would send it again).
   */
  keepCopy?: (message: OutgoingMessage, raw: Buffer) => Promise<void>;
  /**
   * Receives the handle on the sends the ledger could not record yet, so the worker can write them,
   * or name them, as it stops: the memory that holds them ends with the process.
   */
  onUnrecorded?: (sends: UnrecordedSends) => void;
}

/**
 * Messages the mail server accepted whose record this worker still holds in memory, with their claims,
 * and the copies of open letters it accepted that the published files could not take yet.
 */
export interface UnrecordedSends {
  /**
   * Tries each record and each letter copy once more: the records still unwritten and the ledger's last
   * error; the copies still unwritten (their paths in the published files) and the store's last error.
   */
  flush(): Promise<{ messageIds: string[]; error?: string; letterCopies: string[]; copyError?: string }>;
  /**
   * Ends the retries and lets go of what is held, once the worker's last `flush` has named what is lost:
   * a process that goes on after its worker stopped (a host running several, the tests) would otherwise
   * keep the PDFs in memory and ask a closed store every half-minute for as long as it runs.
   */
  stop(): void;
}

/** Test seams around the send; production passes none. */
export interface EmailHooks {
  /**
   * Runs after the mail server accepted the message and before the ledger records it: the window
   * a crash or a timeout would fall into. Tests delay here to prove a retry sends no second copy.
   */
  afterAccepted?(messageId: string, attempt: number): Promise<void>;
}

/** How long the relay may stay silent in the middle of a connection before the send fails. */
const SOCKET_TIMEOUT_MS = 30_000;

/** A pooled transport: bursts of reminders reuse a few connections instead of one per message. */
export function createSmtpTransport(
  smtpUrl: string,
  { maxConnections = 5, socketTimeoutMs = SOCKET_TIMEOUT_MS }: { maxConnections?: number; socketTimeoutMs?: number } = {},
): Transporter {
  const url = new URL(smtpUrl);
  const options: SMTPPool.Options = {
    pool: true,
    maxConnections,
    host: url.hostname,
    port: Number(url.port) || (url.protocol === 'smtps:' ? 465 : 587),
    secure: url.protocol === 'smtps:',
    // Loopback sinks speak plain SMTP; a real relay is expected to offer STARTTLS.
    ignoreTLS: ['127.0.0.1', 'localhost', '::1'].includes(url.hostname),
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: socketTimeoutMs,
    // Connections are made here, so that one nodemailer gives up on does close (TLS is set up over it).
    getSocket: (_options: unknown, callback: (err: Error | null, socket?: { connection: Socket }) => void) => connectClosing(options, callback),
  };
  const transport = nodemailer.createTransport(options);
  silenceLimits.set(transport, socketTimeoutMs);
  return transport;
}

/** How long each transport made here waits on a silent relay, for the failure's message. */
const silenceLimits = new WeakMap<Transporter, number>();

/** How long a connection nodemailer has half-closed waits for the relay's side before it is dropped. */
const HALF_CLOSED_MS = 2_000;

/**
 * A connection to the relay for nodemailer's pool. nodemailer closes a connection it gives up on (a
 * relay silent past the socket timeout) by ending its side only, then waits for the relay's, which a
 * relay that hangs never sends: each such send kept a socket, and its file descriptor, for as long as
 * the relay stayed stuck. Once this side has ended, the relay gets HALF_CLOSED_MS to end its own.
 * The socket is handed over while it still connects: nodemailer's own handlers then meet a refused or
 * timed-out connection (its greeting timeout covers the connect) and its pool lets the connection go.
 * An error given to the callback instead fails the message but leaves the connection counted in the
 * pool, which stalls for good once the relay was down for as many tries as it has connections.
 */
function connectClosing({ host = 'localhost', port = 587 }: { host?: string; port?: number }, callback: (err: Error | null, socket?: { connection: Socket }) => void): void {
  const socket = connect({ host: host.replace(/^\[(.*)\]$/, '$1'), port });
  socket.setKeepAlive(true);
  socket.setNoDelay(true);
  socket.once('finish', () => setTimeout(() => socket.destroy(), HALF_CLOSED_MS).unref());
  callback(null, { connection: socket });
}

export function createEmailActivities({ transport, mailFrom, ledger: plainLedger, files, outputDir, caseMailbox, hooks = {}, workspaceUrl, ledgerKeyFor, keepCopy, onUnrecorded }: EmailDeps) {
  const domain = mailDomain(mailFrom);
  /** Where attachments are read from and the letter's copy is kept: the same folder, or store, for both. */
  const published = files ?? new LocalPublishedFiles(outputDir ?? '.');
  const replyMailbox = caseMailbox ?? defaultCaseMailbox(mailFrom);
  /**
   * Accepted by the mail server, but the ledger could not record them (database down, disk full):
   * remembered here, each with its claim still held and renewed, and written to the ledger as soon as
   * it works again; only then is the claim released. Until then a retry, on this host or another,
   * waits for the claim instead of sending again to recipients who already have the message.
   */
  const unrecorded = new Map<string, { record: DeliveryRecord; ledger: DeliveryLedger; release(): Promise<void> }>();
  let recording: Promise<void> | undefined;
  let retrying: NodeJS.Timeout | undefined;
  /**
   * The wait before the next round of retries: each round that leaves something unwritten doubles it
   * up to RETRY_MAX_MS, so a store or ledger down for hours is not read a score of times a second
   * (each copy's round reads the ledger for a later letter before it tries the store).
   */
  let retryDelay = RECORD_RETRY_MS;
  let lastLedgerError: string | undefined;
  /**
   * Copies of open letters the mail server accepted that the published files refused (the database
   * restarting, the disk full), by path: written as soon as the store works again, so the publication
   * folder still holds every letter as its vendor received it. A send is never failed for its copy.
   * Each keeps the letter it copies: a later letter of the engagement sent meanwhile (a corrected
   * address) has the copy to keep, and this one is dropped instead of written over it.
   */
  const uncopied = new Map<string, { pdf: Uint8Array; letter: SentLetter }>();
  let copying: Promise<void> | undefined;
  let lastCopyError: string | undefined;
  const stopRetryingWhenDone = () => {
    if (unrecorded.size > 0 || uncopied.size > 0) return;
    clearTimeout(retrying);
    retrying = undefined;
    retryDelay = RECORD_RETRY_MS;
  };
  const recordLater = (): Promise<void> =>
    (recording ??= (async () => {
      for (const [messageId, pending] of unrecorded) {
        try {
          await pending.ledger.record(pending.record);
        } catch (err) {
          lastLedgerError = (err as Error).message;
          return;
        }
        unrecorded.delete(messageId);
        // Once the record is written a claim left behind holds no send up: its release may fail.
        await pending.release().catch(() => undefined);
      }
    })().finally(() => {
      recording = undefined;
      stopRetryingWhenDone();
    }));
  const copyLater = (): Promise<void> =>
    (copying ??= (async () => {
      for (const [path, { pdf, letter }] of uncopied) {
        try {
          if (!(await laterLetterSent(letter))) await published.write(path, pdf);
        } catch (err) {
          lastCopyError = (err as Error).message;
          return;
        }
        uncopied.delete(path);
      }
    })().finally(() => {
      copying = undefined;
      stopRetryingWhenDone();
    }));
  let stopped = false;
  const retryLater = () => {
    if (retrying || stopped) return;
    const round: NodeJS.Timeout = setTimeout(() => {
      void Promise.all([recordLater(), copyLater()]).then(() => {
        // Everything written (the retries stopped), or a new round was set meanwhile.
        if (retrying !== round) return;
        retrying = undefined;
        if (unrecorded.size === 0 && uncopied.size === 0) return;
        retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
        retryLater();
      });
    }, retryDelay);
    round.unref();
    retrying = round;
  };
  /** The store took a write: the copies it refused are tried now rather than at the next round, which may be far off. */
  const storeAnswered = () => {
    if (uncopied.size > 0) void copyLater();
  };
  onUnrecorded?.({
    async flush() {
      await Promise.all([recordLater(), copyLater()]);
      return {
        messageIds: [...unrecorded.keys()],
        ...(unrecorded.size && lastLedgerError ? { error: lastLedgerError } : {}),
        letterCopies: [...uncopied.keys()],
        ...(uncopied.size && lastCopyError ? { copyError: lastCopyError } : {}),
      };
    },
    stop() {
      stopped = true;
      clearTimeout(retrying);
      retrying = undefined;
      unrecorded.clear();
      uncopied.clear();
    },
  });
  const keepUnrecorded = (record: DeliveryRecord, ledger: DeliveryLedger, release: () => Promise<void>) => {
    unrecorded.set(record.messageId, { record, ledger, release });
    retryLater();
  };
  /**
   * Whether messages went out, as this worker knows it: a record it holds unwritten is newer than the
   * ledger's, or the only one. The addresses are only counted, so none is opened.
   */
  const findRecords: FindRecords = async (messageIds) => {
    const held = new Map<string, DeliveryRecord>();
    for (const id of messageIds) {
      const record = unrecorded.get(id)?.record;
      if (record) held.set(id, record);
    }
    const found = await plainLedger.findMany(messageIds.filter((id) => !held.has(id)));
    // One held when the read began may have been written, and let go, after the ledger was read.
    for (const id of messageIds) {
      const record = unrecorded.get(id)?.record ?? held.get(id);
      if (record) found.set(id, record);
    }
    return found;
  };
  /**
   * Whether the mail server accepted a letter of the engagement after this one (sent again to a
   * corrected address): the folder keeps that letter's copy, filed by its own send or retry, never
   * this one's over it. Without the step (engagements before `letter-copy-last-sent`), the last
   * letter is told by the due date it stated, as the ledger recorded it.
   */
  async function laterLetterSent({ threadId, step, dueDate }: SentLetter): Promise<boolean> {
    const last = await lastAcceptedLetter(findRecords, threadId, domain);
    if (last === undefined) return false;
    const n = step === undefined ? undefined : letterNumber(step);
    if (n !== undefined) return last.n > n;
    return last.n > 1 && last.record.dueDate !== undefined && last.record.dueDate !== dueDate;
  }
  /** A vendor's statement notice answers the open letter: it is not sent while the mail server has accepted none of its letters. */
  const withoutLetter = async ({ kind, campaign, vendor }: OutgoingMessage): Promise<boolean> =>
    kind === 'statement-notice' && vendor !== undefined && !(await letterAccepted(findRecords, engagementWorkflowId(campaign.id, vendor.id), domain));
  /**
   * The open letter as the vendor received it (the very PDF, its due date included), kept in the
   * campaign's publication folder once the mail server accepted it, so the folder holds no copy of a
   * letter that never went out. A failure is logged, never allowed to fail a send already made: the
   * copy is kept in memory and written once the store works again (`uncopied`).
   */
  async function keepLetterCopy(message: OutgoingMessage, composed: ComposedMessage, dueDate: string | undefined, activity: Context | undefined): Promise<string | undefined> {
    const folder = message.campaign.letterCopyFolder;
    const vendor = message.vendor;
    if (message.kind !== 'open-letter' || folder === undefined || !vendor) return undefined;
    const name = openLetterFileName({ campaign: message.campaign, vendor, language: message.language });
    const pdf = composed.attachments?.find((a) => a.filename === name)?.content;
    let path: string;
    try {
      if (!(pdf instanceof Uint8Array)) throw new Error(`the message carries no attachment ${name}`);
      path = letterCopyPath(folder, { id: vendor.id, language: message.language });
    } catch (err) {
      activity?.log.error(`Could not keep the copy of the open letter to ${vendor.id} in ${folder}; the letter was sent`, { error: err });
      return (err as Error).message;
    }
    try {
      await published.write(path, pdf);
      // An earlier letter's copy this worker still held would otherwise be written over this one.
      uncopied.delete(path);
      storeAnswered();
      return undefined;
    } catch (err) {
      // Written by this worker once the published files work again; should it stop first, the
      // engagement, told by the send's result, writes it again (fileLetterCopy), as does the campaign
      // when it next asks the ledger (fileLetterCopies).
      uncopied.set(path, { pdf, letter: { threadId: message.threadId, step: message.step, ...(dueDate === undefined ? {} : { dueDate }) } });
      retryLater();
      activity?.log.error(`Could not keep the copy of the open letter to ${vendor.id} in ${folder} yet; the letter was sent, and this worker writes the copy once the published files work again (or its engagement, or its campaign when it next checks the letters)`, { error: err });
      return (err as Error).message;
    }
  }
  /**
   * An open letter found already delivered: the attempt that sent it may have died after its copy was
   * refused and before Temporal heard its result, which alone tells the engagement to file the copy.
   * The copy is written again here, as the vendor received it (held by this worker, else rendered
   * again with the due date the ledger recorded), unless a later letter went out; or the folder would
   * keep no copy, or an earlier letter's, and nobody would know. One that cannot be written is reported.
   */
  async function withLetterCopy(message: OutgoingMessage, sent: SentMessage): Promise<SentMessage> {
    const folder = message.campaign.letterCopyFolder;
    const vendor = message.vendor;
    if (message.kind !== 'open-letter' || folder === undefined || !vendor || !sent.accepted.length) return sent;
    const path = letterCopyPath(folder, { id: vendor.id, language: message.language });
    const dueDate = sent.dueDate ?? message.details.dueDate;
    try {
      if (await laterLetterSent({ threadId: message.threadId, step: message.step, ...(dueDate === undefined ? {} : { dueDate }) })) return sent;
      const held = uncopied.get(path);
      const same = held !== undefined && held.letter.threadId === message.threadId && held.letter.step === message.step;
      const due = dueDate === undefined ? {} : { dueDate };
      await published.write(path, same ? held.pdf : await renderOpenLetter({ campaign: await withLetterBody(message.campaign, published), vendor, language: message.language, timeZone: message.details.timeZone, ...due }));
      if (uncopied.get(path) === held) uncopied.delete(path);
      return sent;
    } catch (err) {
      return { ...sent, letterCopyNotFiled: (err as Error).message };
    }
  }
  return {
    /**
     * Which of these vendors of the campaign have no open letter the mail server accepted, as the
     * ledger knows it now (see letterAccepted): the published statement does not say it was sent to
     * them, and their notice is not mailed. A ledger read for the first letters of ENGAGEMENTS_A_READ
     * vendors, and one for the other letters of those whose first did not go out.
     */
    async lettersNotAccepted({ campaignId, vendorIds }: { campaignId: string; vendorIds: string[] }): Promise<string[]> {
      await recordLater();
      const missing: string[] = [];
      for await (const [vendorId, accepted] of walkEach(findRecords, vendorIds, (find, id) => letterAccepted(find, engagementWorkflowId(campaignId, id), domain))) {
        if (!accepted) missing.push(vendorId);
      }
      return missing;
    },
    /**
     * Which of these vendors' letters the mail server accepted while the publication folder holds no
     * copy of it (its send could not write one), or a copy that may not be the letter the vendor was
     * sent last (one was sent again to a corrected address, and an earlier release could leave the
     * earlier letter's copy): the vendors `fileLetterCopies` is then given. One listing of the folder
     * and the ledger's letters of each vendor; a copy is read only for a vendor sent a letter again,
     * and only when the ledger holds that letter's digest (else `fileLetterCopies` compares it).
     */
    async letterCopiesMissing({ campaignId, folder, vendors }: { campaignId: string; folder: string; vendors: LetterCopyKey[] }): Promise<string[]> {
      await recordLater();
      // A store out of reach fails the look, which is retried: the statement's drafts wait for it too.
      const filed = new Set(await published.list(publishedPath(folder, 'letters')));
      const missing = new Set<string>();
      // Every vendor's letters are looked for, ENGAGEMENTS_A_READ vendors a ledger read (walkEach):
      // a campaign of thousands on a ledger that pays a round trip a read stays well inside the
      // activity's minute.
      const lastSentAgain: { vendor: LetterCopyKey; path: string; digest: string }[] = [];
      const looks = walkEach(findRecords, vendors, async (find, vendor) => {
        const threadId = engagementWorkflowId(campaignId, vendor.id);
        return filed.has(letterCopyPath(folder, vendor)) ? { last: await lastAcceptedLetter(find, threadId, domain) } : { accepted: await letterAccepted(find, threadId, domain) };
      });
      for await (const [vendor, look] of looks) {
        if (look.accepted) missing.add(vendor.id);
        // A vendor sent one letter has its copy: no earlier letter's can be on file.
        if (look.last === undefined || look.last.n === 1) continue;
        const digest = look.last.record.letterSha256;
        if (digest === undefined) missing.add(vendor.id);
        else lastSentAgain.push({ vendor, path: letterCopyPath(folder, vendor), digest });
      }
      await inLanes(lastSentAgain, COPY_LANES, async ({ vendor, path, digest }) => {
        if (sha256Hex((await published.read(path)) ?? Buffer.alloc(0)) !== digest) missing.add(vendor.id);
      });
      return vendors.filter((v) => missing.has(v.id)).map((v) => v.id);
    },
    /**
     * Makes the publication folder's letter copies say what the statement says: each vendor in `keep`
     * whose letter the mail server accepted has the copy of the last letter it received, written
     * again when its send could not write it or an earlier letter's copy is on file (the same input
     * and the due date the ledger recorded give the same bytes, checked against the letter's digest
     * when the ledger holds it); each vendor in `without` has none. A copy that cannot be written or
     * taken back, or that is not the last letter and cannot be made again, is returned, with why,
     * for the campaign's status; it does not hold up the others.
     */
    async fileLetterCopies({ campaign, folder, keep, without = [] }: LetterCopiesInput): Promise<LetterCopyNotFiled[]> {
      await recordLater();
      const notFiled: LetterCopyNotFiled[] = [];
      for (const vendor of without) {
        // A copy this worker still holds to write later would bring back what is taken back here.
        uncopied.delete(letterCopyPath(folder, vendor));
        try {
          await published.delete(letterCopyPath(folder, vendor));
        } catch (err) {
          notFiled.push({ vendorId: vendor.id, error: (err as Error).message, takenBack: true });
        }
      }
      const timeZone = leadCalendar(campaign.authorities)?.timeZone;
      for await (const [vendor, letters] of walkEach(findRecords, keep, (find, v) => acceptedLetters(find, engagementWorkflowId(campaign.id, v.id), domain))) {
        const path = letterCopyPath(folder, vendor);
        const last = letters.at(-1);
        if (!last) continue;
        const render = async (record: DeliveryRecord) =>
          Buffer.from(await renderOpenLetter({ campaign: await withLetterBody(campaign, published), vendor, language: vendor.language, timeZone, ...(record.dueDate === undefined ? {} : { dueDate: record.dueDate }) }));
        try {
          const copy = await published.read(path);
          const digest = last.record.letterSha256;
          if (copy && (last.n === 1 || (digest !== undefined && sha256Hex(copy) === digest))) continue;
          const remade = await render(last.record);
          if (digest === undefined) {
            if (!copy) {
              await published.write(path, remade);
              continue;
            }
            // Recorded before letters had digests: the campaign's vendor may not be the one the last
            // letter named, so only a copy found to be an earlier letter's is listed, and none is made.
            if (copy.equals(remade)) continue;
            const earlier = await findAsync(letters.slice(0, -1).reverse(), async ({ record }) => record.dueDate !== last.record.dueDate && copy.equals(await render(record)));
            if (earlier) notFiled.push(notTheLetterSent(vendor, path, last, earlier, 'whose record keeps no digest of the PDF sent, so no copy made again can be checked against it'));
            continue;
          }
          if (sha256Hex(remade) === digest) {
            await published.write(path, remade);
            continue;
          }
          // The campaign's vendor renders other bytes: the last letter named contacts corrected since.
          const notMade = "which cannot be made again from the campaign's vendor (its contacts were corrected since)";
          if (!copy) {
            notFiled.push({ vendorId: vendor.id, error: `${path} is missing; the vendor was last sent ${letterNamed(last)}, ${notMade}` });
            continue;
          }
          const copyDigest = sha256Hex(copy);
          notFiled.push(notTheLetterSent(vendor, path, last, letters.find(({ record }) => record.letterSha256 === copyDigest), notMade));
        } catch (err) {
          notFiled.push({ vendorId: vendor.id, error: (err as Error).message });
        }
      }
      return notFiled;
    },
    /**
     * Files one open letter's copy its send could not keep, for its engagement: the bytes this worker
     * still holds, else the letter rendered again from the same input (a worker restarted since lost
     * them). It replaces a copy already there, which may be an earlier letter's (the retries of a
     * letter and of the one sent again to a corrected address run in any order), unless the ledger
     * holds a later letter of the engagement: that one's copy is the one to keep. A store still out
     * of reach fails the attempt, and Temporal tries again.
     */
    async fileLetterCopy({ campaign, vendor, language, dueDate, timeZone, step }: LetterCopyInput): Promise<void> {
      const folder = campaign.letterCopyFolder;
      if (folder === undefined) return;
      const path = letterCopyPath(folder, { id: vendor.id, language });
      const letter: SentLetter = { threadId: engagementWorkflowId(campaign.id, vendor.id), ...(step === undefined ? {} : { step }), ...(dueDate === undefined ? {} : { dueDate }) };
      if (await laterLetterSent(letter)) return;
      const held = uncopied.get(path);
      const same = held !== undefined && (step === undefined ? held.letter.dueDate === dueDate : held.letter.step === step);
      await published.write(path, same ? held.pdf : await renderOpenLetter({ campaign: await withLetterBody(campaign, published), vendor, language, timeZone, ...(dueDate === undefined ? {} : { dueDate }) }));
      if (uncopied.get(path) === held) uncopied.delete(path);
      storeAnswered();
    },
    async sendMessage(message: OutgoingMessage): Promise<SentMessage> {
      await recordLater();
      const ledger = sealedLedger(plainLedger, await ledgerKeyFor?.(message.threadId));
      const messageId = messageIdFor(message.threadId, message.step, domain);
      // Newer than what the ledger holds, when the ledger could not record it.
      const remembered = unrecorded.get(messageId)?.record;
      if (remembered && !remembered.deferred?.length) return withLetterCopy(message, alreadyDelivered(remembered));
      const activity = currentActivity();
      // Claimed before anything is composed: a message already delivered is not even rendered again.
      // A partial delivery still unrecorded holds its claim: this waits until it is written.
      const turn = await ledger.begin(messageId, { signal: activity?.cancellationSignal });
      if (turn.delivered) return withLetterCopy(message, alreadyDelivered(turn.delivered));
      let claimKept = false;
      try {
        // Under the notice's claim, once it is known not to have gone out already (a sent one stays sent).
        if (await withoutLetter(message)) return { messageId, accepted: [], rejected: [], alreadyDelivered: false, notSent: 'letter-not-accepted' };
        const dueDate = statedDueDate(message, turn.partial, turn.dueDateStated);
        const composed = await composeMessage(dueDate === undefined ? message : { ...message, details: { ...message.details, dueDate } }, { files: published, domain, workspaceUrl });
        /** The day the message states, as the ledger keeps it: an open letter's, however it was counted. */
        const statedOnLetter = dueDate ?? (message.kind === 'open-letter' ? message.details.dueDate : undefined);
        const replyThread = replyThreadOf(message);
        const rootStep = threadRootStep(replyThread);
        const root = rootStep === undefined ? undefined : messageIdFor(replyThread, rootStep, domain);
        const threading = root === undefined || root === messageId ? {} : { inReplyTo: root, references: [root] };
        // After a partial delivery only the recipients the server deferred (4xx) are still owed a copy.
        const partial = turn.partial;
        const owed = new Set(partial?.deferred?.map(normal));
        const to = partial ? message.to.filter((c) => owed.has(normal(c.email))) : message.to;
        let info: SmtpInfo;
        // Set once this attempt's refused recipients are counted with its failure.
        let refusedCounted = false;
        const mail = {
          from: mailFrom,
          to: to.map((c) => ({ name: c.name, address: c.email })),
          messageId,
          replyTo: replyAddressFor(replyMailbox, replyThread),
          ...threading,
          ...composed,
        };
        // A date counted by this attempt is on the claim before the relay can have the copy stating it:
        // should this worker die before the ledger records the send, the attempt that takes over
        // states the same date as the copy the vendor may already hold.
        if (dueDate !== undefined && !partial && turn.dueDateStated === undefined) await turn.stateDueDate(dueDate);
        // Built once: the copy kept for the workspace is the very bytes the server accepted.
        let raw: Buffer | undefined;
        try {
          const built = new MailComposer(mail).compile();
          raw = await built.build();
          info = await untilWorkerStops(transport.sendMail({ envelope: built.getEnvelope(), raw, messageId }), activity);
        } catch (err) {
          if (err instanceof StoppedMidSend) {
            // Whether the relay has the copy is unknowable now: the claim stays as a crash leaves it,
            // and the retry Temporal makes on another worker takes it over and sends again.
            claimKept = true;
            await turn.abandon();
            activity?.log.warn(`Gave up sending ${messageId}: the worker is stopping and its shutdown grace has run out; another worker sends it again`);
            throw err.cancellation;
          }
          const failure = classifySmtpError(err, to, silenceLimits.get(transport));
          countFailure(activity, message.kind, failure);
          refusedCounted = true;
          if (isRelaySilent(err)) {
            // The relay went silent with the transaction under way, maybe after taking the whole
            // message: as after a crash, the retry sends again and says it may be a second copy.
            claimKept = true;
            await turn.abandon();
          }
          if (!partial || !isPermanent(failure)) throw failure;
          // The others already have it: record these recipients as refused instead of failing the send.
          info = { accepted: [], rejected: to.map((c) => c.email) };
        }
        await hooks.afterAccepted?.(messageId, activity?.info.attempt ?? 1);
        const deferred = (info.rejectedErrors ?? []).filter((e) => (e.responseCode ?? 500) < 500).map((e) => normal(e.recipient ?? ''));
        const refusedNow = info.rejected.map(addressOf).filter((a) => !deferred.includes(normal(a)));
        const record: DeliveryRecord = {
          messageId,
          accepted: [...(partial?.accepted ?? []), ...info.accepted.map(addressOf)],
          rejected: [...(partial?.rejected ?? []), ...refusedNow],
          deliveredAt: new Date().toISOString(),
          ...(deferred.length ? { deferred } : {}),
          ...(turn.tookOverFromCrash || partial?.resentAfterCrash ? { resentAfterCrash: true } : {}),
          ...(statedOnLetter === undefined ? {} : { dueDate: statedOnLetter }),
          ...letterDigest(message, composed),
        };
        const letterCopyNotFiled = !partial && info.accepted.length ? await keepLetterCopy(message, composed, statedOnLetter, activity) : undefined;
        // The message is out: a failing ledger must not fail the send, or Temporal would retry it
        // and deliver a second copy. The failure is reported as what it is instead.
        let ledgerError: string | undefined;
        let ledgerFailure: string | undefined;
        try {
          await ledger.record(record);
        } catch (err) {
          keepUnrecorded(record, ledger, turn.release);
          claimKept = true;
          ledgerFailure = (err as Error).message;
          ledgerError = `accepted by the mail server, but the delivery ledger could not record it: ${ledgerFailure}; ${RECORDED_LATER}`;
          activity?.log.error(`Delivery ledger write failed after the mail server accepted ${messageId}; keeping its claim and the record until the ledger works again`, { error: err });
        }
        countDelivery(activity, message.kind, {
          // A retry for recipients an earlier attempt left deferred delivers the message that attempt counted.
          sent: !partial && info.accepted.length > 0,
          refused: refusedCounted ? 0 : refusedNow.length,
          resentAfterCrash: record.resentAfterCrash === true && !partial?.resentAfterCrash,
          ledgerError: ledgerError !== undefined,
        });
        if (keepCopy && raw && info.accepted.length) {
          try {
            await keepCopy(message, raw);
          } catch (err) {
            activity?.log.error(`Could not keep a copy of ${messageId} for the workspace; the message was sent`, { error: err });
          }
        }
        if (deferred.length) {
          const unrecordedNote = ledgerFailure ? ` The delivery ledger could not record who has it (${ledgerFailure}): ${RECORDED_LATER}, so the retry waits for it.` : '';
          const failure = recipientDeferred(
            `The mail server deferred ${positionsOf(deferred, message.to)} and took the message for the others; retrying for the deferred ones only.${unrecordedNote}`,
            { recipients: deferred },
          );
          countFailure(activity, message.kind, failure);
          throw failure;
        }
        return {
          messageId,
          accepted: record.accepted,
          rejected: record.rejected,
          alreadyDelivered: false,
          ...(record.resentAfterCrash ? { resentAfterCrash: true } : {}),
          ...(ledgerError ? { ledgerError } : {}),
          ...(dueDate === undefined ? {} : { dueDate }),
          ...(letterCopyNotFiled === undefined ? {} : { letterCopyNotFiled }),
        };
      } finally {
        try {
          if (!claimKept) await turn.release();
        } catch (err) {
          // A claim left behind is harmless once the outcome is known; failing here would resend.
          activity?.log.error(`Delivery ledger could not release its claim on ${messageId}`, { error: err });
        }
      }
    },
  };
}

/** The open letter a copy is of: its engagement's thread, its step (`letter`, `letter-2`, …) and the due date it stated. */
interface SentLetter {
  threadId: string;
  step?: string;
  dueDate?: string;
}

/** The digest an open letter's record keeps of the PDF it carried (none for any other message). */
function letterDigest(message: OutgoingMessage, composed: ComposedMessage): { letterSha256?: string } {
  if (message.kind !== 'open-letter' || !message.vendor) return {};
  const name = openLetterFileName({ campaign: message.campaign, vendor: message.vendor, language: message.language });
  const pdf = composed.attachments?.find((a) => a.filename === name)?.content;
  return pdf instanceof Uint8Array ? { letterSha256: sha256Hex(pdf) } : {};
}


async function findAsync<T>(items: T[], test: (item: T) => Promise<boolean>): Promise<T | undefined> {
  for (const item of items) if (await test(item)) return item;
  return undefined;
}

type NumberedLetter = { n: number; record: DeliveryRecord };

/** A copy on file that is not the letter the vendor was sent last, and that the campaign cannot make again. */
function notTheLetterSent(vendor: LetterCopyKey, path: string, last: NumberedLetter, copyOf: NumberedLetter | undefined, notMade: string): LetterCopyNotFiled {
  const was = copyOf ? `a copy of ${letterNamed(copyOf)}` : 'not a copy of the last letter';
  return {
    vendorId: vendor.id,
    error: `${path} is ${was}; the vendor was last sent ${letterNamed(last)}, ${notMade}`,
    differs: { step: letterStep(last.n), ...(last.record.dueDate === undefined ? {} : { dueDate: last.record.dueDate }), ...(copyOf ? { copyOf: letterStep(copyOf.n) } : {}) },
  };
}

/** A letter as a diagnostic names it: its step and the due date it stated. */
function letterNamed({ n, record }: NumberedLetter): string {
  return `${letterStep(n)}${record.dueDate === undefined ? '' : `, due ${record.dueDate}`}`;
}

/** The SDK's cancellation of a worker's activities once its shutdown grace has run out. */
const WORKER_SHUTDOWN = 'WORKER_SHUTDOWN';

class StoppedMidSend extends Error {
  constructor(readonly cancellation: unknown) {
    super('the worker stopped in the middle of a send');
  }
}

/**
 * The relay's answer, unless the worker stops first: a relay that hangs mid-transaction would
 * otherwise hold the worker past its shutdown grace until the socket times out. Any other
 * cancellation (the attempt timed out) lets the transaction finish, so the retry that waits on the
 * claim learns its outcome instead of sending a second copy.
 */
function untilWorkerStops<T>(sending: Promise<T>, activity: Context | undefined): Promise<T> {
  const signal = activity?.cancellationSignal;
  if (!signal) return sending;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      if ((signal.reason as Error | undefined)?.message !== WORKER_SHUTDOWN) return;
      sending.catch(() => undefined);
      reject(new StoppedMidSend(signal.reason));
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    void sending.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Copies the campaign's look reads at once, of vendors sent a letter again: a round trip each on PostgreSQL. */
const COPY_LANES = 8;

/**
 * How soon a record the ledger could not write, or a letter's copy the store refused, is first tried
 * again (a record at every send too, a copy at the store's next write); each failed round waits twice
 * as long, up to RETRY_MAX_MS: the longest a store or ledger back up waits with nothing else sent.
 */
const RECORD_RETRY_MS = 1_000;
const RETRY_MAX_MS = 30_000;
const RECORDED_LATER = 'this worker writes the record once the ledger works again and, until then, no worker sends this message again';

/** What one attempt that the relay answered adds to Dossier's mail counters: each message and recipient counts once, at the attempt that settled it. */
interface DeliveryCounts {
  sent: boolean;
  refused: number;
  resentAfterCrash: boolean;
  ledgerError: boolean;
}

/** Dossier's mail metrics, on the worker's Prometheus endpoint beside the SDK's (worker/telemetry.ts). */
function countDelivery(activity: Context | undefined, kind: string, counts: DeliveryCounts): void {
  if (!activity) return;
  const counters = mailCounters(activity.metricMeter);
  const tags = { kind };
  if (counts.sent) counters.sent.add(1, tags);
  if (counts.refused) counters.refused.add(counts.refused, tags);
  if (counts.resentAfterCrash) counters.resentAfterCrash.add(1, tags);
  if (counts.ledgerError) counters.ledgerErrors.add(1, tags);
}

/**
 * A failed attempt, by reason, and the recipients it refused for good: a letter whose every
 * recipient is refused fails at RCPT TO and never reaches countDelivery. A message refused for
 * what it is (`refused: 'message'`) refuses no recipient.
 */
function countFailure(activity: Context | undefined, kind: string, failure: unknown): void {
  if (!activity) return;
  const reason = failure instanceof ApplicationFailure ? (failure.type ?? 'unknown') : 'unknown';
  const counters = mailCounters(activity.metricMeter);
  counters.failures.add(1, { kind, reason });
  const details = isPermanent(failure) ? ((failure as ApplicationFailure).details?.[0] as Partial<RecipientRejectedDetails> | undefined) : undefined;
  if (details?.refused !== 'message' && details?.recipients?.length) counters.refused.add(details.recipients.length, { kind });
}

interface SmtpInfo {
  accepted: (string | { address: string })[];
  rejected: (string | { address: string })[];
  rejectedErrors?: { responseCode?: number; recipient?: string }[];
}

function normal(address: string): string {
  return address.trim().toLowerCase();
}

function isPermanent(failure: unknown): boolean {
  return failure instanceof ApplicationFailure && failure.type === ErrorType.RecipientRejected;
}

function alreadyDelivered(record: DeliveryRecord): SentMessage {
  return { messageId: record.messageId, accepted: record.accepted, rejected: record.rejected, alreadyDelivered: true, ...(record.dueDate === undefined ? {} : { dueDate: record.dueDate }) };
}

/**
 * The due date a letter whose response time runs from its delivery states: counted from this attempt,
 * the one that delivers it if any does, so a relay that held it up for hours costs the vendor no
 * time. Recipients deferred by an earlier partial delivery get the date the others already have, and
 * an attempt that takes over from one that died after its hand-off to the relay (its copy may have
 * gone out) the date that copy stated.
 */
function statedDueDate({ details }: OutgoingMessage, partial: DeliveryRecord | undefined, statedBeforeCrash: string | undefined): string | undefined {
  if (details.dueAfter === undefined) return undefined;
  if (partial) return partial.dueDate ?? details.dueDate;
  if (statedBeforeCrash !== undefined) return statedBeforeCrash;
  return dueCountedFrom(Date.now(), details.dueAfter, details.dueDate);
}

/** The running activity's context, or undefined when called directly (scripts, unit tests). */
function currentActivity(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

function addressOf(a: string | { address: string }): string {
  return typeof a === 'string' ? a : a.address;
}

/** The case mailbox when none is configured: `case@` the sender's domain. */
export function defaultCaseMailbox(mailFrom: string): string {
  return `case@${mailDomain(mailFrom)}`;
}

// Where the intake and the tests have long imported it from.
export { mailDomain } from './threading';

interface NodemailerError {
  responseCode?: number;
  code?: string;
  command?: string;
  response?: string;
  message?: string;
  rejected?: string[];
  rejectedErrors?: { responseCode?: number; recipient?: string }[];
}

/**
 * A recipient refused at RCPT TO (5xx, or an address nodemailer cannot even send to) and a message
 * too large or malformed for the relay (see isMessageRefusedForGood) are permanent; a 4xx at RCPT TO
 * is retried. Everything else is the relay's fault (credentials, TLS, connection, a refused sender,
 * any other refusal of the message): retried, with a message that tells the operator what to check.
 * Messages name recipients by position only: failure messages are stored by the Temporal server in
 * plaintext, so addresses travel only in the (encrypted) details.
 */
function classifySmtpError(err: unknown, to: Contact[], silentForMs?: number): ApplicationFailure {
  const e = err as NodemailerError;
  const said = redactAddresses(e.response ?? e.message ?? 'no reason given');
  const atRecipients = e.code === 'EENVELOPE' && !/^MAIL/i.test(e.command ?? '');
  if (atRecipients) {
    const codes = e.rejectedErrors?.length ? e.rejectedErrors.map((r) => r.responseCode) : [e.responseCode];
    const recipients = e.rejected?.length ? e.rejected : to.map((c) => c.email);
    const which = positionsOf(recipients, to);
    if (codes.every((c) => c === undefined || c >= 500)) {
      return recipientRejected(`The mail server refused ${which} for good (SMTP ${e.responseCode ?? 'none'}): ${said}`, {
        recipients,
        smtpCode: e.responseCode,
        ...(e.response ? { reply: e.response } : {}),
        refused: 'recipients',
      });
    }
    return recipientDeferred(`The mail server deferred ${which} (SMTP ${e.responseCode ?? 'none'}); retrying: ${said}`, {
      recipients,
      smtpCode: e.responseCode,
    });
  }
  const details = { smtpCode: e.responseCode, code: e.code };
  const smtp = e.responseCode ? `SMTP ${e.responseCode}` : (e.code ?? 'no code');
  if (isMessageRefusedForGood(e)) {
    return recipientRejected(`The mail server refused the message itself for good, not an address (${smtp} at ${e.command ?? 'DATA'}): ${said}`, {
      recipients: to.map((c) => c.email),
      smtpCode: e.responseCode,
      ...(e.response ? { reply: e.response } : {}),
      refused: 'message',
    });
  }
  if (e.code === 'EAUTH' || e.responseCode === 535 || e.responseCode === 530) {
    return relayFault(`The mail relay refused Dossier's credentials (${smtp}): check the user in SMTP_URL and SMTP_PASSWORD. It said: ${said}`, details);
  }
  if (e.code === 'ETLS' || /\b(TLS|SSL|certificate)\b/i.test(e.message ?? '')) {
    return relayFault(`TLS with the mail relay failed (${smtp}): check SMTP_URL's scheme and port and the relay's certificate. ${said}`, details);
  }
  if (isRelaySilent(e)) {
    const silence = silentForMs === undefined ? '' : ` (no reply for ${Math.round(silentForMs / 1000)} s)`;
    return relayFault(
      `The mail relay stopped answering in the middle of the SMTP transaction${silence}: it may have kept the message, so the retry sends it again with the same Message-ID, counted as resent. Check the relay (a stuck filter or queue) at SMTP_URL.`,
      details,
    );
  }
  if (!e.responseCode) {
    return relayFault(`The mail relay could not be reached (${smtp}): check SMTP_URL and that the relay is up. ${said}`, details);
  }
  return relayFault(`The mail relay refused the message (${smtp} at ${e.command ?? 'an unknown command'}): ${said}`, details);
}

/**
 * The connection went silent past the socket timeout once the relay had greeted: nodemailer's
 * "Timeout", unlike its "Connection timeout" and "Greeting never received", which come before any
 * message could reach the relay.
 */
function isRelaySilent(err: unknown): boolean {
  const e = err as NodemailerError;
  return e.code === 'ETIMEDOUT' && e.message === 'Timeout';
}

/**
 * A message the relay refuses for what it is, at the end of its DATA: too large (552, or 5.3.4) or
 * malformed for it (5.6.x). The same message sent again gets the same answer, so it is refused for
 * good. Any other 5xx there is left to the operator as the relay's fault, retried: a policy refusal
 * (5.7.x) or an unexplained 550/554 often means the relay does not vouch for Dossier's sender (DKIM,
 * SPF, DMARC, an unverified sending identity), which is fixed once for every message.
 */
function isMessageRefusedForGood(e: NodemailerError): boolean {
  if (e.code !== 'EMESSAGE' || e.responseCode === undefined || e.responseCode < 500) return false;
  const enhanced = /^\d{3}[ -](\d\.\d{1,3}\.\d{1,3})\b/.exec(e.response ?? '')?.[1];
  return enhanced === undefined ? e.responseCode === 552 : enhanced === '5.3.4' || enhanced.startsWith('5.6.');
}

/** "recipient 2 of 3", "recipients 1, 3 of 3": who, without saying their addresses. */
function positionsOf(recipients: string[], to: Contact[]): string {
  const all = to.map((c) => normal(c.email));
  const positions = recipients.map((r) => all.indexOf(normal(r)) + 1).filter((p) => p > 0);
  if (positions.length === 0) return `${recipients.length} recipient(s)`;
  return `${positions.length === 1 ? 'recipient' : 'recipients'} ${positions.join(', ')} of ${all.length}`;
}

/** A mail server's reply often quotes the address it refuses; the address must not reach Temporal. */
export function redactAddresses(text: string): string {
  return text.replace(/[^\s<>()[\]"',;:]+@[^\s<>()[\]"',;:]+/g, '<address>');
}
