// The state of one vendor engagement and every transition it goes through, with no Temporal call:
// the workflow (engagement.ts) wires each update to one method here and keeps only the waiting, the
// timers and the mail. So each transition is unit-tested without a server, and the validators
// (engagement-rules.ts) and the inbox (inbox.ts) read and change the same `state`. Times come in as
// arguments (the workflow's `Date.now()`), never from a clock.
import * as rules from './engagement-rules';
import type {
  AskFollowUpInput,
  ConcludeInput,
  ChangeContactsInput,
  CorrectContactsInput,
  ConfirmInboundInput,
  DismissInboundInput,
  EngagementStatus,
  RecordInboundInput,
  ExtendDeadlineInput,
  RecordAnswersInput,
  RecordDemonstrationOutcomeInput,
  RecordResponseInput,
  RescheduleDemonstrationInput,
  ScheduleDemonstrationInput,
  WithdrawInput,
  EngagementBoardMemo,
} from './messages';
import { nextActionKeyword } from './messages';
import type { ReminderKind } from './reminders';
import { answerQuestions, confirmInbound, dismissInbound, recordInbound, settleRepliesByResponse, type Recorded } from './inbox';
import { dueCountedFrom, endOfNextWeekday, isoInstant, requireDurationMs, toIsoString, workingDays } from './time';
import type {
  Contact,
  Demonstration,
  EngagementInput,
  EngagementOutcome,
  FollowUpRound,
  MessageDetails,
  MessageKind,
  Question,
  Refusal,
  ReminderSent,
  WorkingCalendar,
} from './types';
import { campaignTimeZone, FINAL_STAGES, leadCalendar } from './types';
import { engagementWorkflowId } from './workflow-ids';

/** Who the timeline names for what the workflow did by itself. */
export const ENGINE = 'dossier';

/** A step a timer of the workflow waits for: a reminder, final notice, closure or demonstration reminder. */
/**
 * What an engagement of revision 3 lists as search attributes, each as text (dates in ISO form) or null
 * when absent; `replyWaiting` only where the case lists it (see `boardListing`).
 */
export type BoardListing = Record<'stage' | 'deadline' | 'lastContact' | 'nextAction' | 'nextActionAt', string | null> & { replyWaiting?: true | null };

export interface UpcomingStep {
  at: number;
  kind: ReminderKind | 'expire' | 'demonstration-reminder';
}

/** Timeline entries whose detail starts with the open letter's step (`letter`, `letter-2`, …). */
const LETTER_ENTRIES = ['open-letter sent', 'open-letter not delivered', 'open-letter delayed', 'letter undeliverable'];

/** Milliseconds of a date the validators already accepted. */
const instant = (text: string): number => isoInstant(text) ?? Number.NaN;

export class EngagementCase {
  /** Plain data (what the `status` query returns), so it could seed a continue-as-new. */
  readonly state: EngagementStatus;
  private endedAt: string | undefined;
  /**
   * The open letter has reached the vendor, and no bounce or refusal has undone that since. A run
   * continued as new starts past the letter, so it takes the stage's word.
   */
  private letterReached: boolean;
  /**
   * The board lists a letter's copy not filed yet as the next step (patch `letter-copy-on-board`).
   * Not in `state`: a run neither ends nor continues as new before the copy is filed.
   */
  private copyOnBoard = false;
  /** The due date the letter being sent stated, when its send counted it (revision 7): see letterSentAt. */
  private statedDueDate: string | undefined;
  /** A demonstration's result due date by its schedule (`at|durationMinutes`): see demonstrationResultDue. */
  private readonly weekdayResultDue = new Map<string, string>();

  /** `resumed`: the state a previous run handed over when it continued as new. */
  constructor(
    private readonly input: EngagementInput,
    now: number,
    resumed?: EngagementStatus,
  ) {
    const { campaign, vendor, policy } = input;
    this.state = resumed ?? {
      workflowId: engagementWorkflowId(campaign.id, vendor.id),
      campaignId: campaign.id,
      vendorId: vendor.id,
      vendorName: vendor.name,
      stage: 'sending-letter',
      // In working days, the date comes from the calendar (an activity) before the letter goes out.
      responseDueDate: workingDays(policy.responseDue) === undefined ? toIsoString(now + requireDurationMs(policy.responseDue)) : undefined,
      timeline: [],
      openQuestions: [],
      questions: [],
      rounds: [],
      demonstrations: [],
      remindersSent: [],
      deliveryFailures: [],
      inbox: [],
      contacts: vendor.contacts,
    };
    this.letterReached = resumed !== undefined && !this.letterNotOut();
  }

  // ── Reading the case ───────────────────────────────────────────────────────────────────────────

