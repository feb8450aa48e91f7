// Every update, signal and query a client may send to an engagement, defined once: the workflow
// sets handlers on these objects and the client API sends them. A wire name, once released, never
// changes (running cases would stop understanding it).
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  DemonstrationResult,
  EngagementOutcome,
  EngagementStage,
  Findings,
  Question,
  ReminderSent,
  Demonstration,
  TimelineEntry,
  Contact,
  ContactChange,
  VendorResponse,
  FollowUpRound,
  Duration,
  DeliveryFailure,
  NoticeNotMailedReason,
  Authority,
  CampaignRef,
  Language,
  OpenCaseAction,
} from './types';
import type { RefusalDetails } from './refusals';
import { campaignTimeZone } from './types';

/** Who is acting: the case officer's name, recorded in the timeline. */
interface ByOfficer {
  by: string;
}

// ── Engagement ───────────────────────────────────────────────────────────────────────────────────

export interface RecordResponseInput extends ByOfficer, VendorResponse {}

export interface ExtendDeadlineInput extends ByOfficer {
  /** New due date (ISO date or timestamp), later than the current one; or else `extendBy`. */
  dueDate?: string;
  /**
   * How much longer, from the current due date: `"10 working days"` (on the lead authority's
   * calendar) or a duration (`"14 days"`).
   */
  extendBy?: Duration;
  reason: string;
  /**
   * Follow-up round whose answers are due; omitted: the response while awaiting it, else the latest
   * round with unanswered questions.
   */
  round?: number;
}

export interface AskFollowUpInput extends ByOfficer {
  questions: string[];
  /** ISO date; the policy's `followUpDue` from now when omitted. */
  dueDate?: string;
}

export interface RecordAnswersInput extends ByOfficer {
  answers: { questionId: string; answer: string }[];
}

export interface ScheduleDemonstrationInput extends ByOfficer {
  /** ISO timestamp of the meeting. */
  at: string;
  durationMinutes: number;
  attendees: Contact[];
  /** What the vendor will show: how it achieves, monitors and validates its measures. */
  topics: string[];
  /** Where it is held (an address, a room), and the video call's link: https only. */
  location?: string;
  meetingUrl?: string;
}

export interface RescheduleDemonstrationInput extends ByOfficer {
  demonstrationId: string;
  at: string;
  /** Why it moved: the new invitation tells the vendor, with the time it replaces. */
  reason: string;
  /**
   * A new place or link; the previous ones stay when omitted, and `null` removes one (a meeting
   * moved online has no place any more). Workers before `null` was understood refuse it.
   */
  location?: string | null;
  meetingUrl?: string | null;
}

export interface RecordDemonstrationOutcomeInput extends ByOfficer {
  demonstrationId: string;
  result: DemonstrationResult;
  notes: string;
}

export interface ConcludeInput extends ByOfficer {
  findings: Findings;
}

export interface WithdrawInput extends ByOfficer {
  reason: string;
}

export interface EngagementStatus {
  workflowId: string;
  campaignId: string;
  vendorId: string;
  vendorName: string;
  stage: EngagementStage;
  /** Current due date of whatever the vendor owes (response, answers), or the next demonstration. */
  nextDeadline?: string;
  timeline: TimelineEntry[];
  openQuestions: Question[];
  questions: Question[];
  demonstrations: Demonstration[];
  remindersSent: ReminderSent[];
  response?: VendorResponse;
  findings?: Findings;
  /** Messages the mail server refused for good; the officer has to fix the address. */
  deliveryFailures: DeliveryFailure[];
  /** When the open letter really went out (absent before it has; and in engagements started before it was kept). */
  letterSentAt?: string;
  /** The addresses an open letter reached when the mail server refused the others at sending. */
  letterReachedOnly?: { step: string; addresses: string[] };
  /**
   * The addresses the latest open letter went to, when it went: a bounce of it is compared with these,
   * not with the contacts as an officer changed them since. Absent in runs continued from code that
   * did not keep it: the current contacts stand in, as before, even if an officer changes them later.
   */
  letterSentTo?: { step: string; addresses: string[] };
  /** Addresses an officer changed or corrected away: the engagement wrote to them, so a relay's report about them is its own. */
  formerContacts?: string[];
  /**
   * The open letter went out, but the publication folder could not take its copy yet (the store's
   * error, technical English); gone once the engagement has filed it.
   */
  letterCopyNotFiled?: { step: string; since: string; error: string };
  /** When the response is (or was) due: letter date plus the policy's `responseDue`, or as extended. */
  responseDueDate?: string;
  rounds?: FollowUpRound[];
  withdrawalReason?: string;
  /**
   * When the case ended (as its outcome says), once it has: a reply attached to the closed record
   * afterwards came in time if it was received by then (workflows/statement-text.ts receivedInTime).
   */
  endedAt?: string;
  /** Mail from the case mailbox recorded on this engagement (absent in engagements started before it). */
  inbox?: InboundMessage[];
  /** Where the vendor's mail goes: the campaign file's contacts, or as the officer corrected them. */
  contacts?: Contact[];
}

