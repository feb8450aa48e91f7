// A correspondence campaign: one engagement per vendor (child workflows), then the joint statement —
// drafted from the engagements' outcomes and the lead's conclusions, approved by the co-signatories
// (every one, or a quorum), rendered in English and French, published and sent to everyone involved.
//
// Children are started with ParentClosePolicy REQUEST_CANCEL: an engagement only makes sense inside
// its campaign, so terminating a campaign (a mistaken start, a demo run cleaned up) must not leave
// engagements sending reminders on their own. A withdrawal is a signal to the engagement
// (`withdrawSignal`; workflows cannot send updates), which applies its own withdrawal rules and
// ends with a `withdrawn` outcome that reaches the campaign as the child's result, like any other.
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  isCancellation,
  log,
  patched,
  setHandler,
  startChild,
  upsertMemo,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import { documents, documentsGivingUpAfter, email, emailSentUnlessCancelled, failedOnceCancelRequested, sendOrExplain } from './delivery';
import { CampaignCase, type CampaignResult } from './campaign-state';
import { engagement } from './engagement';
import { ENGAGEMENT_REVISION, engagementInputProblem } from './engagement-rules';
import { engagementStartAttributes } from './search-attributes';
import { ENGAGEMENTS_PER_TASK } from './campaign-rules';
import { campaignRetention } from './retention';
import {
  addVendorUpdate,
  CAMPAIGN_MEMO_KEY,
  campaignListingMemo,
  approveStatementUpdate,
  campaignBoardQuery,
  campaignStatusQuery,
  draftStatementUpdate,
  editStatementUpdate,
  engagementOutcomeQuery,
  lateReplyAttachedSignal,
  vendorContactsChangedSignal,
  requestChangesUpdate,
  withdrawApprovalUpdate,
  setConclusionsUpdate,
  statementChangesQuery,
  statementDraftQuery,
  statementTextQuery,
  vendorsOfSenderQuery,
  vendorsNearSenderQuery,
  withdrawSignal,
  withdrawVendorUpdate,
  type CampaignEngagementState,
  type DraftStatementInput,
  type RequestChangesInput,
  type WithdrawVendorInput,
} from './messages';
import { LANGUAGES, type CampaignInput, type CampaignRef, type Contact, type Language, type LetterCopyNotFiled, type MessageDetails, type MessageKind, type SentMessage, type StatementDraft, type Vendor } from './types';
import { retentionWorkflowId } from './workflow-ids';

export type { CampaignResult } from './campaign-state';

/** Campaign mail goes through sendOrExplain, like the engagement's (see `send`). */
const ONE_DELIVERY_PATH = 'one-delivery-path';
/**
 * The campaign's engagements start this many at a time, each batch in a workflow task of its own:
 * 1,000 children started in one task overran the 5-second workflow task timeout (and their inputs
 * approach the 4 MB limit of one task's commands). Campaigns started before it replay as they ran.
 */
const ENGAGEMENTS_IN_BATCHES = 'engagements-in-batches';
/**
 * The statement's notices go out a hundred at a time: 2,000 vendors' notices scheduled in one
 * workflow task would pass the 4 MB of one task's commands. Campaigns published before sent all at once.
 */
const NOTICES_IN_WINDOW = 'notices-in-window';
/** The statement is not mailed to a vendor stopped before its engagement started: it never had the letter. */
const NO_NOTICE_UNLESS_WRITTEN_TO = 'no-notice-unless-written-to';
/**
 * Nor to one whose engagement ended without the letter reaching it (refused or bounced for good,
 * then withdrawn; or withdrawn while it went out, and then refused), as its outcome reports.
 */
const NO_NOTICE_UNLESS_LETTER_DELIVERED = 'no-notice-unless-letter-delivered';
/**
 * Approval reminders per version: an interval of a second, or a signatory who never answers, would
 * otherwise mail for ever (and grow the history to Temporal's limit, which ends the campaign).
 */
export const APPROVAL_REMINDERS_PER_VERSION = 10;
const APPROVAL_REMINDERS_CAPPED = 'approval-reminders-capped';
/** A version the worker cannot print waits for the lead's next one instead of failing the campaign. */
const UNPRINTABLE_DRAFT_WAITS = 'unprintable-draft-waits';
/** A change request is recorded without waiting for its mail to the lead (histories before it waited). */
const CHANGE_REQUEST_MAIL_BESIDE = 'change-request-mail-beside';
/** A first version too large to send waits until the lead shortens it (see CampaignCase.readyToDraft). */
const STATEMENT_SIZE_LIMIT = 'statement-size-limit';
/**
 * The letter's body is kept once in the published files and the engagements get a reference to it:
 * it was in every engagement's input and every letter copy's, twice per vendor in this history.
 */
const LETTER_KEPT_ONCE = 'letter-kept-once';
/** Drafting writes the memo again, saying the statement is drafted (web campaigns list). */
const STATEMENT_DRAFTED_LISTED = 'statement-drafted-listed';
/** How long keeping the letter may take before the engagements carry it instead, as before (`policy.letterKeptWithin`). */
const LETTER_KEEPING_TIME = '2 minutes';
/**
 * A letter the engagements cannot carry (the history has no room for it in every input) waits for
 * the published files instead: before, the campaign gave the engagements the letter regardless, and
 * a large campaign then outgrew its history or the 4 MB of one workflow task.
 */
