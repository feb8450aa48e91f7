// The state of a campaign and every transition it goes through, with no Temporal call: which
// engagements it tracks and how they ended, the statement's conclusions, drafts, approvals and change
// requests, the publication. The workflow (campaign.ts) wires each update to one check and one
// method here and keeps the children, timers and mail. Checks reject with an ApplicationFailure so
// the officer reads the reason as given; times come in as arguments, never from a clock.
import { ApplicationFailure } from '@temporalio/common';
import { campaignHistoryProblem, campaignHistoryRoom, checkVendor, ENGAGEMENTS_PER_TASK, formatPath, openCaseProblemList, openCasesRefusal, statementEditProblemList, statementTextProblemList } from './campaign-rules';
import { checkWithdrawalText } from './engagement-rules';
import { ErrorType } from './errors';
import { vendorAddressDistance, vendorsOfSender } from './inbox-rules';
import { refusal, refusalOfAll } from './refusals';
import type {
  AddVendorInput,
  ApproveStatementInput,
  CampaignBoard,
  CampaignEngagementState,
  CampaignPhase,
  CampaignStatus,
  CampaignUpdated,
  DraftStatementInput,
  LateReplyNotInDraft,
  LateReplyReceived,
  EngagementOutcomeSummary,
  EditStatementInput,
  DraftUnprintable,
  LetterNotKept,
  RequestChangesInput,
  ResponseNotInDraft,
  SenderVendor,
  SetConclusionsInput,
  StatementApproval,
  StatementApprovalWithdrawal,
  StatementChangeAnswer,
  StatementChangeRequest,
  StatementNotMailed,
  StatementVersionChanges,
  VendorContactsChanged,
  WithdrawApprovalInput,
  WithdrawVendorInput,
} from './messages';
import { excerptOf, field, FREE_TEXT, LIMITS, NAME, textDetails, textProblem } from './text-rules';
import {
  applyStatementEdit,
  attachedReplyFields,
  changesShown,
  describeGap,
  describeGaps,
  missingText,
  emptyStatementText,
  letterOf,
  statementBytes,
  statementChanges,
  statementEntry,
  statementGaps,
  statementSizeProblem,
  statementSizeRefusal,
} from './statement-text';
import type {
  Authority,
  BilingualParagraphs,
  CampaignInput,
  EngagementOutcome,
  Language,
  LetterCopyNotFiled,
  MessageDetails,
  NoticeNotMailedReason,
  OpenCaseDecision,
  PublishedStatement,
  Refusal,
  StatementDraft,
  StatementText,
  StatementVendorEntry,
  Vendor,
  Contact,
} from './types';
import { campaignTimeZone } from './types';
import { calendarDayIn, isoInstant } from './time';
import { campaignWorkflowId, engagementWorkflowId } from './workflow-ids';

/**
 * How much of the changes since the last version an approval request carries (every authority's in
 * one workflow task: 50 authorities stay under its 4 MB) and the workspace's page shows (one query
 * result, under 2 MB): the draft itself has them all.
 */
const CHANGES_IN_MAIL = { count: 20, excerpt: 500 };
/** Change requests an approval request quotes, each cut like a change. */
const NOTE_REQUESTS = 10;
/** Missing texts the status lists; the rest are counted. */
const MISSING_TEXTS_LISTED = 200;
/** How many missing texts a refusal to draft names (the status lists up to MISSING_TEXTS_LISTED). */
const MISSING_TEXTS_NAMED = 20;
/** A draft past this many bytes of text could never be rendered: its activity input is over Temporal's 2 MiB. */
const UNSENDABLE_BYTES = 2 * 1024 * 1024;
const CHANGES_ON_PAGE = { count: 100, excerpt: 1_000 };

export interface CampaignResult {
  campaignId: string;
  published: PublishedStatement;
  engagements: CampaignEngagementState[];
}

interface TrackedVendor {
  vendor: Vendor;
  /** What the status lists. */
  state: CampaignEngagementState;
  /** The engagement's result, for the statement and for `outcomeOf`. */
  outcome?: EngagementOutcome;
  /** Stopped before its engagement started: no letter went out, so the vendor was never written to. */
  neverStarted?: boolean;
  /** Its addresses as an officer changed them while the engagement runs (its outcome's, once ended, prevail). */
  contacts?: Contact[];
}

/** Why a vendor never received the letter; as a filter, which of these reasons leave it out. */
export interface NotWrittenTo {
  /** Stopped before its engagement started: no letter went out (patch no-notice-unless-written-to). */
  neverStarted: boolean;
  /** Its engagement ended without the letter reaching it (patch no-notice-unless-letter-delivered). */
  letterUndelivered: boolean;
}

/**
 * How the statement is drafted and approved. `edit-loop` (every campaign started since): the lead
 * edits the public text and submits each version; a change request goes back to the lead; an
 * approval names its version and carries over while the text is unchanged; drafting with open
 * engagements needs the lead's decision on each. `legacy`: campaigns started before, replayed as
 * they ran (a change request made the next version at once; every version was approved afresh).
 */
export type StatementRules = 'edit-loop' | 'legacy';

export interface CampaignCaseOptions {
  holdsOversizedDraft: boolean;
  keepsLetterOnce?: boolean;
  /**
   * Whether a version is dated with the lead authority's calendar day (its zone) rather than the
   * UTC day; asked only when the two differ. The workflow answers with a patch, so versions drafted
   * before keep the date they were sent with when their history replays. Absent: yes.
   */
  datesInLeadZone?: () => boolean;
  /**
   * Whether the published statement is dated the day it is issued rather than the day its version
   * was drafted; asked only when the two differ. The workflow answers with a patch, so a statement
   * an older history published keeps the date it was published with. Absent: yes.
   */
  datedAtPublication?: () => boolean;
  /**
   * Whether a version marks the vendors the letter never reached, so the statement does not say it
   * was sent to them; asked only when a version leaves one out. The workflow answers with a patch:
   * versions an older history drafted and rendered keep the text they were approved with. Absent: yes.
   */
  marksNotWrittenTo?: () => boolean;
  /**
   * Whether an approval carries over to a version whose text differs from the approved one's only as
   * typed, not as printed (the French spacing the PDF sets alike); asked only then. The workflow
   * answers with a patch: histories from before dropped such an approval and asked again. Absent: yes.
   */
  keepsApprovalsAsPrinted?: () => boolean;
  /**
   * Whether a version says that a vendor replied in time whose reply, received before its case
   * ended, was attached to the closed record afterwards (`repliedInTimeAt`); asked only when a version
   * has one. The workflow answers with a patch: versions an older history drafted said nothing of it,
   * and their approvals carried over so. Absent: yes.
   */
  tellsRepliesInTime?: () => boolean;
  /**
   * Whether a version says that a vendor the lead closed had responded before its case was closed
   * (its `respondedAt`); asked only when a version has one. The workflow answers with a patch:
   * versions an older history drafted said only that the review was closed, and their approvals
   * carried over so. Absent: yes.
   */
  tellsResponsesBeforeClosing?: () => boolean;
}

export class CampaignCase {
  readonly workflowId: string;
  readonly authorities: Authority[];
  /** Approvals the statement needs: every authority, or the quorum. */
  readonly required: number;
  phase: CampaignPhase = 'engaging';
  draftRequested = false;
  draft: StatementDraft | undefined;
  published: PublishedStatement | undefined;
  private readonly engagements = new Map<string, TrackedVendor>();
  /** The public text the lead writes and edits; the next version prints it. */
  text: StatementText = emptyStatementText();
  private conclusionsSet = false;
  private approvals: StatementApproval[] = [];
  /** Every version sent out, by number, so each authority sees what changed since its last one. */
  private readonly versions = new Map<number, StatementDraft>();
  /** The version each authority last received. */
  private readonly lastSeen = new Map<string, number>();
  /** The version each authority had received before its last one: what its last request compared with. */
  private readonly seenBefore = new Map<string, number>();
  /** The lead's decisions on engagements open at drafting. */
  private readonly decisions = new Map<string, OpenCaseDecision>();
  /**
   * When each vendor's first late reply was received, as the lead's drafts said or the intake told
   * when it attached one (the workflow does not read the document store that keeps them). Kept from
   * draft to draft: a reply stays attached.
   */
  private readonly lateReplies = new Map<string, string>();
  private editedSinceDraft = false;
  private readonly changeRequests: StatementChangeRequest[] = [];
  private readonly changeAnswers: StatementChangeAnswer[] = [];
  /** Approvals taken back: the record keeps each, as the history keeps the approval it withdrew. */
  private readonly withdrawals: StatementApprovalWithdrawal[] = [];
  /** Refused addresses, and letter copies that could not be filed: problems for an officer to fix. */
  private readonly deliveryFailures: CampaignStatus['deliveryFailures'] = [];
  /** The letter could not be kept in the published files: the engagements carry it, and count so. */
  private lettersCarried = false;
  /** Why no engagement has started yet, while the letter waits for the published files. */
  private letterWaiting: LetterNotKept | undefined;
  /** The version the worker could not print, and why. */
  private unprintable: DraftUnprintable | undefined;
  /** Vendors the published statement was not mailed to, and why. */
  private readonly notMailed: StatementNotMailed[] = [];
  /** Vendors whose letter the mail server had not accepted when the workflow last asked the ledger. */
  private notAccepted: ReadonlySet<string> = new Set();