/**
 * What an engagement keeps in its memo (key `board`) for the campaign board, which lists a campaign
 * through visibility and reads no engagement one by one: when the vendor was last written to or
 * heard from, and the next thing the engine will do on its own. `file-copy`: the open letter went out
 * but its copy is not filed yet, and the engagement keeps filing it (patch `letter-copy-on-board`);
 * it comes before any timer's step until the copy is filed.
 */
export const NEXT_ACTION_KINDS = ['reminder', 'final-notice', 'close-no-response', 'demonstration-reminder', 'file-copy'] as const;
export interface EngagementBoardMemo {
  lastContact?: string;
  nextAction?: {
    kind: (typeof NEXT_ACTION_KINDS)[number];
    /** `response`, `follow-up:<round>` or `demonstration:<id>`; for `file-copy`, the letter's step (`letter`, `letter-2`). */
    about: string;
    /** Which reminder of its kind this will be (1 for the first; always 1 for `file-copy`). */
    number: number;
    /** When it is due; for `file-copy`, since when the copy has waited to be filed. */
    at: string;
  };
}
export const BOARD_MEMO_KEY = 'board';

type NextAction = NonNullable<EngagementBoardMemo['nextAction']>;

/**
 * The next action as the `DossierNextAction` search attribute holds it (its time is
 * `DossierNextActionAt`): engagements of revision 3 list the board's data as search attributes, so
 * a change of stage and of last contact is one upsert, one visibility write, instead of two.
 */
export function nextActionKeyword(next: NextAction): string {
  return `${next.kind} ${next.number} ${next.about}`;
}

/** The next action back from its search attributes; undefined when either is absent or not one. */
export function parseNextActionKeyword(keyword: string | undefined, at: Date | undefined): NextAction | undefined {
  const [kind, number, about, ...rest] = keyword?.split(' ') ?? [];
  if (at === undefined || rest.length || !about || !(NEXT_ACTION_KINDS as readonly string[]).includes(kind) || !/^[1-9]\d*$/.test(number)) return undefined;
  return { kind: kind as NextAction['kind'], number: Number(number), about, at: at.toISOString() };
}

/**
 * What a campaign keeps in its memo (key `campaign`), set when it starts: the intake finds the
 * campaign a subject's case reference names from one visibility list, without querying campaigns
 * one by one (a campaign whose worker is gone would hold each query until the server's deadline).
 */
export interface CampaignListingMemo {
  reference: string;
  /** The zone its dates are in (`campaignTimeZone`), for lists that show many campaigns; absent from campaigns started before. */
  timeZone?: string;
  /**
   * Who signs its statement, by name, and whether a first version is drafted: a co-signatory's
   * campaigns list shows the statements its authority signs (and names the authority) from the
   * list alone. Both absent from campaigns started before (the list then asks their statement).
   */
  authorities?: Pick<Authority, 'id' | 'name' | 'article'>[];
  statementDrafted?: boolean;
}
export const CAMPAIGN_MEMO_KEY = 'campaign';

/** The memo a campaign starts with, and writes again once its statement is first drafted. */
export function campaignListingMemo(campaign: CampaignRef, statementDrafted: boolean): CampaignListingMemo {
  return {
    reference: campaign.reference,
    timeZone: campaignTimeZone(campaign),
    authorities: campaign.authorities.map((a) => ({ id: a.id, name: a.name, ...(a.article ? { article: a.article } : {}) })),
    statementDrafted,
  };
}