  /** The lead authority's calendar, on which working days are counted; undefined when it names none. */
  workingCalendar(): WorkingCalendar | undefined {
    return leadCalendar(this.input.campaign.authorities);
  }

  /** The response due date, counted on the calendar by the workflow's activity. */
  responseDueOnCalendar(dueDate: string): void {
    this.state.responseDueDate = dueDate;
  }

  /** The vendor as mail reaches it now: its addresses as the officer last corrected them. */
  vendor(): EngagementInput['vendor'] {
    return { ...this.input.vendor, contacts: this.contacts() };
  }

  contacts(): Contact[] {
    return this.state.contacts ?? this.input.vendor.contacts;
  }

  isFinal(): boolean {
    return FINAL_STAGES.includes(this.state.stage);
  }

  get rounds(): FollowUpRound[] {
    return this.state.rounds ?? [];
  }

  /** Whatever the vendor owes next (response, answers), or the result of a demonstration still to record. */
  nextDeadline(): string | undefined {
    const { state } = this;
    if (this.isFinal()) return undefined;
    // A letter refused for good has not gone out: nothing is owed until it has.
    if (state.stage === 'letter-undeliverable') return undefined;
    // The response is due a while after the letter's delivery: until the letter is out, its date is
    // only provisional (and the engagement's starter can list it without one). Cases started before
    // revision 3 listed it, and upserted it again when the calendar answered: they still do, or
    // their recorded histories would no longer replay.
    if (state.stage === 'sending-letter' && (this.input.revision ?? 0) >= 3) return undefined;
    if (state.stage === 'sending-letter' || state.stage === 'awaiting-response' || state.stage === 'reply-received') return state.responseDueDate;
    const open = new Set(rules.openQuestions(state.questions).map((q) => q.round));
    const dates = [
      ...this.rounds.filter((r) => open.has(r.round)).map((r) => r.dueDate),
      ...state.demonstrations.filter((d) => d.result === undefined).map((d) => this.demonstrationResultDue(d)),
    ];
    return dates.sort((a, b) => instant(a) - instant(b))[0];
  }

  /**
   * When the officer's record of a demonstration's result becomes overdue. Nothing is owed while the
   * meeting is held, and an officer writes the result up after it: from revision 4, the end of the
   * working day after the one on which the meeting ends, in the campaign's zone (a Friday afternoon
   * meeting is due by Monday evening), so the board, the search and the digest show it overdue only
   * once a day's work has gone by. Weekends are skipped at once; from revision 5 the calendar
   * activity's answer (`resultDue`), which also skips the lead authority's public holidays, replaces
   * that date when it comes. Cases started before revision 4 listed the meeting's start, and their
   * histories replay only if they still do.
   */
  demonstrationResultDue(demonstration: Demonstration): string {
    if ((this.input.revision ?? 0) < 4) return demonstration.at;
    if (demonstration.resultDue !== undefined) return demonstration.resultDue;
    // Asked at every condition check that compares the board's listing: read the zone's calendar once per schedule.
    const key = `${demonstration.at}|${demonstration.durationMinutes}`;
    let due = this.weekdayResultDue.get(key);
    if (due === undefined) {
      const end = instant(demonstration.at) + demonstration.durationMinutes * 60_000;
      this.weekdayResultDue.set(key, (due = toIsoString(endOfNextWeekday(end, campaignTimeZone(this.input.campaign)))));
    }
    return due;
  }

  status(): EngagementStatus {
    return { ...this.state, openQuestions: rules.openQuestions(this.state.questions), nextDeadline: this.nextDeadline(), ...(this.endedAt ? { endedAt: this.endedAt } : {}) };
  }

  outcome(now: number): EngagementOutcome {
    const { state, input } = this;
    const answered = state.questions.filter((q) => q.answer !== undefined).length;
    return {
      vendorId: input.vendor.id,
      vendorName: input.vendor.name,
      stage: state.stage as EngagementOutcome['stage'],
      ...(state.response ? { respondedAt: state.response.receivedAt } : {}),
      findings: state.findings,
      demonstrations: state.demonstrations.map(({ id, at, result }) => ({ id, at, result })),
      remindersSent: state.remindersSent,
      withdrawalReason: state.withdrawalReason,
      endedAt: this.endedAt ?? toIsoString(now),
      ...(state.questions.length ? { questionsAsked: state.questions.length, questionsAnswered: answered } : {}),
      ...(state.contacts ? { contacts: state.contacts } : {}),
      // The campaign mails its statement only to vendors the letter reached.
      ...(this.letterReached ? {} : { letterUndelivered: true as const }),
    };
  }

  /** Changes whenever the search attributes (stage, next deadline) must be published again. */
  attributesKey(): string {
    return `${this.state.stage}|${this.nextDeadline() ?? ''}`;
  }