  constructor(
    private readonly input: CampaignInput,
    readonly rules: StatementRules = 'edit-loop',
    private readonly options: CampaignCaseOptions = { holdsOversizedDraft: true },
  ) {
    this.workflowId = campaignWorkflowId(input.campaign.id);
    this.authorities = input.campaign.authorities;
    this.required = input.approval.kind === 'all' ? this.authorities.length : input.approval.quorum;
  }

  // ── Reading the campaign ───────────────────────────────────────────────────────────────────────

  status(): CampaignStatus {
    const { campaign } = this.input;
    return {
      workflowId: this.workflowId,
      campaignId: campaign.id,
      reference: campaign.reference,
      phase: this.phase,
      engagements: this.engagementStates(),
      conclusionsSet: this.conclusionsSet,
      draft: this.draft && {
        version: this.draft.version,
        date: this.draft.date,
        approvals: this.approvals,
        required: this.required,
        pending: this.waitingFor().map((a) => a.id),
      },
      changeRequests: this.changeRequests,
      ...(this.changeAnswers.length ? { changeAnswers: this.changeAnswers } : {}),
      ...(this.withdrawals.length ? { approvalsWithdrawn: this.withdrawals } : {}),
      ...(this.decisions.size ? { openCases: [...this.decisions.values()] } : {}),
      ...(this.editedSinceDraft ? { unsubmittedEdits: true } : {}),
      ...(this.rules === 'edit-loop' && !this.published ? this.prospectiveProblems() : {}),
      published: this.published,
      deliveryFailures: this.deliveryFailures,
      ...(this.notMailed.length ? { statementNotMailed: this.notMailed } : {}),
      ...this.letterNotKept(),
      ...(this.currentUnprintable() ? { draftUnprintable: this.currentUnprintable() } : {}),
      ...this.lateRepliesNotInDraft(),
      ...this.responsesNotInDraft(),
      authorities: campaign.authorities.map(({ id, name, article }) => ({ id, name, ...(article ? { article } : {}) })),
    };
  }

  /** The board's view: phase and names only, so a board of a large campaign reads kilobytes, not the status. */
  board(): CampaignBoard {
    const { campaign } = this.input;
    const vendorNames: Record<string, string> = {};
    for (const { vendor } of this.engagements.values()) vendorNames[vendor.id] = vendor.name;
    return {
      campaignId: campaign.id,
      reference: campaign.reference,
      phase: this.phase,
      engagementCount: this.engagements.size,
      vendorNames,
      timeZone: campaignTimeZone(campaign),
      ...this.letterNotKept(),
      ...(this.decisions.size ? { endedByLead: Object.fromEntries([...this.decisions.values()].map((d) => [d.vendorId, d.action])) } : {}),
    };
  }

  /**
   * The ids of the vendors whose address `from` is, the nearest as the intake weighs a sender
   * (`vendorsOfSender`), for the holding pen's suggestion. The addresses are those the campaign knows:
   * an ended engagement's as it last corrected them, otherwise the campaign file's (or the added
   * vendor's); a correction made on an engagement still running is that engagement's alone until it
   * ends. A query's argument comes from any client: anything but an address (at most as long as one
   * may be) names nobody, so a megabyte of text does not hold the worker while 2,000 vendors are weighed.
   */
  vendorsOfSender(from: string): string[] {
    if (typeof from !== 'string' || !from.includes('@') || from.trim().length > LIMITS.email) return [];
    return vendorsOfSender(from, this.vendors()).map((vendor) => vendor.id);
  }

  /**
   * The same vendors, each with how near the sender is (the holding pen suggests no case for a domain
   * under a vendor's, which may be a customer's, and ranks campaigns together) and whether its engagement
   * has ended (assigning to it is refused; a late reply can join it) or failed (it takes neither: the
   * intake attaches a late reply only to a case in a final stage).
   */
  vendorsNearSender(from: string): SenderVendor[] {
    if (typeof from !== 'string' || !from.includes('@') || from.trim().length > LIMITS.email) return [];
    return vendorsOfSender(from, this.vendors()).flatMap((vendor) => {
      const distance = vendorAddressDistance(vendor, from);
      if (distance === undefined) return [];
      const state = this.engagements.get(vendor.id)?.state.state;
      return [{ vendorId: vendor.id, distance, ...(state === 'ended' ? { ended: true as const } : state === 'failed' ? { failed: true as const } : {}) }];
    });
  }

  /** The status's and the board's `letterNotKept`, while the letter waits for the published files. */
  private letterNotKept(): Pick<CampaignStatus, 'letterNotKept'> {
    return this.letterWaiting ? { letterNotKept: this.letterWaiting } : {};
  }

  /**
   * What an update answers: the status without its list of engagements. Each answer is kept in the
   * campaign's history, and 2,000 engagements listed in every one would fill it (some 840 KB each).
   */
  updated(): CampaignUpdated {
    const { engagements: _listed, ...rest } = this.status();
    return rest;
  }

  result(): CampaignResult {
    return { campaignId: this.input.campaign.id, published: this.published!, engagements: this.engagementStates() };
  }

  /**
   * The vendors, each with its addresses as its engagement last corrected them (a refused letter's,
   * from its outcome) or as an officer changed them while it runs (`contactsChanged`).
   */
  vendors(): Vendor[] {
    return [...this.engagements.values()].map(({ vendor, outcome, contacts }) => {
      const latest = outcome?.contacts ?? contacts;
      return latest ? { ...vendor, contacts: latest } : vendor;
    });
  }

  /** A running engagement's contacts as an officer changed them; false for a signal it cannot take (nothing changes). */
  contactsChanged(change: VendorContactsChanged): boolean {
    const tracked = typeof change?.vendorId === 'string' ? this.engagements.get(change.vendorId) : undefined;
    const { contacts } = change ?? {};
    if (!tracked || !Array.isArray(contacts) || contacts.length === 0) return false;
    if (!contacts.every((c) => typeof c?.name === 'string' && typeof c?.email === 'string' && c.email.includes('@'))) return false;
    tracked.contacts = contacts.map(({ name, email }) => ({ name, email }));
    return true;
  }

  /**
   * The vendors the published statement is mailed to: not one that never received the letter the
   * statement answers, for the reasons `leaveOut` names. One whose engagement failed, is still
   * running, or ended before outcomes said whether the letter arrived counts as written to here:
   * its notice's activity asks the delivery ledger whether a letter went out (`noticeNotSent`).
   */
  vendorsWrittenTo(leaveOut: NotWrittenTo = { neverStarted: true, letterUndelivered: true }): Vendor[] {
    return this.vendors().filter((vendor) => {
      const why = this.whyNotWrittenTo(vendor.id);
      return why === undefined || !leaveOut[why];
    });
  }