/**
 * What a long engagement hands to its next run when it continues as new (the workflow's second
 * argument): the case as it stood, and where each timer-driven chore was, so reminders keep their
 * times and numbers instead of starting over.
 */
export interface EngagementContinuation {
  /** The run that continues (2 for the first continuation). */
  run: number;
  state: EngagementStatus;
  /**
   * Reminder loops by what they are about (`follow-up:2`): the due date their steps were planned
   * from, how many ran, and how long reviews have held the rest back (`heldFor`, ms; absent: none).
   */
  reminders: Record<string, { plannedDue: number; next: number; heldFor?: number }>;
  /** Follow-up rounds whose questions went out. */
  questionsSent: number[];
  /** Demonstrations by id: the schedule version last invited to and last reminded of (-1: none). */
  demonstrations: Record<string, { invited: number; reminded: number }>;
  /**
   * Open letters sent so far (`letter` is 1, `letter-2` is 2, …), so a letter sent again after a
   * bounce takes the next step. Absent from runs continued by code before it was carried.
   */
  letterAttempts?: number;
}

/** The officer replaces the vendor's addresses after the letter was refused for good; the letter goes again. */
export interface CorrectContactsInput extends ByOfficer {
  contacts: Contact[];
  reason: string;
}

/**
 * The officer records the vendor's new addresses while the case is open, as the vendor asked ("write
 * to privacy-team@ from now on", "also copy our DPO"): `add` keeps the present contacts and writes to
 * these too, `replace` writes to these alone. Every later message goes to them; the letter is not sent
 * again (after a refusal for good, `correctContacts` does that).
 */
export interface ChangeContactsInput extends ByOfficer {
  mode: ContactChange;
  contacts: Contact[];
  reason: string;
}

/**
 * What an officer's update returns: which engagement, and its stage now. A caller that shows the
 * whole status queries it (`status`); carrying it, timeline and all, in every update's result cost
 * each update its size in the history. Engagements started before the lean path return the whole
 * status, of which this is a part.
 */
export type EngagementUpdated = Pick<EngagementStatus, 'workflowId' | 'stage'>;

export const recordResponseUpdate = defineUpdate<EngagementUpdated, [RecordResponseInput]>('recordResponse');
/**
 * A deadline extended: also the step of the message confirming it to the vendor (none in a case that
 * sends none), which names this request among several in flight, for the audit export to pair the two.
 */
export type DeadlineExtended = EngagementUpdated & { confirmationStep?: string };

export const extendDeadlineUpdate = defineUpdate<DeadlineExtended, [ExtendDeadlineInput]>('extendDeadline');
export const askFollowUpUpdate = defineUpdate<Question[], [AskFollowUpInput]>('askFollowUp');
export const recordAnswersUpdate = defineUpdate<EngagementUpdated, [RecordAnswersInput]>('recordAnswers');
export const scheduleDemonstrationUpdate = defineUpdate<Demonstration, [ScheduleDemonstrationInput]>('scheduleDemonstration');
export const rescheduleDemonstrationUpdate = defineUpdate<Demonstration, [RescheduleDemonstrationInput]>('rescheduleDemonstration');
export const recordDemonstrationOutcomeUpdate = defineUpdate<Demonstration, [RecordDemonstrationOutcomeInput]>(
  'recordDemonstrationOutcome',
);
export const concludeUpdate = defineUpdate<EngagementOutcome, [ConcludeInput]>('conclude');
export const withdrawUpdate = defineUpdate<EngagementUpdated, [WithdrawInput]>('withdraw');
export const engagementStatusQuery = defineQuery<EngagementStatus>('status');
export const correctContactsUpdate = defineUpdate<EngagementUpdated, [CorrectContactsInput]>('correctContacts');
export const changeContactsUpdate = defineUpdate<EngagementUpdated, [ChangeContactsInput]>('changeContacts');


// ── Engagement: inbound correspondence (the intake records; the officer reviews) ────────────────
// (A separate import keeps this section's edits apart from the other sections' import lists.)
import type { DocumentRef as InboundDocumentRef, InboundKind, InboundMatch, InboundMessage, InboundNote } from './types';