  log(by: string, what: string, now: number, detail?: string): void {
    this.state.timeline.push({ at: toIsoString(now), by: by.trim(), what, ...(detail ? { detail } : {}) });
  }

  // ── The response ───────────────────────────────────────────────────────────────────────────────

  /**
   * `now`: when it went out, which no response can predate (absent in tests of the stage alone).
   * `keepsLaterStage`: a reply or a response recorded while the letter was still going out keeps its
   * stage (cases before the `letter-keeps-later-stage` patch were put back to awaiting the response).
   */
  letterSent(now?: number, keepsLaterStage = false): void {
    // Even once the case has ended: a letter withdrawn while it went out still reached the vendor.
    this.letterReached = true;
    if (now !== undefined) this.state.letterSentAt = toIsoString(now);
    if (this.isFinal() || (keepsLaterStage && this.movedWhileLetterWentOut())) return;
    this.state.stage = 'awaiting-response';
  }

  /** A reply to review or a response arrived before the letter's delivery was known (one dismissed meanwhile left nothing to keep). */
  movedWhileLetterWentOut(): boolean {
    return !this.isFinal() && !this.letterNotOut() && this.state.stage !== 'awaiting-response';
  }

  /**
   * Whether the letter's send counts the due date it states from the attempt that delivers it
   * (`MessageDetails.dueAfter`), for the case to keep that very date: from revision 7, for a plain
   * duration (working days are counted on the calendar before sending). Cases started before
   * counted it here from the delivery, later than the provisional date their letter stated.
   */
  countsDueFromDelivery(): boolean {
    return (this.input.revision ?? 0) >= 7 && workingDays(this.input.policy.responseDue) === undefined;
  }

  /** The due date the delivered letter stated, as its send reported it; kept by letterSentAt. */
  letterStated(dueDate: string): void {
    this.statedDueDate = dueDate;
  }

  /**
   * The letter has gone out now: the response is due `responseDue` from now, not from the start
   * (a relay down for a day must not eat the vendor's time): the date the letter stated when its
   * send counted it so (revision 7), else counted here. Never earlier than the provisional date,
   * computed at the start.
   */
  letterSentAt(now: number, keepsLaterStage = false): void {
    const stated = this.statedDueDate;
    this.statedDueDate = undefined;
    // Working days were counted on the calendar just before sending; the day does not move.
    if (workingDays(this.input.policy.responseDue) !== undefined) return this.letterSent(now, keepsLaterStage);
    const provisional = instant(this.state.responseDueDate!);
    const due = instant(stated ?? dueCountedFrom(now, this.input.policy.responseDue));
    if (due > provisional) {
      this.state.responseDueDate = toIsoString(due);
      // Seconds of sending are not news; a letter held up for a minute or more is.
      if (due - provisional >= 60_000) this.log(ENGINE, 'response deadline set from the letter\'s delivery', now, `to ${this.state.responseDueDate}`);
    }
    this.letterSent(now, keepsLaterStage);
  }

  /** The letter has not reached the vendor yet: being sent, or waiting for a corrected address. */
  letterNotOut(): boolean {
    return this.state.stage === 'sending-letter' || this.state.stage === 'letter-undeliverable';
  }

  /**
   * A bounce (recorded by the intake) of the latest open letter from every address the vendor has,
   * while the response is owed: the letter has not reached the vendor after all.
   */
  bouncedFromEveryContact(input: RecordInboundInput, letterStep: string, asSent = true): boolean {
    if (this.state.stage !== 'awaiting-response' || input.kind !== 'bounce' || input.answersStep !== letterStep) return false;
    const bounced = new Set((input.bounce?.recipients ?? []).map(address));
    return this.letterRecipients(letterStep, asSent).every((a) => bounced.has(address(a)));
  }

  /**
   * Whom the open letter `step` went to. `asSent` false: the contacts now, as histories recorded before
   * the `bounces-to-letter-recipients` patch compared them (the same unless an officer changed them).
   */
  letterRecipients(step: string, asSent = true): string[] {
    const sent = this.state.letterSentTo;
    return asSent && sent?.step === step ? sent.addresses : this.contacts().map((c) => c.email);
  }

  /** The contacts changed since the open letter `step` went: its bounces are counted against whom it went to. */
  contactsChangedSince(step: string): boolean {
    const now = this.letterRecipients(step, false).map(address).sort().join(',');
    return this.letterRecipients(step).map(address).sort().join(',') !== now;
  }

  /** The open letter `step` is going to these addresses (the workflow's send). */
  letterGoingTo(step: string, addresses: string[]): void {
    this.state.letterSentTo = { step, addresses };
  }