  /** `vendorsWrittenTo`, once, at publication: the vendors it leaves out are listed in the status, with why. */
  vendorsToNotify(leaveOut: NotWrittenTo, notAccepted: ReadonlySet<string> = new Set()): Vendor[] {
    const notified = this.vendorsWrittenTo(leaveOut);
    const mailed = new Set(notified.map((v) => v.id));
    for (const { vendor } of this.engagements.values()) {
      if (!mailed.has(vendor.id)) this.noticeNotSent(vendor.id, this.whyNotWrittenTo(vendor.id) === 'neverStarted' ? 'never-started' : 'letter-undelivered');
      // The published statement says the letter did not reach it: its notice would say otherwise.
      else if (notAccepted.has(vendor.id)) this.noticeNotSent(vendor.id, 'letter-not-accepted');
    }
    return notified.filter((v) => !notAccepted.has(v.id));
  }

  /** A vendor the statement is not mailed to (left out here, or by its notice's activity), listed in the status. */
  noticeNotSent(vendorId: string, reason: NoticeNotMailedReason): void {
    const { vendor } = this.engagements.get(vendorId)!;
    this.notMailed.push({ vendorId, vendorName: vendor.name, reason });
  }

  /** For each reason, whether it leaves some vendor out (the workflow asks a reason's patch only then). */
  notWrittenTo(): NotWrittenTo {
    const reasons = new Set([...this.engagements.keys()].map((vendorId) => this.whyNotWrittenTo(vendorId)));
    return { neverStarted: reasons.has('neverStarted'), letterUndelivered: reasons.has('letterUndelivered') };
  }

  private whyNotWrittenTo(vendorId: string): keyof NotWrittenTo | undefined {
    const { neverStarted, outcome } = this.engagements.get(vendorId)!;
    if (neverStarted) return 'neverStarted';
    return outcome?.letterUndelivered ? 'letterUndelivered' : undefined;
  }

  hasVendors(): boolean {
    return this.engagements.size > 0;
  }

  allEnded(): boolean {
    return [...this.engagements.values()].every((e) => e.state.state !== 'in-progress');
  }

  /**
   * The lead submitted the statement, or every engagement has ended (and, under the edit loop,
   * every public text is written): time to draft the first version.
   */
  readyToDraft(): boolean {
    if (this.draftRequested) return true;
    if (!this.hasVendors() || !this.allEnded()) return false;
    // Legacy campaigns wait only for a draft whose render the server refused on every try (below).
    if (this.rules === 'legacy') return statementBytes(this.prospectiveDraft()) <= UNSENDABLE_BYTES;
    const next = this.prospectiveDraft();
    if (statementGaps(next).length) return false;
    // Campaigns started before the hold wait only for a draft whose render the server refused on
    // every try: such a history recorded no render, so it replays the same.
    return this.options.holdsOversizedDraft ? statementSizeProblem(next) === undefined : statementBytes(next) <= UNSENDABLE_BYTES;
  }

  /** What keeps the next version from going out: texts missing, or a text too large to send. */
  private prospectiveProblems(): Pick<CampaignStatus, 'missingTexts' | 'missingTextList' | 'missingTextCount' | 'statementTooLarge' | 'statementTooLargeRefusal'> {
    const next = this.prospectiveDraft();
    const tooLarge = statementSizeProblem(next);
    const tooLargeRefusal = statementSizeRefusal(next);
    // Two thousand vendors with their findings in one language would be some 24,000 lines.
    const gaps = statementGaps(next);
    const first = gaps.slice(0, MISSING_TEXTS_LISTED);
    const listed = first.map(describeGap);
    if (gaps.length > listed.length) listed.push(`… and ${gaps.length - listed.length} more`);
    return { missingTexts: listed, missingTextList: first.map(missingText), missingTextCount: gaps.length, ...(tooLarge ? { statementTooLarge: tooLarge } : {}), ...(tooLargeRefusal ? { statementTooLargeRefusal: tooLargeRefusal } : {}) };
  }

  /**
   * Refuses the lead's change that takes the statement past its size, so the lead learns it from the
   * change that did it. Under the hold, a statement already past it (by what the engagements
   * recorded) takes any change: no version goes out until it is shortened, and the status says so.
   * Without the hold (campaigns started before it, legacy ones), where a complete statement goes out
   * at once, one past it takes only changes that shorten it. Validators do not run on replay: these
   * refusals change no recorded history.
   */
  private refuseGrowthPastLimit(text: StatementText, what: string): void {
    const after = this.prospectiveDraft([], text);
    const tooLarge = statementSizeProblem(after);
    if (!tooLarge) return;
    const before = this.prospectiveDraft();
    const held = this.rules === 'edit-loop' && this.options.holdsOversizedDraft;
    if (held ? !statementSizeProblem(before) : statementBytes(after) > statementBytes(before)) refuseTooLarge(after, `Cannot ${what}: ${tooLarge}.`);
  }

  /** Enough approvals of the current version's text, and no change request waiting on the lead. */
  approved(): boolean {
    return this.phase !== 'revising' && this.approvals.length >= this.required && !this.currentUnprintable();
  }

  /**
   * The current version could not be printed (a character no font of the worker draws, sent by a
   * client that did not check it): nobody can approve it, and the campaign waits for the lead's
   * next version instead of failing with every engagement in it.
   */
  draftUnprintable(version: number, error: string): void {
    this.unprintable = { version, error };
  }

  private currentUnprintable(): DraftUnprintable | undefined {
    return this.unprintable && this.unprintable.version === this.draft?.version ? this.unprintable : undefined;
  }

  /** Authorities whose approval does not count for the current version. */
  waitingFor(): Authority[] {
    return this.authorities.filter((a) => !this.approvals.some((x) => x.authorityId === a.id));
  }

  /** Who gets the current version's approval request: everyone once; later, those still to approve it. */
  approvalRequestRecipients(): Authority[] {
    return this.rules === 'legacy' ? this.authorities : this.waitingFor();
  }

  /**
   * The approval request's details for one authority: the version and, if it saw an earlier one,
   * what changed since. Records that it has now seen the current version.
   */
  approvalRequestFor(authority: Authority): Pick<MessageDetails, 'version' | 'sinceVersion' | 'changes' | 'moreChanges'> {
    const current = this.draft!;
    const since = this.lastSeen.get(authority.id);
    if (since !== current.version) {
      if (since === undefined) this.seenBefore.delete(authority.id);
      else this.seenBefore.set(authority.id, since);
    }
    this.lastSeen.set(authority.id, current.version);
    const previous = since === undefined ? undefined : this.versions.get(since);
    if (this.rules === 'legacy' || !previous) return { version: current.version };
    const { changes, more } = changesShown(statementChanges(previous, current, { asPrinted: true }), CHANGES_IN_MAIL);
    return { version: current.version, sinceVersion: since, changes, ...(more ? { moreChanges: more } : {}) };
  }

  /**
   * The request for `version` did not reach the authority (cancelled once the version was sent back
   * or replaced): it has still last seen `since`, unless a later request has been made to it since.
   */
  requestNotSent(authority: Authority, version: number, since: number | undefined): void {
    if (this.lastSeen.get(authority.id) !== version) return;
    if (since === undefined) this.lastSeen.delete(authority.id);
    else this.lastSeen.set(authority.id, since);
  }

  /** A version as it was sent for approval, the current one included; undefined if there was none. */
  statementVersion(version: number): StatementDraft | undefined {
    return this.versions.get(version);
  }

  /**
   * What the current version changed since the one a signatory last received before it (as its
   * approval request says), or, for anyone else, since the previous version. Undefined before
   * version 2, and for a signatory that has received no earlier version: all of it is new to it.
   */
  changesOfCurrentVersion(authorityId?: string): StatementVersionChanges | undefined {
    const current = this.draft;
    if (!current) return undefined;
    const since = this.authorities.some((a) => a.id === authorityId) ? this.seenBeforeCurrent(authorityId!, current.version) : current.version - 1;
    const previous = since === undefined ? undefined : this.versions.get(since);
    if (!previous) return undefined;
    const { changes, more } = changesShown(statementChanges(previous, current, { asPrinted: true }), CHANGES_ON_PAGE);
    return { version: current.version, sinceVersion: previous.version, changes, ...(more ? { more } : {}) };
  }

  /** The last version before `version` the authority received (its request for `version` may not have gone out yet). */
  private seenBeforeCurrent(authorityId: string, version: number): number | undefined {
    const last = this.lastSeen.get(authorityId);
    return last === version ? this.seenBefore.get(authorityId) : last;
  }

  /** The lead authority, to whom change requests go back. */
  lead(): Authority {
    return this.authorities.find((a) => a.lead) ?? this.authorities[0]!;
  }

