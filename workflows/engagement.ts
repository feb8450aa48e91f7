// One vendor engagement, from the open letter to its conclusion: letter, response (or reminders,
// final notice and closure), follow-up rounds, demonstrations, findings. Deterministic: every wait
// is a timer or condition, every side effect an activity, every duration from the input's policy.
// What an officer may ask and when lives in engagement-rules.ts; the reminder loop in reminders.ts.
// After the response the stage follows the officer's latest step (follow-up or demonstration); a new
// follow-up round opens once the previous one is answered or its final notice went out, and an
// unanswered round never closes the case: the officer decides what happens next.
import {
  proxyActivities,
  allHandlersFinished,
  ApplicationFailure,
  continueAsNew,
  workflowInfo,
  getExternalWorkflowHandle,
  log,
  CancellationScope,
  condition,
  isCancellation,
  patched,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { Activities } from '../activities';
import { emailGivingUpAfter, isScheduleToCloseTimeout, letterCopies, sendOrExplain, type Delivery } from './delivery';
import * as rules from './engagement-rules';
import { HISTORY_EVENTS_PER_RUN } from './engagement-rules';
import {
  askFollowUpUpdate,
  concludeUpdate,
  correctContactsUpdate,
  changeContactsUpdate,
  vendorContactsChangedSignal,
  engagementStatusQuery,
  extendDeadlineUpdate,
  recordAnswersUpdate,
  recordDemonstrationOutcomeUpdate,
  recordResponseUpdate,
  rescheduleDemonstrationUpdate,
  scheduleDemonstrationUpdate,
  withdrawUpdate,
  withdrawSignal,
  confirmInboundUpdate,
  dismissInboundUpdate,
  recordInboundUpdate,
  type AskFollowUpInput,
  type ConfirmInboundInput,
  type CorrectContactsInput,
  type ChangeContactsInput,
  type EngagementContinuation,
  type EngagementStatus,
  type ExtendDeadlineInput,
  type RecordAnswersInput,
  type RecordInboundInput,
  type ScheduleDemonstrationInput,
  type DeadlineExtended,
  type EngagementUpdated,
} from './messages';
import { remindUntil, type ReminderKind } from './reminders';
import { refusal, refusalDetails } from './refusals';
import { DossierCampaign, DossierLastContact, DossierNextAction, DossierNextActionAt, DossierNextDeadline, DossierReplyWaiting, DossierStage, DossierVendor } from './search-attributes';
import { calendarDayIn, calendarDays, endOfLocalDay, requireDurationMs, toIsoString, workingDays } from './time';
import type { CampaignRef, Contact, Demonstration, Duration, EngagementInput, EngagementOutcome, FollowUpRound, LetterCopyInput, MessageDetails, MessageKind, OfficerNotice, OutgoingMessage, Question } from './types';
import { officeLanguage } from './types';
import { EngagementCase, ENGINE, type BoardListing, type UpcomingStep } from './engagement-state';
import { BOARD_MEMO_KEY } from './messages';
import { checkConfirmInbound, checkDismissInbound, checkRecordInbound } from './inbox-rules';

/** A run continues as new past this history size: a fifth of the 50 MB at which Temporal terminates it. */
const HISTORY_BYTES_PER_RUN = 10 * 1024 * 1024;

/** Told to the case office when a message is still not delivered after this long (policy default). */
const DELIVERY_ALERT_AFTER = '1 hour';
/**
 * An open letter whose copy the publication folder could not take (the store out of reach) is known
 * to its engagement, which says so in its status and files the copy itself. Before, the worker alone
 * held it, in memory, and the campaign noticed it only at its next look at the ledger.
 */
const LETTER_COPY_FILED_BY_ENGAGEMENT = 'letter-copy-filed-by-engagement';
/**
 * The copy filed by the engagement names its letter's step: a letter sent again to a corrected
 * address replaces the earlier letter's copy, and the earlier one's retry, whenever it runs, leaves
 * it (before, the retry that ran first after a worker restart kept its copy, maybe the earlier letter's).
 */
const LETTER_COPY_LAST_SENT = 'letter-copy-last-sent';
/**
 * The campaign board lists such a copy as the engagement's next automatic step until it is filed
 * (before, only the status and the engagement's page said so). Asked only where a copy was refused,
 * so a letter whose copy files at once costs no marker and no visibility write.
 */
const LETTER_COPY_ON_BOARD = 'letter-copy-on-board';
/** An engagement older than revision 9 lists a reply waiting for review from the first it records with this code. */
const BOARD_REPLY_WAITING = 'board-reply-waiting';
/**
 * A cancelled engagement whose letter's copy was still to file no longer lists it as its next step
 * (before, its last listing said so for good, and a query for copies to file found it). Asked only there.
 */
const LETTER_COPY_OFF_BOARD_ONCE_CANCELLED = 'letter-copy-off-board-once-cancelled';
/** A vendor whose engagement is closed without a response is sent a closure notice (the office alone was told before). */
const CLOSURE_NOTICE = 'closure-notice-to-vendor';

// Working days are counted by an activity (the holiday tables stay out of this bundle); the
// history keeps each answer, so a replay reads the same dates.
const calendar = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 5, nonRetryableErrorTypes: ['CalendarError'] },
});

/**
 * `continued`: set only by the engagement itself when a long case continues as new (a fresh
 * history for the same workflow id); the case then resumes where the previous run left it.
 */