  /**
   * The same, counting every bounce of that letter recorded so far and the addresses the relay
   * refused when it went out: one report per recipient (relays often send them apart, hours apart)
   * adds up to a letter that reached nobody. Call after `recordInbound`, which keeps this bounce.
   */
  bouncesAddUp(input: RecordInboundInput, letterStep: string, asSent = true): boolean {
    if (this.state.stage !== 'awaiting-response' || input.kind !== 'bounce' || input.answersStep !== letterStep) return false;
    return this.bouncedFromEveryAddress(letterStep, asSent);
  }

  /**
   * The letter has just been found delivered, yet the bounces of it recorded meanwhile cover every
   * address it reached: a report read while the send was still finishing (the intake can read the
   * vendor's server's report before the worker records the send) still counts.
   */
  bouncedBeforeDelivery(letterStep: string, asSent = true): boolean {
    return this.state.stage === 'awaiting-response' && this.bouncedFromEveryAddress(letterStep, asSent);
  }

  private bouncedFromEveryAddress(letterStep: string, asSent: boolean): boolean {
    const bounced = new Set(
      (this.state.inbox ?? []).filter((m) => m.kind === 'bounce' && m.answersStep === letterStep).flatMap((m) => (m.bounceRecipients ?? []).map(address)),
    );
    const partly = this.state.letterReachedOnly;
    const reached = partly?.step === letterStep ? partly.addresses : this.letterRecipients(letterStep, asSent);
    return reached.every((a) => bounced.has(address(a)));
  }

  /**
   * How many open letters this case has sent (`letter` is the first, `letter-2` the second, …), as
   * its timeline records their steps: for a run continued as new by code that did not carry the count.
   */
  lettersRecorded(): number {
    let count = 0;
    for (const t of this.state.timeline) {
      if (t.by !== ENGINE || !LETTER_ENTRIES.includes(t.what)) continue;
      const step = /^letter(?:-(\d+))?(?=$|[ :])/.exec(t.detail ?? '');
      if (step) count = Math.max(count, step[1] ? Number(step[1]) : 1);
    }
    return count;
  }

  /** The relay took the letter for some addresses only: a later bounce need cover just those. */
  letterReachedOnly(step: string, addresses: string[]): void {
    this.state.letterReachedOnly = { step, addresses };
  }

  /** Every address refused the letter for good: the case waits for the officer, with no deadline. */
  letterUndeliverable(step: string, now: number): void {
    if (this.isFinal()) return;
    this.letterReached = false;
    this.state.stage = 'letter-undeliverable';
    this.log(ENGINE, 'letter undeliverable', now, `${step}: waiting for a corrected address or a withdrawal`);
  }

  /** The officer's corrected addresses: the letter goes again to them, and every later message. */
  correctContacts(req: CorrectContactsInput, now: number): EngagementStatus {
    this.keepFormer(this.contacts(), req.contacts);
    const before = this.contacts().map((c) => c.email).join(', ');
    this.state.contacts = req.contacts.map((c) => ({ name: c.name.trim(), email: c.email.trim() }));
    this.state.stage = 'sending-letter';
    this.log(req.by, 'contact address corrected', now, `${before} → ${this.state.contacts.map((c) => c.email).join(', ')}: ${req.reason.trim()}`);
    return this.status();
  }

  /**
   * The officer's change of the vendor's addresses on an open case: every later message goes to them
   * (`contacts()`), the letter is not sent again. The timeline keeps who changed what and why.
   */
  changeContacts(req: ChangeContactsInput, now: number): EngagementStatus {
    const before = this.contacts();
    const given = req.contacts.map((c) => ({ name: c.name.trim(), email: c.email.trim() }));
    if (req.mode !== 'add') this.keepFormer(before, given);
    this.state.contacts = req.mode === 'add' ? [...before, ...given] : given;
    const emails = (contacts: Contact[]) => contacts.map((c) => c.email).join(', ');
    const adding = req.mode === 'add';
    const detail = adding ? `${emails(given)}: ${req.reason.trim()}` : `${emails(before)} → ${emails(given)}: ${req.reason.trim()}`;
    this.log(req.by, adding ? 'contact added' : 'contacts replaced', now, detail);
    return this.status();
  }

  /** Addresses changed away stay known: mail already sent there can still bounce (see checkRecordInbound). */
  private keepFormer(before: Contact[], after: Contact[]): void {
    const staying = new Set(after.map((c) => address(c.email)));
    const former = new Set((this.state.formerContacts ?? []).map(address));
    const gone = before.map((c) => c.email.trim()).filter((e) => !staying.has(address(e)) && !former.has(address(e)));
    if (gone.length) this.state.formerContacts = [...(this.state.formerContacts ?? []), ...gone];
  }

