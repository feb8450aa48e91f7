// The intake: reads the case mailbox, finds each message's engagement (correlate.ts), records it on
// the engagement through an update whose id is the message's Message-ID, and keeps its attachments
// in the document store once the engagement accepted it. A message leaves the inbox only after Temporal accepted it (moved
// to Recorded) or every candidate refused it (copied, with the reasons, into its campaign's
// holding pen; the original kept in Originals). Anything else (Temporal unreachable, the store
// down) leaves the message where it is for the next pass: nothing is lost, nothing recorded twice.
import { createHash, randomUUID } from 'node:crypto';
import type { MetricMeter } from '@temporalio/common';
import type { DossierClient } from '../client/api';
import { ClientErrorCode, DossierClientError, refused } from '../client/errors';
import { DocumentError, MAX_DOCUMENT_BYTES, type CaseDocuments } from '../documents/document-store';
import type { LateReplyReceived, RecordInboundInput, RecordInboundResult } from '../workflows/messages';
import { FINAL_STAGES, type DocumentRef, type EngagementStage, type InboundMessage, type InboundNote, type Language, type LateReply } from '../workflows/types';
import type { HeldCount } from '../activities/officer-digest';
import type { HeldCensus } from './held-census';
import { engagementWorkflowId } from '../workflows/workflow-ids';
import { errorCode } from '../workflows/errors';
import { refusalDetails, type RefusalCode, type RefusalDetails } from '../workflows/refusals';
import { bySender, correlate, type Candidate, type Directory } from './correlate';
import { HEADER_LIMIT, headerOf, holdingFolder, INBOX, RECORDED_FOLDER, type MailboxSource, type StoredMessage } from './mailbox';
import { excerptOf } from '../workflows/text-rules';
import { parseEngagementMessageId, tokenOf } from '../activities/threading';
import { receivedInTime } from '../workflows/statement-text';
import { letterSentAt, predates } from '../workflows/engagement-rules';
import { NO_MESSAGE_ID_DOMAIN, readMessage, TEXT_LIMIT, type InboundAttachment, type ReadMessage } from './read-message';
import { heldReasonText, LISTED_REFUSALS, parseHeldWhy, type EngagementRefusal, type HeldWhy } from './held-reason';
import { inboundNoteText } from './inbound-notes';
import { sentByDossier, withoutInterleavedQuote, withoutQuoted, withoutQuotedReply } from './own-mail';
import { senderVerdict } from './sender-check';
import { replyLanguage } from './reply-language';
import { sentence } from './wording';

/** Where the original of a held message goes: the holding pen keeps an annotated copy. */
export const ORIGINALS_FOLDER = 'Originals';
/** Held mail an officer set aside (spam, a wrong address): kept, with who dismissed it and why. */
export const DISMISSED_FOLDER = 'Dismissed';
/** The reason in English, for a mail client and for copies read by older code. */
const HELD_REASON = 'X-Dossier-Held-Reason';
/** The reason as data (JSON of a HeldWhy), which each reader words in its language. */
const HELD_WHY = 'X-Dossier-Held-Why';
const HELD_CAMPAIGN = 'X-Dossier-Held-Campaign';
/** When the held message reached the case mailbox: its date of receipt, whenever an officer assigns it. */
const HELD_ARRIVED = 'X-Dossier-Arrived-At';
/** The size of a message held unread because it is too large: the held copy is its header alone. */
const HELD_SIZE = 'X-Dossier-Held-Size';
/**
 * Ends the intake's own headers on a held copy: what follows is the message as it arrived, whose
 * own headers (a vendor may write X-Dossier-… itself) are never read as the intake's.
 */
const HELD_END = 'X-Dossier-Held-End';
const DISMISSED_BY = 'X-Dossier-Dismissed-By';
const DISMISSED_REASON = 'X-Dossier-Dismissed-Reason';
/**
 * A note for each held message an officer assigned (who, to which engagement) over the message's
 * header: so an officer whose form on that message comes too late is told where it went.
 */
export const ASSIGNED_FOLDER = 'Assigned';
const ASSIGNED_BY = 'X-Dossier-Assigned-By';
const ASSIGNED_TO = 'X-Dossier-Assigned-To';
/** On an officer's note in Assigned, instead of ASSIGNED_BY: the message was attached late to the ended engagement ASSIGNED_TO names. */
const ATTACHED_LATE_BY = 'X-Dossier-Attached-Late-By';
/**
 * An officer's claim on a held message while deciding it (assign or dismiss), one message each: the
 * first live claim in the folder's order decides, so two officers never both record it. Removed when
 * the decision is done or failed; left by a process that died, it stops holding the message once its
 * lease runs out unrenewed, and the next decision deletes it.
 */
export const CLAIMS_FOLDER = 'Claims';
const CLAIM = 'X-Dossier-Claim';
/** Names one decision's claim, so its renewals (below) are told from another decision's. */
const CLAIM_ID = 'X-Dossier-Claim-Id';
/**
 * A renewal of a live decision's claim, naming its CLAIM_ID: a message of its own, since a claim
 * written again would lose its place in the folder's order, the order that says which claim decides.
 */
const CLAIM_ALIVE = 'X-Dossier-Claim-Alive';
/**
 * How long a claim holds its message unrenewed (the default of `claimLeaseMs`): a live decision
 * renews it six times as often, so only a decision whose process died lets it run out, and the
 * officer who retries waits this long at most, not the ten minutes a claim once held.
 */
export const CLAIM_LIFETIME_MINUTES = 2;
/**
 * A claim written by an intake before claims were renewed (no CLAIM_ID) holds for as long as it did
 * then: its decision may still be running on a host not yet upgraded, and it is never renewed.
 */
const UNRENEWED_CLAIM_LIFETIME_MS = 10 * 60_000;
/**
 * How long after a message was held the pen still asks Recorded whether another intake recorded it:
 * that intake wrote its record within a pass of the hold (held()). Older, it is left to an officer.
 */
const RECORDED_RACE_WINDOW_MS = 24 * 3_600_000;
/**
 * On a note, the id the intake made up for a message without a Message-ID: a hash of the whole
 * message, which an assigned note (its header alone) cannot give again.
 */
const NOTED_ID = 'X-Dossier-Noted-Id';

export interface IntakeOptions {
  mailbox: MailboxSource;
  /**
   * `recordHeldDismissal`, for an officer's dismissal to be in the audit export (dismiss); `status`, to
   * attach a late reply to an ended engagement's record (attachLate), which an intake that only records mail needs not.
   */
  dossier: Pick<DossierClient, 'recordInbound' | 'recordHeldDismissal'> & Partial<Pick<DossierClient, 'status'>>;
  documents: CaseDocuments;
  directory: Directory;
  /** The domain of MAIL_FROM, which Dossier's Message-IDs carry. */
  domain: string;
  caseMailbox: string;
  /** Messages handled at once (updates in flight). */
  concurrency?: number;
  log?: (line: string) => void;
  /** Where `dossier_intake_lag` is recorded (the intake process's Prometheus endpoint); nowhere without it. */
  metricMeter?: MetricMeter;
  /**
   * The authserv-id under which the regulator's border mail server writes its Authentication-Results
   * (DOSSIER_MAIL_AUTHSERV_ID). With it, mail whose sender that server did not verify is held for an
   * officer; without it, the From header is taken as written.
   */
  authservId?: string;
  /**
   * How long one recording may take before the message is left for the next pass (default 30 s).
   * An engagement whose workflow task is stuck must not hold up the rest of the mailbox.
   */
  recordTimeoutMs?: number;
  /**
   * Bytes of the largest message the intake reads (default 40 MB). A larger one is held unread, its
   * header copied to the holding pen and its original kept: eight of them read at once would take
   * gigabytes, and one the intake cannot finish would hold up the inbox on every pass.
   */
  maxMessageBytes?: number;
  /**
   * How long an officer's claim on a held message holds it unrenewed (default
   * CLAIM_LIFETIME_MINUTES): the wait an officer retrying a decision whose process died is told of.
   */
  claimLeaseMs?: number;
  /**
   * Where the intake writes each pen's count when the pen changes (held-census.ts), for a digest
   * whose worker cannot read the case mailbox; nowhere without it.
   */
  census?: HeldCensus;
  /**
   * Tells the campaign of a reply attached to the closed record of a case that ended without a
   * response (attachLate), so that the statement's versions say it, the ones the campaign drafts by
   * itself included (CampaignClient.tellLateReply); without it, only the lead's drafts read it.
   */
  tellCampaign?: (campaignId: string, reply: LateReplyReceived) => Promise<void>;
}

/** The document that keeps a message's whole text when it is longer than an engagement records. */
export const WHOLE_TEXT_FILE = 'message-text.txt';

export const DEFAULT_MAX_MESSAGE_BYTES = 40 * 1024 * 1024;
/** Bytes of a held copy read whole to list it: a larger one is listed from its header, and read whole when opened. */
const LIST_BYTES = 1024 * 1024;

export type Settled =
  | {
      messageId: string;
      outcome: 'recorded';
      workflowId: string;
      effect: RecordInboundResult['effect'];
      /**
       * The message was on the engagement before it arrived this time (sent twice, or once more by a
       * relay): its review then, which it keeps, as the engagement ignored this copy. `effect` says the same.
       */
      duplicateOf?: InboundMessage['review'];
      /**
       * The engagement's status could not be read before recording, so whether it already held the
       * message (and what the officer decided on it since) is unknown: `effect` is then the first
       * recording's, as Temporal answers a repeated update id, not necessarily the message's review now.
       */
      reviewUnknown?: true;
    }
  | { messageId: string; outcome: 'held'; campaignId?: string; reason: string; why: HeldWhy }
  | { messageId: string; outcome: 'left'; reason: string }
  /** Another reader of the mailbox (a second intake) moved it first: its fate was settled there. */
  | { messageId: string; outcome: 'taken' };