/** One message from the case mailbox, as the intake (or an officer assigning held mail) records it. */
export interface RecordInboundInput {
  /** The message's Message-ID; also the update id, so the same message is never recorded twice. */
  messageId: string;
  from: string;
  fromName?: string;
  subject: string;
  /** When the message was sent (its Date header) or, failing that, when the intake read it. */
  receivedAt: string;
  kind: InboundKind;
  matchedBy: InboundMatch;
  /** The step of the engagement's own message it answers (or, for a bounce, the one that bounced). */
  answersStep?: string;
  /** Plain text, at most 20,000 characters; the original stays in the case mailbox. */
  text: string;
  /**
   * The language its subject and text are written in, when the intake could tell (its
   * Content-Language, or its words): pages mark them with it. An older intake sends none.
   */
  language?: Language;
  documents: InboundDocumentRef[];
  /** What the intake could not keep, said plainly in English (e.g. an attachment over the size limit). */
  notes: string[];
  /** The same notes as codes and values, for readers in other languages; an older intake sends `notes` alone. */
  noteCodes?: InboundNote[];
  bounce?: { recipients: string[]; status?: string; diagnostic?: string };
  /**
   * An auto-reply that is a relay's report on one of the engagement's messages in which nothing
   * failed (`delayed` while it retries, `relayed`): whom it reports on. Like a bounce, it comes from
   * the mail system, not the vendor; an older worker ignores it and holds the report.
   */
  deliveryReport?: { recipients: string[]; action?: string; status?: string; diagnostic?: string };
  /** The officer who assigned the message from the holding pen. */
  assignedBy?: string;
}

export interface RecordInboundResult {
  messageId: string;
  /** What recording did: a reply to review, a note only (auto-reply), or a delivery failure. */
  effect: InboundMessage['review'] | 'delivery-failure';
}

export interface ConfirmInboundInput extends ByOfficer {
  messageId: string;
  /** The vendor's response to the open letter, or answers to follow-up questions. */
  as: 'response' | 'answers';
  /** For `as: 'answers'`: the questions it answers; each answer's text defaults to the message's text. */
  answers?: { questionId: string; answer?: string }[];
  /** For `as: 'response'`: the summary recorded; the message's text when omitted. */
  summary?: string;
}

export interface DismissInboundInput extends ByOfficer {
  messageId: string;
  reason: string;
}

export const recordInboundUpdate = defineUpdate<RecordInboundResult, [RecordInboundInput]>('recordInbound');
export const confirmInboundUpdate = defineUpdate<EngagementUpdated, [ConfirmInboundInput]>('confirmInbound');
export const dismissInboundUpdate = defineUpdate<EngagementUpdated, [DismissInboundInput]>('dismissInbound');

// ── Campaign ─────────────────────────────────────────────────────────────────────────────────────
// The lead's office steers the campaign; each signatory authority approves the statement or sends
// it back. Approvals name a draft version, so an approval of a text that has since changed is refused.
// (A second import keeps this section's edits apart from the engagement section's import list.)
import type { BilingualParagraphs, OpenCaseDecision, PublishedStatement, StatementChange, StatementDraft, StatementText, Vendor, VendorPublicText } from './types';

export interface AddVendorInput extends ByOfficer {
  vendor: Vendor;
}

export interface WithdrawVendorInput extends ByOfficer {
  vendorId: string;
  reason: string;
}

export interface SetConclusionsInput extends ByOfficer {
  conclusions: BilingualParagraphs;
  lessonsLearned: BilingualParagraphs;
}

/**
 * The lead submits the statement: the next version goes out for approval. Engagements still open
 * must each be closed or excluded here, with a public reason the statement prints.
 */
export interface DraftStatementInput extends ByOfficer {
  openCases?: OpenCaseDecision[];
  /**
   * The lead submits, knowingly, the same text as the version a co-signatory sent back (the lead
   * disagrees with the change asked): without it, that is refused as most likely an edit not saved.
   */
  confirmsUnchanged?: boolean;
  /**
   * The lead's word to the signatories who sent the current version back (why a change asked is or
   * is not made): it goes with the next version's approval request and stays in the status.
   */
  answer?: string;
  /**
   * Replies that came after their case had ended, attached to its closed record: kept in the
   * document store, which the workflow does not read, so the client reads them and says when each
   * was received. The statement says a vendor that never responded replied late, and when.
   */
  lateReplies?: LateReplyReceived[];
}