const LETTER_WAITS_FOR_STORE = 'letter-waits-for-store';
/**
 * A version is dated with the lead authority's calendar day, not the UTC day (a draft made after
 * 7 pm in Toronto was dated the next day). The date is data, not a command; the patch keeps the
 * versions an older history drafted dated as they were sent, in its status and its PDFs.
 */
const DRAFT_DATED_IN_LEAD_ZONE = 'draft-dated-in-lead-zone';
/**
 * The published statement is dated the day it is issued, not the day its approved version was
 * drafted (signatories approving over weeks published a statement dated weeks before it came out).
 * Data, not a command; the patch keeps a statement an older history published dated as it was.
 */
const STATEMENT_DATED_AT_PUBLICATION = 'statement-dated-at-publication';
/**
 * The statement says the letter was sent only to the vendors it reached: a version marks the others
 * (see CampaignCase.markNotWrittenTo). The marks are data, not commands; the patch keeps the versions
 * an older history drafted and published as they were approved and sent.
 */
const STATEMENT_SAYS_WHO_WAS_WRITTEN_TO = 'statement-says-who-was-written-to';
/**
 * An approval carries over to a version that differs from the approved one only in the French spacing
 * the PDF sets alike (see CampaignCase.keepsApprovalsAsPrinted): before, the signatory was asked again
 * to approve the very PDF it had approved. Asked only when a version differs so from one approved.
 */
const APPROVALS_KEPT_AS_PRINTED = 'statement-approvals-kept-as-printed';
/**
 * A vendor whose reply reached the case mailbox before its case closed without a response, and was
 * attached to the closed record afterwards, is said to have replied in time (see
 * CampaignCase.tellsRepliesInTime): before, the version said it did not respond, and carried the
 * approvals over as unchanged. Asked only when a version would say so of some vendor.
 */
const STATEMENT_SAYS_REPLY_IN_TIME = 'statement-says-reply-in-time';
/**
 * A vendor that responded before the lead closed its case at drafting is said to have responded
 * (see CampaignCase.tellsResponsesBeforeClosing): before, the version said only that its review was
 * closed, and its summary counted only the companies assessed as having responded. Asked only when a
 * version would say so of some vendor.
 */
const STATEMENT_SAYS_RESPONSE_BEFORE_CLOSING = 'statement-says-response-before-closing';
/**
 * The first version waits (for a while) for the engagements the lead closed at drafting to end on its
 * signal: the campaign learns whether a vendor had responded only from its engagement's outcome, and a
 * version drafted before it arrived said only that the review was closed. Asked only when one is still
 * ending then; one that takes longer (mail to cancel a demonstration held up) is not waited for.
 */
const FIRST_DRAFT_AFTER_CLOSED_CASES_END = 'statement-first-draft-after-closed-cases-end';
const CLOSED_CASES_ENDING_TIME = '2 minutes';
/**
 * The statement is published as its signatories approved it. Under STATEMENT_SAYS_WHO_WAS_WRITTEN_TO,
 * the ledger was asked only at publication and its answer marked the signed statement after the
 * approvals, so the published background could differ from the approved one. Now the ledger is asked before the first
 * version, before each later one is sent (the lead's update marks it from the last answer, never
 * waiting for the ledger), and again before publication: a version whose background the ledger or
 * the outcomes have since contradicted is replaced by a corrected one, which every signatory approves.
 */
const PUBLISHED_AS_APPROVED = 'statement-published-as-approved';
/**
 * A version a signatory sent back while the ledger was asked about it (before it went out, or at
 * publication) is not sent, nor sent again, once the answer contradicts its background: it waits for
 * the lead's next version, marked from that answer. Before, it went out to the signatories unchanged.
 */
const SENT_BACK_NOT_SENT_UNCHECKED = 'statement-sent-back-not-sent-unchecked';
/**
 * A version the lead replaced while it was being printed is not sent: its requests, made after the
 * print, described the newer version (number, changes, marks not yet checked) over the older one's
 * PDF, and recorded the newer as seen, so its own request then said nothing had changed.
 */
const SUPERSEDED_NOT_SENT = 'statement-superseded-not-sent';
/**
 * Nor a version a signatory sent back while it was being printed (or, the ledger not contradicting
 * it, while the ledger was asked): its requests went out after it was back with the lead, asking the
 * others to approve a text the lead was changing, and arrived after the lead's next was approved.
 */
const SENT_BACK_NOT_SENT = 'statement-sent-back-not-sent';
/**
 * A version's requests still waiting for the relay (turned away for now, each retried) are cancelled
 * once it is sent back or replaced: they went out when the relay took mail again, after its successor
 * had been approved, and held up the successor's own requests until then. Asked at each version's
 * requests, since whether they wait is known only later.
 */
const STALE_REQUESTS_CANCELLED = 'statement-stale-requests-cancelled';
/**
 * A request the relay was handling when its version was sent back, and then turned away for now, is
 * not retried: the server reports the attempt's failure, not a cancellation, and that ended the
 * campaign. It counts as cancelled. Asked only then; a campaign it ended stays ended.
 */
const FAILED_ONCE_CANCELLED_IS_CANCELLED = 'statement-request-failed-once-cancelled';
/**
 * A version's reminders still waiting for the relay are cancelled, as its requests are, once it is
 * sent back or replaced: they went out when the relay took mail again, asking to approve a version
 * back with the lead or superseded, and held up the next version's requests until then. Asked only
 * when a round of reminders is still waiting then.
 */
const STALE_REMINDERS_CANCELLED = 'statement-stale-reminders-cancelled';
/**
 * And once the version is approved: a round the relay kept turning away held up the publication
 * until the relay took mail again, then reminded the signatories of what they had approved. Asked
 * only when a round is still waiting at the approval.
 */