export async function engagement(input: EngagementInput, continued?: EngagementContinuation): Promise<EngagementOutcome> {
  // A bad input fails the start at once, naming the field, instead of every workflow task for ever.
  const invalid = rules.engagementInputProblem(input);
  if (invalid) throw ApplicationFailure.nonRetryable(invalid, 'InvalidEngagementInput');
  const { campaign, vendor, policy } = input;
  // Engagements started with this code take the lean path (the lifecycle bench's findings): this one
  // marker stands for every patch before it, since each patch costs a marker and a search-attribute
  // upsert; one publisher upserts the search attributes and the board memo; a message still not
  // delivered is noticed by its activity's schedule-to-close timeout instead of a timer per message.
  // `lean-lifecycle-2` stands the same way for `lean-lifecycle` and every patch after it: one marker
  // for a new case instead of one per patch (each is an event and a search-attribute upsert).
  // From revision 3 the input says which code the case was started for, and no marker is recorded.
  const revision3 = (input.revision ?? 0) >= 3;
  const lean2 = revision3 || patched('lean-lifecycle-2');
  const lean = lean2 || patched('lean-lifecycle');
  /** A change made before the lean path: always on for a lean engagement, else as the case recorded it. */
  const since = (patchId: string) => lean || patched(patchId);
  /** A change made after `lean-lifecycle`: always on since `lean-lifecycle-2`, else as the case recorded it. */
  const sinceLean = (patchId: string) => lean2 || patched(patchId);
  // The letter's body (up to megabytes) is needed by the open letter alone; every other message
  // leaves it out, or each activity input would carry it into the history again.
  const campaignWithoutLetter: CampaignRef = { ...campaign, letterBody: { en: [], fr: [] } };
  const alertAfter = policy.deliveryAlertAfter ?? DELIVERY_ALERT_AFTER;
  const eventsPerRun = policy.historyEventsPerRun ?? HISTORY_EVENTS_PER_RUN.default;
  const kase = new EngagementCase(input, Date.now(), continued?.state);
  const { state } = kase;
  /** Where each chore stands, handed to the next run if this one continues as new. */
  const progress: Omit<EngagementContinuation, 'run' | 'state'> = {
    reminders: { ...continued?.reminders },
    questionsSent: [...(continued?.questionsSent ?? [])],
    demonstrations: { ...continued?.demonstrations },
  };
  /** Messages and calendar look-ups under way: a run continues as new only when none is. */
  let inFlight = 0;
  const workingCalendar = kase.workingCalendar();
  /** Moments `durations` after `from` on the lead authority's calendar. */
  const onCalendar = async (from: number, durations: Duration[]): Promise<number[]> => {
    inFlight++;
    try {
      return (await calendar.workingDeadlines({ from: toIsoString(from), durations, calendar: workingCalendar })).map((d) => Date.parse(d));
    } finally {
      inFlight--;
    }
  };
  /** Letters and reminders show dates in the lead authority's zone when it names one. */
  const zone = workingCalendar ? { timeZone: workingCalendar.timeZone } : {};
  /** Follow-up rounds and demonstrations run beside the main flow; all end once the case is final. */
  const chores: Promise<void>[] = [];
  const isFinal = () => kase.isFinal();

  // ── Search attributes: stage and deadline, so engagements are listed without scanning ─────────

  let published: string | undefined;
  function publishSearchAttributes(): void {
    if (input.searchAttributes === false || kase.attributesKey() === published) return;
    const deadline = kase.nextDeadline();
    upsertSearchAttributes([
      // Campaign and vendor never change; a parent may already have set them at start.
      ...(published === undefined
        ? [
            { key: DossierCampaign, value: campaign.id },
            { key: DossierVendor, value: vendor.id },
          ]
        : []),
      { key: DossierStage, value: state.stage },
      { key: DossierNextDeadline, value: deadline ? new Date(deadline) : null },
    ]);
    published = kase.attributesKey();
  }

  // ── The board's memo: last contact and the next automatic step, listed through visibility ─────

  /** The step each timer waits for, by what it is about (`response`, `follow-up:2`, `demonstration:d1`). */
  const upcoming = new Map<string, UpcomingStep>();
  const planned = (about: string) => (step: UpcomingStep | undefined) => (step ? upcoming.set(about, step) : upcoming.delete(about));
  let memoPublished: string | undefined;
  const memoKey = () => JSON.stringify(kase.boardMemo(upcoming));
  function publishBoardMemo(): void {
    const memo = kase.boardMemo(upcoming);
    if (JSON.stringify(memo) === memoPublished) return;
    upsertMemo({ [BOARD_MEMO_KEY]: memo });
    memoPublished = JSON.stringify(memo);
  }

  // ── Revision 3: the board's data are search attributes too ────────────────────────────────────
  // A change of stage and of last contact in one activation is then one upsert, one visibility
  // write, where a search-attribute upsert and a memo upsert were two.

  /** What this run has listed, and its key; set from the start's attributes before the first upsert. */
  let listed: BoardListing | undefined;
  let listedKey = '';
  let identityListed = false;
  /**
   * Revision 9 lists a reply waiting for review (`DossierReplyWaiting`). An older case lists it from
   * the first reply recorded with this code (`board-reply-waiting`, asked only then, so a case no
   * reply reaches records no marker), or when the run it continues already listed it.
   */
  let listsReplyWaiting = (input.revision ?? 0) >= 9;
  const listingKey = () => JSON.stringify(kase.boardListing(upcoming, listsReplyWaiting));
  /** Reads what the starter set (or continue-as-new carried over), so only what differs is upserted. */
  function readStartListing(): void {
    const given = workflowInfo().typedSearchAttributes;
    const date = (d: Date | undefined) => d?.toISOString() ?? null;
    identityListed = given.get(DossierCampaign) === campaign.id && given.get(DossierVendor) === vendor.id;
    listed = {
      stage: given.get(DossierStage) ?? null,
      deadline: date(given.get(DossierNextDeadline)),
      lastContact: date(given.get(DossierLastContact)),
      nextAction: given.get(DossierNextAction) ?? null,
      nextActionAt: date(given.get(DossierNextActionAt)),
    };
    if (given.get(DossierReplyWaiting) === true) listsReplyWaiting = true;
    if (listsReplyWaiting) listed.replyWaiting = given.get(DossierReplyWaiting) === true || null;
    listedKey = JSON.stringify(listed);
  }
  /** An older case lists whether a reply waits from now on: as not listed yet, so the reply is one change. */
  function listReplyWaiting(): void {
    listsReplyWaiting = true;
    if (listed && listed.replyWaiting === undefined) listed = { ...listed, replyWaiting: null };
    listedKey = JSON.stringify(listed);
  }
  function publishListing(): void {
    const now = kase.boardListing(upcoming, listsReplyWaiting);
    const changed = (Object.keys(now) as (keyof BoardListing)[]).filter((field) => now[field] !== listed?.[field]);
    if (!changed.length && identityListed) return;
    upsertSearchAttributes([
      ...(identityListed
        ? []
        : [
            { key: DossierCampaign, value: campaign.id },
            { key: DossierVendor, value: vendor.id },
          ]),
      ...changed.map((field) => listedPair(field, now)),
    ]);
    listed = now;
    listedKey = JSON.stringify(now);
    identityListed = true;
  }

  // ── Correspondence ─────────────────────────────────────────────────────────────────────────────

  /** Sends one message; true once it reached at least one of its recipients. */
  async function deliver(step: string, kind: MessageKind, details: MessageDetails, to: Contact[] = kase.contacts(), onRefusal: MessageDetails = {}): Promise<boolean> {
    // Counted in place (no wrapper): an extra async layer would reorder commands in recorded histories.
    inFlight++;
    try {
      const letter = kind === 'open-letter' ? campaign : campaignWithoutLetter;
      // The case office reads its notices in its own language, not the vendor's.
      const language = kind === 'officer-notice' ? officeLanguage(campaign) : vendor.language;
      const message = { threadId: state.workflowId, step, kind, language, to, campaign: letter, vendor: kase.vendor(), details: { ...zone, ...details } };
      // State only, no command: a bounce of the letter is compared with whom it went to.
      if (kind === 'open-letter') kase.letterGoingTo(step, to.map((c) => c.email));
      let settled = false;
      // A message the relay keeps refusing for now is retried for ever; after a while the case
      // office is told, once, and sending goes on.
      if (!lean && kind !== 'officer-notice' && patched('delivery-delay-alert')) chores.push(beside(alertIfStillSending(step, kind, () => settled)));
      const sending = lean && kind !== 'officer-notice' ? sendAlertingOnDelay(message) : sendOrExplain(message);
      // Only the timer of cases before the lean path reads `settled`; a lean case saves the extra turn.
      const delivery = await (lean2 ? sending : sending.finally(() => (settled = true)));
      // The due date an open letter stated, counted by its send (revision 7): the case keeps it.
      const stated = delivery.sent ? delivery.sent.dueDate : delivery.dueDate;
      if (kind === 'open-letter' && stated !== undefined) kase.letterStated(stated);
      const copyNotFiled = delivery.sent ? delivery.sent.letterCopyNotFiled : delivery.letterCopyNotFiled;
      // Only a letter whose copy the store refused asks the patch, so other cases record no marker.
      if (kind === 'open-letter' && copyNotFiled !== undefined && patched(LETTER_COPY_FILED_BY_ENGAGEMENT)) {
        const copy: LetterCopyInput = { campaign: letter, vendor: message.vendor, language, dueDate: stated ?? message.details.dueDate, timeZone: message.details.timeZone };
        fileLetterCopy(step, copyNotFiled, patched(LETTER_COPY_LAST_SENT) ? { ...copy, step } : copy);
      }
      if (delivery.sent) {
        kase.delivered(step, kind, delivery.sent.resentAfterCrash, Date.now(), delivery.sent.ledgerError);
        return true;
      }
      kase.notDelivered(step, kind, delivery.refused, Date.now(), delivery.refusal);
      if (kind === 'open-letter' && delivery.accepted?.length) kase.letterReachedOnly(step, delivery.accepted);
      if (kind === 'officer-notice') return false; // the office's own address failing: recording it is all we can do
      await tellOffice(`officer-notice-${step}`, { code: 'not-delivered', step, kind, reason: delivery.refused, refusal: delivery.refusal }, onRefusal);
      return (delivery.accepted?.length ?? 0) > 0;
    } finally {
      inFlight--;
    }
  }

  /**
   * The letter went out but the publication folder did not take its copy: the status says so, and
   * the copy is filed beside the main flow, retried by Temporal until the store takes it (rendered
   * again from the same input should the worker that held it have stopped). A run does not continue
   * as new, nor end, before it is filed.
   */
  function fileLetterCopy(step: string, error: string, copy: LetterCopyInput): void {
    kase.letterCopyNotFiled(step, error, Date.now(), (listsBoard || keepsBoardMemo) && patched(LETTER_COPY_ON_BOARD));
    inFlight++;
    chores.push(
      beside(
        letterCopies.fileLetterCopy(copy).then(
          () => {
            inFlight--;
            kase.letterCopyFiled(step);
          },
          (err: unknown) => {
            inFlight--;
            throw err;
          },
        ),
      ),
    );
  }

  /**
   * Sends the open letter; false if the case ended while the letter could not be delivered. When the
   * recipient's server refuses it for good (every address), the case waits in `letter-undeliverable`,
   * with no deadline and no reminder, until the officer corrects the address (the letter then goes
   * again as `letter-2`, …, stating a due date counted from then) or withdraws the engagement.
   */
  async function sendLetter(): Promise<boolean> {
    const waitsForCorrection = since('letter-undeliverable');
    for (;;) {
      if (await deliverLetter(waitsForCorrection)) return true;
      if (!waitsForCorrection) return true; // as cases started before: the deadline runs anyway
      await condition(() => isFinal() || state.stage === 'sending-letter');
      if (isFinal()) return false;
    }
  }

  /** Open letters sent so far: `letter`, then `letter-2`, … to corrected addresses. */
  let letterAttempts = continued?.letterAttempts ?? 0;
  /** Set once the main flow is past the letter, as a continued run is: a correction after a bounce sends it again beside. */
  let letterPhaseDone = continued?.letterAttempts !== undefined;
  /** False in a run continued by code that did not carry the count, until it is read from the timeline. */
  let lettersCounted = continued === undefined || continued.letterAttempts !== undefined;
  /**
   * Such a run reads the count from its timeline and is past the letter. Asked only when a letter's
   * step or a correction comes up, so it records no marker otherwise; a run recorded without the
   * marker goes on as it ran: `letter` as the latest letter, and a correction sends nothing.
   */
  function countLetters(): void {
    if (lettersCounted || !patched('continued-run-counts-letters')) return;
    letterAttempts = kase.lettersRecorded();
    letterPhaseDone = lettersCounted = true;
  }
  const letterStep = () => {
    countLetters();
    return letterAttempts <= 1 ? 'letter' : `letter-${letterAttempts}`;
  };

  /** Sends the letter (again, with the response due from now); true once it reached the vendor. */
  async function deliverLetter(waitsForCorrection: boolean): Promise<boolean> {
    letterAttempts++;
    if (letterAttempts > 1) {
      if (workingDays(policy.responseDue) === undefined) kase.letterResending(Date.now());
      else kase.responseDueOnCalendar(toIsoString((await onCalendar(Date.now(), [policy.responseDue]))[0]!));
    }
    // A relay may hold the letter up for hours: its send states the due date counted from the
    // attempt that delivers it (revision 7), and the case keeps that date (see deliver).
    const countedOnDelivery = kase.countsDueFromDelivery() ? { dueAfter: policy.responseDue } : {};
    // issuedAt: the day it goes out, so the email explains a letter dated earlier (a vendor added late).
    const details = { dueDate: state.responseDueDate, ...countedOnDelivery, issuedAt: new Date().toISOString() };
    const reached = await deliver(letterStep(), 'open-letter', details, kase.contacts(), waitsForCorrection ? { letterUndeliverable: true } : {});
    if (!reached && waitsForCorrection) kase.letterUndeliverable(letterStep(), Date.now());
    return reached;
  }

  /**
   * A reply or a response that arrived while the letter was going out (a relay down, a corrected
   * address) keeps its stage once the letter is delivered: the response stays recorded and reminders
   * stay paused for the reply. Asked only then, so a case without that race records no marker.
   */
  const keepsLaterStage = () => kase.movedWhileLetterWentOut() && patched('letter-keeps-later-stage');

  /** Refused while sending, the main flow sends the letter again itself; bounced later, a chore does. */
  function correctContacts(req: CorrectContactsInput): EngagementStatus {
    const status = kase.correctContacts(req, Date.now());
    countLetters();
    if (!letterPhaseDone) return status;
    return startChore(async () => {
      if (await deliverLetter(true)) {
        kase.letterSentAt(Date.now(), keepsLaterStage());
        await undeliverableIfBouncedMeanwhile();
      }
    }, status);
  }

  /**
   * A bounce of the letter is compared with whom it went to, not with the contacts an officer changed
   * since. The two differ only after a change (changeContacts), so only then is the patch asked: a
   * history recorded before it compared with the contacts, and replays that way.
   */
  const bouncesToRecipients = (step: string): boolean => !kase.contactsChangedSince(step) || patched('bounces-to-letter-recipients');

  /**
   * Bounces from every address, read while the letter's send was still finishing, make it
   * undeliverable once the send is known to be done, and the office is told. Asked only then, so a
   * case without that race records no marker.
   */
  async function undeliverableIfBouncedMeanwhile(): Promise<void> {
    const step = letterStep();
    if (!kase.bouncedBeforeDelivery(step, bouncesToRecipients(step)) || !patched('bounce-before-delivery')) return;
    kase.letterUndeliverable(step, Date.now());
    await tellOffice(`officer-notice-undeliverable-${step}`, { code: 'letter-bounced-before-delivery', step }, { letterUndeliverable: true });
  }

  /**
   * The send gives up after the alert delay (its schedule-to-close timeout); the office is told, once,
   * beside the main flow, and the same message (same Message-ID: the ledger never sends it twice) is
   * sent again with no limit.
   */
  async function sendAlertingOnDelay(message: OutgoingMessage): Promise<Delivery> {
    try {
      return await sendOrExplain(message, emailGivingUpAfter(alertAfter));
    } catch (err) {
      if (!isScheduleToCloseTimeout(err)) throw err;
      chores.push(beside(tellOfficeOfDelay(message.step, message.kind).then(() => undefined)));
      return sendOrExplain(message);
    }
  }

  async function alertIfStillSending(step: string, kind: MessageKind, settled: () => boolean): Promise<void> {
    if (await condition(settled, requireDurationMs(alertAfter))) return;
    await tellOfficeOfDelay(step, kind);
  }

  function tellOfficeOfDelay(step: string, kind: MessageKind): Promise<boolean> {
    kase.deliveryDelayed(step, kind, String(alertAfter), Date.now());
    return tellOffice(`officer-notice-delayed-${step}`, { code: 'delivery-delayed', step, kind, after: alertAfter });
  }

  /** A notice to the case office: the facts only; the activity words them (templates/email/officer-notice.yaml). */
  function tellOffice(step: string, notice: OfficerNotice, details: MessageDetails = {}): Promise<boolean> {
    return deliver(step, 'officer-notice', { notice, ...details }, [campaign.officeContact]);
  }

  async function remind(about: string, kind: ReminderKind, send: (number: number) => Promise<unknown>): Promise<void> {
    const number = kase.nextReminderNumber(about, kind);
    await send(number);
    kase.reminderSent(about, kind, number, Date.now());
  }

  // ── Chores beside the main flow ────────────────────────────────────────────────────────────────

  /**
   * From this patch a round's reminders wait while a reply that may answer it awaits review, as the
   * response's wait for a reply to the letter. Asked only once such a reply is recorded (or a run
   * resumes a round with one), so a case without one records no marker.
   */
  let roundsWaitForReview = false;
  const roundWaitsForReview = (round: FollowUpRound) => {
    if (!roundsWaitForReview && !kase.isRoundSettled(round) && kase.answersUnderReview(round)) roundsWaitForReview = patched('round-reminders-wait-for-review');
  };

  /**
   * From this patch the time a review held reminders back is added to the steps still to come:
   * before it, every step that fell due meanwhile ran at once when the review ended (reminders, a
   * final notice naming a day already gone, the closure). Asked only when a pause ends.
   */
  const waitsOutPauses = () => patched('reminders-wait-out-review');

  async function runFollowUpRound(round: FollowUpRound): Promise<void> {
    if (continued) roundWaitsForReview(round);
    if (!progress.questionsSent.includes(round.round)) {
      await deliver(`follow-up-r${round.round}-questions`, 'follow-up-questions', { questions: kase.questionsOf(round, 'all'), dueDate: round.dueDate });
      progress.questionsSent.push(round.round);
    }
    const about = `follow-up:${round.round}`;
    await remindUntil({
      resume: progress.reminders[about],
      progress: (at) => (progress.reminders[about] = at),
      dueDate: () => Date.parse(round.dueDate),
      cadence: policy.reminderCadence,
      finalNoticeAfter: policy.finalNoticeAfter,
      settled: () => kase.isRoundSettled(round),
      paused: () => roundsWaitForReview && kase.answersUnderReview(round),
      waitsOutPauses,
      planned: planned(`follow-up:${round.round}`),
      onCalendar,
      remind: (kind) =>
        remind(`follow-up:${round.round}`, kind, async (number) => {
          const details = {
            questions: kase.questionsOf(round, 'unanswered'),
            dueDate: round.dueDate,
            reminderNumber: number,
            ...(kind === 'final-notice' ? { remindersBefore: kase.sentCount('follow-up-reminder', new RegExp(`^follow-up-r${round.round}-reminder-\\d+(?: |$)`)) } : {}),
          };
          await deliver(`follow-up-r${round.round}-${kind}-${number}`, kind === 'reminder' ? 'follow-up-reminder' : 'final-notice', details);
          if (kind === 'final-notice') round.remindersExhausted = true;
        }),
    });
  }

  /** A message about one demonstration, to everyone it invites. */
  function sendAboutDemonstration(demonstration: Demonstration, step: string, kind: MessageKind): Promise<boolean> {
    // Since this patch an invitation is stamped when it goes out (DTSTAMP) and a moved one says from when and why.
    const current = sinceLean('invitation-sent-at-with-change');
    const details = { ...kase.demonstrationDetails(demonstration, current), ...(current ? { issuedAt: toIsoString(Date.now()) } : {}) };
    return deliver(step, kind, details, kase.demonstrationRecipients(demonstration));
  }

  /** Demonstrations whose invitation went out or was going out, and those whose cancellation did (by id). */
  const demonstrationsInvited = new Set<string>();
  const demonstrationsCancelled = new Set<string>();

  /**
   * A cancelled engagement's demonstration chores were cancelled with it, before they could send
   * anything: the invitees of each meeting still to come are told here instead (revision 7), as a
   * withdrawal tells them. An invitation cut off mid-send may have gone out, so it counts as sent.
   */
  function cancelDemonstrationsOfCancelledCase(): Promise<unknown> {
    const now = Date.now();
    const owed = state.demonstrations.filter((d) => demonstrationsInvited.has(d.id) && !demonstrationsCancelled.has(d.id) && kase.cancelsDemonstration(d, now));
    return Promise.all(owed.map((d) => sendAboutDemonstration(d, `demo-${d.id}-cancel`, 'demonstration-cancellation')));
  }

  async function runDemonstration(demonstration: Demonstration): Promise<void> {
    const { id } = demonstration;
    const send = (step: string, kind: MessageKind) => sendAboutDemonstration(demonstration, step, kind);
    let invited = progress.demonstrations[id]?.invited ?? -1; // the schedule version (reschedule count) last invited to
    let reminded = progress.demonstrations[id]?.reminded ?? -1; // the schedule version last reminded of
    if (invited >= 0) demonstrationsInvited.add(id);
    for (;;) {
      progress.demonstrations[id] = { invited, reminded };
      if (isFinal() || demonstration.result !== undefined) {
        // A withdrawal leaves no meeting in the invitees' calendars (from revision 6: cases started
        // before sent nothing, and replay as they ran).
        if (invited >= 0 && kase.cancelsDemonstration(demonstration, Date.now())) {
          await send(`demo-${id}-cancel`, 'demonstration-cancellation');
          demonstrationsCancelled.add(id);
        }
        return;
      }
      const version = demonstration.rescheduled;
      if (invited !== version) {
        invited = version;
        demonstrationsInvited.add(id);
        if (kase.asksCalendarForResultDue()) chores.push(beside(askResultDue(demonstration, version)));
        await send(`demo-${id}-invite-${version + 1}`, 'demonstration-invitation');
        // An invitation sent within the reminder lead already serves as the reminder.
        if (kase.demonstrationReminderAt(demonstration) <= Date.now()) reminded = version;
        continue;
      }
      const changed = () => isFinal() || demonstration.result !== undefined || demonstration.rescheduled !== version;
      if (reminded === version) {
        await condition(changed);
        continue;
      }
      const wait = kase.demonstrationReminderAt(demonstration) - Date.now();
      upcoming.set(`demonstration:${id}`, { at: kase.demonstrationReminderAt(demonstration), kind: 'demonstration-reminder' });
      const interrupted = wait > 0 && (await condition(changed, wait));
      upcoming.delete(`demonstration:${id}`);
      if (interrupted) continue;
      if (changed()) continue;
      reminded = version;
      await remind(`demonstration:${id}`, 'reminder', (number) => send(`demo-${id}-reminder-${number}`, 'demonstration-reminder'));
    }
  }

  /**
   * The end of the first working day after the meeting, on the lead authority's calendar, as the
   * date its result is owed. Without an answer the board keeps the weekday rule's date: a listing
   * is not worth failing the case for.
   */
  async function askResultDue(demonstration: Demonstration, version: number): Promise<void> {
    const end = Date.parse(demonstration.at) + demonstration.durationMinutes * 60_000;
    try {
      const [due] = await onCalendar(end, ['1 working day']);
      kase.demonstrationResultDueFromCalendar(demonstration, version, toIsoString(due));
    } catch (err) {
      if (isCancellation(err)) throw err;
    }
  }

  /** A new run picks up every follow-up round still owed and every demonstration still to hold. */
  function resumeChores(): void {
    for (const round of kase.rounds) if (!kase.isRoundSettled(round)) startChore(() => runFollowUpRound(round), undefined);
    for (const demonstration of state.demonstrations) if (demonstration.result === undefined) startChore(() => runDemonstration(demonstration), undefined);
  }

  /** Past the policy's events per run, the history's size margin, or the server's own suggestion. */
  function historyIsLong(): boolean {
    const { historyLength, historySize, continueAsNewSuggested } = workflowInfo();
    return continueAsNewSuggested || historyLength >= eventsPerRun || historySize >= HISTORY_BYTES_PER_RUN;
  }

  /** Starts work beside the main flow (see `beside`). */
  function startChore<T>(work: () => Promise<void>, result: T): T {
    chores.push(beside(work()));
    return result;
  }

  // ── What the officer asks: validated by engagement-rules.ts, applied by EngagementCase ─────────

  setHandler(engagementStatusQuery, () => kase.status());
  /** An update's result on the lean path: the engagement and its stage (the client queries the rest). */
  const updated = (status: EngagementStatus): EngagementUpdated => (lean ? { workflowId: status.workflowId, stage: status.stage } : status);
  setHandler(recordResponseUpdate, (req) => updated(kase.recordResponse(req, Date.now())), {
    validator: (req) => rules.checkRecordResponse(state, req, Date.now()),
  });
  // Recorded histories complete the update without the extra turn that `then` takes.
  setHandler(extendDeadlineUpdate, (req) => (lean ? extendDeadline(req).then(({ confirmationStep, ...status }) => ({ ...updated(status), ...(confirmationStep ? { confirmationStep } : {}) })) : extendDeadline(req)), {
    validator: (req) => rules.checkExtendDeadline(state, req, Date.now(), { calendar: workingCalendar !== undefined }),
  });
  setHandler(askFollowUpUpdate, (req) => askFollowUp(req), { validator: (req) => rules.checkAskFollowUp(state, req, Date.now()) });
  setHandler(recordAnswersUpdate, (req) => updated(acknowledgeAnswers(req, kase.recordAnswers(req, Date.now()))), { validator: (req) => rules.checkRecordAnswers(state, req) });
  setHandler(scheduleDemonstrationUpdate, (req) => scheduleDemonstration(req), {
    validator: (req) => rules.checkScheduleDemonstration(state, req, Date.now()),
  });
  setHandler(rescheduleDemonstrationUpdate, (req) => kase.rescheduleDemonstration(req, Date.now()), {
    validator: (req) => rules.checkRescheduleDemonstration(state, req, Date.now()),
  });
  setHandler(recordDemonstrationOutcomeUpdate, (req) => kase.recordDemonstrationOutcome(req, Date.now()), {
    validator: (req) => rules.checkDemonstrationOutcome(state, req, Date.now()),
  });
  setHandler(concludeUpdate, (req) => kase.conclude(req, Date.now()), { validator: (req) => rules.checkConclude(state, req) });
  setHandler(withdrawUpdate, (req) => updated(kase.withdraw(req, Date.now())), { validator: (req) => rules.checkWithdraw(state, req) });
  setHandler(withdrawSignal, (req) => kase.withdrawBySignal(req, Date.now()));
  // Mail from the case mailbox: the intake records, the officer reviews (inbox.ts). New handlers
  // only: a history recorded before them holds none of these updates and replays unchanged.
  setHandler(recordInboundUpdate, (req) => recordInbound(req), { validator: (req) => checkRecordInbound(state, kase.vendor(), req) });
  setHandler(confirmInboundUpdate, (req) => updated(acknowledgeAnswers(req, kase.confirmInbound(req, Date.now()))), { validator: (req) => checkConfirmInbound(state, req) });
  setHandler(dismissInboundUpdate, (req) => updated(kase.dismissInbound(req, Date.now())), { validator: (req) => checkDismissInbound(state, req) });
  // Only a letter refused for good waits for this (the `letter-undeliverable` patch); a new handler.
  setHandler(correctContactsUpdate, (req) => updated(correctContacts(req)), { validator: (req) => rules.checkCorrectContacts(state, req) });
  // A new handler: later messages read `kase.contacts()` when they go, and a history recorded before
  // it holds no such update, so its one command (the signal to the campaign) needs no patch.
  setHandler(changeContactsUpdate, (req) => changeContacts(req), {
    validator: (req) => rules.checkChangeContacts({ ...state, contacts: kase.contacts() }, req),
  });

  /**
   * The campaign is told too, so the holding pen suggests this case for mail from a new address
   * before it ends. Its failure (a campaign gone) changes nothing here: the case has the contacts.
   */
  async function changeContacts(req: ChangeContactsInput): Promise<EngagementUpdated> {
    const status = kase.changeContacts(req, Date.now());
    const parent = workflowInfo().parent;
    if (parent) {
      await getExternalWorkflowHandle(parent.workflowId)
        .signal(vendorContactsChangedSignal, { vendorId: kase.vendor().id, contacts: kase.contacts() })
        .catch((err: unknown) => log.warn('the campaign was not told of the changed contacts', { error: String(err) }));
    }
    return updated(status);
  }

  function askFollowUp(req: AskFollowUpInput): Question[] | Promise<Question[]> {
    const now = Date.now();
    const open = (dueDate: string | undefined) => {
      const { round, asked } = kase.askFollowUp({ ...req, dueDate }, now);
      return startChore(() => runFollowUpRound(round), asked);
    };
    // The policy's answer time in working days comes from the calendar (an activity); any other
    // is added at once, with no await, as in every history recorded before working days.
    if (req.dueDate !== undefined || workingDays(policy.followUpDue) === undefined) return open(req.dueDate);
    return onCalendar(now, [policy.followUpDue]).then(([due]) => {
      // The case may have been withdrawn or concluded while the calendar answered: the same rules
      // again, or the questions would reopen an ended case (refused only from the patch on, so a
      // case recorded before it replays as it ran).
      const dueDate = toIsoString(due!);
      const problem = refusedBy(() => rules.checkAskFollowUp(state, { ...req, dueDate }, Date.now()));
      if (problem && patched('ask-rechecks-after-calendar')) throw handlerRefusal(problem, 'FollowUpRefused');
      return open(dueDate);
    });
  }

  /** A rule's refusal, or undefined when the rule passes. */
  function refusedBy(check: () => void): Error | undefined {
    try {
      check();
      return undefined;
    } catch (err) {
      return err as Error;
    }
  }

  /**
   * A rule's refusal thrown from a handler, under the handler's failure type as before; its code and
   * values ride along in the details, which no command carries, so recorded histories replay alike.
   */
  function handlerRefusal(err: Error, type: string): ApplicationFailure {
    const details = refusalDetails(err);
    return details ? refusal(details.refusal, details.values, err.message, type) : ApplicationFailure.nonRetryable(err.message, type);
  }

  /** The vendor learns the new date in its language, in the letter's thread (cases started before: nothing was sent). */
  async function extendDeadline(req: ExtendDeadlineInput): Promise<EngagementStatus & Pick<DeadlineExtended, 'confirmationStep'>> {
    if (req.dueDate === undefined) {
      // Counted from the current due date; working days on the lead authority's calendar (an activity).
      const target = rules.extensionTarget(state, req);
      const current = Date.parse((target ? target.dueDate : state.responseDueDate)!);
      const stageBefore = state.stage;
      const onTheCalendar = workingDays(req.extendBy) !== undefined || addsCalendarDays(current, req.extendBy!);
      const [due] = onTheCalendar ? await onCalendar(current, [req.extendBy!]) : [current + requireDurationMs(req.extendBy!)];
      req = { ...req, dueDate: toIsoString(due!), extendBy: undefined };
      // The case may have moved while the calendar answered: the same rules, on the date itself.
      try {
        rules.checkExtendDeadline(state, req, Date.now(), { calendar: true });
      } catch (err) {
        throw handlerRefusal(err as Error, 'ExtensionRefused');
      }
      // A reply recorded meanwhile: code before `extend-while-reply-received` found nothing to extend
      // then, and a case that recorded that refusal replays it (asked only in that race).
      const replyArrived = req.round === undefined && stageBefore !== 'reply-received' && state.stage === 'reply-received';
      if (replyArrived && !patched('extend-while-reply-received')) {
        throw refusal('nothing-to-extend', {}, rules.NOTHING_TO_EXTEND, 'ExtensionRefused');
      }
    }
    const round = rules.extensionTarget(state, req);
    const previousDueDate = round ? round.dueDate : state.responseDueDate;
    const status = kase.extendDeadline(req, Date.now());
    if (!since('extension-confirmed-to-vendor')) return status;
    const dueDate = round ? round.dueDate : state.responseDueDate;
    const questions = round ? kase.questionsOf(round, 'unanswered') : undefined;
    const step = `deadline-extension-${kase.extensionCount()}`;
    // The result names the confirmation's step: in the history, the only link from this request to it.
    return startChore(() => deliver(step, 'deadline-extension', { dueDate, previousDueDate, ...(questions ? { questions } : {}) }).then(() => undefined), { ...status, confirmationStep: step });
  }

  /**
   * Whole days added to a deadline that ends a local day (…:59:59.999, as the calendar dates them)
   * are counted by the calendar activity, in the lead authority's zone: 24-hour days would end an
   * hour off across a change of clocks. Cases recorded before added 24-hour days; the patch is asked
   * only for such an extension, so any other records no marker.
   */
  function addsCalendarDays(current: number, extendBy: Duration): boolean {
    if (!workingCalendar || calendarDays(extendBy) === undefined) return false;
    const { timeZone } = workingCalendar;
    const endsLocalDay = endOfLocalDay(calendarDayIn(toIsoString(current), timeZone), timeZone) === current;
    return endsLocalDay && patched('extension-counts-calendar-days');
  }

  /**
   * Recorded answers (the officer's, or a reply confirmed as answers) are acknowledged to the vendor,
   * beside the update: which questions they answer, when they arrived, which are still open and by
   * when; from revision 8 (see `EngagementCase.answersAcknowledgement`).
   */
  function acknowledgeAnswers<T>(req: RecordAnswersInput | ConfirmInboundInput, result: T): T {
    const acknowledgement = kase.answersAcknowledgement(req, Date.now());
    if (!acknowledgement) return result;
    const { step, details } = acknowledgement;
    return startChore(() => deliver(step, 'answers-acknowledgement', details).then(() => undefined), result);
  }

  /** A bounce's officer notice goes out as a refused address's does. */
  async function recordInbound(req: RecordInboundInput) {
    const recorded = kase.recordInbound(req, Date.now());
    if (recorded.result.effect === 'to-review') kase.rounds.forEach(roundWaitsForReview);
    if (recorded.result.effect === 'to-review' && listsBoard && !listsReplyWaiting && patched(BOARD_REPLY_WAITING)) listReplyWaiting();
    // The letter bounced from every address: it has not reached the vendor after all, so no deadline runs.
    // One report per address adds up from the `bounces-add-up` patch on (asked only when it does).
    const bouncedFromAll = () => {
      const step = letterStep();
      const asSent = bouncesToRecipients(step);
      return kase.bouncedFromEveryContact(req, step, asSent) || (kase.bouncesAddUp(req, step, asSent) && patched('bounces-add-up'));
    };
    const letterBounced = recorded.result.effect === 'delivery-failure' && bouncedFromAll() && sinceLean('letter-bounce-undeliverable');
    if (letterBounced) kase.letterUndeliverable(letterStep(), Date.now());
    if (recorded.officerNotice) {
      const { step, notice } = recorded.officerNotice;
      await tellOffice(step, notice, letterBounced ? { letterUndeliverable: true } : {});
    }
    return recorded.result;
  }

  function scheduleDemonstration(req: ScheduleDemonstrationInput): Demonstration {
    const demonstration = kase.scheduleDemonstration(req, Date.now());
    return startChore(() => runDemonstration(demonstration), demonstration);
  }

  // ── The main flow ──────────────────────────────────────────────────────────────────────────────

  // Old histories have no board memo: only engagements started with this code keep one. From
  // revision 3 the board's data are search attributes instead.
  const listsBoard = revision3 && input.searchAttributes !== false;
  const keepsBoardMemo = !revision3 && input.searchAttributes !== false && since('board-memo');
  if (listsBoard) {
    readStartListing();
    publishListing();
    // As below: one pass later, so a change and its consequences are one upsert.
    void beside(
      (async () => {
        for (;;) {
          await condition(() => listingKey() !== listedKey);
          await nextPass();
          publishListing();
        }
      })(),
    );
  } else if (keepsBoardMemo && lean) {
    // Nothing to show yet (or, in a continued run, what the previous run showed): not written again.
    memoPublished = memoKey();
    publishSearchAttributes();
    // One watcher for both, so a change of stage and of the memo in one activation is one pass.
    void beside(
      (async () => {
        for (;;) {
          await condition(() => kase.attributesKey() !== published || memoKey() !== memoPublished);
          await nextPass();
          publishSearchAttributes();
          publishBoardMemo();
        }
      })(),
    );
  } else if (keepsBoardMemo) {
    void beside(
      (async () => {
        for (;;) {
          await condition(() => memoKey() !== memoPublished);
          publishBoardMemo();
        }
      })(),
    );
  }
  if (input.searchAttributes !== false && !lean) {
    publishSearchAttributes();
    // One watcher upserts in the same activation as any change of stage or deadline.
    void beside(
      (async () => {
        for (;;) {
          await condition(() => kase.attributesKey() !== published);
          publishSearchAttributes();
        }
      })(),
    );
  }

  let continuing = false;
  try {
    if (continued) resumeChores();
    else {
      if (state.responseDueDate === undefined) {
        const [due] = await onCalendar(Date.now(), [policy.responseDue]);
        kase.responseDueOnCalendar(toIsoString(due!));
      }
      const letterOut = await sendLetter();
      letterPhaseDone = true;
      // No deadline runs before the letter has really gone out (a relay may be down for a day).
      if (letterOut && since('response-due-after-letter')) kase.letterSentAt(Date.now(), keepsLaterStage());
      else if (letterOut) kase.letterSent(Date.now(), keepsLaterStage());
      if (letterOut) await undeliverableIfBouncedMeanwhile();

      const waited = !letterOut ? 'settled' : await remindUntil({
        dueDate: () => Date.parse(state.responseDueDate!),
        cadence: policy.reminderCadence,
        finalNoticeAfter: policy.finalNoticeAfter,
        expireAfter: policy.closeAfter,
        settled: () => isFinal() || state.response !== undefined,
        planned: planned('response'),
        // Also while a bounced letter waits for a corrected address and goes again.
        paused: () => kase.awaitingReview() || kase.letterNotOut(),
        waitsOutPauses,
        onCalendar,
        // The final notice names the day the case closes: the due date has long passed by then.
        remind: (kind, following) =>
          remind('response', kind, (number) =>
            deliver(`${kind}-response-${number}`, kind, {
              dueDate: state.responseDueDate,
              reminderNumber: number,
              ...(kind === 'final-notice' && following?.kind === 'expire' ? { closesAt: toIsoString(following.at) } : {}),
              ...(kind === 'final-notice' ? { remindersBefore: kase.sentCount('reminder', /^reminder-response-\d+(?: |$)/) } : {}),
            }),
          ),
      });

      if (waited === 'expired') {
        const closedAt = Date.now();
        kase.closeAsNoResponse(closedAt);
        const remindersBefore = kase.sentCount('reminder', /^reminder-response-\d+(?: |$)/);
        await tellOffice('officer-notice-closed-no-response', { code: 'closed-no-response', dueDate: state.responseDueDate!, remindersBefore });
        // The vendor is told its case was closed, and what the statement will say (cases closed before
        // this patch told only the office). Asked only here, so a case that is answered records no marker.
        if (patched(CLOSURE_NOTICE)) await deliver('closure-notice', 'closure-notice', { closedAt: toIsoString(closedAt), dueDate: state.responseDueDate });
      } else if (!isFinal() && state.response) {
        await deliver('acknowledgement', 'acknowledgement', { receivedAt: state.response.receivedAt });
      }
    }

    // From here on the officer drives the case through updates, and the chores remind. Each round
    // or demonstration adds events, so a long case continues as new before its history nears
    // Temporal's limits: once no message is being sent and no request is being handled, with the
    // case (plain data) and where each chore stands. Older cases wait as they always did.
    if (since('engagement-continue-as-new')) {
      await condition(() => isFinal() || (historyIsLong() && inFlight === 0 && allHandlersFinished()));
      continuing = !isFinal();
    } else {
      await condition(isFinal);
    }
    if (!continuing) await Promise.all(chores);
  } catch (err) {
    // Cancellation (a campaign ended early, an operator cancelled) withdraws the engagement at
    // once: nothing more is sent but the cancellation of a meeting still to come (revision 7), and
    // the campaign still gets an outcome that says why.
    if (!isCancellation(err)) throw err;
    if (!isFinal()) kase.withdraw({ by: ENGINE, reason: 'the engagement was cancelled' }, Date.now());
    if (kase.listsCopyToFile() && patched(LETTER_COPY_OFF_BOARD_ONCE_CANCELLED)) kase.letterCopyLeftToCampaign();
    // In the cancelled scope no activity can be scheduled: the cancellations go out of it.
    if (kase.cancelsDemonstrationsOnCancellation()) await CancellationScope.nonCancellable(cancelDemonstrationsOfCancelledCase);
  }
  if (continuing) {
    const run = (continued?.run ?? 1) + 1;
    const { historyLength, historySize } = workflowInfo();
    kase.log(ENGINE, 'history continued in a new run', Date.now(), `run ${run}, after ${historyLength} events (${Math.round(historySize / 1024)} KiB)`);
    // The letter's body is not needed any more: the new run's input stays small.
    // The letter count only once known: a run that never read it leaves the next run to.
    const letters = lettersCounted ? { letterAttempts } : {};
    return continueAsNew<typeof engagement>({ ...input, campaign: campaignWithoutLetter }, { run, state, ...progress, ...letters });
  }
  // Outside any cancelled scope, or a cancelled run could not wait for its last handlers.
  await CancellationScope.nonCancellable(() => condition(allHandlersFinished));
  if (listsBoard) publishListing();
  else {
    publishSearchAttributes();
    if (keepsBoardMemo) publishBoardMemo();
  }
  return kase.outcome(Date.now());
}