  /**
   * The letter goes again after a correction: the response is due `responseDue` from now (the
   * letter states it). Working days come from the calendar instead (`responseDueOnCalendar`).
   */
  letterResending(now: number): void {
    if (workingDays(this.input.policy.responseDue) === undefined) this.state.responseDueDate = toIsoString(now + requireDurationMs(this.input.policy.responseDue));
  }

  /** A message is still not delivered after the alert delay; sending goes on. */
  deliveryDelayed(step: string, kind: MessageKind, after: string, now: number): void {
    this.log(ENGINE, `${kind} delayed`, now, `${step}: not delivered after ${after}; still retrying`);
  }

  recordResponse({ by, receivedAt, summary, attachments, documents }: RecordResponseInput, now: number): EngagementStatus {
    this.state.response = { receivedAt, summary: summary.trim(), attachments, ...(documents?.length ? { documents } : {}) };
    this.state.stage = 'responded';
    settleRepliesByResponse(this.state, by);
    this.log(by, 'response recorded', now, `received ${receivedAt}`);
    return this.status();
  }

  /** Reminders, the final notice and the close-after period all went by without a response. */
  closeAsNoResponse(now: number): void {
    this.state.stage = 'closed-no-response';
    this.endedAt = toIsoString(now);
    this.log(ENGINE, 'closed: no response', now, `due ${this.state.responseDueDate}`);
  }

  /** `req.dueDate` is set: an extension by a duration is dated by the workflow first. */
  extendDeadline(req: ExtendDeadlineInput, now: number): EngagementStatus {
    const dueDate = toIsoString(instant(req.dueDate!));
    const round = rules.extensionTarget(this.state, req);
    if (round) {
      round.dueDate = dueDate;
      round.remindersExhausted = false;
      for (const q of this.state.questions) if (q.round === round.round && q.answer === undefined) q.dueDate = dueDate;
    } else {
      this.state.responseDueDate = dueDate;
    }
    this.log(req.by, round ? `follow-up round ${round.round} extended` : 'response deadline extended', now, `to ${dueDate}: ${req.reason}`);
    return this.status();
  }

  /** How many deadlines were extended so far: numbers the vendor's confirmations. */
  extensionCount(): number {
    return this.state.timeline.filter((t) => t.what === 'response deadline extended' || /^follow-up round \d+ extended$/.test(t.what)).length;
  }

  // ── Follow-up rounds ───────────────────────────────────────────────────────────────────────────

  askFollowUp(req: AskFollowUpInput, now: number): { round: FollowUpRound; asked: Question[] } {
    const { state } = this;
    const round: FollowUpRound = {
      round: this.rounds.length + 1,
      askedAt: toIsoString(now),
      dueDate: toIsoString(req.dueDate ? instant(req.dueDate) : now + requireDurationMs(this.input.policy.followUpDue)),
      remindersExhausted: false,
    };
    const asked = req.questions.map((text, i) => ({
      id: `q${state.questions.length + i + 1}`,
      round: round.round,
      text: text.trim(),
      dueDate: round.dueDate,
    }));
    state.questions.push(...asked);
    this.rounds.push(round);
    state.stage = 'follow-up';
    this.log(req.by, `follow-up round ${round.round} asked`, now, asked.map((q) => q.id).join(', '));
    return { round, asked };
  }

  /** The round's questions as the vendor reads them: all of them, or those still unanswered. */
  questionsOf(round: FollowUpRound, which: 'all' | 'unanswered'): Pick<Question, 'id' | 'text'>[] {
    return this.state.questions
      .filter((q) => q.round === round.round && (which === 'all' || q.answer === undefined))
      .map(({ id, text }) => ({ id, text }));
  }

  /** Nothing more is owed on this round: every question answered, or the case is over. */
  isRoundSettled(round: FollowUpRound): boolean {
    return this.isFinal() || this.questionsOf(round, 'unanswered').length === 0;
  }

  recordAnswers(req: RecordAnswersInput, now: number): EngagementStatus {
    answerQuestions(this.state.questions, req.answers, toIsoString(now));
    this.log(req.by, 'answers recorded', now, req.answers.map((a) => a.questionId).join(', '));
    return this.status();
  }