const APPROVED_REMINDERS_CANCELLED = 'statement-reminders-cancelled-once-approved';
/**
 * And one signatory's reminder once that signatory approves: with the relay turning the round away,
 * it went out when the relay took mail again, telling a signatory who had approved that the draft
 * still awaited its approval. Asked only when a reminder still waits at that signatory's approval.
 */
const SIGNATORY_REMINDER_CANCELLED = 'statement-reminder-cancelled-once-signatory-approved';

/**
 * The letter copy in the publication folder is the one the vendor received, kept by the letter's send
 * once the mail server accepted it (due date included), and taken back when the engagement ends with
 * the letter undelivered (a bounce after the server took it). Before, the campaign kept a copy for
 * every engagement it started, before the letter went out: with no due date, and one for a vendor the
 * letter never reached, which the folder showed as written to while the statement said otherwise.
 */
const LETTER_COPY_AS_DELIVERED = 'letter-copy-as-delivered';
/**
 * The folder's letter copies are checked against the ledger each time the campaign asks it (before
 * each version, and before publication): a copy its letter's send could not write (the store out of
 * reach) is written again, and one still missing is listed among the status's delivery failures until
 * it is. Once every engagement has ended after the publication, the folder is made to agree with the
 * published statement: no copy for a vendor it says the letter did not reach, though the letter
 * reached it after all (it was still going out when the statement was published). Before, a failed
 * copy showed only in the worker's log, and such a late letter's copy contradicted the statement.
 */
const LETTER_COPIES_FILED = 'letter-copies-filed';