export interface HeldMessage {
  ref: string;
  messageId: string;
  from?: string;
  subject: string;
  /** When the case mailbox received it (ISO); the sender's Date header only for a copy that did not note it. */
  date?: string;
  /** Why it is held, in English (the CLI's words); `why` is the same as data, for other languages. */
  reason: string;
  why: HeldWhy;
  kind: ReadMessage['kind'];
  /** The language its subject and text are written in, when the intake can tell (reply-language.ts). */
  language?: Language;
}

/** One held message in full, for an officer deciding where it belongs. */
export interface HeldMessageContent extends HeldMessage {
  fromName?: string;
  recipients: string[];
  /** At most TEXT_LIMIT characters: cut as an engagement would record it (ending in "…"). */
  text: string;
  /** When `text` is cut: the whole text's length, and the document that keeps it once the message is assigned. */
  textCut?: Omit<Extract<InboundNote, { code: 'text-cut' }>, 'code'>;
  attachments: { name: string; type: string; size: number }[];
  /**
   * The case whose email it answers, as its threading headers name it (the newest Dossier message they
   * refer to): held all the same when that engagement refused it (a sender who is not its vendor's),
   * and the case an officer most likely assigns it to.
   */
  answers?: { campaignId: string; vendorId: string };
}

/** What became of a message no longer in the holding pen, as far as the mailbox kept it. */
export type HeldFate =
  | { outcome: 'assigned'; subject: string; campaignId: string; vendorId: string; by: string }
  | { outcome: 'dismissed'; subject: string; by: string; reason: string }
  /** Attached by an officer to the record of the engagement it came late to (attachLate). */
  | { outcome: 'attached-late'; subject: string; campaignId: string; vendorId: string; by: string }
  /**
   * Recorded on an engagement all the same: another intake on the mailbox recorded it while this
   * one held it, and the pen let its held copy go (held()). The engagement when the message names
   * one alone (its thread, its reply token, or a campaign of one vendor), none otherwise.
   */
  | { outcome: 'recorded'; subject: string; campaignId?: string; vendorId?: string };

const REFUSALS: string[] = [ClientErrorCode.Refused, ClientErrorCode.NotFound];

/** How often a running intake counts its pens again for the census, besides each change it makes. */
const CENSUS_EVERY_MS = 10 * 60_000;

/** How often a running intake refreshes `dossier_intake_oldest_waiting` between the ends of its passes. */
const WAITING_REPORT_MS = 5_000;

export class Intake {
  private readonly concurrency: number;
  private readonly recordTimeoutMs: number;
  private readonly maxMessageBytes: number;
  private readonly claimLeaseMs: number;
  private readonly log: (line: string) => void;
  private readonly lag?: ReturnType<MetricMeter['createHistogram']>;
  private readonly oldestWaiting?: ReturnType<MetricMeter['createGauge']>;
  private readonly lastPass?: ReturnType<MetricMeter['createGauge']>;
  /** The inbox's messages this intake has listed and not yet settled (by ref): when each arrived. */
  private readonly waiting = new Map<string, number>();

  constructor(private readonly options: IntakeOptions) {
    this.concurrency = options.concurrency ?? 8;
    this.recordTimeoutMs = options.recordTimeoutMs ?? 30_000;
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.claimLeaseMs = options.claimLeaseMs ?? CLAIM_LIFETIME_MINUTES * 60_000;
    this.log = options.log ?? (() => undefined);
    this.lag = options.metricMeter?.createHistogram(
      'dossier_intake_lag',
      'int',
      'ms',
      'Milliseconds from a message\'s arrival in the case mailbox to its recording on an engagement (or its holding for an officer)',
    );
    // The lag is measured only once a message is settled: while Temporal or the store is down it
    // shows nothing, so these two say, as it happens, that mail waits or that no pass ends.
    this.oldestWaiting = options.metricMeter?.createGauge(
      'dossier_intake_oldest_waiting',
      'int',
      'ms',
      'Milliseconds the oldest message in the case mailbox that the intake has seen and not yet recorded or held has waited since it arrived (Temporal or the store unreachable); 0 when none waits',
    );
    this.lastPass = options.metricMeter?.createGauge(
      'dossier_intake_last_pass_timestamp_seconds',
      'int',
      's',
      'When the intake last finished a pass over the case mailbox (Unix time, seconds); 0 before its first',
    );
    this.oldestWaiting?.set(0);
    this.lastPass?.set(0);
  }