  /** What the signatories sent back on the previous draft, for the new approval request. */
  changesRequestedBefore(version: number): Pick<MessageDetails, 'changeRequests' | 'moreChangeRequests' | 'changeAnswer'> {
    // Cut like the changes beside it: the requests go into every authority's request, in one task.
    // The template words them, in each recipient's language.
    const sentBack = this.changeRequests.filter((c) => c.version === version - 1);
    if (!sentBack.length) return {};
    const changeRequests = sentBack.slice(0, NOTE_REQUESTS).map((c) => {
      const comment = excerptOf(c.comment, CHANGES_IN_MAIL.excerpt);
      return { authorityId: c.authorityId, by: c.by, comment, ...(comment !== c.comment ? { cut: true } : {}) };
    });
    const given = this.changeAnswers.find((a) => a.version === version - 1);
    const answer = given?.answer === undefined ? undefined : excerptOf(given.answer, CHANGES_IN_MAIL.excerpt);
    const changeAnswer = given && {
      by: given.by,
      ...(answer !== undefined ? { answer, ...(answer !== given.answer ? { cut: true } : {}) } : {}),
      ...(given.unchanged ? { unchanged: true } : {}),
    };
    return {
      changeRequests,
      ...(sentBack.length > NOTE_REQUESTS ? { moreChangeRequests: sentBack.length - NOTE_REQUESTS } : {}),
      ...(changeAnswer ? { changeAnswer } : {}),
    };
  }

  static languageOf(authority: Authority): Language {
    return authority.language ?? 'en';
  }

  private engagementStates(): CampaignEngagementState[] {
    return [...this.engagements.values()].map((e) => e.state);
  }

  // ── Engagements ────────────────────────────────────────────────────────────────────────────────

  checkAddVendor({ by, vendor }: AddVendorInput): void {
    requireOfficer(by);
    // Asked for while engaging, the draft is made on the workflow's next turn: a vendor added in
    // between would go into it open and unsettled, past the rule that the lead settles each one.
    if (this.phase !== 'engaging' || this.draftRequested) throw refusal('no-more-vendors', { phase: this.phase }, `Vendors can no longer be added: the statement is being drafted (phase ${this.phase}).`);
    const check = checkVendor(vendor);
    if (!check.ok) {
      const message = `Cannot add this vendor: ${check.problems.join('; ')}`;
      if (check.refusal) throw refusal(check.refusal.refusal, check.refusal.values, message);
      reject(message);
    }
    if (this.engagements.has(vendor.id)) {
      throw refusal('vendor-exists', { vendor: vendor.id, campaign: this.input.campaign.id }, `Vendor "${vendor.id}" is already part of campaign ${this.input.campaign.id}; choose another id.`);
    }
    if (this.engagements.size >= LIMITS.vendorsPerCampaign) {
      const { id } = this.input.campaign;
      const count = this.engagements.size;
      throw refusal('too-many-vendors', { campaign: id, count: String(count) }, `Campaign ${id} already has ${count} vendors, the most one campaign takes (its status and statement must stay under Temporal's 2 MB): start another campaign.`);
    }
    const crowded = campaignHistoryRoom({ ...this.input, vendors: [...this.input.vendors, vendor] }, this.engagements.size + 1, this.options.keepsLetterOnce && !this.lettersCarried);
    if (crowded) throw refusal(crowded.refusal.refusal, crowded.refusal.values, `Cannot add this vendor: ${crowded.message}.`);
  }

  // ── The letter, kept once in the published files (patch letter-kept-once) ─────────────────────

  /**
   * Why the engagements listed so far cannot each carry the letter (the history has no room), or
   * undefined. Those added meanwhile start with the first batch, in its workflow task.
   */
  letterCarriedProblem(): string | undefined {
    const starting = [...this.engagements.values()].filter((e) => this.stopReasonBeforeStart(e.vendor.id) === undefined);
    const vendors = starting.map((e) => e.vendor);
    const firstBatch = Math.min(starting.filter((e) => !e.state.addedLate).length, ENGAGEMENTS_PER_TASK) + starting.filter((e) => e.state.addedLate).length;
    return campaignHistoryProblem({ ...this.input, vendors }, vendors.length, false, firstBatch);
  }

  /** The letter could not be kept: each engagement carries it, and a vendor added later is counted so. */
  carryLetter(): void {
    this.lettersCarried = true;
  }

  /** Keeping the letter failed (`error`) where the engagements cannot carry it (`problem`): the status says so until it is kept. */
  waitForLetterStore(error: string, problem: string): void {
    this.letterWaiting = { error, problem };
  }

  letterKept(): void {
    this.letterWaiting = undefined;
  }

  /** Why this vendor's engagement must not start (withdrawn, or closed or excluded by the lead), or undefined. */
  stopReasonBeforeStart(vendorId: string): string | undefined {
    const { state } = this.engagements.get(vendorId)!;
    const decision = this.decisions.get(vendorId);
    return state.withdrawal?.reason ?? (decision && (decision.reason.en || decision.reason.fr));
  }

  /** Ends an engagement that never started, withdrawn when it was stopped: no letter went out, nothing was recorded. */
  endBeforeStart(vendorId: string, now: string): void {
    const tracked = this.engagements.get(vendorId)!;
    const { vendor, state } = tracked;
    if (state.state !== 'in-progress') return;
    tracked.neverStarted = true;
    const withdrawalReason = this.stopReasonBeforeStart(vendorId)?.trim();
    this.engagementEnded(vendorId, { vendorId, vendorName: vendor.name, stage: 'withdrawn', demonstrations: [], remindersSent: [], withdrawalReason, endedAt: state.withdrawal?.at ?? now });
  }

  /** Tracks the vendor's engagement (the workflow starts it as a child). */
  addEngagement(vendor: Vendor, addedLate: boolean): CampaignEngagementState {
    const state: CampaignEngagementState = {
      vendorId: vendor.id,
      vendorName: vendor.name,
      workflowId: engagementWorkflowId(this.input.campaign.id, vendor.id),
      state: 'in-progress',
      addedLate,
    };
    this.engagements.set(vendor.id, { vendor, state });
    return state;
  }

  engagementEnded(vendorId: string, outcome: EngagementOutcome): void {
    const tracked = this.engagements.get(vendorId)!;
    tracked.outcome = outcome;
    tracked.state.outcome = outcomeSummary(outcome);
    tracked.state.state = 'ended';
  }

  /** One vendor's outcome, findings included; undefined for an unknown vendor or one still in progress. */
  outcomeOf(vendorId: string): EngagementOutcome | undefined {
    return this.engagements.get(vendorId)?.outcome;
  }

  engagementFailed(vendorId: string, failure: string): void {
    const { state } = this.engagements.get(vendorId)!;
    state.failure = failure;
    state.state = 'failed';
  }

  checkWithdrawVendor({ by, vendorId, reason }: WithdrawVendorInput): void {
    requireOfficer(by);
    const tracked = this.engagements.get(vendorId);
    const known = [...this.engagements.keys()].join(', ');
    if (!tracked) throw refusal('unknown-vendor', { vendor: vendorId, known }, `Unknown vendor "${vendorId}"; known: ${known}.`);
    const vendor = tracked.vendor.name;
    if (tracked.state.state !== 'in-progress') throw refusal('engagement-ended', { vendor }, `The engagement with ${vendor} has already ended.`);
    if (tracked.state.withdrawal) throw refusal('being-withdrawn', { vendor }, `${vendor} is already being withdrawn.`);
    const decided = this.decisions.get(vendorId);
    if (decided) {
      const code = decided.action === 'close' ? 'closed-at-drafting' : 'left-out-at-drafting';
      throw refusal(code, { vendor }, `${vendor} was ${decided.action === 'close' ? 'closed' : 'left out'} by the lead at drafting, with the reason the statement prints; it ends with that decision.`);
    }
    // The engagement applies the same rule to the withdrawal signal and ignores one that fails
    // it, so the campaign must refuse it first or it would record a withdrawal that never happens.
    checkWithdrawalText({ by, reason });
  }

  /** Records the request; the workflow then signals the engagement, which ends as `withdrawn`. */
  withdrawVendor({ by, vendorId, reason }: WithdrawVendorInput, now: string): CampaignEngagementState {
    const { state } = this.engagements.get(vendorId)!;
    state.withdrawal = { by, reason, at: now };
    return state;
  }