export async function campaign(input: CampaignInput): Promise<CampaignResult> {
  // The input was checked against the campaign-file schema before the start (client/campaign-api.ts);
  // the schema is not re-run here because zod in the workflow bundle costs every engagement memory.
  const { campaign: ref, policy, publication } = input;
  // Started some other way with a bad policy or date, it fails at once, naming the field.
  const invalid = engagementInputProblem({ campaign: ref, policy });
  if (invalid) throw ApplicationFailure.nonRetryable(invalid, 'InvalidCampaignInput');
  // Only the engagements' open letters need the letter's body; the campaign's own mail leaves it out.
  const refWithoutLetter = { ...ref, letterBody: { en: [], fr: [] } };
  // Campaigns started before the edit loop replay as they ran (see StatementRules); those started
  // before the statement's size limit drafted whatever its size, and replay so.
  const rules = patched('statement-edit-loop') ? 'edit-loop' : 'legacy';
  const keepsLetterOnce = patched(LETTER_KEPT_ONCE);
  const waitsForStore = keepsLetterOnce && patched(LETTER_WAITS_FOR_STORE);
  const copiesAsDelivered = patched(LETTER_COPY_AS_DELIVERED);
  /** What the engagements' open letters carry: where their sends keep the copy, since LETTER_COPY_AS_DELIVERED. */
  const forEngagements = (r: CampaignRef): CampaignRef => (copiesAsDelivered ? { ...r, letterCopyFolder: publication.folder } : r);
  const kase = new CampaignCase(input, rules, {
    holdsOversizedDraft: patched(STATEMENT_SIZE_LIMIT),
    keepsLetterOnce,
    // Asked when a version is drafted, and only if the lead's day and the UTC day differ then.
    datesInLeadZone: () => patched(DRAFT_DATED_IN_LEAD_ZONE),
    // Asked at publication, and only if the day differs from the approved version's.
    datedAtPublication: () => patched(STATEMENT_DATED_AT_PUBLICATION),
    // Asked when a version leaves out a vendor the letter never reached.
    marksNotWrittenTo: () => patched(STATEMENT_SAYS_WHO_WAS_WRITTEN_TO),
    // Asked when a version only respaces the French of one an authority approved.
    keepsApprovalsAsPrinted: () => patched(APPROVALS_KEPT_AS_PRINTED),
    // Asked when a version would say that a vendor replied in time, its reply recorded after its case closed.
    tellsRepliesInTime: () => patched(STATEMENT_SAYS_REPLY_IN_TIME),
    // Asked when a version would say that a vendor the lead closed had responded before.
    tellsResponsesBeforeClosing: () => patched(STATEMENT_SAYS_RESPONSE_BEFORE_CLOSING),
  });
  const { workflowId, authorities } = kase;
  /** Resolves once the server has started the child, so a signal cannot overtake it. */
  const children = new Map<string, Promise<ChildWorkflowHandle<typeof engagement> | undefined>>();
  const endings: Promise<void>[] = [];
  const chores: Promise<void>[] = [];
  const now = () => new Date().toISOString();
  /** The campaign as its engagements and letter copies get it: with the letter, or once it is kept, a reference to it. */
  let engagementRef: CampaignRef = forEngagements(ref);
  /** The letter is kept, or the engagements carry it: they are being started. */
  let letterSettled = !keepsLetterOnce;
  /**
   * Resolves once the letter is kept, or could not be (its engagements then carry it, as before). Every
   * vendor is the campaign's from the start, for its checks and queries; none is started before this.
   */
  const letterKept = keepsLetterOnce ? keepLetter() : undefined;
  async function keepLetter(): Promise<void> {
    const letter = { campaign: ref, folder: publication.folder };
    try {
      const letterFile = await documentsGivingUpAfter(policy.letterKeptWithin ?? LETTER_KEEPING_TIME).storeLetter(letter);
      engagementRef = forEngagements({ ...refWithoutLetter, letterFile });
      letterSettled = true;
      return;
    } catch (err) {
      if (isCancellation(err)) throw err;
      const problem = kase.letterCarriedProblem();
      if (!problem || !waitsForStore) {
        // A store out of reach must not hold up a campaign whose engagements can carry the letter.
        log.warn('the letter could not be kept in the published files; each engagement carries it', { error: errorText(err) });
        kase.carryLetter();
        letterSettled = true;
        return;
      }
      log.warn('the letter could not be kept in the published files, and the engagements cannot carry it: trying until it is kept', { error: errorText(err), problem });
      kase.waitForLetterStore(errorText(err), problem);
    }
    // Retried until the store takes it (slowing to one try in 10 minutes): nothing has started yet.
    const letterFile = await documents.storeLetter(letter);
    engagementRef = forEngagements({ ...refWithoutLetter, letterFile });
    kase.letterKept();
    letterSettled = true;
  }

  /**
   * Tracks the vendor's engagement at once (so every handler knows it) and starts its child now, or
   * when `turn` resolves (its batch's turn).
   */
  function startEngagement(vendor: Vendor, addedLate: boolean, turn?: Promise<void>): CampaignEngagementState {
    const state = kase.addEngagement(vendor, addedLate);
    // Withdrawn, closed or excluded while the letter waited for the files: it never starts, and no letter goes out.
    const stoppedBeforeStart = () => waitsForStore && kase.stopReasonBeforeStart(vendor.id) !== undefined;
    const launch = (): Promise<ChildWorkflowHandle<typeof engagement> | undefined> => {
      if (!stoppedBeforeStart()) {
        return startChild(engagement, {
          workflowId: state.workflowId,
          args: [{ campaign: engagementRef, vendor, policy, revision: ENGAGEMENT_REVISION }],
          typedSearchAttributes: engagementStartAttributes(ref.id, vendor.id),
          parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        });
      }
      kase.endBeforeStart(vendor.id, now());
      return Promise.resolve(undefined);
    };
    const started = turn ? turn.then(launch) : launch();
    children.set(vendor.id, started);
    // A copy of the letter the vendor receives, kept with the campaign's files; a failure to archive
    // it is reported, never allowed to hold the campaign up.
    const saveCopy = async () => {
      if (!stoppedBeforeStart()) await documents.saveLetterCopy({ campaign: engagementRef, vendor, folder: publication.folder });
    };
    const copyFailed = (err: unknown) => kase.deliveryFailed(`letter-copy-${vendor.id}`, errorText(err), now());
    if (!copiesAsDelivered) chores.push((turn ? turn.then(saveCopy) : saveCopy()).then(() => undefined, copyFailed));
    endings.push(
      started
        .then((child) => child?.result())
        .then(
          // No outcome: it never started, and ended when it was stopped.
          (outcome) => {
            if (!outcome) return;
            kase.engagementEnded(vendor.id, outcome);
            // A letter the server took and that then bounced for good left a copy; none was sent.
            if (copiesAsDelivered && outcome.letterUndelivered) {
              // Worded by code, and taken off the list once a later look takes the copy back (LETTER_COPIES_FILED).
              const notTakenBack = (err: unknown) => kase.letterCopyFailed({ vendorId: vendor.id, error: errorText(err), takenBack: true }, now());
              return documents.removeLetterCopy({ vendor, folder: publication.folder }).then(() => undefined, notTakenBack);
            }
            return undefined;
          },
          (err: unknown) => kase.engagementFailed(vendor.id, errorText(err)),
        ),
    );
    return state;
  }

  /** Ends an engagement by signal (its own withdrawal rules apply); one that has ended ignores it. */
  async function signalWithdrawal(vendorId: string, by: string, reason: string): Promise<void> {
    const child = await children.get(vendorId)!;
    if (!child) return;
    try {
      await child.signal(withdrawSignal, { by, reason });
    } catch {
      // The engagement ended meanwhile: its own outcome stands.
    }
  }

  // Asked at each point, not once: a campaign drafted before the patch checks its next versions, and
  // the approved one before publication, like any other.
  const checksLedger = () => patched(PUBLISHED_AS_APPROVED);
  /** The last version whose background was checked against the ledger before it went out. */
  let checked: StatementDraft | undefined;
  /**
   * Asks the delivery ledger which vendors the statement would say were written to have no letter
   * the mail server accepted; the next version marks them. Not asked when there are none.
   */
  async function askLedger(): Promise<void> {
    const vendorIds = kase.vendorsWrittenTo().map((v) => v.id);
    kase.ledgerSays(vendorIds.length ? await email.lettersNotAccepted({ campaignId: ref.id, vendorIds }) : []);
    const notAccepted = kase.lettersNotAccepted();
    await fileLetterCopies(kase.vendorsWrittenTo().filter((v) => !notAccepted.has(v.id)));
  }

  /**
   * Writes again the copies of the letters to `keep` that their sends could not write, and takes back
   * those of `without`; what still fails is listed in the status, what is filed taken off it. One
   * activity in the usual case (no copy missing); asked only for campaigns whose sends keep the copies.
   */
  async function fileLetterCopies(keep: Vendor[], without: Vendor[] = []): Promise<void> {
    if (!copiesAsDelivered || !patched(LETTER_COPIES_FILED)) return;
    const key = ({ id, language }: Vendor) => ({ id, language });
    const folder = publication.folder;
    const missing = new Set(keep.length ? await email.letterCopiesMissing({ campaignId: ref.id, folder, vendors: keep.map(key) }) : []);
    const toWrite = keep.filter((v) => missing.has(v.id));
    const notFiled: LetterCopyNotFiled[] = [];
    // A hundred vendors an activity, as the engagements start: a store that lost the whole folder
    // would otherwise put every vendor, contacts and all, in one input.
    for (let i = 0; i < Math.max(toWrite.length, without.length); i += ENGAGEMENTS_PER_TASK) {
      const part = { keep: toWrite.slice(i, i + ENGAGEMENTS_PER_TASK), without: without.slice(i, i + ENGAGEMENTS_PER_TASK).map(key) };
      notFiled.push(...(await email.fileLetterCopies({ campaign: engagementRef, folder, ...part })));
    }
    kase.letterCopiesFiled([...keep, ...without].map((v) => v.id), notFiled, now());
  }

  /**
   * The lead submits a version; engagements it closed or excluded end now, sending nothing more. The
   * version is made at once, marked from the ledger's last answer: the approval loop asks the ledger
   * before anyone is sent it (an activity awaited here would hold the lead's call while the ledger is
   * out of reach, and let an older version be approved and published meanwhile).
   */
  async function draftStatement(req: DraftStatementInput) {
    const status = kase.requestDraft(req, now());
    await Promise.all((req.openCases ?? []).map((d) => tellWithdrawal(d.vendorId, req.by, d.reason.en || d.reason.fr)));
    return status;
  }

  /**
   * Edit loop: the version goes back to the lead, with the comment, by mail. The mail goes beside
   * the request, which is recorded at once: with the relay down, the co-signatory's request used to
   * wait for the mail until the command timed out.
   */
  async function requestChanges(req: RequestChangesInput) {
    const status = kase.requestChanges(req, now());
    if (kase.rules === 'edit-loop') {
      const lead = kase.lead();
      const from = authorities.find((a) => a.id === req.authorityId)!;
      // A second request of one authority on one version is a message of its own (the ledger sends a step once).
      const nth = status.changeRequests.filter((c) => c.version === req.version && c.authorityId === req.authorityId).length;
      const beside = patched(CHANGE_REQUEST_MAIL_BESIDE);
      const step = `change-request-v${req.version}-${req.authorityId}${nth > 1 ? `-${nth}` : ''}`;
      const mail = send('change-request', step, [lead.contact], languageOf(lead), {
        note: req.comment.trim(),
        version: req.version,
        from: from.name,
      });
      // Beside, a failure that is not a refusal (sendOrExplain passes those on) is recorded, not left unhandled.
      if (beside) chores.push(mail.catch((err: unknown) => kase.deliveryFailed(step, errorText(err), now())));
      else await mail;
    }
    return status;
  }

  async function withdrawVendor(req: WithdrawVendorInput): Promise<CampaignEngagementState> {
    const state = kase.withdrawVendor(req, now());
    await tellWithdrawal(req.vendorId, req.by, req.reason);
    return state;
  }

  /**
   * Ends an engagement the officer withdrew (or the lead closed or excluded). While the letter is
   * being kept (with the files out of reach, it may be hours) no engagement has started: it ends at
   * once, never starts, and the officer is not held up. Not async: an update of a campaign before
   * the patch completes on the same turn as before.
   */
  function tellWithdrawal(vendorId: string, by: string, reason: string): Promise<void> {
    if (!waitsForStore || letterSettled) return signalWithdrawal(vendorId, by, reason);
    kase.endBeforeStart(vendorId, now());
    return Promise.resolve();
  }

  setHandler(campaignStatusQuery, () => kase.status());
  setHandler(campaignBoardQuery, () => kase.board());
  setHandler(vendorsOfSenderQuery, (from) => kase.vendorsOfSender(from));
  setHandler(vendorsNearSenderQuery, (from) => kase.vendorsNearSender(from));
  setHandler(engagementOutcomeQuery, (vendorId) => kase.outcomeOf(vendorId));
  setHandler(statementDraftQuery, (version) => (version === undefined ? kase.draft : kase.statementVersion(version)));
  setHandler(statementTextQuery, () => kase.text);
  setHandler(statementChangesQuery, (authorityId) => kase.changesOfCurrentVersion(authorityId));
  setHandler(addVendorUpdate, ({ vendor }) => startEngagement(vendor, true, letterKept), { validator: (req) => kase.checkAddVendor(req) });
  setHandler(withdrawVendorUpdate, (req) => withdrawVendor(req), { validator: (req) => kase.checkWithdrawVendor(req) });
  setHandler(draftStatementUpdate, (req) => draftStatement(req), { validator: (req) => kase.checkDraft(req) });
  setHandler(editStatementUpdate, (req) => kase.edit(req), { validator: (req) => kase.checkEdit(req) });
  setHandler(setConclusionsUpdate, (req) => kase.setConclusions(req, now()), { validator: (req) => kase.checkConclusions(req) });
  setHandler(approveStatementUpdate, (req) => kase.approve(req, now()), { validator: (req) => kase.checkApproval(req) });
  setHandler(requestChangesUpdate, (req) => requestChanges(req), { validator: (req) => kase.checkChangeRequest(req) });
  // Refused once signed, so no approval is taken back after the campaign has acted on it. One taken
  // back while the ledger answers before signing is seen there (`approved()` is asked again): the
  // version goes out again (the ledger sends each step once) and waits for approvals as before. No
  // command changes for a history without a withdrawal, and none has one from before this handler.
  setHandler(withdrawApprovalUpdate, (req) => kase.withdrawApproval(req, now()), { validator: (req) => kase.checkWithdrawal(req) });
  // A fact, kept for every version drafted from now on (the first one, the workflow's own, the lead's).
  // No history before this handler has the signal, so none replays differently.
  setHandler(lateReplyAttachedSignal, (reply) => {
    if (!kase.lateReplyAttached(reply)) log.warn('a late reply the campaign cannot take was ignored', { vendorId: String(reply?.vendorId), receivedAt: String(reply?.receivedAt) });
  });
  // An engagement's contacts as an officer changed them, for the holding pen; state only, and no
  // history before this handler has the signal.
  setHandler(vendorContactsChangedSignal, (change) => {
    if (!kase.contactsChanged(change)) log.warn('a change of contacts the campaign cannot take was ignored', { vendorId: String(change?.vendorId) });
  });

  // A refused address must not stop the approval or the publication; it is recorded for the officer
  // to fix. Campaigns started before ONE_DELIVERY_PATH caught every error here and ignored partial
  // refusals; they keep doing so, so that their histories replay. A vendor's statement notice the
  // activity did not send (no letter of its engagement went out: see activities/letter-accepted.ts)
  // is listed in the status; reading the result adds no command.
  async function send(kind: MessageKind, step: string, to: Contact[], language: Language, details: MessageDetails, vendor?: Vendor, via = email) {
    const message = { threadId: workflowId, step, kind, language, to, campaign: refWithoutLetter, vendor, details };
    const listIfNotSent = (sent: SentMessage) => {
      if (sent.notSent && vendor) kase.noticeNotSent(vendor.id, sent.notSent);
    };
    if (!patched(ONE_DELIVERY_PATH)) {
      try {
        listIfNotSent(await via.sendMessage(message));
      } catch (err) {
        kase.deliveryFailed(step, errorText(err), now());
      }
      return;
    }
    const delivery = await sendOrExplain(message, via);
    if (delivery.refused) kase.deliveryFailed(step, delivery.refused, now(), delivery.refusal);
    else if (delivery.sent) listIfNotSent(delivery.sent);
  }

  const languageOf = CampaignCase.languageOf;

  const isStale = (version: StatementDraft) => kase.draft !== version || kase.phase === 'revising';
  const requestCancelled = (err: unknown) => isCancellation(err) || (failedOnceCancelRequested(err) && patched(FAILED_ONCE_CANCELLED_IS_CANCELLED));

  /**
   * Runs `work` in `scope`: a cancellation the scope asked for ends it as done (the relay's refusal of
   * a message cancelled meanwhile counts as one); `settled` runs when it ends either way, so its
   * watcher stops.
   */
  async function runInScope(scope: CancellationScope, work: () => Promise<unknown>, settled: () => void): Promise<void> {
    try {
      await scope.run(work);
    } catch (err) {
      if (!(scope.consideredCancelled && requestCancelled(err))) throw err;
    } finally {
      settled();
    }
  }

  /**
   * Runs `work` (a version's requests, or a round of its reminders), cancelling what it still waits
   * for once the version is sent back or replaced (or, `orOnceApproved`, approved), if `cancels()`
   * then allows it. An activity between retries is cancelled by the server; one the worker is running
   * finishes: taken by the relay, it counts as sent; turned away, as cancelled. The approval is asked
   * about once: a round it does not cancel (a history from before its gate) is still watched for the
   * version going stale, as the round was before, or a replay misses the cancel it then recorded.
   */
  async function whileCurrent(current: StatementDraft, work: () => Promise<unknown>, { cancels = (): boolean => true, orOnceApproved = false } = {}): Promise<void> {
    let done = false;
    let approvalAsked = false;
    const scope = new CancellationScope();
    void (async () => {
      for (;;) {
        await condition(() => done || isStale(current) || (orOnceApproved && !approvalAsked && kase.approved()));
        if (done) return;
        const stale = isStale(current);
        if (cancels()) return scope.cancel();
        if (stale) return;
        approvalAsked = true;
      }
    })();
    await runInScope(scope, work, () => {
      done = true;
    });
  }

  /**
   * One signatory's reminder, cancelled while it waits for the relay once that signatory's approval
   * counts for the version. The watcher cannot be cancelled with the round (an unhandled cancellation
   * would fail the workflow task); it ends with the reminder.
   */
  async function unlessApprovedBy(authorityId: string, work: () => Promise<unknown>): Promise<void> {
    let done = false;
    const scope = new CancellationScope();
    void CancellationScope.nonCancellable(async () => {
      await condition(() => done || !kase.waitingFor().some((a) => a.id === authorityId));
      if (!done && patched(SIGNATORY_REMINDER_CANCELLED)) scope.cancel();
    });
    await runInScope(scope, work, () => {
      done = true;
    });
  }

  // ── Engagements ─────────────────────────────────────────────────────────────────────────────
  if (patched(ENGAGEMENTS_IN_BATCHES)) {
    const batches: { vendors: Vendor[]; open: () => void }[] = [];
    for (let i = 0; i < input.vendors.length; i += ENGAGEMENTS_PER_TASK) {
      let open!: () => void;
      const turn = new Promise<void>((resolve) => (open = resolve));
      const vendors = input.vendors.slice(i, i + ENGAGEMENTS_PER_TASK);
      for (const vendor of vendors) startEngagement(vendor, false, turn);
      batches.push({ vendors, open });
    }
    // Only when keeping it: an extra turn here would reorder the commands of histories before the patch.
    if (letterKept) await letterKept;
    for (const batch of batches) {
      batch.open();
      // The server answers each start in a later task: the next batch goes out in that one.
      await Promise.allSettled(batch.vendors.map((v) => children.get(v.id)!));
    }
  } else {
    for (const vendor of input.vendors) startEngagement(vendor, false);
  }
  await condition(() => kase.readyToDraft());
  if (kase.closedCasesEnding() && patched(FIRST_DRAFT_AFTER_CLOSED_CASES_END)) await condition(() => !kase.closedCasesEnding(), CLOSED_CASES_ENDING_TIME);

  // ── Approval ────────────────────────────────────────────────────────────────────────────────
  // The first version says whom the letter reached as the ledger knows it now, not only the outcomes.
  const firstChecked = checksLedger();
  if (firstChecked) await askLedger();
  kase.startApproval(now());
  // From here a co-signatory's campaigns list shows this statement, read from the memo alone.
  if (patched(STATEMENT_DRAFTED_LISTED)) upsertMemo({ [CAMPAIGN_MEMO_KEY]: campaignListingMemo(input.campaign, true) });
  checked = firstChecked ? kase.draft : undefined;
  /** Approved before the patch: the ledger's answer marks the signed statement, as it then did (below). */
  let marksAtPublication = false;
  for (;;) {
    while (!kase.approved()) {
      const current = kase.draft!;
      // A version the lead submitted is marked from the ledger's last answer. Before it is rendered or
      // sent, the ledger is asked again: if the lead submitted another meanwhile, that one is checked
      // instead; if the answer contradicts the version's background (and no change request sent it
      // back to the lead meanwhile), a version corrected from that answer replaces it at once and goes
      // out in its place, the uncorrected one never sent. One sent back is corrected by the lead's next.
      if (checked !== current && checksLedger()) {
        checked = current;
        await askLedger();
        if (kase.draft !== current) continue;
        if (kase.phase === 'approving' && kase.lettersOutdated()) {
          kase.redraftLetters(now());
          checked = kase.draft;
          continue;
        }
      }
      // Sent back while the ledger answered (here, or at publication): correcting it would pass over
      // the change request, and sending it would put a background the ledger contradicts before the
      // signatories. It waits for the lead's next version, which the answer marks. The patch is asked
      // last, only when this arises, so that histories where it never did replay without its marker.
      if (kase.phase === 'revising' && checksLedger() && kase.lettersOutdated() && patched(SENT_BACK_NOT_SENT_UNCHECKED)) {
        await condition(() => kase.draft !== current);
        continue;
      }
      const drafts = await documents.renderStatement({ statement: current, folder: publication.folder, draft: true }).catch((err: unknown) => {
        // Refused for good (a character no font Dossier embeds draws): the version waits for the next
        // one, where it used to fail the campaign and every engagement in it. Asked only then, so a
        // campaign recorded before replays as it ran.
        if (!refusedForGood(err) || !patched(UNPRINTABLE_DRAFT_WAITS)) throw err;
        kase.draftUnprintable(current.version, errorText(err));
        return undefined;
      });
      if (!drafts) {
        await condition(() => kase.draft !== current);
        continue;
      }
      // Replaced while it was printed: the next is checked and sent instead. Asked only then.
      if (kase.draft !== current && patched(SUPERSEDED_NOT_SENT)) continue;
      // Sent back meanwhile: it waits for the lead's next version, as one sent back after it went out does. Asked only then.
      if (kase.phase === 'revising' && patched(SENT_BACK_NOT_SENT)) {
        await condition(() => kase.draft !== current);
        continue;
      }
      const sentBack = kase.changesRequestedBefore(current.version);
      // Cancellable (below), each request goes through the proxy that waits for the worker's answer.
      const requests = (cancellable: boolean) =>
        Promise.all(
          kase.approvalRequestRecipients().map((a) => {
            const step = `approval-request-v${current.version}-${a.id}`;
            const request = kase.approvalRequestFor(a);
            const details = { ...sentBack, attachmentPaths: [drafts[languageOf(a)]], ...request };
            if (!cancellable) return send('approval-request', step, [a.contact], languageOf(a), details);
            // One cancelled never reached the signatory: the next version's says what changed since the one it last saw.
            return send('approval-request', step, [a.contact], languageOf(a), details, undefined, emailSentUnlessCancelled).catch((err: unknown) => {
              if (requestCancelled(err)) kase.requestNotSent(a, current.version, request.sinceVersion);
              throw err;
            });
          }),
        );
      if (patched(STALE_REQUESTS_CANCELLED)) await whileCurrent(current, () => requests(true));
      else await requests(false);
      for (let n = 1; ; n++) {
        if (await condition(() => kase.approved() || kase.draft !== current, policy.approvalReminderEvery)) break;
        // Sent back to the lead: no reminders until the next version goes out. Past the last reminder
        // a version gets, the campaign waits without reminding (the status names who has not answered);
        // a campaign that sent more before the patch replays as it ran.
        if (kase.phase === 'revising' || (n > APPROVAL_REMINDERS_PER_VERSION && patched(APPROVAL_REMINDERS_CAPPED))) {
          await condition(() => kase.approved() || kase.draft !== current);
          break;
        }
        const reminders = () =>
          Promise.all(
            kase.waitingFor().map((a) => {
              // The version is data in the activity's input, not a command: histories from before replay unchanged.
              const details = { reminderNumber: n, version: current.version, attachmentPaths: [drafts[languageOf(a)]] };
              const step = `approval-reminder-v${current.version}-${n}-${a.id}`;
              return unlessApprovedBy(a.id, () => send('approval-reminder', step, [a.contact], languageOf(a), details, undefined, emailSentUnlessCancelled));
            }),
          );
        // Cancelled as the requests are, and once approved; each gate asked only when a round still waits then.
        await whileCurrent(current, reminders, {
          orOnceApproved: true,
          cancels: () => (isStale(current) ? patched(STALE_REMINDERS_CANCELLED) : patched(APPROVED_REMINDERS_CANCELLED)),
        });
      }
    }
    // Approved. Outcomes may have ended since it was drafted, and the ledger may say otherwise now: a
    // background that no longer holds is corrected in a new version, which the signatories approve
    // before anything is published.
    if (!checksLedger()) {
      marksAtPublication = true;
      break;
    }
    await askLedger();
    if (!kase.approved()) continue;
    if (!kase.lettersOutdated()) break;
    kase.redraftLetters(now());
    checked = kase.draft;
  }

  // ── Publication ─────────────────────────────────────────────────────────────────────────────
  kase.sign(now());
  let signed = kase.draft!;
  let notAccepted = kase.lettersNotAccepted();
  if (marksAtPublication) {
    // Campaigns approved before PUBLISHED_AS_APPROVED replay as they ran: the ledger asked once here,
    // its answer marking the signed statement (and leaving out the notices) alike.
    const toLookUp = kase.vendorsWrittenTo().map((v) => v.id);
    notAccepted =
      toLookUp.length && patched(STATEMENT_SAYS_WHO_WAS_WRITTEN_TO)
        ? new Set(await email.lettersNotAccepted({ campaignId: ref.id, vendorIds: toLookUp }))
        : new Set<string>();
    signed = kase.markNotWrittenTo(notAccepted);
  }
  const files = await documents.renderStatement({ statement: signed, folder: publication.folder, draft: false });
  kase.publish(files, now());
  const attachmentPaths = LANGUAGES.map((l) => files[l]);
  // Data in the activity's input, not a command: histories from before replay unchanged. The
  // signatories are told which version was published (one may have sent an earlier one back); the
  // vendors never saw a draft, so theirs names none.
  const notice = { attachmentPaths, signatories: signed.signatories.map((a) => a.id) };
  const signatoryNotice = { ...notice, version: signed.version };
  const notices = authorities.map((a) => () => send('statement-notice', `statement-notice-v${signed.version}-${a.id}`, [a.contact], languageOf(a), signatoryNotice));
  if (publication.notifyVendors) {
    // A campaign that published before a rule mailed the vendors it leaves out, and replays so; each
    // patch is asked only when its rule leaves someone out. The rest is the activity's to decide, from
    // the delivery ledger: a letter still going out, or refused in an engagement that ended before
    // outcomes said so, has no record there.
    const unwritten = kase.notWrittenTo();
    const leaveOut = {
      neverStarted: unwritten.neverStarted && patched(NO_NOTICE_UNLESS_WRITTEN_TO),
      letterUndelivered: unwritten.letterUndelivered && patched(NO_NOTICE_UNLESS_LETTER_DELIVERED),
    };
    for (const vendor of kase.vendorsToNotify(leaveOut, notAccepted)) {
      notices.push(() => send('statement-notice', `statement-notice-v${signed.version}-vendor-${vendor.id}`, vendor.contacts, vendor.language, notice, vendor));
    }
  }
  if (patched(NOTICES_IN_WINDOW)) await inWindow(notices, ENGAGEMENTS_PER_TASK);
  else await Promise.all(notices.map((notice) => notice()));
  kase.noticesSent();
  // Published: nothing more goes out for this campaign, so an engagement still running ends now.
  if (kase.rules === 'edit-loop') {
    await Promise.all(kase.stillRunning().map((e) => signalWithdrawal(e.vendorId, 'dossier', 'the joint statement has been published')));
  }

  // Engagements the lead did not wait for still run to their end; the campaign closes after them.
  await Promise.all([...endings, ...chores]);
  // Every letter has gone out or failed: the folder now holds a copy for each vendor the published
  // statement says was written to, and none for the others, whatever reached them since.
  const notReached = new Set(signed.vendors.filter((v) => v.notWrittenTo !== undefined).map((v) => v.vendorId));
  const vendors = kase.vendors();
  await fileLetterCopies(
    vendors.filter((v) => !notReached.has(v.id)),
    vendors.filter((v) => notReached.has(v.id)),
  );
  if (publication.retention !== undefined) {
    // Abandoned, so it outlives this workflow; its ID lies outside the campaign's key (it must still
    // run after that key is gone).
    await startChild(campaignRetention, {
      workflowId: retentionWorkflowId(ref.id),
      parentClosePolicy: ParentClosePolicy.ABANDON,
      args: [{ campaignId: ref.id, retainFor: publication.retention }],
    });
  }
  await condition(allHandlersFinished);
  return kase.result();
}

/** An activity that gave up at once: its error is not one a retry can mend. */
function refusedForGood(err: unknown): boolean {
  return err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.nonRetryable === true;
}

/** An activity failure's own message (its cause), not the wrapper's "Activity task failed". */
function errorText(err: unknown): string {
  return err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
}

/**
 * Runs `works` at most `width` at a time, each next one as soon as a running one ends (so one slow
 * message holds up nobody), in order; a failure fails the whole, as Promise.all does.
 */
async function inWindow(works: (() => Promise<void>)[], width: number): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < works.length) await works[next++]!();
  };
  await Promise.all(Array.from({ length: Math.min(width, works.length) }, lane));
}