/** A late reply as the statement knows it: whose, and when it was received (ISO). */
export interface LateReplyReceived {
  vendorId: string;
  receivedAt: string;
}

/**
 * The lead's edit of the statement's public text: each text given replaces the current one (a
 * vendor's summary, a principle's finding, a demonstration's observation, the conclusions, the
 * lessons learned). Nothing goes out until the lead submits a new version (`draftStatement`).
 */
export interface EditStatementInput extends ByOfficer {
  vendors?: Record<string, VendorPublicText>;
  conclusions?: BilingualParagraphs;
  lessonsLearned?: BilingualParagraphs;
}

/** A co-signatory's answer on the current version, for its authority. */
export interface StatementAnswerInput extends ByOfficer {
  authorityId: string;
  /** The draft version the authority read; answering on any other version is refused. */
  version: number;
}

export interface ApproveStatementInput extends StatementAnswerInput {
  /**
   * Whether the signatory confirmed that this approval publishes the statement. A front end reads
   * the status before it sends the approval, and another authority may approve in between: `false`
   * (it did not ask, as the approval did not then publish) is refused if the approval now would, so
   * the signatory is asked. Absent (older clients, scripts using the API), the approval is taken.
   */
  confirmsPublication?: boolean;
}

export interface RequestChangesInput extends StatementAnswerInput {
  comment: string;
}

/**
 * A co-signatory takes back its authority's approval of the current version (approved by mistake, or
 * its authority changed its mind), while the statement is not yet being published.
 */
export type WithdrawApprovalInput = StatementAnswerInput;

/** `revising`: an authority sent the current version back; the lead edits, then submits the next one. */
export const CAMPAIGN_PHASES = ['engaging', 'approving', 'revising', 'publishing', 'published'] as const;
export type CampaignPhase = (typeof CAMPAIGN_PHASES)[number];

export interface CampaignEngagementState {
  vendorId: string;
  vendorName: string;
  workflowId: string;
  /** The campaign sees an engagement's stage only when it ends; the live stage is the engagement's own `status` query. */
  state: 'in-progress' | 'ended' | 'failed';
  addedLate: boolean;
  /**
   * Set once the engagement ended: how it ended, without the findings (one vendor's outcome with
   * them is `engagementOutcomeQuery`) or what older engagements returned of the vendor's submission:
   * every outcome whole in the campaign's status passed Temporal's 2 MB a payload from three long
   * ones on. What the vendor submitted is in the engagement's own status.
   */
  outcome?: EngagementOutcomeSummary;
  withdrawal?: { by: string; reason: string; at: string };
  failure?: string;
}

/** How an engagement ended, as its campaign lists it. */
export interface EngagementOutcomeSummary extends Pick<EngagementOutcome, 'stage' | 'endedAt' | 'withdrawalReason' | 'remindersSent'> {
  /** When the vendor's response was received, if it responded. */
  respondedAt?: string;
  demonstrations: Pick<Demonstration, 'id' | 'at' | 'result'>[];
}

export interface StatementApproval {
  authorityId: string;
  by: string;
  at: string;
  /** The version approved; an approval counts for a later version only if its text is the same. */
  version?: number;
}

/** An approval taken back: the approval itself, and who withdrew it, when, on which version. */
export interface StatementApprovalWithdrawal {
  authorityId: string;
  by: string;
  at: string;
  version: number;
  approval: StatementApproval;
}

export interface StatementChangeRequest extends StatementApproval {
  version: number;
  comment: string;
}

/** The lead's answer to the change requests on `version`, given with the next version. */
export interface StatementChangeAnswer {
  version: number;
  by: string;
  at: string;
  answer?: string;
  /** The next version prints as `version` did: the lead kept the text sent back. */
  unchanged?: true;
}

/** Where the lead enters a kind of public text (statement-text.ts, TEXT_SOURCES, names each). */
export const TEXT_SOURCE_KINDS = ['summary', 'findings', 'demonstrations', 'reason', 'conclusions'] as const;
export type TextSource = (typeof TEXT_SOURCE_KINDS)[number];

/**
 * A public text the next version lacks, named by keys, not English words, so a page says it in its
 * reader's language: where it is entered, whose (a vendor's) it is, which (`summary`,
 * `findings.security.assessment`, `findings.security.goodPractices[0]`, `demonstrations.d1`, `reason`,
 * `conclusions`, `lessonsLearned`), and in which language it is missing.
 */