  /** Engagements still running that the lead has not closed or excluded. */
  openEngagements(): CampaignEngagementState[] {
    return this.engagementStates().filter((e) => e.state === 'in-progress' && !this.decisions.has(e.vendorId));
  }

  /**
   * Whether an engagement the lead closed at drafting has not ended yet: its outcome, not yet known,
   * says whether the vendor had responded before it was closed, which the version tells.
   */
  closedCasesEnding(): boolean {
    return [...this.decisions.values()].some((d) => d.action === 'close' && this.engagements.get(d.vendorId)?.state.state === 'in-progress');
  }

  /** Engagements still running once the statement is published: they must end, sending nothing more. */
  stillRunning(): CampaignEngagementState[] {
    return this.engagementStates().filter((e) => e.state === 'in-progress');
  }

  deliveryFailed(step: string, reason: string, now: string, refusal?: Refusal): void {
    this.deliveryFailures.push({ at: now, step, reason, ...(refusal ? { refusal } : {}) });
  }

  /**
   * What the last look at the publication folder's letter copies found (`checked`: the vendors it
   * looked at): a copy it could not write or take back is listed among the delivery failures, once,
   * until a later look files it, which takes it off the list (with a failure to take it back when
   * its engagement ended, which the look tried again).
   */
  letterCopiesFiled(checked: readonly string[], notFiled: readonly LetterCopyNotFiled[], now: string): void {
    const failing = new Map(notFiled.map((f) => [letterCopyStep(f.vendorId), f]));
    for (const vendorId of checked) {
      const step = letterCopyStep(vendorId);
      const failure = failing.get(step);
      if (failure === undefined) this.letterCopyFiled(vendorId);
      else this.letterCopyFailed(failure, now);
    }
  }

  /** A letter copy not written or taken back, listed among the delivery failures with why; listed once, from when it first failed. */
  letterCopyFailed({ vendorId, error, takenBack, differs }: LetterCopyNotFiled, now: string): void {
    const code = takenBack ? 'letter-copy-not-taken-back' : differs ? 'letter-copy-not-last-letter' : 'letter-copy-not-filed';
    const listed = this.deliveryFailures.find((f) => f.step === letterCopyStep(vendorId));
    if (listed?.refusal?.code === code) return;
    this.letterCopyFiled(vendorId);
    const reason = takenBack
      ? `The copy of the open letter to ${vendorId} could not be taken out of the publication folder: ${error}`
      : differs
        ? `The copy of the open letter to ${vendorId} in the publication folder is not the letter the vendor was sent last, and that letter could not be made again to replace it: ${error}`
        : `The copy of the open letter to ${vendorId} could not be kept in the publication folder: ${error}`;
    this.deliveryFailed(letterCopyStep(vendorId), reason, now, { code, diagnostic: error });
  }

  /** The vendor's letter copy is as the statement says: no failure of it is listed any more. */
  private letterCopyFiled(vendorId: string): void {
    const listed = this.deliveryFailures.findIndex((f) => f.step === letterCopyStep(vendorId));
    if (listed >= 0) this.deliveryFailures.splice(listed, 1);
  }

  // ── The statement ──────────────────────────────────────────────────────────────────────────────

  checkDraft(req: DraftStatementInput): void {
    requireOfficer(req.by);
    if (req.answer !== undefined) this.checkChangeAnswer(req.answer);
    this.checkLateReplies(req.lateReplies);
    if (this.rules === 'legacy') {
      if (this.phase !== 'engaging' && this.phase !== 'approving') throw refusal('statement-already', { phase: this.phase }, `The statement is already ${this.phase}.`);
      if (!this.hasVendors()) throw refusal('no-vendors', {}, NO_VENDORS);
      const tooLarge = statementSizeProblem(this.prospectiveDraft(req.openCases, this.text, req.lateReplies));
      if (tooLarge) refuseTooLarge(this.prospectiveDraft(req.openCases, this.text, req.lateReplies), `Cannot draft: ${tooLarge}.`);
      return;
    }
    if (this.phase === 'publishing' || this.phase === 'published') {
      throw refusal('no-new-version', { phase: this.phase }, `The statement is already ${this.phase}: no further version can be drafted.`);
    }
    if (!this.hasVendors()) throw refusal('no-vendors', {}, NO_VENDORS);
    const open = this.openEngagements();
    const vendorNames = Object.fromEntries([...this.engagements.values()].map(({ vendor }) => [vendor.id, vendor.name]));
    const problems = openCaseProblemList(req.openCases, open.map((e) => e.vendorId), vendorNames);
    if (problems.length) {
      const message = `Cannot draft: ${problems.map((p) => `${formatPath(p.path)}: ${p.message}`).join('; ')}.`;
      const coded = openCasesRefusal(problems);
      if (coded) throw refusal(coded.refusal, coded.values, message);
      reject(message);
    }
    const settled = new Set((req.openCases ?? []).map((d) => d.vendorId));
    const unsettled = open.filter((e) => !settled.has(e.vendorId));
    if (unsettled.length) {
      const vendors = unsettled.map((e) => e.vendorId).join(', ');
      const message = `Cannot draft while ${unsettled.length === 1 ? '1 engagement is' : `${unsettled.length} engagements are`} open (${vendors}): close or exclude each with a reason in English and French (openCases; the CLI's --open-cases file), or wait until they end.`;
      throw unsettled.length === 1 ? refusal('engagement-open', { vendors }, message) : refusal('engagements-open', { count: String(unsettled.length), vendors }, message);
    }
    const next = this.prospectiveDraft(req.openCases, this.text, req.lateReplies);
    const gaps = statementGaps(next);
    if (gaps.length) {
      const message = `Cannot draft: ${describeGaps(gaps)}`;
      // Named, not only counted: a text missing from the form just sent (an open case's reason) is
      // in no list on the page yet.
      const texts = JSON.stringify(gaps.slice(0, MISSING_TEXTS_NAMED).map(missingText));
      throw gaps.length === 1 ? refusal('text-missing-keys', { texts }, message) : refusal('texts-missing-keys', { count: String(gaps.length), texts }, message);
    }
    const tooLarge = statementSizeProblem(next);
    if (tooLarge) refuseTooLarge(next, `Cannot draft: ${tooLarge}.`);
    // The next version's marks are the workflow's to make (they ask a patch, which a validator must not).
    const current = this.draft;
    const unchanged = this.printsAsCurrent(next);
    if (current && this.phase === 'approving' && unchanged) {
      throw refusal('nothing-changed', { version: String(current.version) }, `Nothing changed since version ${current.version}: the signatories are answering on it; edit the text first.`);
    }
    // Sent back, then submitted as it was: most often an edit the lead forgot to save, so asked to be
    // confirmed; sometimes the lead's answer (no change is due), so possible once confirmed.
    const sentBack = this.sentBack();
    if (current && sentBack.length && !req.confirmsUnchanged && unchanged) {
      const values = { version: String(current.version), by: [...new Set(sentBack.map((c) => c.by.trim()))].join(', ') };
      throw refusal(
        'unchanged-after-changes',
        values,
        `Version ${values.version} was sent back for changes (by ${values.by}) and the text has not changed since: edit the text, or confirm that it goes out unchanged (the CLI: run again with --confirm-unchanged).`,
      );
    }
  }

  /**
   * The lead's decisions are recorded (the workflow ends those engagements). While engaging, the
   * draft waits for the main flow; after that, the next version is made now.
   */
  requestDraft(req: DraftStatementInput, now: string): CampaignUpdated {
    for (const decision of req.openCases ?? []) this.decisions.set(decision.vendorId, decision);
    for (const [vendorId, receivedAt] of this.withLateReplies(req.lateReplies)) this.lateReplies.set(vendorId, receivedAt);
    // Said to those who sent the version back, with the next one: the lead's word, and whether the
    // text they read goes out again as it was (a deliberate choice, confirmed, not a slip).
    if (this.draft && this.sentBack().length) {
      const next = this.prospectiveDraft(req.openCases);
      const unchanged = this.printsAsCurrent({ ...next, vendors: this.toldInTime(next.vendors) });
      const answer = req.answer?.trim();
      if (answer || unchanged) {
        this.changeAnswers.push({ version: this.draft.version, by: req.by, at: now, ...(answer ? { answer } : {}), ...(unchanged ? { unchanged: true as const } : {}) });
      }
    }
    if (this.phase === 'engaging') this.draftRequested = true;
    else this.redraft(now);
    return this.updated();
  }