  /**
   * What the vendor is told once answers are recorded, by the officer (`recordAnswers`) or from its
   * reply confirmed as answers: the questions answered, when they arrived (the reply's arrival, else
   * the recording), and every question still open with its due date. One message per recording,
   * numbered by the recordings so far (`answers-acknowledgement-2` for the second); nothing for a
   * reply confirmed as the response, which the response's acknowledgement covers. Call after the
   * recording. From revision 8: every case that asks follow-up questions records answers, so a
   * patch marker here would cost most cases an event and a visibility write; cases started before
   * told the vendor nothing, and replay so.
   */
  answersAcknowledgement(req: RecordAnswersInput | ConfirmInboundInput, now: number): { step: string; details: MessageDetails } | undefined {
    const { state } = this;
    if ((this.input.revision ?? 0) < 8) return undefined;
    if ('as' in req && req.as !== 'answers') return undefined;
    const ids = new Set((req.answers ?? []).map((a) => a.questionId));
    const reply = 'messageId' in req ? state.inbox?.find((m) => m.messageId === req.messageId) : undefined;
    const recordings = state.timeline.filter((t) => t.what === 'answers recorded' || t.what === 'reply confirmed as answers').length;
    return {
      step: `answers-acknowledgement-${recordings}`,
      details: {
        receivedAt: reply?.receivedAt ?? toIsoString(now),
        // A question still open past its due date is "was due by" in the message.
        issuedAt: toIsoString(now),
        answered: state.questions.filter((q) => ids.has(q.id)).map(({ id, text }) => ({ id, text })),
        stillOpen: rules.openQuestions(state.questions).map(({ id, dueDate }) => ({ id, dueDate })),
      },
    };
  }

  // ── Mail from the case mailbox (inbox.ts holds the transitions) ──────────────────────────────

  /** While a reply to the letter waits for review, the response reminders wait too. */
  awaitingReview(): boolean {
    return this.state.stage === 'reply-received';
  }

  /**
   * A reply recorded since the round's questions were asked waits for review: it may hold the
   * vendor's answers, so reminding the vendor of them meanwhile would tell it its answers never came.
   */
  answersUnderReview(round: FollowUpRound): boolean {
    return (this.state.inbox ?? []).some((m) => m.kind === 'reply' && m.review === 'to-review' && !rules.predates(m.receivedAt, round.askedAt));
  }

  recordInbound(input: RecordInboundInput, now: number): Recorded {
    return recordInbound(this.state, input, toIsoString(now), this.logAt(now));
  }

  confirmInbound(input: ConfirmInboundInput, now: number): EngagementStatus {
    confirmInbound(this.state, input, toIsoString(now), this.logAt(now));
    return this.status();
  }

  dismissInbound(input: DismissInboundInput, now: number): EngagementStatus {
    dismissInbound(this.state, input, this.logAt(now));
    return this.status();
  }

  private logAt(now: number) {
    return (by: string, what: string, detail?: string) => this.log(by, what, now, detail);
  }

  // ── Demonstrations ─────────────────────────────────────────────────────────────────────────────

  scheduleDemonstration(req: ScheduleDemonstrationInput, now: number): Demonstration {
    const demonstration: Demonstration = {
      id: `d${this.state.demonstrations.length + 1}`,
      at: toIsoString(instant(req.at)),
      durationMinutes: req.durationMinutes,
      attendees: req.attendees,
      topics: req.topics.map((t) => t.trim()),
      rescheduled: 0,
      ...meetingPlace(req),
    };
    this.state.demonstrations.push(demonstration);
    this.state.stage = 'demonstration';
    this.log(req.by, `demonstration ${demonstration.id} scheduled`, now, demonstration.at);
    return demonstration;
  }

  /**
   * Whether the invitees are told a demonstration is off: the engagement was withdrawn before the
   * meeting ended and its result was recorded. From revision 6; cases started before sent nothing.
   */
  cancelsDemonstration(demonstration: Demonstration, now: number): boolean {
    if ((this.input.revision ?? 0) < 6 || this.state.stage !== 'withdrawn' || demonstration.result !== undefined) return false;
    return instant(demonstration.at) + demonstration.durationMinutes * 60_000 > now;
  }

  /**
   * Whether a cancelled engagement (a campaign ended early, an operator's cancel) tells the invitees
   * of its demonstrations still to come, as a withdrawal does: from revision 7. Cases started before
   * sent nothing then, and replay as they ran.
   */
  cancelsDemonstrationsOnCancellation(): boolean {
    return (this.input.revision ?? 0) >= 7;
  }

  rescheduleDemonstration(req: RescheduleDemonstrationInput, now: number): Demonstration {
    const demonstration = this.demonstration(req.demonstrationId);
    demonstration.previousAt = demonstration.at;
    demonstration.rescheduleReason = req.reason.trim();
    demonstration.at = toIsoString(instant(req.at));
    demonstration.rescheduled++;
    // The calendar is asked again for the new day.
    delete demonstration.resultDue;
    Object.assign(demonstration, meetingPlace(req));
    // Only a request that says null removes: histories before it never carry one.
    if (req.location === null) delete demonstration.location;
    if (req.meetingUrl === null) delete demonstration.meetingUrl;
    this.log(req.by, `demonstration ${demonstration.id} rescheduled`, now, `to ${demonstration.at}: ${req.reason}`);
    return demonstration;
  }

