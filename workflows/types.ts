// Domain types of a correspondence campaign: authorities, vendors, policies, stages and outcomes.
// Shared by workflows, activities, the client and the campaign-file schema, so it imports nothing
// from Node or Temporal: everything here must be safe inside the deterministic workflow sandbox.

/** Languages that every template, letter and statement exists in. */
export const LANGUAGES = ['en', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Text given in every supported language. */
export type Bilingual = Record<Language, string>;

/**
 * Text the authorities wrote for publication (a statement, a draft), in English and French. Nothing
 * a vendor sent is ever public text: a submission stays in the engagement.
 */
export type PublicText = Bilingual;

/**
 * Public text as histories may hold it: older engagements recorded findings and notes as one
 * string, in whatever language the officer wrote. Read it through `publicText()`.
 */
export type RecordedText = string | PublicText;

/**
 * Public text from what a history recorded. A lone string (older histories) counts as English with
 * the French still to write, so a draft lists it as missing instead of printing English in French.
 */
export function publicText(value: RecordedText | undefined): PublicText {
  if (typeof value === 'string') return { en: value, fr: '' };
  if (value && typeof value === 'object') return { en: typeof value.en === 'string' ? value.en : '', fr: typeof value.fr === 'string' ? value.fr : '' };
  return { en: '', fr: '' };
}

/**
 * A duration as Temporal accepts it: milliseconds, or a string such as `'14 days'`, `'2s'`,
 * `'90 minutes'` (the `ms` package format).
 */
export type Duration = string | number;

export interface Contact {
  name: string;
  email: string;
}

/** How an officer's change of a vendor's contacts applies: beside the present ones, or in their place. */
export const CONTACT_CHANGES = ['add', 'replace'] as const;
export type ContactChange = (typeof CONTACT_CHANGES)[number];

export interface Authority {
  id: string;
  name: Bilingual;
  /** Where the authority receives drafts, approval requests and the published statement. */
  contact: Contact;
  /** The lead authority signs first and steers the campaign. */
  lead?: boolean;
  /** Language of the approval requests and notices sent to this authority (default `en`). */
  language?: Language;
  /**
   * Where the authority sits, as a `date-holidays` code: a country (`CA`, `FR`) or a country and
   * region (`CA-QC`). The lead's public holidays, with weekends, are not counted in working days.
   */
  jurisdiction?: string;
  /** IANA time zone of the authority (`America/Toronto`): working days end at its midnight, letters show its dates. */
  timeZone?: string;
  /**
   * The article French puts before the name inside a sentence ("le Commissariat…", "la CNIL"),
   * which cannot be read from the name. `le` and `la` are elided before a vowel ("l’Autorité…");
   * `l’` is for a name whose h is mute. Without it, French names the authority only where no
   * article is needed (a list of signatories, a line of its own).
   */
  article?: { fr: FrenchArticle };
}

/**
 * The articles a French name may take inside a sentence. Singular only: an authority is one body, and
 * the French emails make it the subject of a singular verb ("Le Commissariat … demande").
 */
export const FRENCH_ARTICLES = ['le', 'la', 'l’'] as const;
export type FrenchArticle = (typeof FRENCH_ARTICLES)[number];

/** The calendar working days are counted on: the lead authority's jurisdiction and time zone. */
export interface WorkingCalendar {
  jurisdiction: string;
  timeZone: string;
}

/**
 * The lead authority's calendar when it names both a jurisdiction and a zone, else undefined. Its
 * zone is the one an engagement's letters print dates in; every other document about the same case
 * (the officers' digest, the statement) prints them in the same zone, so the dates agree.
 */
export function leadCalendar(authorities: Authority[]): WorkingCalendar | undefined {
  const lead = authorities.find((a) => a.lead);
  return lead?.jurisdiction && lead.timeZone ? { jurisdiction: lead.jurisdiction, timeZone: lead.timeZone } : undefined;
}

/**
 * The zone a campaign's dates are printed and read in: the one its letters use (the lead authority's
 * calendar, see `leadCalendar`), else UTC.
 */
export function campaignTimeZone(campaign: Pick<CampaignRef, 'authorities'>): string {
  return leadCalendar(campaign.authorities)?.timeZone ?? 'UTC';
}

/** The language the case office reads its notices in: the lead authority's, as for its digest (default `en`). */
export function officeLanguage(campaign: Pick<CampaignRef, 'authorities'>): Language {
  return (campaign.authorities.find((a) => a.lead) ?? campaign.authorities[0])?.language ?? 'en';
}

export interface Vendor {
  id: string;
  name: string;
  language: Language;
  contacts: Contact[];
}

/**
 * Every duration an engagement or campaign waits for. The same workflow code runs a real case over
 * weeks and a demo or test in seconds: only this object changes.
 */
export interface Policy {
  /** From the letter to the response due date. */
  responseDue: Duration;
  /** Reminders, each measured from the due date (e.g. `['14 days', '21 days']`). */
  reminderCadence: Duration[];
  /** From the due date to the final notice; later than every reminder. */
  finalNoticeAfter: Duration;
  /** From the final notice to closing the engagement as "no response". */
  closeAfter: Duration;
  /** Default time a vendor has to answer follow-up questions. */
  followUpDue: Duration;
  /** How long before a demonstration its reminder goes out. */
  demonstrationReminderLead: Duration;
  /** How often authorities that have not approved the statement draft are reminded. */
  approvalReminderEvery: Duration;
  /**
   * How long a message may stay undelivered (the relay down, a recipient deferring for ever) before
   * the case office is told; sending goes on. Default 1 hour.
   */
  deliveryAlertAfter?: Duration;
  /**
   * Events one run of an engagement's history may reach before it continues as new (a fresh
   * history, the same case); whole number from 50 to 40,000, default 10,000. Temporal terminates a
   * history at 51,200 events or 50 MB; tests set it low to switch runs quickly.
   */
  historyEventsPerRun?: number;
  /**
   * How long a campaign tries to keep its letter in the published files before its engagements
   * carry the letter themselves, when its history has room for that; default 2 minutes. When it has
   * not (many vendors, a long letter), the campaign keeps trying and starts no engagement meanwhile.
   */
  letterKeptWithin?: Duration;
}

/** The five principles of the July 2020 open letter, in its order. */
export const PRINCIPLES = [
  'security',
  'privacy-by-design',
  'know-your-audience',
  'transparency',
  'end-user-control',
] as const;
export type Principle = (typeof PRINCIPLES)[number];

/** A letter's body kept in the published files: its path, and the SHA-256 of its bytes. */
export interface StoredLetter {
  path: string;
  sha256: string;
}

/** The campaign an engagement belongs to, as the engagement needs to know it. */
export interface CampaignRef {
  id: string;
  /** Case reference printed on letters and in email subjects, e.g. `OPC-2020-VC`. */
  reference: string;
  title: Bilingual;
  /** Signatories in signing order; exactly one has `lead: true`. */
  authorities: Authority[];
  /** Date printed on the open letter (ISO `YYYY-MM-DD`). */
  letterDate: string;
  /**
   * Body of the open letter, one entry per paragraph, in each language. Empty when `letterFile` holds
   * it, and in every message but the open letter.
   */
  letterBody: Record<Language, string[]>;
  /**
   * Where the campaign keeps the letter's body once, in the published files (campaigns since the
   * patch `letter-kept-once`): its engagements' inputs then carry this instead of the body, and the
   * open letter reads it back (activities/stored-letter.ts).
   */
  letterFile?: StoredLetter;
  /**
   * The campaign's publication folder, when the open letter's send keeps the copy the vendor received
   * there once the mail server accepted it (campaigns since the patch `letter-copy-as-delivered`):
   * the same bytes, due date included, and none for a vendor the letter never reached.
   */
  letterCopyFolder?: string;
  /** Where to send notices meant for the case officers (delivery failures, closures). */
  officeContact: Contact;
  /**
   * The office's name in each language, as email footers print it; `officeContact.name` in both
   * when absent (campaigns started before it existed).
   */
  officeName?: Bilingual;
  /**
   * What the campaign is about, as it reads inside a sentence: `the privacy expectations of video
   * conferencing companies` / `les attentes … envers les entreprises de vidéoconférence` (with its
   * article, so French can write « au sujet des … »). Derived from the title when absent.
   */
  topic?: Bilingual;
  /**
   * The case officers who get the daily digest of what is overdue or due soon, each in their own
   * language. When absent, the digest goes to `officeContact` in the lead authority's language.
   */
  officers?: Officer[];
}

/** A case officer of a campaign, as the digest addresses them. */
export interface Officer extends Contact {
  language: Language;
  /**
   * IANA zone the officer works in (`Australia/Sydney`): the digest reaches them at its hour on that
   * clock. Absent: their campaign's zone (`campaignTimeZone`, the lead authority's, else UTC).
   */
  timeZone?: string;
}

/** How far ahead the officer digest looks for deadlines when its Schedule gives no `horizon`. */
export const DIGEST_HORIZON = '7 days';

/**
 * How often the digest's Schedule starts it. Each run mails the officers on whose clock the digest's
 * hour began since the run before (the last DIGEST_EVERY), so each gets one a day, at their own hour.
 */
export const DIGEST_EVERY = '1 hour';

/** One line of an officer's digest: an engagement whose next deadline is past or within the horizon. */
export interface DigestItem {
  campaignId: string;
  vendorId: string;
  vendorName: string;
  stage: string;
  /** The stage waits for an officer (see `STAGES_WAITING_FOR_OFFICER`), deadline or not. */
  waitsForOfficer: boolean;
  /** ISO timestamp of the engagement's next deadline; none while the letter has not gone out. */
  deadline?: string;
  /** The deadline has passed. */
  overdue: boolean;
  /** Whole days the deadline is past (0 when not yet due, or due earlier today). */
  overdueDays: number;
  /**
   * Replies recorded after the first stage that wait for the officer's review (the stage does not
   * change for them: the engagement's status counts them); absent when none, and in digests before.
   */
  toReview?: number;
}

/** What the digest tells one officer about one campaign. */
export interface DigestSection {
  campaignId: string;
  reference: string;
  title: Bilingual;
  items: DigestItem[];
  /**
   * The campaign's statement version waiting for approval, with the signatories that have not
   * approved it yet (by name); digests collected before it was listed have none.
   */
  statement?: { version: number; pending: Bilingual[] };
  /**
   * The messages waiting in the campaign's holding pen (the intake could not place them), and when
   * the oldest reached the case mailbox (ISO); a count of 0 when the pen was counted empty; absent when
   * it could not be counted (and in digests collected before an empty pen was said).
   */
  held?: { count: number; since?: string };
  /** The campaign has ended: listed only for the mail still held in its pen, which no case will take. */
  ended?: true;
  /**
   * IANA zone the section's dates are printed in: its campaign's, as its letters print them (one
   * digest may cover campaigns led from several zones). Sections recorded before it existed have
   * none and use the message's zone (UTC).
   */
  timeZone?: string;
}

/** Stages in which nothing moves until an officer acts, whatever the deadlines say. */
export const STAGES_WAITING_FOR_OFFICER = ['letter-undeliverable', 'reply-received'] as const;

export const ENGAGEMENT_STAGES = [
  'sending-letter',
  /** The recipient's server refused the letter for good: no deadline runs until the officer corrects the address. */
  'letter-undeliverable',
  'awaiting-response',
  /** A reply to the open letter arrived: reminders stop until the officer confirms or dismisses it. */
  'reply-received',
  'responded',
  'follow-up',
  'demonstration',
  'concluded',
  'closed-no-response',
  'withdrawn',
] as const;
export type EngagementStage = (typeof ENGAGEMENT_STAGES)[number];

/**
 * How an engagement the lead closed or excluded at drafting reads wherever its stage is shown (board,
 * list, engagement page, audit): the engagement itself ends `withdrawn` (the campaign's signal is a
 * withdrawal), and the campaign's decision says which. Never a search attribute value.
 */
export const DECIDED_STAGES = ['closed-by-lead', 'excluded'] as const;
export type DecidedStage = (typeof DECIDED_STAGES)[number];

/** Stages after which an engagement accepts nothing more. */
export const FINAL_STAGES: readonly EngagementStage[] = ['concluded', 'closed-no-response', 'withdrawn'];

export const DEMONSTRATION_RESULTS = ['validated', 'partly-validated', 'not-validated'] as const;
export type DemonstrationResult = (typeof DEMONSTRATION_RESULTS)[number];

/** The authorities' finding on one principle, written for publication in both languages. */
export interface Finding {
  assessment: PublicText;
  goodPractices: PublicText[];
}

export type Findings = Record<Principle, Finding>;

export interface TimelineEntry {
  /** ISO timestamp (workflow time). */
  at: string;
  /** Case officer's name, or `dossier` for what the engine did on its own. */
  by: string;
  what: string;
  detail?: string;
}

export interface ReminderSent {
  at: string;
  /** `response`, `follow-up:<round>` or `demonstration:<id>`. */
  about: string;
  kind: 'reminder' | 'final-notice';
  number: number;
}

export interface Question {
  id: string;
  round: number;
  text: string;
  dueDate: string;
  answer?: string;
  answeredAt?: string;
}

export interface Demonstration {
  id: string;
  at: string;
  durationMinutes: number;
  attendees: Contact[];
  topics: string[];
  result?: DemonstrationResult;
  notes?: string;
  rescheduled: number;
  /** Where it is held (an address, a room), and the video call's link (https). */
  location?: string;
  meetingUrl?: string;
  /** Set by a reschedule: the time it replaced and why, for the new invitation. */
  previousAt?: string;
  rescheduleReason?: string;
  /**
   * When the officer's record of its result falls due, as the lead authority's calendar counts it
   * (revision 5): the end of the first working day after the meeting. Absent until the calendar has
   * answered for the current schedule, and for a campaign without a working calendar.
   */
  resultDue?: string;
}

/** One round of follow-up questions; a new round may be asked once this one is settled. */
export interface FollowUpRound {
  round: number;
  askedAt: string;
  /** Current due date of the round's answers (an extension moves it). */
  dueDate: string;
  /** True once the round's final notice went out with questions still unanswered. */
  remindersExhausted: boolean;
}

/**
 * A document kept in the document store (documents/): payloads carry this reference, never the
 * bytes. The bytes are encrypted under the campaign's data key.
 */
export interface DocumentRef {
  /** Keyed hash of the bytes (per campaign): the same file stored twice has one id. */
  id: string;
  /** Bare file name, no folders. */
  name: string;
  /** MIME type as sent. */
  type: string;
  size: number;
  sha256: string;
}

export interface VendorResponse {
  receivedAt: string;
  summary: string;
  attachments: string[];
  /** The attachments as kept in the document store (a response confirmed from a reply, or `respond --attach`). */
  documents?: DocumentRef[];
  /** The Message-ID of the reply confirmed as this response. */
  messageId?: string;
}

/** A person's reply, an automatic answer (RFC 3834: out of office) or a delivery report (bounce). */
export type InboundKind = 'reply' | 'auto-reply' | 'bounce';
/** How the message found its engagement: threading headers, the Reply-To token, the subject's reference, or an officer. */
export type InboundMatch = 'thread' | 'token' | 'subject' | 'officer';

/**
 * Something the intake could not keep of a message, as a code and values (sizes in bytes): the
 * workspace words it in the reader's language, the CLI in English (templates/web/strings.yaml, `note.*`).
 */
export type InboundNote =
  /** Larger than the intake reads: recorded without its text and attachments. */
  | { code: 'message-too-large'; bytes: number }
  /** An attachment over the document store's limit, left out. */
  | { code: 'attachment-too-large'; name: string; bytes: number; limitBytes: number }
  /** An attachment whose bytes are a document Dossier sent on the engagement (a forwarded letter): not the vendor's. */
  | { code: 'own-document'; name: string; step: string }
  /** The text of a message Dossier sent, quoted back in the message's (a forward): left out of its text. */
  | { code: 'own-text'; step: string }
  /** A text longer than an engagement records, cut (ending in "…"); the whole text is the document `name`. */
  | { code: 'text-cut'; chars: number; limit: number; name: string }
  /** Outlook's winmail.dat (TNEF) that could not be read: kept as the document `name`, the files inside it not taken out. */
  | { code: 'winmail-unreadable'; name: string };

/** A message from the case mailbox, recorded on its engagement. */
export interface InboundMessage {
  messageId: string;
  from: string;
  fromName?: string;
  subject: string;
  receivedAt: string;
  recordedAt: string;
  kind: InboundKind;
  matchedBy: InboundMatch;
  answersStep?: string;
  /** A bounce's recipients: separate reports of one letter add up to every address it was sent to. */
  bounceRecipients?: string[];
  text: string;
  /** The language its subject and text are written in; absent when unknown, and on messages recorded before it was told. */
  language?: Language;
  documents: DocumentRef[];
  /** What the intake could not keep, in English: all that messages recorded before `noteCodes` have. */
  notes: string[];
  /** The same notes as codes and values, which each reader words in its language. */
  noteCodes?: InboundNote[];
  /**
   * `to-review` until the officer confirms or dismisses it; `noted` for what needs no review. `late`:
   * a reply that came once the case had ended, which an officer attached to its record; never in a
   * workflow's state (see LateReply), only in the record a reader is shown.
   */
  review: 'to-review' | 'confirmed' | 'dismissed' | 'noted' | 'late';
  reviewedBy?: string;
  reviewNote?: string;
  assignedBy?: string;
}

/**
 * A vendor's reply that came after its engagement ended (closed without a response, concluded,
 * withdrawn), which an officer attached to the ended case's record from the holding pen. A closed
 * workflow takes no update, and the case must not reopen (no reminders, no stage change): the reply
 * is kept beside it, sealed in the document store with its documents (documents/document-store.ts),
 * and shown with the case's own record wherever that is read (client/late-replies.ts).
 */
export interface LateReply {
  messageId: string;
  from: string;
  fromName?: string;
  subject: string;
  /** When the case mailbox received it. */
  receivedAt: string;
  text: string;
  language?: Language;
  documents: DocumentRef[];
  /** What the intake could not keep, in English, and the same as codes (as an InboundMessage has them). */
  notes: string[];
  noteCodes?: InboundNote[];
  /** The step of Dossier's message it answers, when its threading headers said. */
  answersStep?: string;
  /** Who attached it, as the front end names them, and when. */
  attachedBy: string;
  attachedAt: string;
  /** The stage the case had ended in when it was attached. */
  stage: EngagementStage;
}

/**
 * How an engagement ended: its workflow's result, which its campaign keeps (the child's result, in
 * the campaign's history) and prints in the statement. The vendor's submission stays with the
 * engagement (its status): a campaign of 2,000 vendors who each wrote at length would otherwise hold
 * them all, past Temporal's 50 MB a history.
 */
export interface EngagementOutcome {
  vendorId: string;
  vendorName: string;
  stage: Extract<EngagementStage, 'concluded' | 'closed-no-response' | 'withdrawn'>;
  /** When the vendor's response was received, if it responded. */
  respondedAt?: string;
  findings?: Findings;
  demonstrations: Pick<Demonstration, 'id' | 'at' | 'result' | 'notes'>[];
  remindersSent: ReminderSent[];
  withdrawalReason?: string;
  endedAt: string;
  /** Follow-up questions asked, and how many of them were answered. */
  questionsAsked?: number;
  questionsAnswered?: number;
  /** The vendor's addresses as an officer corrected them (absent when never corrected): later campaign mail goes there. */
  contacts?: Contact[];
  /**
   * The open letter never reached the vendor: refused or bounced for good from every address, or
   * still going out when the case ended and then refused. Absent when it did reach it, and in
   * outcomes of engagements that ended before this was reported (read as reached, as before).
   */
  letterUndelivered?: true;
  /** Engagements that ended before the outcome was slimmed returned the response itself… */
  response?: VendorResponse;
  /** …and every question with its answer; their campaigns replay with them. */
  questions?: Question[];
}

/** Identifiers are short, lowercase and URL/file-name safe, since they end up in IDs and paths. */
export const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

// ── Correspondence: what a workflow asks the email activity to send ──────────────────────────────

export const MESSAGE_KINDS = [
  'open-letter',
  'acknowledgement',
  'deadline-extension',
  'reminder',
  'final-notice',
  'closure-notice',
  'follow-up-questions',
  'follow-up-reminder',
  'answers-acknowledgement',
  'demonstration-invitation',
  'demonstration-reminder',
  'demonstration-cancellation',
  'approval-request',
  'approval-reminder',
  'statement-notice',
  'officer-notice',
  'officer-digest',
  'change-request',
] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** One signatory's change request as the next approval request repeats it. */
export interface ChangeRequestNote {
  authorityId: string;
  by: string;
  comment: string;
  /** The comment is cut (its start only): the email says the whole is in the workspace. */
  cut?: boolean;
}

/**
 * Why a message was refused for good, as facts a reader's language words (the officer notice,
 * templates/email/officer-notice.yaml; the workspace, templates/web/strings.yaml):
 * - `recipients-refused`: the mail server refused every address (5xx at RCPT TO);
 * - `some-recipients-refused`: it took the message for some addresses and refused the others;
 * - `message-refused`: it refused the message itself, whatever the address (too large, malformed for it);
 * - `invalid-message`: Dossier could not build the message from its input;
 * - `letter-copy-not-filed`: the open letter went out, but its copy could not be kept in the
 *   campaign's publication folder (the diagnostic says why); written again at the next try;
 * - `letter-copy-not-taken-back`: the letter did not reach the vendor (or the published statement
 *   says so), but its copy could not be taken out of the folder; taken back at the next try;
 * - `letter-copy-not-last-letter`: the copy on file is not the letter the vendor was sent last (one
 *   went again to a corrected address), and that letter could not be made again to replace it.
 */
export const REFUSAL_CODES = ['recipients-refused', 'some-recipients-refused', 'message-refused', 'invalid-message', 'letter-copy-not-filed', 'letter-copy-not-taken-back', 'letter-copy-not-last-letter'] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

export interface Refusal {
  code: RefusalCode;
  /** The addresses refused; for `message-refused`, every recipient of the message. */
  recipients?: string[];
  /** The mail server's reply as it gave it (`550 5.1.1 <a@b.test>: Recipient address rejected`), when it gave one. */
  reply?: string;
  smtpCode?: number;
  /** Dossier's own diagnostic (English, for whoever runs Dossier), for `invalid-message` and the letter copy's codes. */
  diagnostic?: string;
}

/**
 * A message refused or bounced for good, as the case's status lists it. `reason` is the diagnostic as
 * Dossier recorded it (English, technical); `refusal` the same facts for a reader's language, absent
 * for bounces and for failures recorded before it was kept.
 */
export interface DeliveryFailure {
  at: string;
  step: string;
  reason: string;
  refusal?: Refusal;
}

/**
 * What an officer notice reports. The workflow records facts (instants in ISO form, the kind of the
 * message concerned); the activity words them in the office's language and the campaign's zone.
 */
export type OfficerNotice =
  /**
   * A message refused for good: `refusal` says why, for the notice to word; `reason` is Dossier's
   * technical diagnostic, the only explanation in notices scheduled before `refusal` was sent.
   */
  | { code: 'not-delivered'; step: string; kind: MessageKind; reason: string; refusal?: Refusal }
  /** A message the relay or the recipient's server keeps refusing for now, past the alert delay. */
  | { code: 'delivery-delayed'; step: string; kind: MessageKind; after: Duration }
  /** A delivery report from the vendor's mail server; `kind` when the engagement recorded sending that step. */
  | { code: 'bounced'; step: string; kind?: MessageKind; recipients: string[]; status?: string; diagnostic?: string }
  /** No response by the due date, after the reminders and the final notice: the engagement is closed. */
  | {
      code: 'closed-no-response';
      dueDate: string;
      /** How many reminders reached the vendor before its final notice (absent in a notice scheduled before it was counted). */
      remindersBefore?: number;
    }
  /** Bounces from every address were read before the letter's send was known to be done: it reached nobody after all. */
  | { code: 'letter-bounced-before-delivery'; step: string };

/** Values a template may use; which ones are set depends on the message kind. */
export interface MessageDetails {
  dueDate?: string;
  /**
   * An open letter's response time, when it runs from the letter's delivery (a plain duration,
   * revision 7): the send states the due date counted from the attempt that delivers it, never
   * earlier than `dueDate`, and reports it (`SentMessage.dueDate`) for the case to keep.
   */
  dueAfter?: Duration;
  /** The due date an extension replaces. */
  previousDueDate?: string;
  /** When an unanswered case closes (a final notice): the vendor is told the last day to answer. */
  closesAt?: string;
  /** When an unanswered case was closed (a closure notice). */
  closedAt?: string;
  reminderNumber?: number;
  /**
   * A final notice: how many reminders before it reached the vendor, which its wording follows (none:
   * no "despite our reminders"). Absent in a notice scheduled before it was counted: worded as then.
   */
  remindersBefore?: number;
  receivedAt?: string;
  questions?: Pick<Question, 'id' | 'text'>[];
  /** An acknowledgement of answers: the questions whose answers were just recorded… */
  answered?: Pick<Question, 'id' | 'text'>[];
  /**
   * …and every question still unanswered, with its due date (none: all are answered); by id alone,
   * so a case's questions are carried whole once over all its acknowledgements, as each is answered.
   */
  stillOpen?: Pick<Question, 'id' | 'dueDate'>[];
  /** `rescheduled` becomes the calendar event's SEQUENCE, so a reschedule updates the same event. */
  demonstration?: Pick<Demonstration, 'id' | 'at' | 'durationMinutes' | 'topics' | 'attendees'> &
    Partial<Pick<Demonstration, 'rescheduled' | 'location' | 'meetingUrl' | 'previousAt' | 'rescheduleReason'>>;
  /** Free text: a change request, a withdrawal reason; an officer notice recorded before `notice`. */
  note?: string;
  /** What an officer notice reports, as a code and values: templates/email/officer-notice.yaml words it. */
  notice?: OfficerNotice;
  /** What the signatories sent back on the previous draft, for the next approval request (the first ones, comments cut). */
  changeRequests?: ChangeRequestNote[];
  /** Change requests left out of `changeRequests`. */
  moreChangeRequests?: number;
  /** The lead's answer to those requests: the next version kept unchanged, its word, or both. */
  changeAnswer?: { by: string; answer?: string; cut?: boolean; unchanged?: boolean };
  /** An officer notice about an open letter refused for good: it says what the officer can do. */
  letterUndeliverable?: boolean;
  /** Files already published (statement PDFs) to attach, as paths under the output folder. */
  attachmentPaths?: string[];
  /** IANA time zone for dates and times in the text (e.g. `America/Toronto`); UTC when absent. */
  timeZone?: string;
  /** When the workflow issued the message (workflow time, ISO): stamps calendar events reproducibly. */
  issuedAt?: string;
  /** An officer digest's sections: overdue and soon-due engagements, by campaign. */
  digest?: DigestSection[];
  /**
   * How far ahead the digest looked for deadlines (its workflow's `horizon`), which its closing
   * sentence states; digests scheduled before it was given looked DIGEST_HORIZON ahead.
   */
  digestHorizon?: Duration;
  /** The statement draft version a message is about (approval requests, change requests). */
  version?: number;
  /** The version this recipient last saw, when `changes` lists what differs since then. */
  sinceVersion?: number;
  /** What changed in the statement's public text since `sinceVersion`, section by section (the first ones, texts cut). */
  changes?: StatementChange[];
  /** Changes left out of `changes`: the attached draft has them. */
  moreChanges?: number;
  /** Who asked for changes (an authority's name in each language), for the lead's change request. */
  from?: Bilingual;
  /**
   * The published statement's signatories (authority ids), for its notice: with a quorum, the
   * authorities that approved it, not every one the campaign names. Absent: every authority.
   */
  signatories?: string[];
}

/** Sections of the statement a change can touch; templates/statement.yaml names each. */
export const STATEMENT_SECTIONS = [
  'outcome',
  'summary',
  'assessment',
  'good-practices',
  'demonstration',
  'reason',
  'conclusions',
  'lessons-learned',
  'letter',
  'late-reply',
  'reply-in-time',
  'response-before-closing',
] as const;
export type StatementSection = (typeof STATEMENT_SECTIONS)[number];

/** One change between two versions of the statement: a section's text before and after. */
export interface StatementChange {
  section: StatementSection;
  /** The vendor whose part changed; absent for conclusions and lessons learned. */
  vendorName?: string;
  principle?: Principle;
  demonstrationId?: string;
  /**
   * When the demonstration took place: the statement names a demonstration by its date, so a reader
   * knows it by that, not by its id. Absent from changes computed by older campaign code.
   */
  demonstrationAt?: string;
  /** Public text before and after; absent where the section did not exist on that side. */
  before?: PublicText;
  after?: PublicText;
  /** For `outcome`: the vendor's stage in the statement before and after. */
  stageBefore?: StatementVendorEntry['stage'];
  stageAfter?: StatementVendorEntry['stage'];
  /** For `letter`: what the background says of the open letter and the vendor, before and after. */
  letterBefore?: StatementLetter;
  letterAfter?: StatementLetter;
  /** For `late-reply`: when the vendor's late reply was received, as the statement says it before and after (absent: not said). */
  repliedLateBefore?: string;
  repliedLateAfter?: string;
  /** For `reply-in-time`: when the vendor's reply in time, recorded after its case closed, was received, before and after (absent: not said). */
  repliedInTimeBefore?: string;
  repliedInTimeAfter?: string;
  /** For `response-before-closing`: when a vendor the lead closed had responded, as the statement says it before and after (absent: not said). */
  respondedBefore?: string;
  respondedAfter?: string;
}

/**
 * What the statement's background says of the open letter and one vendor (see `notWrittenTo`): sent
 * to it, not sent (its review ended first), or sent and never received.
 */
export type StatementLetter = 'sent' | 'not-sent' | 'not-reached';

/**
 * The letter copies a campaign's publication folder holds (`letters/<vendor>.<language>.pdf`), made
 * to agree with its statement: `keep` the vendors the statement says were written to (each copy the
 * one the vendor received, once the mail server accepted its letter), `without` those it says were not.
 */
export interface LetterCopiesInput {
  /** The campaign as its engagements' letters carried it (the letter's body, or the reference to it). */
  campaign: CampaignRef;
  folder: string;
  keep: Vendor[];
  without?: LetterCopyKey[];
}

/** What names a vendor's letter copy: `letters/<id>.<language>.pdf`. */
export type LetterCopyKey = Pick<Vendor, 'id' | 'language'>;

/** A vendor's letter copy that could not be written (or, `takenBack`, removed), and why (English, technical). */
export interface LetterCopyNotFiled {
  vendorId: string;
  error: string;
  /** The copy was to be taken out of the folder (a vendor the statement says the letter did not reach). */
  takenBack?: boolean;
  /**
   * The copy on file is not the letter the vendor was sent last, and that letter could not be made
   * again (its contacts were corrected since the campaign started): the last letter's step and due
   * date, and the earlier letter's step the copy is of, when the ledger tells it.
   */
  differs?: { step: string; dueDate?: string; copyOf?: string };
}

export interface OutgoingMessage {
  /** The engagement or campaign workflow ID: every message of a thread refers to its first one. */
  threadId: string;
  /** Unique within the thread (e.g. `letter`, `reminder-response-2`); names the Message-ID. */
  step: string;
  kind: MessageKind;
  language: Language;
  to: Contact[];
  campaign: CampaignRef;
  /** The vendor the thread is about, when it is an engagement thread. */
  vendor?: Vendor;
  details: MessageDetails;
}

export interface SentMessage {
  messageId: string;
  accepted: string[];
  /** Recipients the mail server refused while accepting the others. */
  rejected: string[];
  /** True when an earlier attempt had already delivered this message: nothing was sent again. */
  alreadyDelivered: boolean;
  /**
   * Sent again because the worker died during an earlier attempt's SMTP transaction; if the server
   * had accepted that copy, recipients hold two with the same Message-ID. SMTP cannot tell.
   */
  resentAfterCrash?: boolean;
  /**
   * The mail server accepted the message but the worker's delivery ledger could not record it
   * (the error, without personal data); the message was not sent again.
   */
  ledgerError?: string;
  /**
   * Not sent, on purpose, and why: `letter-not-accepted`, a vendor's statement notice when the mail
   * server had accepted none of the open letters of its engagement (refused, or still being sent).
   */
  notSent?: NoticeNotMailedReason;
  /** The due date the message stated, when the send counted it (`MessageDetails.dueAfter`). */
  dueDate?: string;
  /**
   * An open letter the mail server accepted whose copy the published files could not take (the
   * store's error, technical English): its engagement has it filed (`fileLetterCopy`).
   */
  letterCopyNotFiled?: string;
}

/**
 * One open letter's copy, as its send rendered it, for `campaign.letterCopyFolder`: the same input
 * gives the same bytes, so the copy can be written again by a worker that never held it.
 */
export interface LetterCopyInput {
  campaign: CampaignRef;
  vendor: Vendor;
  language: Language;
  dueDate?: string;
  timeZone?: string;
  /**
   * The letter's step (`letter`, `letter-2`, …), since patch `letter-copy-last-sent`: the copy is
   * filed only while no later letter of the engagement went out, whose copy is the one to keep.
   * Engagements before it give none, and the due date stands in for it.
   */
  step?: string;
}

/**
 * Why a vendor is not mailed the published statement: it never had the letter the statement answers.
 * `never-started`: stopped before its engagement started, so no letter went out. `letter-undelivered`:
 * its engagement ended saying the letter never reached it (refused or bounced for good). `letter-not-accepted`:
 * when the statement went out, the delivery ledger held no letter of its engagement that the mail
 * server had accepted (still being sent or retried, or refused in an engagement that ended before
 * outcomes said so).
 */
export const NOTICE_NOT_MAILED_REASONS = ['never-started', 'letter-undelivered', 'letter-not-accepted'] as const;
export type NoticeNotMailedReason = (typeof NOTICE_NOT_MAILED_REASONS)[number];

export interface EngagementInput {
  campaign: CampaignRef;
  vendor: Vendor;
  policy: Policy;
  /**
   * `false` skips upserting the Dossier search attributes: for servers that have none registered
   * (the time-skipping test server accepts no custom search attributes). Default: upsert.
   */
  searchAttributes?: boolean;
  /**
   * The revision of the engagement's code its starter wrote the input for (`ENGAGEMENT_REVISION`,
   * set by the client and the campaign). From revision 3 the workflow branches on this instead of on
   * patch markers, each of which costs a new case a history event and a search-attribute upsert;
   * a case without it branches as its history recorded.
   */
  revision?: number;
}

// ── Campaign: many engagements, one joint statement ──────────────────────────────────────────────

/** How many signatories must approve a statement draft before it is published. */
export type ApprovalRule = { kind: 'all' } | { kind: 'quorum'; quorum: number };

export interface PublicationSettings {
  /** Folder under the worker's output folder that receives the statement PDFs (default: campaign id). */
  folder: string;
  /** Send the published statement to every vendor as well as to the signatories. */
  notifyVendors: boolean;
  /**
   * How long the campaign's histories stay readable after publication; then its data key is
   * destroyed (crypto-shredding). Kept forever when absent.
   */
  retention?: Duration;
}

/** Everything a campaign workflow needs, as the campaign file declares it. */
export interface CampaignInput {
  campaign: CampaignRef;
  vendors: Vendor[];
  policy: Policy;
  approval: ApprovalRule;
  publication: PublicationSettings;
  /**
   * Who started the campaign, as the front end records an actor (`Name (subject, signed in)`,
   * `Name (login@host, CLI)`); for the audit export, not the workflow. Absent in campaigns started before.
   */
  startedBy?: string;
}

/** Text entered by the lead for the statement, one entry per paragraph, in each language. */
export type BilingualParagraphs = Record<Language, string[]>;

/** How the lead settles an engagement still open when the statement is drafted. */
export const OPEN_CASE_ACTIONS = ['close', 'exclude'] as const;
export type OpenCaseAction = (typeof OPEN_CASE_ACTIONS)[number];

/**
 * The lead's decision on one open engagement at drafting: `close` ends it now and the statement
 * reports it as closed early; `exclude` ends it too and the statement says it does not cover that
 * vendor. Either way the reason is public text, printed in the statement.
 */
export interface OpenCaseDecision {
  vendorId: string;
  action: OpenCaseAction;
  reason: PublicText;
}

/** What the authorities write about one vendor for the statement; never anything the vendor sent. */
export interface VendorPublicText {
  /** A public summary of the vendor's position, written by the authorities. */
  summary?: PublicText;
  /** Per principle; replaces the finding recorded at the engagement's conclusion. */
  findings?: Partial<Findings>;
  /** Public observations per demonstration id (`d1`, …); the officer's notes stay internal. */
  demonstrations?: Record<string, PublicText>;
}

/** Every public text of the statement that the lead writes and edits. */
export interface StatementText {
  vendors: Record<string, VendorPublicText>;
  conclusions: BilingualParagraphs;
  lessonsLearned: BilingualParagraphs;
}

/** One demonstration as the statement reports it: when, the result, the public observation. */
export interface StatementDemonstration {
  id: string;
  at: string;
  result?: DemonstrationResult;
  observation?: PublicText;
}

/**
 * One vendor's part of the statement: public facts (dates, reminders, results) and the
 * authorities' public text. No submission (response, answers, documents) ever reaches it.
 */
export interface StatementVendorEntry {
  vendorId: string;
  vendorName: string;
  /**
   * `closed-by-lead` / `excluded`: open when the lead drafted and settled so (with `reason`);
   * `in-progress`: drafted early by a campaign started before that rule.
   */
  stage: EngagementOutcome['stage'] | 'in-progress' | 'failed' | 'closed-by-lead' | 'excluded';
  /**
   * The open letter never reached the vendor, and why (as the status's `statementNotMailed` says it):
   * the statement then does not say it was written to. Absent when it did, and in versions drafted
   * before the statement said so (patch statement-says-who-was-written-to).
   */
  notWrittenTo?: NoticeNotMailedReason;
  /**
   * When the vendor responded. For `closed-by-lead`, a response recorded before the lead closed the
   * case: the statement says it responded before its review was closed, and counts it so. Absent
   * there in versions drafted before the statement said so (patch statement-says-response-before-closing).
   */
  respondedAt?: string;
  /** Reminders and final notices about the response (for a vendor that never responded). */
  remindersSent?: ReminderSent[];
  /**
   * A vendor that never responded, whose reply came after its case had closed and was attached to
   * the closed record (client/late-replies.ts): when the first such reply was received. Absent in
   * versions drafted before the statement said so.
   */
  repliedLateAt?: string;
  /**
   * A vendor whose case closed without a response on its record, though a reply had reached the case
   * mailbox in time (at or before `endedAt`: held meanwhile, from an address the case did not know, say)
   * and was attached to the closed record afterwards: when it was received. The statement then says
   * the vendor replied, in time, and does not count it among those that did not respond. Absent in
   * versions drafted before the statement said so (patch statement-says-reply-in-time).
   */
  repliedInTimeAt?: string;
  endedAt?: string;
  questionsAsked?: number;
  questionsAnswered?: number;
  demonstrations?: StatementDemonstration[];
  summary?: PublicText;
  findings?: Findings;
  /** Why the lead closed or excluded the engagement at drafting. */
  reason?: PublicText;
}

/** A draft of the joint statement, or the approved one; everything the PDF shows comes from here. */
export interface StatementDraft {
  campaign: CampaignRef;
  version: number;
  /** ISO date printed on the statement: the day this version was drafted (workflow time). */
  date: string;
  vendors: StatementVendorEntry[];
  conclusions: BilingualParagraphs;
  lessonsLearned: BilingualParagraphs;
  /** Authorities that sign, in signing order; set when the statement is approved. */
  signatories: Authority[];
}

export interface PublishedStatement {
  version: number;
  /** Paths relative to the worker's output folder, e.g. `video-conferencing-2020/statement-2.en.pdf`. */
  files: Record<Language, string>;
  publishedAt: string;
}