  checkEdit(req: EditStatementInput): void {
    requireOfficer(req.by);
    if (this.phase === 'publishing' || this.phase === 'published') throw refusal('text-fixed', { phase: this.phase }, `The statement is already ${this.phase}: its text can no longer change.`);
    const problems = statementEditProblemList(req, [...this.engagements.keys()]);
    if (problems.length) {
      const message = `Cannot edit the statement: ${problems.map((p) => `${formatPath(p.path)}: ${p.message}`).join('; ')}.`;
      const coded = refusalOfAll(problems.map((p) => p.refusal));
      if (coded) throw refusal(coded.refusal, coded.values, message);
      reject(message);
    }
    this.refuseGrowthPastLimit(applyStatementEdit(this.text, req), 'edit the statement');
  }

  /** The lead's edit: the text changes; nothing goes out until the lead submits the next version. */
  edit(req: EditStatementInput): CampaignUpdated {
    this.text = applyStatementEdit(this.text, req);
    if (this.draft) this.editedSinceDraft = true;
    return this.updated();
  }

  checkConclusions(update: SetConclusionsInput): void {
    requireOfficer(update.by);
    if (this.phase === 'publishing' || this.phase === 'published' || (this.rules === 'legacy' && this.phase !== 'engaging' && this.phase !== 'approving')) {
      throw refusal('text-fixed', { phase: this.phase }, `The statement is already ${this.phase}; its text can no longer change.`);
    }
    const problems = statementTextProblemList(update);
    if (problems.length) {
      const message = problems.map((p) => `${formatPath(p.path)}: ${p.message}`).join('; ');
      const coded = refusalOfAll(problems.map((p) => p.refusal));
      if (coded) throw refusal(coded.refusal, coded.values, message);
      reject(message);
    }
    this.refuseGrowthPastLimit(this.withConclusions(update), 'set the conclusions');
  }

  private withConclusions(update: SetConclusionsInput): StatementText {
    return { ...this.text, conclusions: trimmed(update.conclusions), lessonsLearned: trimmed(update.lessonsLearned) };
  }

  setConclusions(update: SetConclusionsInput, now: string): CampaignUpdated {
    this.text = this.withConclusions(update);
    this.conclusionsSet = true;
    if (this.rules === 'legacy') {
      if (this.phase === 'approving') this.redraft(now);
    } else if (this.draft) {
      this.editedSinceDraft = true;
    }
    return this.updated();
  }

  /** The engagements are done (or the lead did not wait): the first draft goes for approval. */
  startApproval(now: string): void {
    this.phase = 'approving';
    this.redraft(now);
  }

  /** The statement as the next version would print it, from what is known and written now. */
  private prospectiveDraft(extra: OpenCaseDecision[] = [], text = this.text, lateReplies?: LateReplyReceived[]): Pick<StatementDraft, 'vendors' | 'conclusions' | 'lessonsLearned'> {
    const decisions = new Map(this.decisions);
    for (const d of extra) decisions.set(d.vendorId, d);
    const late = this.withLateReplies(lateReplies);
    return {
      vendors: [...this.engagements.values()].map(({ state, outcome }) =>
        statementEntry(state, outcome, text.vendors[state.vendorId], decisions.get(state.vendorId), late.get(state.vendorId)),
      ),
      conclusions: text.conclusions,
      lessonsLearned: text.lessonsLearned,
    };
  }

  /**
   * Each vendor the letter never reached (stopped before its engagement started, or its engagement
   * ended saying so, as `vendorsToNotify` finds them, or its letter not accepted when the ledger was
   * last asked) marked so, where the workflow says to mark them.
   */
  private markedNotWrittenTo(
    vendors: StatementVendorEntry[],
    also: ReadonlyMap<string, NoticeNotMailedReason> = new Map([...this.notAccepted].map((id) => [id, 'letter-not-accepted' as const])),
  ): StatementVendorEntry[] {
    const why = (vendorId: string): NoticeNotMailedReason | undefined => {
      const reason = this.whyNotWrittenTo(vendorId);
      if (reason) return reason === 'neverStarted' ? 'never-started' : 'letter-undelivered';
      return also.get(vendorId);
    };
    if (!vendors.some((v) => why(v.vendorId)) || !(this.options.marksNotWrittenTo?.() ?? true)) return vendors;
    return vendors.map((v) => {
      const reason = why(v.vendorId);
      return reason ? { ...v, notWrittenTo: reason } : v;
    });
  }

  /** The vendors as a version says them: without a reply in time where the workflow says not to tell it (an older history). */
  private toldInTime(vendors: StatementVendorEntry[]): StatementVendorEntry[] {
    const told = this.toldResponded(vendors);
    if (!told.some((v) => v.repliedInTimeAt) || (this.options.tellsRepliesInTime?.() ?? true)) return told;
    return told.map(({ repliedInTimeAt: _untold, ...v }) => v);
  }

  /** The same for a response recorded before the lead closed a case: untold where the workflow says so (an older history). */
  private toldResponded(vendors: StatementVendorEntry[]): StatementVendorEntry[] {
    const responded = (v: StatementVendorEntry) => v.stage === 'closed-by-lead' && v.respondedAt !== undefined;
    if (!vendors.some(responded) || (this.options.tellsResponsesBeforeClosing?.() ?? true)) return vendors;
    return vendors.map((v) => {
      if (!responded(v)) return v;
      const { respondedAt: _untold, ...rest } = v;
      return rest;
    });
  }

  /**
   * The intake attached a reply to the closed record of one of the campaign's cases (signal
   * `lateReplyAttached`): every version drafted from now on says it. A signal cannot be refused, so
   * one the draft request would refuse (unknown vendor, no instant) is ignored: false.
   */
  lateReplyAttached(reply: LateReplyReceived): boolean {
    try {
      this.checkLateReplies([reply]);
    } catch {
      return false;
    }
    for (const [vendorId, receivedAt] of this.withLateReplies([reply])) this.lateReplies.set(vendorId, receivedAt);
    return true;
  }

  /**
   * The vendors whose attached reply the current version does not say as the next would (attached
   * after it was drafted), while a next version can still be drafted: the lead is told to draft one.
   */
  private lateRepliesNotInDraft(): { lateRepliesNotInDraft?: LateReplyNotInDraft[] } {
    const { draft } = this;
    if (!draft || (this.phase !== 'approving' && this.phase !== 'revising') || !this.lateReplies.size) return {};
    const said = new Map(draft.vendors.map((v) => [v.vendorId, v]));
    const missing: LateReplyNotInDraft[] = [];
    for (const [vendorId, receivedAt] of this.lateReplies) {
      const tracked = this.engagements.get(vendorId);
      if (!tracked) continue;
      const next = statementEntry(tracked.state, tracked.outcome, this.text.vendors[vendorId], this.decisions.get(vendorId), receivedAt);
      const now = said.get(vendorId);
      if (next.repliedInTimeAt !== now?.repliedInTimeAt || next.repliedLateAt !== now?.repliedLateAt) missing.push({ vendorId, vendorName: tracked.vendor.name, receivedAt });
    }
    return missing.length ? { lateRepliesNotInDraft: missing } : {};
  }

  /**
   * The vendors the lead closed whose case ended after the current version was drafted (the wait for
   * it timed out, or a later version closed it), its outcome saying they had responded, which the
   * version does not say, while a next version can still be drafted: the lead is told to draft one.
   * The workflow's patch is not asked (a query must not write a marker): a version drafted from now
   * on says it.
   */
  private responsesNotInDraft(): { responsesNotInDraft?: ResponseNotInDraft[] } {
    const { draft } = this;
    if (!draft || (this.phase !== 'approving' && this.phase !== 'revising')) return {};
    const said = new Map(draft.vendors.map((v) => [v.vendorId, v]));
    const missing: ResponseNotInDraft[] = [];
    for (const decision of this.decisions.values()) {
      const tracked = this.engagements.get(decision.vendorId);
      const now = said.get(decision.vendorId);
      if (decision.action !== 'close' || !tracked || now?.stage !== 'closed-by-lead') continue;
      const { respondedAt } = statementEntry(tracked.state, tracked.outcome, this.text.vendors[decision.vendorId], decision);
      if (respondedAt !== undefined && respondedAt !== now.respondedAt) missing.push({ vendorId: decision.vendorId, vendorName: tracked.vendor.name, respondedAt });
    }
    return missing.length ? { responsesNotInDraft: missing } : {};
  }