export interface MissingText {
  source: TextSource;
  vendorId?: string;
  field: string;
  language: Language;
}

export interface CampaignStatus {
  workflowId: string;
  campaignId: string;
  reference: string;
  phase: CampaignPhase;
  engagements: CampaignEngagementState[];
  conclusionsSet: boolean;
  draft?: {
    version: number;
    date: string;
    approvals: StatementApproval[];
    /** Approvals the rule needs (every signatory, or the quorum). */
    required: number;
    /** Authorities that have not approved this version yet. */
    pending: string[];
  };
  changeRequests: StatementChangeRequest[];
  /** The lead's answers to versions sent back (absent: none). */
  changeAnswers?: StatementChangeAnswer[];
  /** Approvals their authorities took back before publication, oldest first (absent: none). */
  approvalsWithdrawn?: StatementApprovalWithdrawal[];
  /** Open engagements the lead closed or excluded when drafting, with the public reason. */
  openCases?: OpenCaseDecision[];
  /** True once the lead has edited the public text after the current version went out. */
  unsubmittedEdits?: boolean;
  /** The public texts the next version still lacks (file, vendor, field, language), one per line: the first 200, then how many more. */
  missingTexts?: string[];
  /** The same texts, as the workspace words them in the reader's language (the first 200). */
  missingTextList?: MissingText[];
  /** How many public texts the next version still lacks. */
  missingTextCount?: number;
  /** Why the next version cannot go out while its text is this large (the lead shortens it). */
  statementTooLarge?: string;
  /** The same, by code, as the workspace words it in the reader's language. */
  statementTooLargeRefusal?: RefusalDetails<'statement-too-large'>;
  published?: PublishedStatement;
  /** Campaign messages the mail server refused for good (an authority's or vendor's address to fix). */
  deliveryFailures: DeliveryFailure[];
  /** Once published: the vendors the statement was not mailed to, each because it never had the letter. */
  statementNotMailed?: StatementNotMailed[];
  /** Why no engagement has started: the letter is not kept in the published files yet, and is too large for each engagement to carry. */
  letterNotKept?: LetterNotKept;
  /** The current version could not be printed: nobody can approve it, and the lead submits a new one. */
  draftUnprintable?: DraftUnprintable;
  /**
   * Vendors with a reply attached to their closed record that the current version does not say (it
   * was attached after the version was drafted): the lead drafts a new version for the statement to
   * say it. Absent: none, or no version to compare with.
   */
  lateRepliesNotInDraft?: LateReplyNotInDraft[];
  /**
   * Vendors the lead closed whose outcome, known only after the current version was drafted, says
   * they had responded, which that version does not say: the lead drafts a new version for the
   * statement to say it. Absent: none, or no version to compare with.
   */
  responsesNotInDraft?: ResponseNotInDraft[];
  /**
   * The signatories as the campaign file names them, so a front end names each by its name rather
   * than its id (absent from a worker before this field: the ids then stand for them).
   */
  authorities?: AuthorityNamed[];
}

/** An authority's id with the name (and French article) the campaign file gives it. */
export type AuthorityNamed = Pick<Authority, 'id' | 'name' | 'article'>;

/** A vendor left out of the statement's notices, and why (see NoticeNotMailedReason). */
export interface StatementNotMailed {
  vendorId: string;
  vendorName: string;
  reason: NoticeNotMailedReason;
}

/** A vendor whose reply, attached to its closed record, the current version does not say yet. */
export interface LateReplyNotInDraft {
  vendorId: string;
  vendorName: string;
  receivedAt: string;
}

/** A vendor the lead closed whose response, known since its case ended, the current version does not say yet. */
export interface ResponseNotInDraft {
  vendorId: string;
  vendorName: string;
  respondedAt: string;
}

/** A version of the statement the worker could not print (`error`, e.g. a character no font has). */
export interface DraftUnprintable {
  version: number;
  error: string;
}

/** Keeping the letter in the published files failed (`error`), and the engagements cannot carry it instead (`problem`); the campaign keeps trying. */
export interface LetterNotKept {
  error: string;
  problem: string;
}

/** What a statement update answers: the campaign's status without its engagements (the status query lists them). */
export type CampaignUpdated = Omit<CampaignStatus, 'engagements'>;