  /**
   * Whether the calendar should be asked when a demonstration's result is due: from revision 5, for
   * a campaign whose lead authority has a working calendar.
   */
  asksCalendarForResultDue(): boolean {
    return (this.input.revision ?? 0) >= 5 && this.workingCalendar() !== undefined;
  }

  /** The calendar's answer for a schedule; dropped when the meeting has moved since it was asked. */
  demonstrationResultDueFromCalendar(demonstration: Demonstration, version: number, due: string): void {
    if (demonstration.rescheduled !== version || demonstration.result !== undefined) return;
    demonstration.resultDue = due;
  }

  recordDemonstrationOutcome(req: RecordDemonstrationOutcomeInput, now: number): Demonstration {
    const demonstration = this.demonstration(req.demonstrationId);
    demonstration.result = req.result;
    demonstration.notes = req.notes.trim();
    this.log(req.by, `demonstration ${demonstration.id} ${req.result}`, now, demonstration.notes);
    return demonstration;
  }

  /** Vendor contacts first, then attendees not already among them. */
  demonstrationRecipients(demonstration: Demonstration): Contact[] {
    const contacts = this.contacts();
    const known = new Set(contacts.map((c) => c.email.toLowerCase()));
    return [...contacts, ...demonstration.attendees.filter((a) => !known.has(a.email.toLowerCase()))];
  }

  /**
   * What the invitation and its reminder carry; `rescheduled` numbers the calendar event (SEQUENCE).
   * `withChange`: the time a reschedule replaced and why (invitations sent before they had it, without).
   */
  demonstrationDetails(
    { id, at, durationMinutes, topics, attendees, rescheduled, location, meetingUrl, previousAt, rescheduleReason }: Demonstration,
    withChange = false,
  ) {
    const change = withChange && previousAt !== undefined ? { previousAt, rescheduleReason } : {};
    return {
      demonstration: { id, at, durationMinutes, topics, attendees, rescheduled, ...(location ? { location } : {}), ...(meetingUrl ? { meetingUrl } : {}), ...change },
    };
  }

  /** When the demonstration's reminder is due: the policy's lead before the meeting. */
  demonstrationReminderAt(demonstration: Demonstration): number {
    return instant(demonstration.at) - requireDurationMs(this.input.policy.demonstrationReminderLead);
  }

  private demonstration(id: string): Demonstration {
    return this.state.demonstrations.find((d) => d.id === id)!;
  }

  // ── Ending ─────────────────────────────────────────────────────────────────────────────────────

  conclude(req: ConcludeInput, now: number): EngagementOutcome {
    this.state.findings = req.findings;
    this.state.stage = 'concluded';
    this.endedAt = toIsoString(now);
    this.log(req.by, 'concluded', now);
    return this.outcome(now);
  }

  withdraw({ by, reason }: WithdrawInput, now: number): EngagementStatus {
    this.state.withdrawalReason = reason.trim();
    this.state.stage = 'withdrawn';
    this.endedAt = toIsoString(now);
    this.log(by, 'withdrawn', now, this.state.withdrawalReason);
    return this.status();
  }

  /**
   * The campaign withdraws a vendor by signal (workflows cannot send updates): the update's rules
   * apply, and a signal that fails them (the engagement already ended) changes nothing.
   */
  withdrawBySignal(req: WithdrawInput, now: number): void {
    try {
      rules.checkWithdraw(this.state, req);
    } catch {
      return;
    }
    this.withdraw(req, now);
  }

  // ── Correspondence and reminders ───────────────────────────────────────────────────────────────

  delivered(step: string, kind: MessageKind, resentAfterCrash: boolean | undefined, now: number, ledgerError?: string): void {
    let note = resentAfterCrash ? `${step} (resent after a worker crash: the vendor may hold two identical copies)` : step;
    if (ledgerError) note += ` (sent once; ${ledgerError})`;
    this.log(ENGINE, `${kind} sent`, now, note);
  }

  /**
   * The open letter went out but its copy is not in the publication folder yet: the status says so
   * until it is, and the board too when `onBoard` (cases recorded before listed nothing of it).
   */
  letterCopyNotFiled(step: string, error: string, now: number, onBoard = false): void {
    this.state.letterCopyNotFiled = { step, since: toIsoString(now), error };
    if (onBoard) this.copyOnBoard = true;
  }

  /** Whether the board lists a letter's copy still to file as the next step. */
  listsCopyToFile(): boolean {
    return this.copyOnBoard && this.state.letterCopyNotFiled !== undefined;
  }

  /**
   * The engagement was cancelled before it filed the copy: its filing was cancelled with it, so the
   * board stops listing it (the campaign's next look writes it); the status still says it is not filed.
   */
  letterCopyLeftToCampaign(): void {
    this.copyOnBoard = false;
  }