  /** One pass over the inbox; returns what became of each message. */
  async pass(): Promise<Settled[]> {
    const settled: Settled[] = [];
    const inFlight = new Set<Promise<void>>();
    const listed = new Set<string>();
    for await (const stored of this.options.mailbox.messages(INBOX, { maxBytes: this.maxMessageBytes })) {
      listed.add(stored.ref);
      if (!this.waiting.has(stored.ref)) this.waiting.set(stored.ref, stored.arrivedAt ?? Date.now());
      const work: Promise<void> = this.handle(stored)
        .then((result) => {
          settled.push(result);
          if (result.outcome !== 'left') this.waiting.delete(stored.ref);
          this.log(describe(result));
        })
        .finally(() => inFlight.delete(work));
      inFlight.add(work);
      if (inFlight.size >= this.concurrency) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    // Gone from the inbox since (another intake settled it): no longer waiting here.
    for (const ref of this.waiting.keys()) if (!listed.has(ref)) this.waiting.delete(ref);
    this.reportWaiting();
    this.lastPass?.set(Math.floor(Date.now() / 1000));
    return settled;
  }

  /** Passes until stopped: after a pass that moved mail, at once; otherwise on new mail or every `pollMs`. */
  async run(signal: AbortSignal, pollMs = 30_000): Promise<void> {
    // A pass can wait long on a Temporal server that is down: the wait of the message in hand shows
    // meanwhile, not only once the pass ends.
    const reporting = setInterval(() => this.reportWaiting(), WAITING_REPORT_MS);
    reporting.unref();
    let recounting = this.recountPens();
    const recounts = setInterval(() => {
      recounting = recounting.then(() => this.recountPens());
    }, CENSUS_EVERY_MS);
    recounts.unref();
    try {
      await this.passes(signal, pollMs);
    } finally {
      clearInterval(reporting);
      clearInterval(recounts);
      await recounting;
    }
  }

  private reportWaiting(): void {
    if (!this.oldestWaiting) return;
    let oldest = Infinity;
    for (const arrivedAt of this.waiting.values()) oldest = Math.min(oldest, arrivedAt);
    this.oldestWaiting.set(oldest === Infinity ? 0 : Math.max(0, Math.round(Date.now() - oldest)));
  }

  private async passes(signal: AbortSignal, pollMs: number): Promise<void> {
    // Since when no pass could read the mailbox: the on-call reads in the log when it can again.
    let unreadableSince: number | undefined;
    while (!signal.aborted) {
      let settled: Settled[] = [];
      try {
        settled = await this.pass();
        if (unreadableSince !== undefined) {
          this.log(`intake: the case mailbox can be read again (it could not be since ${new Date(unreadableSince).toISOString()})`);
          unreadableSince = undefined;
        }
      } catch (err) {
        unreadableSince ??= Date.now();
        this.log(`intake: the case mailbox could not be read (${(err as Error).message}); trying again`);
      }
      if (signal.aborted) return;
      const moved = settled.filter((s) => s.outcome !== 'left').length;
      const left = settled.length - moved;
      if (moved > 0 && left === 0) continue;
      // Messages left behind wait for whatever failed (Temporal, the store) at a slower pace.
      await this.options.mailbox.waitForMail(left > 0 ? Math.min(pollMs, 5_000) : pollMs, signal);
    }
  }

  /** One message: never throws; its outcome says where it went. */
  async handle(stored: StoredMessage): Promise<Settled> {
    const settled = await this.settle(stored);
    // Recorded or held: the message's fate is settled. Left in the inbox, it is measured when it is;
    // taken by another reader, it is measured there.
    if ((settled.outcome === 'recorded' || settled.outcome === 'held') && stored.arrivedAt !== undefined) {
      this.lag?.record(Math.max(0, Math.round(Date.now() - stored.arrivedAt)), { outcome: settled.outcome });
    }
    return settled;
  }

  private async settle(stored: StoredMessage): Promise<Settled> {
    let read: ReadMessage | undefined;
    try {
      read = await readMessage(stored.raw);
      if (read.unreadable) return await this.hold(stored, read, undefined, { code: 'unreadable', detail: read.unreadable });
      const candidates = await correlate(read, this.options);
      // Its header alone names its case: held there, for an officer, without reading the rest.
      if (stored.oversize !== undefined) {
        const why: HeldWhy = { code: 'oversize', size: megabytes(stored.oversize), limit: megabytes(this.maxMessageBytes), bytes: stored.oversize, limitBytes: this.maxMessageBytes };
        return await this.hold(stored, read, candidates[0]?.campaignId, why);
      }
      // Checked for mail that names no case too: the holding pen proposes the case of the vendor whose
      // address it comes from, which it must not do for a From no trusted server verified.
      const unverified = this.unverifiedSender(read);
      if (candidates.length === 0) {
        // A token it was sent to that names no engagement is not the same as none: the officer reads which.
        const tokened = read.recipients.some((address) => tokenOf(address, this.options.caseMailbox) !== undefined);
        return await this.hold(stored, read, undefined, unverified ?? { code: tokened ? 'unknown-token' : 'no-match' });
      }
      if (unverified) return await this.hold(stored, read, candidates[0].campaignId, unverified);
      const weighed = await this.withinLimit(bySender(read, candidates, this.options.directory), 'the engagements named by its subject did not say whose contacts they are');
      if ('ambiguous' in weighed) return await this.hold(stored, read, weighed.ambiguous.campaignId, { code: 'ambiguous-sender', vendors: weighed.ambiguous.vendors });
      // Recorded, it would count as the vendor's reply and the reminders would wait for an officer's review.
      if (read.automaticSubject) return await this.hold(stored, read, weighed.candidates[0]?.campaignId ?? candidates[0].campaignId, { code: 'automatic-subject' });
      const refusals: EngagementRefusal[] = [];
      for (const candidate of weighed.candidates) {
        let accepted: { result: RecordInboundResult; files: InboundAttachment[]; earlier?: InboundMessage['review']; reviewUnknown?: true };
        try {
          const { input, files, earlier, reviewUnknown } = await this.inputFor(read, candidate, { arrivedAt: stored.arrivedAt });
          accepted = { result: await this.record(candidate, input), files, earlier, reviewUnknown };
        } catch (err) {
          // A shredded campaign takes nothing more, now or on a later pass: a refusal, not an outage.
          const refused = (err instanceof DossierClientError && REFUSALS.includes(err.code)) || errorCode(err) === 'KeyShredded';
          if (!refused) throw err;
          const details = refusalDetails(err);
          refusals.push({ vendor: candidate.vendorId, sentence: plainLine((err as Error).message).slice(0, 900), ...(details ? { refusal: details } : {}) });
          continue;
        }
        // The attachments are stored only now, so refused mail (a forged sender) leaves nothing in the
        // store. A crash before the move leaves the message in the inbox: the next pass records it
        // again under the same update id, which Temporal answers with the first outcome, and stores them.
        await this.keep(candidate.campaignId, accepted.files);
        if (!(await this.options.mailbox.move(stored.ref, RECORDED_FOLDER))) {
          await this.noteRecorded(stored, read);
          return { messageId: read.messageId, outcome: 'taken' };
        }
        const workflowId = engagementWorkflowId(candidate.campaignId, candidate.vendorId);
        // Recorded again under the same update id, Temporal answers with the first recording's effect
        // ("to-review"), whatever the officer decided since: the review read before recording says it.
        if (accepted.earlier !== undefined) return { messageId: read.messageId, outcome: 'recorded', workflowId, effect: accepted.earlier, duplicateOf: accepted.earlier };
        return { messageId: read.messageId, outcome: 'recorded', workflowId, effect: accepted.result.effect, ...(accepted.reviewUnknown ? { reviewUnknown: true as const } : {}) };
      }
      const listed = { refusals: refusals.slice(0, LISTED_REFUSALS), count: refusals.length };
      if (!weighed.unweighed && senderOfNoVendor(weighed.candidates, refusals)) return await this.hold(stored, read, candidates[0].campaignId, { code: 'sender-of-no-vendor', ...listed });
      const detail = plainLine(refusals.map((r) => r.sentence).join('; ')).slice(0, 900);
      return await this.hold(stored, read, candidates[0].campaignId, { code: 'refused', detail, ...listed });
    } catch (err) {
      return { messageId: read?.messageId ?? `(ref ${stored.ref})`, outcome: 'left', reason: (err as Error).message };
    }
  }

  /** Why the sender is not taken at its word, when a trusted server's verdict is required and did not verify it. */
  private unverifiedSender(read: ReadMessage): HeldWhy | undefined {
    if (!this.options.authservId) return undefined;
    const verdict = senderVerdict(read.authenticationResults, { address: read.from, count: read.fromCount }, this.options.authservId);
    return verdict.verified ? undefined : { code: 'unverified-sender', detail: verdict.reason };
  }

  /**
   * Records within the time limit, or throws so the message stays in the inbox. The call given up on
   * may still land later; recording is idempotent (the Message-ID is the update's id), so the next
   * pass records it once.
   */
  private record(candidate: Candidate, input: RecordInboundInput): Promise<RecordInboundResult> {
    return this.withinLimit(
      this.options.dossier.recordInbound(candidate, input, { timeoutMs: this.recordTimeoutMs }),
      `${engagementWorkflowId(candidate.campaignId, candidate.vendorId)} did not record the message`,
    );
  }

  /** The work's result, or an error once the recording time limit has passed (the message then stays in the inbox). */
  private async withinLimit<T>(work: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} within ${this.recordTimeoutMs} ms; it stays in the inbox for the next pass`)), this.recordTimeoutMs);
    });
    try {
      return await Promise.race([work, limit]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Saves the attachments an engagement accepted in the document store (each once: its id is a hash of its bytes). */
  private async keep(campaignId: string, files: InboundAttachment[]): Promise<void> {
    for (const file of files) await this.options.documents.save(campaignId, file);
  }

  /**
   * What the engagement records (text, the references its documents will have, what could not be
   * kept) and the attachments to save once it accepts. Nothing is stored here.
   */
  private async inputFor(
    read: ReadMessage,
    candidate: Candidate,
    { assignedBy, arrivedAt, unreadSize }: { assignedBy?: string; arrivedAt?: number; unreadSize?: number },
  ): Promise<{ input: RecordInboundInput; files: InboundAttachment[]; earlier?: InboundMessage['review']; reviewUnknown?: true }> {
    const documents: DocumentRef[] = [];
    const files: InboundAttachment[] = [];
    const noteCodes: InboundNote[] = [];
    if (unreadSize !== undefined) noteCodes.push({ code: 'message-too-large', bytes: unreadSize });
    // A forward of Dossier's own mail: its documents and text are Dossier's, not the vendor's evidence.
    // Bounded like the recording, and never in its way: a case whose status or copies cannot be read
    // now (a stuck workflow task, a shredded campaign) records the message as it came.
    const sent = await this.withinLimit(sentByDossier(this.options.documents, this.options.directory, candidate), 'the engagement did not say what Dossier sent on it').catch(
      (err: unknown) => {
        this.log(`intake: ${read.messageId}: what Dossier sent on ${engagementWorkflowId(candidate.campaignId, candidate.vendorId)} could not be read (${(err as Error).message}); recorded as it came`);
        return { documents: new Map<string, string>(), texts: [], recorded: undefined };
      },
    );
    let text = read.wholeText ?? read.text;
    const reply = withoutQuotedReply(text, sent.texts);
    if (reply) {
      text = reply.text;
      noteCodes.push({ code: 'own-text', step: reply.step });
    }
    // Below Outlook's block all was read, and above it are the vendor's words. A reply answers one
    // message inline: once its questions are kept above their answers, another message asking the
    // same (a reminder of them) must not take them out again.
    let answeredInline = false;
    for (const quoted of reply ? [] : sent.texts) {
      const { step } = quoted;
      // Quoted whole, or with the vendor's answers written between its lines.
      const quotedWhole = withoutQuoted(text, quoted.text);
      const rest = quotedWhole ?? (answeredInline ? undefined : withoutInterleavedQuote(text, quoted));
      if (rest === undefined) continue;
      answeredInline ||= quotedWhole === undefined;
      text = rest;
      noteCodes.push({ code: 'own-text', step });
    }
    // Cut to what an engagement records, the whole kept as a document of the message: nothing the vendor wrote is lost.
    const whole = plainText(text);
    const attachments = [...read.attachments];
    if (whole.length > TEXT_LIMIT) {
      attachments.unshift({ name: WHOLE_TEXT_FILE, type: 'text/plain', size: Buffer.byteLength(whole), content: Buffer.from(whole, 'utf8') });
      noteCodes.push({ code: 'text-cut', chars: whole.length, limit: TEXT_LIMIT, name: WHOLE_TEXT_FILE });
    }
    for (const attachment of attachments) {
      const ownStep = sent.documents.get(createHash('sha256').update(attachment.content).digest('hex'));
      if (ownStep !== undefined) {
        noteCodes.push({ code: 'own-document', name: attachment.name, step: ownStep });
        continue;
      }
      try {
        documents.push(await this.options.documents.reference(candidate.campaignId, attachment));
        files.push(attachment);
        // Kept as it came, but no officer can open it: the note says why the files inside are not
        // listed. Only for one kept: one too large to keep has its own note saying it was not.
        if (attachment.unopened) noteCodes.push({ code: 'winmail-unreadable', name: attachment.name });
      } catch (err) {
        if (!(err instanceof DocumentError && err.code === 'DocumentTooLarge')) throw err;
        noteCodes.push({ code: 'attachment-too-large', name: attachment.name, bytes: attachment.content.length, limitBytes: MAX_DOCUMENT_BYTES });
      }
    }
    const dated = receivedAtOf(read, arrivedAt);
    const input: RecordInboundInput = {
      messageId: read.messageId,
      from: read.from ?? '',
      ...(read.fromName ? { fromName: plainLine(read.fromName).slice(0, 200) } : {}),
      subject: plainLine(read.subject),
      receivedAt: dated,
      kind: read.kind,
      matchedBy: assignedBy ? 'officer' : candidate.matchedBy,
      ...(candidate.answersStep ? { answersStep: candidate.answersStep } : {}),
      text: excerptOf(whole, TEXT_LIMIT),
      ...languageOf(read, whole),
      documents,
      // The English sentences for readers that know only `notes` (an older workspace or CLI).
      notes: noteCodes.map((note) => inboundNoteText(note, 'en')),
      ...(noteCodes.length ? { noteCodes } : {}),
      ...(read.bounce ? { bounce: { recipients: read.bounce.recipients, status: read.bounce.status, diagnostic: read.bounce.diagnostic } } : {}),
      ...(read.delivery
        ? { deliveryReport: { recipients: read.delivery.recipients, action: read.delivery.action, status: read.delivery.status, diagnostic: read.delivery.diagnostic } }
        : {}),
      ...(assignedBy ? { assignedBy } : {}),
    };
    const earlier = sent.recorded?.get(read.messageId);
    return { input, files, ...(earlier !== undefined ? { earlier } : {}), ...(sent.recorded === undefined ? { reviewUnknown: true as const } : {}) };
  }

  private async hold(stored: StoredMessage, read: ReadMessage, campaignId: string | undefined, why: HeldWhy): Promise<Settled> {
    const reason = heldReasonText(why);
    const annotation =
      `${HELD_REASON}: ${encodedWords(plainLine(reason).slice(0, 900))}\r\n${HELD_WHY}: ${encodedWords(JSON.stringify(why), true)}\r\n` +
      `${campaignId ? `${HELD_CAMPAIGN}: ${campaignId}\r\n` : ''}` +
      (stored.arrivedAt !== undefined ? `${HELD_ARRIVED}: ${new Date(stored.arrivedAt).toISOString()}\r\n` : '') +
      (stored.oversize !== undefined ? `${HELD_SIZE}: ${stored.oversize}\r\n` : '') +
      `${HELD_END}: 1\r\n`;
    const pen = holdingFolder(campaignId);
    // The copy is written before the original leaves the inbox, so a crash in between loses nothing.
    const copy = await this.options.mailbox.append(Buffer.concat([Buffer.from(annotation), stored.raw]), pen);
    const moved = await this.options.mailbox.move(stored.ref, ORIGINALS_FOLDER);
    // The first copy in the pen stays and every later one goes, whoever moved the original: Dovecot
    // tells both of two intakes holding a message at once that they moved it, or tells the one that
    // copied first that it did not, and both discarding then left the pen without it. Not moved, and
    // no earlier copy: the other intake's copy may already be decided (a spare would come back to the
    // pen after that decision); the pen is read first, so a copy decided meanwhile is found either way.
    const spare =
      copy !== undefined &&
      ((await this.copiedBefore(pen, read.messageId, copy)) || (!moved && (await this.officersNote(read.messageId)) !== undefined));
    if (spare) await this.options.mailbox.discard(copy, pen);
    await this.recount(campaignId);
    if (!moved) return { messageId: read.messageId, outcome: 'taken' };
    return { messageId: read.messageId, outcome: 'held', campaignId, reason, why };
  }

  /** Whether `pen` holds a copy of the message before `copy`, in mailbox order (the order of arrival). */
  private async copiedBefore(pen: string, messageId: string, copy: string): Promise<boolean> {
    const refs = await this.heldCopies(pen, { messageId }, (c) => c.stored.ref);
    return refs.length > 0 && refs[0] !== copy;
  }

  /**
   * The copies in a pen, oldest first, each read and its annotation split off; with `messageId`,
   * only that message's (found by the mailbox through their Message-ID header, when it is the
   * message's own). A copy over LIST_BYTES is read from its header alone, unless `whole` is asked
   * or it has no Message-ID (its id is then a hash of all its bytes): listing a pen with a few large
   * messages in it must not fetch them all each time an officer opens it. `keep` takes what the
   * caller needs of each, so a pen is never held in memory whole.
   */
  private async heldCopies<T = HeldCopy>(
    folder: string,
    { messageId, whole = false }: { messageId?: string; whole?: boolean } = {},
    keep: (copy: HeldCopy) => T = (copy) => copy as T,
  ): Promise<T[]> {
    const own = messageId !== undefined && !madeUpId(messageId);
    const source = own
      ? this.options.mailbox.messagesWithHeader(folder, 'Message-ID', messageId.replace(/^<(.*)>$/, '$1'), whole ? {} : { maxBytes: LIST_BYTES })
      : this.options.mailbox.messages(folder, { maxBytes: LIST_BYTES });
    // A ref stands for a copy to read again whole; each is kept in its place, for the order of arrival.
    const copies: ({ kept?: T } | string)[] = [];
    const kept = (copy: HeldCopy) => (messageId === undefined || copy.read.messageId === messageId ? { kept: keep(copy) } : {});
    for await (const stored of source) {
      const copy = await heldCopy(stored);
      copies.push(stored.oversize !== undefined && madeUpId(copy.read.messageId) ? stored.ref : kept(copy));
    }
    const again = new Set(copies.filter((c): c is string => typeof c === 'string'));
    if (again.size) {
      for await (const stored of this.options.mailbox.messages(folder)) if (again.has(stored.ref)) copies[copies.indexOf(stored.ref)] = kept(await heldCopy(stored));
    }
    return copies.flatMap((c) => (typeof c !== 'string' && 'kept' in c ? [c.kept as T] : []));
  }

  /**
   * The holding pen of a campaign (or of mail that names none), one entry per message. A message an
   * engagement recorded all the same (another intake on the mailbox recorded it while this one held
   * it) leaves the pen on the way, under a claim as an officer's decision, for Originals.
   */
  async held(campaignId: string | undefined): Promise<HeldMessage[]> {
    const found = new Map<string, HeldMessage & { header: string; heldAt?: number; arrivedAt?: number }>();
    const copies = await this.heldCopies(holdingFolder(campaignId), {}, ({ stored, read, reason, why, original, arrivedAt }) => ({
      ref: stored.ref,
      messageId: read.messageId,
      from: read.from,
      subject: read.subject,
      date: arrivalDate(arrivedAt, read),
      reason,
      why,
      kind: read.kind,
      ...languageOf(read, read.wholeText ?? read.text),
      header: headerDigest(original),
      heldAt: stored.arrivedAt,
      arrivedAt,
    }));
    for (const copy of copies) if (!found.has(copy.messageId)) found.set(copy.messageId, copy); // later: a copy left by a pass cut short between copy and move
    // Only a message held lately can have been recorded by another intake at the same time, and only
    // what reached Recorded since it arrived can be that record: Recorded, which only grows, is never
    // searched whole. Each of its copies is dated no earlier than the original (moved with its date,
    // or written after it).
    const lately = [...found.values()].filter(({ heldAt }) => heldAt === undefined || Date.now() - heldAt <= RECORDED_RACE_WINDOW_MS);
    const since = lately.some(({ arrivedAt }) => arrivedAt === undefined) ? undefined : Math.min(...lately.map(({ arrivedAt }) => arrivedAt!));
    const recorded = await this.recordedHeaders(lately.map(({ messageId }) => messageId), since);
    for (const [messageId, { header }] of found) {
      if (!recorded.get(messageId)?.has(header)) continue;
      if (await this.clearRecorded(campaignId, messageId, header)) found.delete(messageId);
    }
    // Listed whole here: the census takes its count without a second look (a pen held before it began, too).
    const arrivals = [...found.values()].flatMap(({ arrivedAt, heldAt }) => (arrivedAt ?? heldAt) ?? []);
    await this.writeCount(campaignId, { count: found.size, ...(arrivals.length ? { oldest: new Date(Math.min(...arrivals)).toISOString() } : {}) });
    return [...found.values()].map(({ header: _header, heldAt: _heldAt, arrivedAt: _arrivedAt, ...message }) => message);
  }

  /**
   * The campaigns' pens that hold mail, each with its count from the mailbox, for an officer who lists
   * the unsorted pen: an ended campaign's too, which no other listing names. Only the pens the census
   * last counted with mail are looked into (one look each over IMAP), not every pen it ever counted:
   * the intake counts a pen whenever it holds mail there, so a pen counted empty holds none, or one
   * filled by hand that its next recount names. Each count found is written back, so a pen emptied
   * by hand is looked into once more at most.
   */
  async campaignPensHolding(): Promise<{ campaignId: string; count: number }[]> {
    const counted = (await this.options.census?.campaignPensHolding().catch(() => [])) ?? [];
    const holding: { campaignId: string; count: number }[] = [];
    for (const campaignId of new Set(counted)) {
      const found = await countHeld(this.options.mailbox, campaignId);
      await this.writeCount(campaignId, found);
      if (found.count > 0) holding.push({ campaignId, count: found.count });
    }
    return holding.sort((a, b) => a.campaignId.localeCompare(b.campaignId));
  }

  /**
   * The pens that hold a message (`undefined`: the pen of mail that names no campaign), for an officer
   * who names the message but not its pen: the unsorted pen, every pen the census counted (the intake
   * counts a pen whenever it holds mail there), and the campaigns' in `also`.
   */
  async pensHolding(messageId: string, also: readonly string[] = []): Promise<(string | undefined)[]> {
    const counted = (await this.options.census?.pens().catch(() => [])) ?? [];
    const pens = new Map<string, string | undefined>();
    for (const campaignId of [undefined, ...counted, ...also]) if (!pens.has(holdingFolder(campaignId))) pens.set(holdingFolder(campaignId), campaignId);
    const holding: (string | undefined)[] = [];
    for (const [folder, campaignId] of pens) if ((await this.heldCopies(folder, { messageId }, () => true)).length) holding.push(campaignId);
    return holding;
  }

  /**
   * For each of these messages that `Recorded` holds, the digests of its copies' headers: what an
   * engagement recorded, moved there by a pass, written there by one that recorded a message another
   * intake had moved meanwhile, or assigned there by an officer. A message without a Message-ID of
   * its own is in no header the mailbox searches: it is left for an officer, as before. `since`: the
   * earliest arrival of an original among them; none of its copies in Recorded is dated before it.
   */
  private async recordedHeaders(messageIds: string[], since: number | undefined): Promise<Map<string, Set<string>>> {
    const own = messageIds.filter((id) => !madeUpId(id));
    const recorded = new Map<string, Set<string>>();
    if (!own.length) return recorded;
    const values = own.map((id) => id.replace(/^<(.*)>$/, '$1'));
    // A day early: a Maildir's name is its writer's clock, taken before the write its date is.
    const after = since === undefined ? {} : { since: since - 86_400_000 };
    for await (const stored of this.options.mailbox.messagesWithHeader(RECORDED_FOLDER, 'Message-ID', values, { maxBytes: HEADER_LIMIT, ...after })) {
      const { original } = unannotate(stored.raw);
      const { messageId } = await readMessage(headerOf(original));
      if (!own.includes(messageId)) continue;
      recorded.set(messageId, (recorded.get(messageId) ?? new Set()).add(headerDigest(original)));
    }
    return recorded;
  }

  /**
   * Moves the held copies of a message an engagement recorded to Originals, as an officer's dismissal
   * would (nothing is deleted), but only those whose header is the recorded one's: a different
   * message under the same Message-ID stays for an officer. Under a claim, so an officer deciding it
   * meanwhile is not undercut; false when one is, or the mailbox failed: it is listed, and tried again
   * at the next listing.
   */
  private async clearRecorded(heldIn: string | undefined, messageId: string, header: string): Promise<boolean> {
    const folder = holdingFolder(heldIn);
    try {
      return await this.decide(heldIn, messageId, async () => {
        const copies = await this.heldCopies(folder, { messageId }, (copy) => ({ ref: copy.stored.ref, header: headerDigest(copy.original) }));
        for (const copy of copies) if (copy.header === header) await this.options.mailbox.move(copy.ref, ORIGINALS_FOLDER, folder);
        this.log(`intake: ${messageId} left ${folder}: an engagement recorded it (another intake on the case mailbox took it meanwhile)`);
        return true;
      });
    } catch (err) {
      this.log(`intake: ${messageId} stays in ${folder} for now, though an engagement recorded it (${(err as Error).message})`);
      return false;
    }
  }

  /**
   * A message recorded on an engagement whose original another reader of the mailbox moved first,
   * perhaps to Originals after holding it: a copy in Recorded says it was recorded, so the pen lets
   * the other's held copy go (held()). None when Recorded has it already (another intake recorded it too).
   */
  private async noteRecorded(stored: StoredMessage, read: ReadMessage): Promise<void> {
    try {
      if (!madeUpId(read.messageId) && (await this.recordedHeaders([read.messageId], stored.arrivedAt)).get(read.messageId)?.has(headerDigest(stored.raw))) return;
      await this.options.mailbox.append(stored.raw, RECORDED_FOLDER);
    } catch (err) {
      this.log(`intake: ${read.messageId} was recorded but no copy of it could be written to ${RECORDED_FOLDER} (${(err as Error).message}); should another intake hold it, an officer dismisses it`);
    }
  }

  /** One held message, read in full (text and the list of its attachments; nothing is stored). */
  async read(heldIn: string | undefined, messageId: string): Promise<HeldMessageContent> {
    const { stored, read, reason, why, arrivedAt } = await this.findHeld(heldIn, messageId);
    return {
      ref: stored.ref,
      messageId: read.messageId,
      from: read.from,
      fromName: read.fromName,
      recipients: read.recipients,
      subject: read.subject,
      date: arrivalDate(arrivedAt, read),
      reason,
      why,
      kind: read.kind,
      text: read.text,
      ...languageOf(read, read.wholeText ?? read.text),
      ...(read.wholeText !== undefined ? { textCut: { chars: plainText(read.wholeText).length, limit: TEXT_LIMIT, name: WHOLE_TEXT_FILE } } : {}),
      attachments: read.attachments.map((a) => ({ name: a.name, type: a.type, size: a.size })),
      ...answeredCase(read, this.options.domain),
    };
  }

  /**
   * One attachment of a held message, `n` counted from 1 as its page lists them, for an officer to
   * open before deciding on the message (a PDF from an address no case knows). Reading it decides nothing.
   */
  async attachment(heldIn: string | undefined, messageId: string, n: number): Promise<InboundAttachment> {
    const { read } = await this.findHeld(heldIn, messageId);
    const found = Number.isInteger(n) && n >= 1 ? read.attachments[n - 1] : undefined;
    if (!found) throw new DossierClientError(ClientErrorCode.NotFound, `the held message ${messageId} has no attachment ${n}`);
    return found;
  }

  /**
   * An officer sets a held message aside: it leaves the holding pen for the Dismissed folder, with
   * who dismissed it and why written on top, so nothing is lost and the decision can be traced; and
   * its pen's record keeps the same, for the audit export.
   */
  async dismiss(heldIn: string | undefined, messageId: string, officer: string, reason: string): Promise<void> {
    const why = plainLine(reason);
    if (!why) throw new DossierClientError(ClientErrorCode.InvalidInput, 'say why the message is dismissed (a reason is required)');
    await this.decide(heldIn, messageId, async () => {
      const { stored, read, copies } = await this.findHeld(heldIn, messageId);
      // Recorded before the message leaves the pen, as a download is before its bytes are handed
      // over: a dismissal the audit export would not show does not happen.
      await this.options.dossier.recordHeldDismissal({ by: officer, ...(heldIn ? { campaignId: heldIn } : {}), messageId, ...(read.from ? { from: read.from } : {}), subject: read.subject, reason: why, ...languageOf(read, read.wholeText ?? read.text) });
      const note = `${DISMISSED_BY}: ${encodedWords(plainLine(officer).slice(0, 600))}\r\n${DISMISSED_REASON}: ${encodedWords(why.slice(0, 600))}\r\n${notedId(messageId)}`;
      await this.options.mailbox.append(Buffer.concat([Buffer.from(note), stored.raw]), DISMISSED_FOLDER);
      // The annotated copy above is the record; the held copies go with the originals they duplicate.
      for (const ref of copies) await this.options.mailbox.move(ref, ORIGINALS_FOLDER, holdingFolder(heldIn));
    });
  }

  /**
   * Runs an officer's decision on a held message under a claim on it, renewed while the decision
   * runs. Another officer's live claim came first: this officer is told the message is being decided.
   * A claim made after the first decision finished finds the message gone, since the claim comes
   * before the message is looked up. A claim neither renewed nor filed within the lease is of a
   * decision whose process died: it holds nothing, and it and stale renewals (any message's) are
   * deleted on the way, so the folder holds only live ones. Ages are measured against the time the
   * mailbox gave this claim, not this host's clock, so two hosts whose clocks differ agree on them.
   */
  private async decide<T>(heldIn: string | undefined, messageId: string, decision: () => Promise<T>): Promise<T> {
    const key = createHash('sha256').update(`${holdingFolder(heldIn)}\n${messageId}`).digest('hex').slice(0, 40);
    const id = randomUUID();
    const mailbox = this.options.mailbox;
    const mine = await mailbox.append(Buffer.from(`${CLAIM}: ${key}\r\n${CLAIM_ID}: ${id}\r\nSubject: claim\r\n\r\n`), CLAIMS_FOLDER);
    const renewal = this.renewClaim(id);
    try {
      const claims: { ref: string; key?: string; id?: string; at?: number }[] = [];
      const renewed = new Map<string, number>();
      const renewals: { ref: string; at?: number }[] = [];
      let now: number | undefined;
      for await (const stored of mailbox.messages(CLAIMS_FOLDER, { maxBytes: HEADER_LIMIT })) {
        const fields = claimFields(stored.raw);
        if (stored.ref === mine) now = stored.arrivedAt;
        if (fields[CLAIM_ALIVE] !== undefined) {
          renewals.push({ ref: stored.ref, at: stored.arrivedAt });
          const at = stored.arrivedAt ?? Infinity;
          renewed.set(fields[CLAIM_ALIVE], Math.max(at, renewed.get(fields[CLAIM_ALIVE]) ?? -Infinity));
        } else claims.push({ ref: stored.ref, key: fields[CLAIM], id: fields[CLAIM_ID], at: stored.arrivedAt });
      }
      now ??= Date.now();
      const live = (claim: (typeof claims)[number]) => {
        if (claim.ref === mine || claim.at === undefined) return true;
        if (claim.id === undefined) return now! - claim.at <= UNRENEWED_CLAIM_LIFETIME_MS;
        return now! - Math.max(claim.at, renewed.get(claim.id) ?? -Infinity) <= this.claimLeaseMs;
      };
      const first = claims.find((claim) => claim.ref === mine || (claim.key === key && live(claim)))?.ref;
      const stale = [...claims.filter((claim) => !live(claim)), ...renewals.filter((r) => r.at !== undefined && now! - r.at > this.claimLeaseMs)];
      for (const { ref } of stale) await mailbox.discard(ref, CLAIMS_FOLDER).catch(() => undefined);
      // Without the ref of its own claim (IMAP without UIDPLUS) an officer cannot tell whose is first, and goes on as before claims.
      if (mine !== undefined && first !== undefined && first !== mine) throw beingDecided(messageId, this.claimLeaseMs);
      return await decision();
    } finally {
      const renewals = await renewal.stop();
      // The claim first: a renewal left without it holds nothing, and goes with the next decision once stale.
      if (mine !== undefined) await mailbox.discard(mine, CLAIMS_FOLDER).catch(() => undefined);
      for (const ref of renewals) await mailbox.discard(ref, CLAIMS_FOLDER).catch(() => undefined);
      // Assigned, dismissed or let go as recorded: the pen's count changed, whichever decision it was.
      await this.recount(heldIn);
    }
  }

  /**
   * Writes the pen's count to the census, for a digest that cannot read the mailbox. Never fails what
   * changed the pen: a count not written now is written when the pen next changes, or at the next
   * recount of a running intake.
   */
  private async recount(campaignId: string | undefined): Promise<void> {
    if (!this.options.census) return;
    await this.writeCount(campaignId, () => countHeld(this.options.mailbox, campaignId));
  }

  private async writeCount(campaignId: string | undefined, count: HeldCount | (() => Promise<HeldCount>)): Promise<void> {
    const census = this.options.census;
    if (!census) return;
    try {
      await census.write(campaignId, typeof count === 'function' ? await count() : count);
    } catch (err) {
      this.log(`intake: the count of ${holdingFolder(campaignId)} could not be written to the shared store (${(err as Error).message}); written again at the next change or recount`);
    }
  }

  /** Counts again every pen counted so far and the unsorted one: a pen changed by hand in a mail client is set right. */
  async recountPens(): Promise<void> {
    const census = this.options.census;
    if (!census) return;
    const pens = await census.pens().catch(() => [] as (string | undefined)[]);
    for (const campaignId of new Set([undefined, ...pens])) await this.recount(campaignId);
  }

  /**
   * Renews claim `id` every sixth of the lease until stopped; `stop` waits for a renewal under way
   * and gives the refs of those left. Each deletes the one three before it, not the one just before:
   * another officer's look at the folder lists it first and reads each message after, so the latest
   * renewals must outlast that look. A renewal the mailbox refuses is tried again at the next tick:
   * a lease runs out only after several are missed in a row.
   */
  private renewClaim(id: string): { stop(): Promise<string[]> } {
    const mailbox = this.options.mailbox;
    const kept: string[] = [];
    let writing: Promise<void> = Promise.resolve();
    const renew = async () => {
      const ref = await mailbox.append(Buffer.from(`${CLAIM_ALIVE}: ${id}\r\nSubject: claim renewed\r\n\r\n`), CLAIMS_FOLDER);
      if (ref !== undefined) kept.push(ref);
      if (kept.length > 3) await mailbox.discard(kept.shift()!, CLAIMS_FOLDER).catch(() => undefined);
    };
    const timer = setInterval(() => {
      writing = writing.then(renew).catch(() => undefined);
    }, this.claimLeaseMs / 6);
    timer.unref();
    return {
      async stop() {
        clearInterval(timer);
        await writing;
        return kept;
      },
    };
  }

  private async findHeld(
    heldIn: string | undefined,
    messageId: string,
  ): Promise<{ stored: StoredMessage; read: ReadMessage; reason: string; why: HeldWhy; arrivedAt?: number; unreadSize?: number; copies: string[] }> {
    const folder = holdingFolder(heldIn);
    // Every copy of it: a pass cut short between writing the held copy and moving the original
    // writes a second on the next pass, and one left behind would come back once the first is gone.
    const copies = await this.heldCopies(folder, { messageId, whole: true });
    if (copies.length) {
      const [{ stored, read, reason, why, arrivedAt, unreadSize }] = copies;
      return { stored, read, reason, why, arrivedAt, unreadSize, copies: copies.map((c) => c.stored.ref) };
    }
    throw goneFromPen(heldIn, messageId);
  }

  /**
   * An officer assigns a held message to an engagement. The engagement's rules still apply, except
   * that the officer vouches for the sender; on success the message leaves the holding pen.
   */
  async assign(heldIn: string | undefined, messageId: string, target: { campaignId: string; vendorId: string }, officer: string): Promise<RecordInboundResult> {
    return this.decide(heldIn, messageId, async () => {
      const folder = holdingFolder(heldIn);
      const { stored, read, arrivedAt, unreadSize, copies } = await this.findHeld(heldIn, messageId);
      const match = { ref: stored.ref, read };
      const threaded = (await correlate(match.read, this.options)).find((c) => c.campaignId === target.campaignId && c.vendorId === target.vendorId);
      const { input, files } = await this.inputFor(match.read, { ...target, matchedBy: 'officer', answersStep: threaded?.answersStep }, { assignedBy: officer, arrivedAt, unreadSize });
      // Saved before recording, unlike a pass: nothing retries an assignment by itself, so a failure
      // after recording would leave the case naming documents nobody stores. The officer vouched for it.
      await this.keep(target.campaignId, files);
      const result = await this.options.dossier.recordInbound(target, input);
      // Written before the copies leave the pen: a message gone from it always has its note.
      const note = `${ASSIGNED_BY}: ${encodedWords(plainLine(officer).slice(0, 600))}\r\n${ASSIGNED_TO}: ${encodedWords(`${target.campaignId} ${target.vendorId}`)}\r\n${notedId(messageId)}`;
      await this.options.mailbox.append(Buffer.concat([Buffer.from(note), headerOf(unannotate(stored.raw).original)]), ASSIGNED_FOLDER);
      for (const ref of copies) await this.options.mailbox.move(ref, RECORDED_FOLDER, folder);
      return result;
    });
  }

  /**
   * An officer attaches a held reply to the record of the engagement it came to once that had ended
   * (closed without a response, concluded, withdrawn), which refused it. The case stays as it ended:
   * its workflow is closed and takes no update, and must not reopen or remind. The reply, its text
   * and its documents are kept beside it in the document store (LateReply), which the case's readers
   * show with its record; the message leaves the pen for Recorded, with a note of who attached it where.
   * Refused: an engagement that does not exist, one still in progress (assign the message instead),
   * a message already attached to it (sent again under the same Message-ID), one the case mailbox
   * received before the open letter went out (it answers nothing the case sent, and the statement
   * would say the vendor replied in time before it was written to).
   * `repliedInTime`: the case closed without a response, yet the reply had reached the case mailbox
   * by then (held meanwhile): the officer is told, since the statement's next version says the vendor
   * replied in time (workflows/statement-text.ts statementEntry); `endedAt`, when the case ended.
   * The campaign is then told of a reply to a case that closed without a response (`tellCampaign`):
   * its next version says it, whoever drafts it. A campaign that has ended or cannot be reached does
   * not undo the attachment (the reply is kept; the lead's next draft reads it from the store): logged,
   * and said in `campaignTold` (false, with the reason in `campaignNotTold`), so the officer is told.
   */
  async attachLate(
    heldIn: string | undefined,
    messageId: string,
    target: { campaignId: string; vendorId: string },
    officer: string,
  ): Promise<AttachedLate> {
    const { status } = this.options.dossier;
    if (!status) throw new DossierClientError(ClientErrorCode.Configuration, 'this intake reads no engagement status: open it with the client API (intake/open.ts)');
    const attached = await this.decide(heldIn, messageId, async () => {
      const { stored, read, arrivedAt, unreadSize, copies } = await this.findHeld(heldIn, messageId);
      const ended = await status.call(this.options.dossier, target);
      const what = engagementWorkflowId(target.campaignId, target.vendorId);
      if (!FINAL_STAGES.includes(ended.stage)) throw lateRefusal(what, 'late-reply-case-open', { stage: ended.stage });
      const earlier = (await this.options.documents.lateReplies(target.campaignId, target.vendorId)).find((r) => r.messageId === read.messageId);
      if (earlier) throw lateRefusal(what, 'late-reply-attached', { at: earlier.attachedAt, by: earlier.attachedBy }, { at: earlier.attachedAt.slice(0, 10) });
      // Received before the letter went out, it answers nothing the case sent: attached, the statement
      // would say the vendor replied in time on a day before it was written to (as confirmInbound refuses).
      const receivedAt = receivedAtOf(read, arrivedAt);
      const sent = letterSentAt(ended);
      if (sent !== undefined && predates(receivedAt, sent)) throw lateRefusal(what, 'late-reply-before-letter', { receivedAt, sent });
      const threaded = (await correlate(read, this.options)).find((c) => c.campaignId === target.campaignId && c.vendorId === target.vendorId);
      const { input, files } = await this.inputFor(read, { ...target, matchedBy: 'officer', answersStep: threaded?.answersStep }, { assignedBy: officer, arrivedAt, unreadSize });
      await this.keep(target.campaignId, files);
      const reply: LateReply = {
        messageId: input.messageId,
        from: input.from,
        ...(input.fromName ? { fromName: input.fromName } : {}),
        subject: input.subject,
        receivedAt: input.receivedAt,
        text: input.text,
        ...(input.language ? { language: input.language } : {}),
        documents: input.documents,
        notes: input.notes ?? [],
        ...(input.noteCodes ? { noteCodes: input.noteCodes } : {}),
        ...(input.answersStep ? { answersStep: input.answersStep } : {}),
        attachedBy: plainLine(officer).slice(0, 600),
        attachedAt: new Date().toISOString(),
        stage: ended.stage,
      };
      await this.options.documents.saveLateReply(target.campaignId, target.vendorId, reply);
      // Written before the copies leave the pen, as an assignment's: a message gone from it always has its note.
      const note = `${ATTACHED_LATE_BY}: ${encodedWords(reply.attachedBy)}\r\n${ASSIGNED_TO}: ${encodedWords(`${target.campaignId} ${target.vendorId}`)}\r\n${notedId(messageId)}`;
      await this.options.mailbox.append(Buffer.concat([Buffer.from(note), headerOf(unannotate(stored.raw).original)]), ASSIGNED_FOLDER);
      for (const ref of copies) await this.options.mailbox.move(ref, RECORDED_FOLDER, holdingFolder(heldIn));
      const repliedInTime = ended.stage === 'closed-no-response' && ended.endedAt !== undefined && receivedInTime(reply.receivedAt, ended.endedAt);
      return { stage: ended.stage, reply, ...(ended.endedAt ? { endedAt: ended.endedAt } : {}), repliedInTime };
    });
    // Only a case closed without a response: the statement tells of no other's late reply.
    const tell = this.options.tellCampaign;
    if (tell && attached.stage === 'closed-no-response') {
      const { vendorId, campaignId } = target;
      try {
        await tell(campaignId, { vendorId, receivedAt: attached.reply.receivedAt });
        return { ...attached, campaignTold: true };
      } catch (err) {
        const why = (err as Error).message;
        // A campaign that has ended drafts no more versions: no statement will say the reply, and the
        // officer is told that rather than of a next draft.
        const campaignEnded = err instanceof DossierClientError && err.refusal?.refusal === 'ended';
        const after = campaignEnded ? 'no version of its statement will say it' : "the lead's next draft reads it from the store";
        this.log(`intake: ${messageId} is attached to ${engagementWorkflowId(campaignId, vendorId)}, but its campaign could not be told (${why}); ${after}`);
        // The officer is told too: the statement page will not tell the lead of it, so the officer must.
        return { ...attached, campaignTold: false, campaignNotTold: why, ...(campaignEnded ? { campaignEnded } : {}) };
      }
    }
    return attached;
  }

  /**
   * What became of a message that left the holding pen: assigned by an officer (to which engagement,
   * by whom), dismissed (by whom, why), or, with no officer's note, recorded on an engagement by
   * another intake (held()). Undefined when the mailbox says none of these (assigned before notes
   * were kept, or never held).
   */
  async fate(messageId: string): Promise<HeldFate | undefined> {
    return (await this.officersNote(messageId)) ?? (await this.recordedMeanwhile(messageId));
  }

  /**
   * A message an engagement recorded, as `Recorded` holds it, with the engagement its headers name
   * alone if they do (as the intake that recorded it found it; a lookup that fails names none). A
   * message without a Message-ID of its own never leaves the pen that way (held()).
   */
  private async recordedMeanwhile(messageId: string): Promise<HeldFate | undefined> {
    if (madeUpId(messageId)) return undefined;
    for await (const stored of this.options.mailbox.messagesWithHeader(RECORDED_FOLDER, 'Message-ID', messageId.replace(/^<(.*)>$/, '$1'), { maxBytes: HEADER_LIMIT })) {
      const read = await readMessage(headerOf(unannotate(stored.raw).original));
      if (read.messageId !== messageId) continue;
      const candidates = await correlate(read, this.options).catch(() => []);
      const [only] = candidates.length === 1 ? candidates : [];
      return { outcome: 'recorded', subject: read.subject, ...(only ? { campaignId: only.campaignId, vendorId: only.vendorId } : {}) };
    }
    return undefined;
  }

  /**
   * An officer's note on a message that left the holding pen by their hand. A message leaves the pen
   * once, so one note is expected; should both folders hold one (a message held again and decided
   * twice), the dismissal is reported, and within a folder the last in mailbox order.
   */
  private async officersNote(messageId: string): Promise<HeldFate | undefined> {
    let found: HeldFate | undefined;
    // The mailbox finds the notes by their Message-ID header, never reading the folders whole (its
    // brackets left out: a header may omit them). An id the intake made up for a message without one
    // is in no header: those notes are read one by one, as all were before.
    const madeUp = madeUpId(messageId);
    const notesIn = (folder: string) =>
      madeUp
        ? this.options.mailbox.messages(folder, { maxBytes: HEADER_LIMIT })
        : this.options.mailbox.messagesWithHeader(folder, 'Message-ID', messageId.replace(/^<(.*)>$/, '$1'), { maxBytes: HEADER_LIMIT });
    for (const folder of [ASSIGNED_FOLDER, DISMISSED_FOLDER]) {
      for await (const stored of notesIn(folder)) {
        const { notes, rest } = officerNotes(stored.raw);
        const read = await readMessage(headerOf(unannotate(rest).original));
        if ((notes[NOTED_ID] ?? read.messageId) !== messageId) continue;
        const [campaignId = '', vendorId = ''] = (notes[ASSIGNED_TO] ?? '').split(' ');
        found =
          folder === DISMISSED_FOLDER
            ? { outcome: 'dismissed', subject: read.subject, by: notes[DISMISSED_BY] ?? '', reason: notes[DISMISSED_REASON] ?? '' }
            : notes[ATTACHED_LATE_BY] !== undefined
              ? { outcome: 'attached-late', subject: read.subject, campaignId, vendorId, by: notes[ATTACHED_LATE_BY] }
              : { outcome: 'assigned', subject: read.subject, campaignId, vendorId, by: notes[ASSIGNED_BY] ?? '' };
      }
    }
    return found;
  }
}

/** A reply attached to an ended case's record (Intake.attachLate), and whether its campaign was told of it. */
export interface AttachedLate {
  stage: EngagementStage;
  reply: LateReply;
  /** When the case ended. */
  endedAt?: string;
  /** Received before the case closed without a response (held meanwhile): the statement says the vendor replied in time. */
  repliedInTime: boolean;
  /**
   * A case closed without a response, with an intake that tells campaigns: whether its campaign was
   * told (its next versions then say the reply); absent for any other case, which the statement does not tell of.
   */
  campaignTold?: boolean;
  /** Why the campaign could not be told (it has ended, or could not be reached), as its error said, in English. */
  campaignNotTold?: string;
  /** The campaign could not be told because it has ended: it drafts no more versions, so none will say the reply. */
  campaignEnded?: boolean;
}

/**
 * Splits a held copy into the intake's reason and the message as it arrived. A reason is read back
 * from its encoded words; one held before reasons were encoded reads as written (its accents were
 * "?"), and one held before reasons were kept as data is shown as its English sentence;
 * folded lines after one of the intake's headers are part of it.
 */
export function unannotate(raw: Buffer): { reason: string; why: HeldWhy; campaignId?: string; arrivedAt?: number; unreadSize?: number; original: Buffer } {
  let rest = raw;
  let reason = '';
  let why: HeldWhy | undefined;
  let campaignId: string | undefined;
  let arrivedAt: number | undefined;
  let unreadSize: number | undefined;
  for (;;) {
    let end = rest.indexOf('\r\n');
    while (end >= 0 && FOLDED_WORD.test(lineAt(rest, end + 2))) end = rest.indexOf('\r\n', end + 2);
    const line = end < 0 ? '' : rest.subarray(0, end).toString('latin1');
    const split = (original: Buffer) => ({ reason, why: why ?? { code: 'as-written' as const, detail: reason }, campaignId, arrivedAt, unreadSize, original });
    if (line.startsWith(`${HELD_END}: `)) return split(rest.subarray(end + 2));
    if (!INTAKE_LINE.test(line)) return split(rest);
    if (line.startsWith(`${HELD_REASON}: `)) reason = decodedWords(line.slice(HELD_REASON.length + 2));
    else if (line.startsWith(`${HELD_WHY}: `)) why = parseHeldWhy(decodedWords(line.slice(HELD_WHY.length + 2)));
    else if (line.startsWith(`${HELD_CAMPAIGN}: `)) campaignId = line.slice(HELD_CAMPAIGN.length + 2);
    else if (line.startsWith(`${HELD_ARRIVED}: `)) arrivedAt = Date.parse(line.slice(HELD_ARRIVED.length + 2)) || undefined;
    else unreadSize = Number(line.slice(HELD_SIZE.length + 2)) || undefined;
    rest = rest.subarray(end + 2);
  }
}

/** Enough of a held copy to read the intake's lines and the message's Message-ID. */
const COUNT_HEADER_BYTES = 64 * 1024;

/**
 * How many messages wait in a pen (`undefined`: the one of mail that names no campaign), each once
 * however many copies a pass cut short left of it, and when the oldest reached the case mailbox; read
 * from the held copies' headers alone.
 */
export async function countHeld(mailbox: Pick<MailboxSource, 'messages'>, campaignId: string | undefined): Promise<HeldCount> {
  const seen = new Set<string>();
  let count = 0;
  let oldest: number | undefined;
  for await (const stored of mailbox.messages(holdingFolder(campaignId), { maxBytes: COUNT_HEADER_BYTES })) {
    const { arrivedAt, original } = unannotate(stored.raw);
    const messageId = /^Message-ID:[ \t]*(\S+)/im.exec(original.subarray(0, COUNT_HEADER_BYTES).toString('latin1'))?.[1];
    if (messageId && seen.has(messageId)) continue;
    if (messageId) seen.add(messageId);
    count++;
    const at = arrivedAt ?? stored.arrivedAt;
    if (at !== undefined && (oldest === undefined || at < oldest)) oldest = at;
  }
  return { count, ...(oldest === undefined ? {} : { oldest: new Date(oldest).toISOString() }) };
}

/** The intake's fields at the top of a claim or a claim's renewal (a claim's first line is CLAIM). */
function claimFields(raw: Buffer): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of raw.toString('latin1').split('\r\n')) {
    const name = [CLAIM, CLAIM_ID, CLAIM_ALIVE].find((n) => line.startsWith(`${n}: `));
    if (!name) break;
    fields[name] = line.slice(name.length + 2);
  }
  return fields;
}

/** The officer's notes on top of an assigned or dismissed copy (their encoded words decoded), and what follows them. */
function officerNotes(raw: Buffer): { notes: Record<string, string>; rest: Buffer } {
  const notes: Record<string, string> = {};
  let rest = raw;
  for (;;) {
    let end = rest.indexOf('\r\n');
    while (end >= 0 && FOLDED_WORD.test(lineAt(rest, end + 2))) end = rest.indexOf('\r\n', end + 2);
    const line = end < 0 ? '' : rest.subarray(0, end).toString('latin1');
    const name = [ASSIGNED_BY, ASSIGNED_TO, ATTACHED_LATE_BY, DISMISSED_BY, DISMISSED_REASON, NOTED_ID].find((n) => line.startsWith(`${n}: `));
    if (!name) return { notes, rest };
    notes[name] = decodedWords(line.slice(name.length + 2));
    rest = rest.subarray(end + 2);
  }
}

/** No such message in the pen (never held there, or gone from it): the workspace then says what became of it. */
/** Another officer's decision on the message is under way (or died less than the claim's lease ago). */
function beingDecided(messageId: string, leaseMs: number): DossierClientError {
  return new DossierClientError(ClientErrorCode.Busy, `${messageId}: ${sentence('en', 'held.being-decided', { minutes: Math.max(1, Math.ceil(leaseMs / 60_000)) })}`);
}

/**
 * A late reply the engagement's record does not take, with its code and values for the workspace and
 * a French CLI; its English sentence is the same template's, `english` overriding values (a day for a moment).
 */
function lateRefusal(
  what: string,
  code: Extract<RefusalCode, 'late-reply-attached' | 'late-reply-case-open' | 'late-reply-before-letter'>,
  values: Record<string, string>,
  english: Record<string, string> = {},
): DossierClientError {
  return refused(what, sentence('en', `form-refusal.${code}`, { ...values, ...english }), undefined, { refusal: code, values } as RefusalDetails);
}

/**
 * When a message was received, as an engagement records it: when the case mailbox took it, since the
 * sender writes the Date header, and a late reply could date itself on time. Without the mailbox's
 * time, the header if it is not in the future.
 */
function receivedAtOf(read: Pick<ReadMessage, 'date'>, arrivedAt: number | undefined): string {
  const now = Date.now();
  const headerDate = read.date && Date.parse(read.date) <= now + 5 * 60_000 ? read.date : undefined;
  return arrivedAt !== undefined ? new Date(arrivedAt).toISOString() : (headerDate ?? new Date(now).toISOString());
}

/**
 * Whether every engagement its subject named refused a message because its sender is not that
 * engagement's vendor's (an ended one refuses as ended, having been weighed by its addresses too): a
 * stranger writing about the campaign, said once of the whole campaign. One candidate says it itself.
 * Not said when an ended engagement could not be weighed (bySender's `unweighed`): the sender may be its
 * vendor's, whose late reply the pen offers to attach from that engagement's refusal.
 */
function senderOfNoVendor(candidates: Candidate[], refusals: EngagementRefusal[]): boolean {
  if (candidates.length < 2 || refusals.length !== candidates.length || candidates.some((c) => c.matchedBy !== 'subject')) return false;
  const running = refusals.filter((_, i) => !candidates[i]!.ended);
  return running.length > 0 && running.every((r) => r.refusal?.refusal === 'sender-not-vendor');
}

function goneFromPen(heldIn: string | undefined, messageId: string): DossierClientError {
  return new DossierClientError(ClientErrorCode.NotFound, `no held message ${messageId} in ${holdingFolder(heldIn)} (list them with \`npx dossier inbox held\`)`);
}

/**
 * The language of a message's subject and text when its Content-Language or its words say it, so
 * the pages that show them mark them with it; nothing when unsure.
 */
function languageOf(read: Pick<ReadMessage, 'contentLanguage'>, text: string): { language?: Language } {
  const language = replyLanguage(read.contentLanguage, text);
  return language === 'unknown' ? {} : { language };
}

/** A held copy as the pen reads it: `stored.raw` is its header alone when it was over the size read whole. */
/**
 * A held message's date as the pen shows it: when the case mailbox received it, as the engagement will
 * record it once assigned, not the Date header its sender wrote (absent, or any day it likes). A copy
 * held before the intake noted the arrival has only the header.
 */
function arrivalDate(arrivedAt: number | undefined, read: ReadMessage): string | undefined {
  return arrivedAt !== undefined ? new Date(arrivedAt).toISOString() : read.date;
}

type HeldCopy = { stored: StoredMessage; read: ReadMessage } & ReturnType<typeof unannotate>;

async function heldCopy(stored: StoredMessage): Promise<HeldCopy> {
  const unannotated = unannotate(stored.raw);
  return { stored, read: await readMessage(unannotated.original), ...unannotated };
}

/** A digest of a message's header: a held copy and a recorded one of the same message share it. */
function headerDigest(message: Buffer): string {
  return createHash('sha256').update(headerOf(message)).digest('hex');
}

/** Whether the intake made this id up for a message without a Message-ID of its own: it is in no header. */
function madeUpId(messageId: string): boolean {
  return messageId.endsWith(`@${NO_MESSAGE_ID_DOMAIN}>`);
}

/** The note's line naming a made-up id; none for a message's own Message-ID, which its header keeps. */
function notedId(messageId: string): string {
  return madeUpId(messageId) ? `${NOTED_ID}: ${encodedWords(plainLine(messageId))}\r\n` : '';
}

/** A header the intake writes on a held copy (a copy held before HELD_END ends at the first other line). */
const INTAKE_LINE = new RegExp(`^(${[HELD_REASON, HELD_WHY, HELD_CAMPAIGN, HELD_ARRIVED, HELD_SIZE].join('|')}): `);
const ENCODED_WORD = /=\?UTF-8\?B\?([A-Za-z0-9+/=]*)\?=/gi;
/** A continuation line the intake wrote: whitespace, then one encoded word (never a line of the original message). */
const FOLDED_WORD = /^[ \t]+=\?UTF-8\?B\?[A-Za-z0-9+/=]*\?=$/i;

/** The line starting at `start`, or '' when it is longer than any line the intake folds. */
function lineAt(buffer: Buffer, start: number): string {
  const end = buffer.indexOf('\r\n', start);
  return end < 0 || end - start > 100 ? '' : buffer.subarray(start, end).toString('latin1');
}

/**
 * A header value as written when it is plain ASCII, else in RFC 2047 encoded words (UTF-8, base64),
 * so accents survive ("Société Générale", not "Soci?t? G?n?rale"). Each word stays under 75
 * characters and words are folded onto lines of their own, as RFC 2047 asks of a mail client's
 * reader; a word never splits a character, so each decodes alone. Text that already looks like an
 * encoded word is encoded too, so reading it back cannot mistake it for one.
 */
function encodedWords(text: string, always = false): string {
  if (!always && /^[\x20-\x7e]*$/.test(text) && !text.includes('=?')) return text;
  const words: string[] = [];
  let chunk = '';
  for (const char of text) {
    if (Buffer.byteLength(chunk + char) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w).toString('base64')}?=`).join('\r\n ');
}

/** The text of a header value the intake wrote: its encoded words decoded and joined (RFC 2047 §6.2), or the value as written. */
function decodedWords(value: string): string {
  const unfolded = value.replace(/\r\n(?=[ \t])/g, '');
  if (!/^(?:=\?UTF-8\?B\?[A-Za-z0-9+/=]*\?=\s*)+$/i.test(unfolded)) return unfolded;
  return Buffer.concat([...unfolded.matchAll(ENCODED_WORD)].map((m) => Buffer.from(m[1], 'base64'))).toString('utf8');
}

function plainLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, 1_000);
}

function plainText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
}

/** What the message a duplicate repeats had become, as the log says it. */
const DUPLICATE_OF: Record<InboundMessage['review'], string> = { 'to-review': 'recorded, to review', confirmed: 'confirmed', dismissed: 'dismissed', noted: 'noted', late: 'attached late to the closed record' };

function describe(settled: Settled): string {
  switch (settled.outcome) {
    case 'recorded':
      if (settled.duplicateOf !== undefined) {
        return `intake: ${settled.messageId} arrived again on ${settled.workflowId}: a duplicate of a message already ${DUPLICATE_OF[settled.duplicateOf]}, which the engagement ignored`;
      }
      // Only "to-review" can be stale: an officer's decision since is what the unread status would have said.
      if (settled.reviewUnknown && settled.effect === 'to-review') {
        return `intake: ${settled.messageId} recorded on ${settled.workflowId}; its review state is unknown, as the engagement’s status could not be read (if it had arrived before, the engagement ignored this copy and kept its review)`;
      }
      return `intake: ${settled.messageId} recorded on ${settled.workflowId} (${settled.effect})`;
    case 'held':
      return `intake: ${settled.messageId} held for ${settled.campaignId ?? 'no campaign'}: ${settled.reason}`;
    case 'left':
      return `intake: ${settled.messageId} left in the inbox for the next pass: ${settled.reason}`;
    case 'taken':
      return `intake: ${settled.messageId} already moved by another reader of the case mailbox`;
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The case a message's threading headers say it answers, as correlate reads them: the newest Dossier message named. */
function answeredCase(read: ReadMessage, domain: string): Pick<HeldMessageContent, 'answers'> {
  for (const id of read.refersTo) {
    const parsed = parseEngagementMessageId(id, domain);
    if (parsed) return { answers: { campaignId: parsed.campaignId, vendorId: parsed.vendorId } };
  }
  return {};
}