export const addVendorUpdate = defineUpdate<CampaignEngagementState, [AddVendorInput]>('addVendor');
export const withdrawVendorUpdate = defineUpdate<CampaignEngagementState, [WithdrawVendorInput]>('withdrawVendor');
/** Drafts the statement now, without waiting for engagements still in progress. */
export const draftStatementUpdate = defineUpdate<CampaignUpdated, [DraftStatementInput]>('draftStatement');
export const editStatementUpdate = defineUpdate<CampaignUpdated, [EditStatementInput]>('editStatement');
/** The statement's public text as the lead last edited it (what the next version will print). */
export const statementTextQuery = defineQuery<StatementText>('statementText');
/**
 * What the current version changed, section by section: for a signatory (its authority id the
 * argument), since the version it last received before this one, as its approval request says; for
 * anyone else, since the previous version. A worker from before the argument answers the latter,
 * and `sinceVersion` says which it compared with.
 */
export interface StatementVersionChanges {
  version: number;
  sinceVersion: number;
  /** The first changes, each text cut to an excerpt; the draft has them whole. */
  changes: StatementChange[];
  /** Changes left out. */
  more?: number;
}
export const statementChangesQuery = defineQuery<StatementVersionChanges | undefined, [authorityId?: string]>('statementChanges');
export const setConclusionsUpdate = defineUpdate<CampaignUpdated, [SetConclusionsInput]>('setConclusions');
export const approveStatementUpdate = defineUpdate<CampaignUpdated, [ApproveStatementInput]>('approveStatement');
export const requestChangesUpdate = defineUpdate<CampaignUpdated, [RequestChangesInput]>('requestChanges');
export const withdrawApprovalUpdate = defineUpdate<CampaignUpdated, [WithdrawApprovalInput]>('withdrawApproval');
export const campaignStatusQuery = defineQuery<CampaignStatus>('campaignStatus');
/**
 * What the workspace's board reads beside its page of engagements: the campaign's phase and every
 * vendor's name, not every engagement's state. The status of a 2,000-vendor campaign is some 880 KB.
 */
export interface CampaignBoard {
  campaignId: string;
  reference: string;
  phase: CampaignPhase;
  engagementCount: number;
  /** Each vendor's name, by vendor id. */
  vendorNames: Record<string, string>;
  /** As in the status: why no engagement has started while the letter waits for the published files. */
  letterNotKept?: LetterNotKept;
  /** The zone the campaign's dates are in (`campaignTimeZone`); absent from workers older than it (then UTC). */
  timeZone?: string;
  /**
   * The vendors whose engagement the lead closed or excluded at drafting, by vendor id (see
   * `stageAsDecided`); absent when none, and from workers older than it.
   */
  endedByLead?: Record<string, OpenCaseAction>;
}
export const campaignBoardQuery = defineQuery<CampaignBoard>('campaignBoard');
/**
 * The ids of the campaign's vendors whose address a sender's is, the nearest as the intake weighs it
 * (`vendorsOfSender` in inbox-rules.ts): what the holding pen needs to suggest a held message's case,
 * asked of each campaign, so the board stays names only and no reader gets every vendor's addresses.
 * A worker older than it answers that the query is not registered: then no case is suggested. Kept
 * for a workspace older than `vendorsNearSenderQuery`, which the pen now asks instead.
 */
export const vendorsOfSenderQuery = defineQuery<string[], [from: string]>('vendorsOfSender');
/** One vendor a sender could be, as `vendorsNearSenderQuery` names it. */
export interface SenderVendor {
  vendorId: string;
  /** As `vendorAddressDistance` weighs it: 0 the contact's very address, 1 its domain, 1 + n a domain n labels under it (which the engagement does not take). */
  distance: number;
  /** Its engagement has ended: it takes no more mail, though a late reply can join its closed record. */
  ended?: true;
  /** Its engagement failed (never reached a final stage): it takes no mail, and no late reply joins it. Absent from a worker older than it. */
  failed?: true;
}
/**
 * As `vendorsOfSenderQuery`, with how near each vendor is and whether its engagement has ended, so the
 * holding pen weighs campaigns together and proposes no case the engagement would refuse. A new name,
 * since a worker older than it answers `vendorsOfSender` with ids alone (the web then suggests nothing).
 */