  /** The engagement filed the copy of the letter sent as `step` (a later letter's may still be missing). */
  letterCopyFiled(step: string): void {
    if (this.state.letterCopyNotFiled?.step === step) delete this.state.letterCopyNotFiled;
  }

  /** When the vendor was last written to (a message sent) or heard from (response, answers). */
  lastContact(): string | undefined {
    const sent = this.state.timeline.filter((t) => t.by === ENGINE && t.what.endsWith(' sent') && !t.what.startsWith('officer-notice'));
    const times = [...sent.map((t) => t.at), this.state.response?.receivedAt, ...this.state.questions.map((q) => q.answeredAt)];
    return times.filter((t): t is string => t !== undefined).sort().at(-1);
  }

  /**
   * What the campaign board shows of this case without querying it: last contact and, of the steps
   * the workflow's timers wait for (`upcoming`, by what each is about), the earliest; before them a
   * letter's copy still to file, which the engagement keeps filing even once the case has ended
   * (unless it was cancelled).
   */
  boardMemo(upcoming: ReadonlyMap<string, UpcomingStep>): EngagementBoardMemo {
    const lastContact = this.lastContact();
    const copy = this.state.letterCopyNotFiled;
    if (copy && this.copyOnBoard) return { lastContact, nextAction: { kind: 'file-copy', about: copy.step, number: 1, at: copy.since } };
    const [about, step] = [...upcoming].sort((a, b) => a[1].at - b[1].at)[0] ?? [];
    if (about === undefined || step === undefined || this.isFinal()) return { lastContact };
    const kind = step.kind === 'expire' ? 'close-no-response' : step.kind;
    const number = this.nextReminderNumber(about, kind === 'final-notice' ? 'final-notice' : 'reminder');
    return { lastContact, nextAction: { kind, about, number, at: toIsoString(step.at) } };
  }

  /**
   * The board's data as search attributes list them (revision 3): the stage and deadline with the
   * memo's fields; with `listsReplyWaiting` (revision 9, or an older case since a reply reached it),
   * whether a reply waits for review too, which moves no other field when it comes in a round.
   */
  boardListing(upcoming: ReadonlyMap<string, UpcomingStep>, listsReplyWaiting = false): BoardListing {
    const memo = this.boardMemo(upcoming);
    return {
      stage: this.state.stage,
      deadline: this.nextDeadline() ?? null,
      lastContact: memo.lastContact ?? null,
      nextAction: memo.nextAction ? nextActionKeyword(memo.nextAction) : null,
      nextActionAt: memo.nextAction?.at ?? null,
      ...(listsReplyWaiting ? { replyWaiting: this.replyWaiting() || null } : {}),
    };
  }

  /** A reply recorded from the case mailbox waits for an officer to take or dismiss it; an ended case takes none. */
  replyWaiting(): boolean {
    return !this.isFinal() && (this.state.inbox ?? []).some((m) => m.review === 'to-review');
  }

  notDelivered(step: string, kind: MessageKind, reason: string, now: number, refusal?: Refusal): void {
    this.state.deliveryFailures.push({ at: toIsoString(now), step, reason, ...(refusal ? { refusal } : {}) });
    this.log(ENGINE, `${kind} not delivered`, now, `${step}: ${reason}`);
  }

  /** The number the next reminder of this kind about this deadline carries (1 for the first). */
  nextReminderNumber(about: string, kind: ReminderKind): number {
    return this.state.remindersSent.filter((r) => r.about === about && r.kind === kind).length + 1;
  }

  /**
   * How many messages of this kind whose steps `step` matches reached the mail server (logged as
   * sent): a final notice says "despite our reminders" only after reminders the vendor could read.
   */
  sentCount(kind: MessageKind, step: RegExp): number {
    return this.state.timeline.filter((t) => t.by === ENGINE && t.what === `${kind} sent` && t.detail !== undefined && step.test(t.detail)).length;
  }

  reminderSent(about: string, kind: ReminderKind, number: number, now: number): void {
    const sent: ReminderSent = { at: toIsoString(now), about, kind, number };
    this.state.remindersSent.push(sent);
  }
}

/** The place and link a schedule or reschedule gives, trimmed; nothing for what it leaves out. */
function meetingPlace(req: { location?: string | null; meetingUrl?: string | null }): Pick<Demonstration, 'location' | 'meetingUrl'> {
  return {
    ...(req.location?.trim() ? { location: req.location.trim() } : {}),
    ...(req.meetingUrl?.trim() ? { meetingUrl: req.meetingUrl.trim() } : {}),
  };
}

/** An address as a bounce report and a contact list compare it. */
function address(email: string): string {
  return email.trim().toLowerCase();
}