  /** The entries of vendors that never responded, each saying the first reply attached to its closed record as known now. */
  private withRepliesAttached(vendors: StatementVendorEntry[]): StatementVendorEntry[] {
    return vendors.map((entry) => {
      const receivedAt = this.lateReplies.get(entry.vendorId);
      if (receivedAt === undefined || entry.stage !== 'closed-no-response' || entry.endedAt === undefined) return entry;
      const { repliedInTimeAt: _inTime, repliedLateAt: _late, ...rest } = entry;
      return { ...rest, ...attachedReplyFields(receivedAt, entry.endedAt) };
    });
  }

  /** The late replies known, with those a draft request names: the first received of each vendor's. */
  private withLateReplies(named: LateReplyReceived[] = []): Map<string, string> {
    const late = new Map(this.lateReplies);
    for (const { vendorId, receivedAt } of named) {
      const known = late.get(vendorId);
      if (known === undefined || isoInstant(receivedAt)! < isoInstant(known)!) late.set(vendorId, receivedAt);
    }
    return late;
  }

  /** Late replies a draft request names: each of a vendor of the campaign, with the instant it was received. */
  private checkLateReplies(named: LateReplyReceived[] | undefined): void {
    if (named !== undefined && !Array.isArray(named)) reject(`The late replies must be a list of { vendorId, receivedAt } (got ${JSON.stringify(named)}).`);
    for (const { vendorId, receivedAt } of named ?? []) {
      if (!this.engagements.has(vendorId)) {
        const known = [...this.engagements.keys()].join(', ');
        throw refusal('unknown-vendor', { vendor: String(vendorId), known }, `Unknown vendor "${vendorId}" in the late replies; known: ${known}.`);
      }
      if (typeof receivedAt !== 'string' || isoInstant(receivedAt) === undefined) {
        reject(`The late reply of ${vendorId} must say when it was received as an ISO instant such as 2021-03-03T14:00:00Z (got ${JSON.stringify(receivedAt)}).`);
      }
    }
  }

  /** The version's date: the day `now` falls on for the lead authority, as the statement prints every other date. */
  private draftDate(now: string): string {
    const utcDay = calendarDayIn(now, undefined);
    const leadDay = calendarDayIn(now, campaignTimeZone(this.input.campaign));
    return leadDay === utcDay || (this.options.datesInLeadZone?.() ?? true) ? leadDay : utcDay;
  }

  /**
   * A new version from what is known now. An approval of an earlier version still counts where that
   * version's public text prints the same as this one's (edit loop); otherwise approvals start afresh.
   */
  private redraft(now: string): void {
    const next = this.prospectiveDraft();
    this.newVersion({ ...next, vendors: this.markedNotWrittenTo(this.toldInTime(next.vendors)) }, now);
    this.editedSinceDraft = false;
  }

  private newVersion(content: Pick<StatementDraft, 'vendors' | 'conclusions' | 'lessonsLearned'>, now: string): void {
    const draft: StatementDraft = {
      // The statement never prints the letter's body (up to 200,000 characters): it stays out of every version.
      campaign: { ...this.input.campaign, letterBody: { en: [], fr: [] } },
      version: (this.draft?.version ?? 0) + 1,
      date: this.draftDate(now),
      ...content,
      signatories: [],
    };
    this.approvals =
      this.rules === 'legacy'
        ? []
        : this.approvals.filter((a) => {
            const approved = this.versions.get(a.version ?? draft.version - 1);
            if (approved === undefined) return false;
            if (statementChanges(approved, draft).length === 0) return true;
            // Only respaced: the signatory approved the very PDF this version prints.
            return statementChanges(approved, draft, { asPrinted: true }).length === 0 && (this.options.keepsApprovalsAsPrinted?.() ?? true);
          });
    this.draft = draft;
    this.versions.set(draft.version, draft);
    if (this.phase === 'revising') this.phase = 'approving';
  }

  /**
   * The ledger's answer (see activity `lettersNotAccepted`): the vendors, of those the workflow asked
   * about, whose letter the mail server has not accepted. The next version marks them.
   */
  ledgerSays(notAccepted: string[]): void {
    this.notAccepted = new Set(notAccepted);
  }

  /** The vendors the ledger last named, whose statement notice is not mailed (see `vendorsToNotify`). */
  lettersNotAccepted(): ReadonlySet<string> {
    return this.notAccepted;
  }

  /**
   * Whether the current version says of the letter (in its background) other than what the outcomes
   * and the ledger say now: its signatories would put their names under a text they never read.
   */
  lettersOutdated(): boolean {
    const { vendors } = this.draft!;
    const now = this.markedNotWrittenTo(vendors.map(unmarked));
    return now.some((entry, i) => letterOf(entry) !== letterOf(vendors[i]!));
  }

  /**
   * The current version again with its background corrected (what the outcomes and the ledger say of
   * the letter now), and nothing else: the lead's edits not yet submitted stay so. A change of public
   * text, so no approval carries over and every signatory is asked again.
   */
  redraftLetters(now: string): void {
    const { vendors, conclusions, lessonsLearned } = this.draft!;
    // A reply attached since is no edit of the lead's: the version says it, as any version drafted from now on.
    this.newVersion({ vendors: this.markedNotWrittenTo(this.toldInTime(this.withRepliesAttached(vendors.map(unmarked)))), conclusions, lessonsLearned }, now);
  }

  private checkVote({ by, authorityId, version }: { by: string; authorityId: string; version: number }, { printable = true } = {}): void {
    requireOfficer(by);
    const { draft } = this;
    if ((this.phase !== 'approving' && this.phase !== 'revising') || !draft) {
      throw refusal('no-draft', { phase: this.phase }, `There is no draft awaiting approval (phase ${this.phase}).`);
    }
    if (!this.authorities.some((a) => a.id === authorityId)) {
      const known = this.authorities.map((a) => a.id).join(', ');
      throw refusal('unknown-authority', { authority: String(authorityId), known }, `Unknown authority "${authorityId}"; the signatories are ${known}.`);
    }
    if (version !== draft.version) {
      throw refusal('not-current', { version: String(version), current: String(draft.version) }, `Version ${version} is not the current draft: read version ${draft.version} and answer on it.`);
    }
    const unprintable = this.currentUnprintable();
    if (unprintable && printable) {
      const values = { version: String(version), error: unprintable.error };
      throw refusal('version-unprintable', values, `Version ${version} could not be printed, so it cannot be approved: ${unprintable.error}. The lead submits a new version.`);
    }
  }

  checkApproval(vote: ApproveStatementInput): void {
    this.checkVote(vote);
    // One person signs for one authority: approving for a second would fill the quorum alone.
    const signedElsewhere = this.approvals.find((a) => a.by.trim() === vote.by.trim() && a.authorityId !== vote.authorityId);
    if (signedElsewhere) {
      const values = { by: vote.by.trim(), authority: signedElsewhere.authorityId };
      throw refusal('signed-elsewhere', values, `${values.by} has already approved for ${values.authority}; each authority approves through its own signatory.`);
    }
    const given = this.approvals.find((a) => a.authorityId === vote.authorityId);
    if (given) {
      const values = { authority: vote.authorityId, version: String(vote.version) };
      if (given.version !== undefined && given.version !== vote.version) {
        const stands = ` (its approval of version ${given.version} stands: the text did not change)`;
        throw refusal('approval-stands', { ...values, previous: String(given.version) }, `${vote.authorityId} has already approved version ${vote.version}${stands}.`);
      }
      throw refusal('already-approved', values, `${vote.authorityId} has already approved version ${vote.version}.`);
    }
    // The last approval needed publishes the statement, for good: one its signatory was not asked to
    // confirm (another authority approved after the front end read the status) is not taken unasked.
    if (vote.confirmsPublication === false && this.wouldPublish()) {
      const values = { version: String(vote.version) };
      throw refusal('publication-unconfirmed', values, `Another approval has come in: this approval of version ${vote.version} would now publish the statement, for good. Confirm the publication to approve.`);
    }
  }