export const vendorsNearSenderQuery = defineQuery<SenderVendor[], [from: string]>('vendorsNearSender');
/** How one vendor's engagement ended, with its findings (its result, as the campaign keeps it); undefined until it ends. */
export const engagementOutcomeQuery = defineQuery<EngagementOutcome | undefined, [vendorId: string]>('engagementOutcome');
/**
 * The current draft (or the published statement) in full, as the PDF shows it; given a version, that
 * version as it was sent (undefined if there was none). A worker from before the argument answers
 * the current one, so the caller checks the version it got.
 */
export const statementDraftQuery = defineQuery<StatementDraft | undefined, [version?: number]>('statementDraft');
/**
 * The campaign's way to withdraw one of its engagements: a workflow cannot send updates, so the
 * campaign signals, and the engagement applies the same rules as its `withdraw` update, ignoring the
 * signal once it has ended. The outcome (`withdrawn`) reaches the campaign as the child's result.
 */
export const withdrawSignal = defineSignal<[WithdrawInput]>('withdrawFromCampaign');
/**
 * A reply was attached to the closed record of one of the campaign's ended cases (intake/intake.ts
 * attachLate): a fact the campaign keeps, so that every version drafted from then on, by the lead or by
 * the workflow itself, says it, and the status names a current version that does not. The sender
 * checks it; one the campaign cannot take (unknown vendor, no instant) is ignored, a signal being
 * unrefusable. Wire name never renamed.
 */
export const lateReplyAttachedSignal = defineSignal<[LateReplyReceived]>('lateReplyAttached');

/** A running engagement's contacts as the officer changed them (`changeContacts`). */
export interface VendorContactsChanged {
  vendorId: string;
  contacts: Contact[];
}

/**
 * An engagement tells its campaign the contacts an officer changed while it runs, so the holding pen
 * suggests its case for mail from a new address (`vendorsNearSender`) before the case ends. A fact:
 * one the campaign cannot take (unknown vendor, no contact) is ignored. Wire name never renamed.
 */
export const vendorContactsChangedSignal = defineSignal<[VendorContactsChanged]>('vendorContactsChanged');

// ── Downloads of received documents ──────────────────────────────────────────────────────────────

/**
 * An officer's or auditor's download of a document of the case's correspondence: one a vendor sent,
 * of a message an engagement recorded (`vendorId`) or held in the holding pen (`held`), or an
 * attachment of a message Dossier sent on an engagement (`sent`: the open letter's PDF). A fact, not
 * a request: sent once the bytes were read for them, so a download that failed is not one.
 */
export interface DocumentDownloadedInput extends ByOfficer {
  /** The campaign of the engagement or of the holding pen; absent for the pen of mail that names none. */
  campaignId?: string;
  /** The engagement whose recorded message carries the document. */
  vendorId?: string;
  /** The message the document came with; absent for a document of a response an officer recorded by hand. */
  messageId?: string;
  held?: true;
  /** An attachment of a message Dossier sent on the engagement, kept as its sealed copy. */
  sent?: true;
  /** For a sent message's attachment: the message's step (`letter`, `reminder-1`). */
  step?: string;
  document: { name: string; type: string; size: number; sha256: string; id?: string };
  /** Where it was downloaded: the workspace or the command line. */
  via: 'workspace' | 'cli';
}

/** Wire name released with the document access record; never renamed. */
export const documentDownloadedSignal = defineSignal<[DocumentDownloadedInput]>('documentDownloaded');

/**
 * An officer's dismissal of a message held in a holding pen (mail no case could be told from): who,
 * which message, from whom and about what, and why. Kept in the pen's record (the document access
 * record of its campaign, or of mail that names none), for the audit export; the mailbox keeps the
 * message itself. A fact, sent before the message leaves the pen, so a dismissal not recorded is not done.
 */
export interface HeldMessageDismissedInput extends ByOfficer {
  /** The campaign whose pen held it; absent for the pen of mail that names none. */
  campaignId?: string;
  messageId: string;
  /** Its sender's address; absent when it named none. */
  from?: string;
  subject: string;
  reason: string;
  /** The language the message's subject and text are written in, when the intake could tell. */
  language?: Language;
}

export const heldMessageDismissedSignal = defineSignal<[HeldMessageDismissedInput]>('heldMessageDismissed');