/** One listed field as the search attribute that holds it (null removes it). */
function listedPair(field: keyof BoardListing, listing: BoardListing): SearchAttributeUpdatePair {
  if (field === 'replyWaiting') return { key: DossierReplyWaiting, value: listing.replyWaiting ?? null };
  const value = listing[field];
  switch (field) {
    case 'stage':
      return { key: DossierStage, value };
    case 'nextAction':
      return { key: DossierNextAction, value };
    default: {
      const key = field === 'deadline' ? DossierNextDeadline : field === 'lastContact' ? DossierLastContact : DossierNextActionAt;
      return { key, value: value === null ? null : new Date(value) };
    }
  }
}

/**
 * Resolves on the SDK's next pass over blocked conditions, once everything the current pass set
 * going (handlers, timers, the reminder loops' replanning) has run: a change and its consequences
 * are then published in one upsert instead of one each.
 */
function nextPass(): Promise<void> {
  let asked = false;
  return condition(() => asked || !(asked = true));
}

/**
 * Work beside the main flow. A cancellation reaches it too; the main flow handles that once, so
 * here it is swallowed (an unhandled rejection would fail every workflow task).
 */
function beside(work: Promise<void>): Promise<void> {
  return work.catch((err: unknown) => {
    if (!isCancellation(err)) throw err;
  });
}