  /** Whether one more approval of the current version (from an authority without one) makes it `approved()`. */
  private wouldPublish(): boolean {
    return this.phase !== 'revising' && this.approvals.length + 1 >= this.required && !this.currentUnprintable();
  }

  approve({ authorityId, by, version }: ApproveStatementInput, now: string): CampaignUpdated {
    this.approvals = [...this.approvals, { authorityId, by, at: now, ...(this.rules === 'legacy' ? {} : { version }) }];
    return this.updated();
  }

  /**
   * An authority may take back its approval of the current version (one carried over from an earlier
   * version included) until the campaign signs it: from then on the statement is being published.
   */
  checkWithdrawal(vote: WithdrawApprovalInput): void {
    requireOfficer(vote.by);
    if (this.phase === 'publishing' || this.phase === 'published') {
      throw refusal('approval-final', { phase: this.phase }, `The statement is ${this.phase === 'published' ? 'already published' : 'being published'}: its approvals can no longer be withdrawn.`);
    }
    // A version that could not be printed may still carry an approval of an earlier one: it can be taken back.
    this.checkVote(vote, { printable: false });
    if (!this.approvals.some((a) => a.authorityId === vote.authorityId)) {
      const values = { authority: vote.authorityId, version: String(vote.version) };
      throw refusal('nothing-to-withdraw', values, `${vote.authorityId} has not approved version ${vote.version}: there is no approval to withdraw.`);
    }
  }

  withdrawApproval({ authorityId, by, version }: WithdrawApprovalInput, now: string): CampaignUpdated {
    const approval = this.approvals.find((a) => a.authorityId === authorityId)!;
    this.approvals = this.approvals.filter((a) => a !== approval);
    this.withdrawals.push({ authorityId, by, at: now, version, approval });
    return this.updated();
  }

  /** The change requests on the current version (none once it is answered by the next). */
  private sentBack(): StatementChangeRequest[] {
    const current = this.draft;
    return current ? this.changeRequests.filter((c) => c.version === current.version) : [];
  }

  /**
   * Whether `next` prints as the current version. Compared without the marks (they are the workflow's
   * to make, so a version's own marks are no change of the lead's) and as printed (a version that
   * only respaces the French is the same PDF the signatories are reading).
   */
  private printsAsCurrent(next: Pick<StatementDraft, 'vendors' | 'conclusions' | 'lessonsLearned'>): boolean {
    const current = this.draft && { ...this.draft, vendors: this.draft.vendors.map(unmarked) };
    return current !== undefined && statementChanges(current, next, { asPrinted: true }).length === 0;
  }

  /** An answer is to the change requests on the current version: there must be some, and it is free text. */
  private checkChangeAnswer(answer: string): void {
    if (this.rules === 'legacy' || !this.draft || !this.sentBack().length) {
      const version = String(this.draft?.version ?? 0);
      throw refusal('nothing-sent-back', { version }, `There is nothing to answer: no signatory sent version ${version} back; leave the answer out.`);
    }
    const problem = textProblem(answer, FREE_TEXT);
    if (problem) {
      const message = `The answer (to the change requests; it goes to every signatory with the next version) ${problem}.`;
      const details = textDetails(field('change-answer'), answer, FREE_TEXT);
      if (details) throw refusal(details.refusal, details.values, message);
      reject(message);
    }
  }

  checkChangeRequest(vote: RequestChangesInput): void {
    this.checkVote(vote);
    const problem = textProblem(vote.comment, FREE_TEXT);
    if (problem) {
      const message = `The comment (what should change; it goes to the lead and the other signatories) ${problem}.`;
      // Coded whatever the problem (markup, a control character…), so the workspace words it in the signatory's language.
      const details = textDetails(field('comment'), vote.comment, FREE_TEXT);
      if (details) throw refusal(details.refusal, details.values, message);
      reject(message);
    }
  }

  /** Legacy: the next version at once. Edit loop: the version goes back to the lead, who edits and submits. */
  requestChanges({ authorityId, by, version, comment }: RequestChangesInput, now: string): CampaignUpdated {
    this.changeRequests.push({ authorityId, by, at: now, version, comment: comment.trim() });
    if (this.rules === 'legacy') this.redraft(now);
    else {
      this.phase = 'revising';
      // Its own approval of this version, if any, no longer stands.
      this.approvals = this.approvals.filter((a) => a.authorityId !== authorityId);
    }
    return this.updated();
  }

  /**
   * Approved: the draft is signed by the authorities that approved it, and goes to rendering. A
   * joint statement is dated the day it is issued (`now`, on the lead authority's calendar): the
   * signatories approved its text, which is the approved version's; the approved version itself
   * (`statementVersion`) keeps the day it was drafted.
   */
  sign(now?: string): StatementDraft {
    this.phase = 'publishing';
    const signed = new Set(this.approvals.map((a) => a.authorityId));
    const approved = this.draft!;
    const issued = now === undefined ? approved.date : this.draftDate(now);
    const date = issued !== approved.date && (this.options.datedAtPublication?.() ?? true) ? issued : approved.date;
    this.draft = { ...approved, date, signatories: this.authorities.filter((a) => signed.has(a.id)) };
    return this.draft;
  }

  /**
   * The signed statement as published: it names as written to only the vendors the letter reached,
   * as known now (an engagement closed at drafting may have ended since, its letter refused), and
   * those `notAccepted` lists (no letter of theirs accepted by the mail server).
   */
  markNotWrittenTo(notAccepted: ReadonlySet<string> = new Set()): StatementDraft {
    const also = new Map([...notAccepted].map((id) => [id, 'letter-not-accepted' as const]));
    this.draft = { ...this.draft!, vendors: this.markedNotWrittenTo(this.draft!.vendors, also) };
    return this.draft;
  }

  publish(files: PublishedStatement['files'], now: string): PublishedStatement {
    this.published = { version: this.draft!.version, files, publishedAt: now };
    return this.published;
  }

  noticesSent(): void {
    this.phase = 'published';
  }
}

function requireOfficer(by: unknown): void {
  const problem = textProblem(by, NAME);
  if (problem) reject(`Say who is acting (\`by\`, the name goes into the case record): it ${problem}.`);
}

const NO_VENDORS = 'There is nothing to report yet: the campaign has no vendors.';

/**
 * Validators reject with an ApplicationFailure so the officer reads the reason as given; a refusal
 * the workspace words in the reader's language is thrown as a `refusal`, with its code and values.
 */
function reject(message: string): never {
  throw ApplicationFailure.create({ type: ErrorType.InvalidRequest, message, nonRetryable: true });
}

/** A statement past its size, refused by code so the workspace words it; `message` is the CLI's English. */
function refuseTooLarge(draft: Parameters<typeof statementSizeRefusal>[0], message: string): never {
  const details = statementSizeRefusal(draft);
  if (!details) reject(message);
  throw refusal(details.refusal, details.values, message);
}

function unmarked({ notWrittenTo: _mark, ...entry }: StatementVendorEntry): StatementVendorEntry {
  return entry;
}

function trimmed(text: BilingualParagraphs): BilingualParagraphs {
  return {
    en: text.en.map((p) => p.trim()).filter(Boolean),
    fr: text.fr.map((p) => p.trim()).filter(Boolean),
  };
}

function outcomeSummary(outcome: EngagementOutcome): EngagementOutcomeSummary {
  const { stage, endedAt, withdrawalReason, remindersSent } = outcome;
  const respondedAt = outcome.respondedAt ?? outcome.response?.receivedAt;
  return {
    stage,
    endedAt,
    ...(withdrawalReason !== undefined ? { withdrawalReason } : {}),
    ...(respondedAt ? { respondedAt } : {}),
    remindersSent,
    demonstrations: outcome.demonstrations.map(({ id, at, result }) => ({ id, at, ...(result !== undefined ? { result } : {}) })),
  };
}

/** The delivery failure's step for a vendor's letter copy, as campaigns before `letter-copy-as-delivered` named it too. */
export function letterCopyStep(vendorId: string): string {
  return `letter-copy-${vendorId}`;
}
