// What a case officer may ask of an engagement, and when: the pure checks behind every update
// validator of the engagement workflow. They read an `EngagementStatus` (what the `status` query
// returns), so the CLI can run the same checks before it sends anything. Each throws an Error whose
// message says what is wrong and how to fix it (a `refusal` where the workspace words it by its code,
// refusals.ts); none changes anything. What text is accepted
// (lengths, one-line names, no control characters, no active markup) is text-rules.ts's to say.
import type {
  AskFollowUpInput,
  ConcludeInput,
  ChangeContactsInput,
  CorrectContactsInput,
  EngagementStatus,
  ExtendDeadlineInput,
  RecordAnswersInput,
  RecordDemonstrationOutcomeInput,
  RecordResponseInput,
  RescheduleDemonstrationInput,
  ScheduleDemonstrationInput,
  WithdrawInput,
} from './messages';
import type { Contact, Demonstration, EngagementInput, EngagementStage, FollowUpRound, Question } from './types';
import { CONTACT_CHANGES, DEMONSTRATION_RESULTS, FINAL_STAGES, PRINCIPLES } from './types';
import { durationIssue, durationMs, durationProblem, isCalendarDate, isDateOnly, isoInstant, toIsoString, workingDays, MAX_DURATION_YEARS, MAX_WORKING_DAYS } from './time';
import { refusal, refusalDetails, refusalOfAll, type RefusalCode } from './refusals';
import { unknownFieldsDetails, wrongTypeDetails, type Path } from './campaign-rules';
import { checkEmail, checkFileName, checkList, checkPublicText, checkText, field, findingsSizeDetails, findingsSizeProblem, LIMITS, NAME, quote, fieldValue, type FieldKey, type TextRule } from './text-rules';

/** The engagement state the rules read: the `status` query's answer. */
export type EngagementView = Pick<
  EngagementStatus,
  'workflowId' | 'stage' | 'questions' | 'demonstrations' | 'response' | 'responseDueDate' | 'rounds' | 'contacts' | 'inbox'
> &
  Partial<Pick<EngagementStatus, 'letterSentAt' | 'timeline'>>;

/**
 * Stages in which the vendor's response is owed and can be recorded, typed or taken from a reply;
 * the workspace offers those forms only then.
 */
export const RESPONSE_STAGES: readonly EngagementStage[] = ['awaiting-response', 'reply-received'];

/** Stages in which the officer works with a vendor that has responded. */
const AFTER_RESPONSE: readonly EngagementStage[] = ['responded', 'follow-up', 'demonstration'];

/** A response dated a little ahead of the workflow's clock is clock skew, not a future date. */
const CLOCK_SKEW_MS = 5 * 60_000;
const MAX_DEMONSTRATION_MINUTES = 8 * 60;
/** A day written without a time has ended everywhere (UTC−12) 36 hours after it began in UTC. */
const LAST_DAY_END_MS = 36 * 3_600_000;

// ── Building blocks ──────────────────────────────────────────────────────────────────────────────

/** Milliseconds since the epoch of an ISO date (`2020-08-10`) or timestamp with zone, or an Error. */
export function parseIsoDate(value: unknown, name: string, key: FieldKey): number {
  const time = typeof value === 'string' ? isoInstant(value) : undefined;
  if (time === undefined) {
    const got = quote(value);
    throw refusal('date-invalid', { field: fieldValue(field(key)), got }, `${name} must be an ISO date such as 2020-08-10 or 2020-08-10T14:00:00Z (got ${got})`);
  }
  return time;
}

/**
 * The engagement code's revision that starters write into its input (`EngagementInput.revision`):
 * 3 is the first that branches on it rather than on patch markers, and whose starter sets the
 * search attributes of its first stage (`engagementStartAttributes`); 4 lists a demonstration's
 * deadline as the day after it ends, when its result is owed, instead of its start
 * (`EngagementCase.demonstrationResultDue`); 5 asks the lead authority's calendar for that day, so
 * a public holiday is skipped as a weekend is; 6 cancels a demonstration still to come when the
 * engagement is withdrawn (`EngagementCase.cancelsDemonstration`); 7 does so when the whole
 * engagement is cancelled too (`EngagementCase.cancelsDemonstrationsOnCancellation`); 8 acknowledges
 * recorded answers to the vendor (`EngagementCase.answersAcknowledgement`); 9 lists a reply waiting
 * for review on the board (`DossierReplyWaiting`, see `EngagementCase.boardListing`).
 */
export const ENGAGEMENT_REVISION = 9;

/**
 * What is wrong with an engagement's input, naming the field; undefined if nothing. The client
 * checks campaign files before a start, but a workflow started another way must fail at once with
 * this sentence, not retry a workflow task for ever on a date JavaScript cannot write.
 */
export function engagementInputProblem(input: Pick<EngagementInput, 'campaign' | 'policy'> & { revision?: unknown }): string | undefined {
  const revision = input?.revision;
  if (revision !== undefined && !(Number.isInteger(revision) && (revision as number) >= 1)) return `revision must be a whole number from 1 (got ${quote(revision)})`;
  const policy = (input?.policy ?? {}) as unknown as Record<string, unknown>;
  // Deadlines a vendor owes may be counted in working days; the others are plain durations.
  const vendorDeadlines: readonly string[] = ['responseDue', 'finalNoticeAfter', 'closeAfter', 'followUpDue'];
  for (const field of ['responseDue', 'finalNoticeAfter', 'closeAfter', 'followUpDue', 'demonstrationReminderLead', 'approvalReminderEvery'] as const) {
    // Approval reminders repeat at this interval until every signatory answers: 0 would send them without pause.
    const problem = durationProblem(policy[field], { workingDays: vendorDeadlines.includes(field), atLeastOneSecond: field === 'approvalReminderEvery' });
    if (problem) return `policy.${field} ${problem}`;
  }
  for (const field of ['deliveryAlertAfter', 'letterKeptWithin'] as const) {
    const optional = policy[field] === undefined ? undefined : durationProblem(policy[field]);
    if (optional) return `policy.${field} ${optional}`;
  }
  const perRun = policy.historyEventsPerRun;
  if (perRun !== undefined && !(Number.isInteger(perRun) && (perRun as number) >= HISTORY_EVENTS_PER_RUN.min && (perRun as number) <= HISTORY_EVENTS_PER_RUN.max)) {
    return (
      `policy.historyEventsPerRun must be a whole number from ${HISTORY_EVENTS_PER_RUN.min} to ${HISTORY_EVENTS_PER_RUN.max} ` +
      `(Temporal terminates a history at 51,200 events) (got ${quote(perRun)})`
    );
  }
  const cadence = policy.reminderCadence;
  if (!Array.isArray(cadence)) return 'policy.reminderCadence must be a list of durations';
  for (const [i, reminder] of cadence.entries()) {
    const problem = durationProblem(reminder, { workingDays: true });
    if (problem) return `policy.reminderCadence[${i}] ${problem}`;
  }
  const countsWorkingDays = [...vendorDeadlines.map((f) => policy[f]), ...cadence].some((d) => workingDays(d) !== undefined);
  const lead = Array.isArray(input?.campaign?.authorities) ? input.campaign.authorities.find((a) => a?.lead) : undefined;
  if (countsWorkingDays && !(lead?.jurisdiction && lead.timeZone)) {
    return 'the lead authority needs a jurisdiction and a timeZone for deadlines in working days';
  }
  for (const language of ['en', 'fr'] as const) {
    const body = input?.campaign?.letterBody?.[language];
    const total = Array.isArray(body) ? body.reduce((sum: number, p) => sum + (typeof p === 'string' ? p.length : 0), 0) : 0;
    if (total > LIMITS.paragraphsTotal) return `campaign.letterBody.${language} must total at most ${LIMITS.paragraphsTotal} characters (got ${total})`;
  }
  const letterFile = input?.campaign?.letterFile;
  if (letterFile !== undefined) {
    const { path, sha256 } = (letterFile ?? {}) as { path?: unknown; sha256?: unknown };
    if (typeof path !== 'string' || path.length === 0 || path.length > 300) return `campaign.letterFile.path must be the kept letter's path, 1 to 300 characters (got ${quote(path)})`;
    if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) return `campaign.letterFile.sha256 must be 64 lowercase hexadecimal digits (got ${quote(sha256)})`;
  }
  const letterDate = input?.campaign?.letterDate;
  if (typeof letterDate !== 'string' || !isCalendarDate(letterDate)) {
    return `campaign.letterDate must be a date that exists, written YYYY-MM-DD (got ${quote(letterDate)})`;
  }
  return undefined;
}

/**
 * Bounds of `policy.historyEventsPerRun`: a fresh run starts with a few dozen events (one timer per
 * open deadline), so below the minimum a run could continue as new again at once.
 */
export const HISTORY_EVENTS_PER_RUN = { min: 50, max: 40_000, default: 10_000 } as const;

const REASON: TextRule = { kind: 'text', max: LIMITS.reason };
const LONG_TEXT: TextRule = { kind: 'text', max: LIMITS.summary };

/** A field of a hand-made request missing or of the wrong type: its code where it has one, `message` for the CLI. */
function wrongTypeRefusal(path: Path, expected: 'list' | 'mapping', value: unknown, message: string): Error {
  const details = wrongTypeDetails(path, expected, value);
  return details ? refusal(details.refusal, details.values, message) : new Error(message);
}

/**
 * Several problems as one refusal: each one's sentence, and the codes of all of them (`problems`)
 * where each has one, so the workspace says every one by its field; the sentences alone otherwise.
 */
function allOf(problems: readonly Error[]): Error {
  const message = problems.map((p) => p.message).join('; ');
  const coded = refusalOfAll(problems.map(refusalDetails));
  return coded ? refusal(coded.refusal, coded.values, message) : new Error(message);
}

/**
 * A form's checks run to the end, each refusal kept: `check` runs one, `throwAny` then refuses with
 * all of them (one alone as it is), so the officer corrects every field in one pass.
 */
function everyProblem() {
  const problems: Error[] = [];
  return {
    problems,
    check(run: () => void): boolean {
      try {
        run();
        return true;
      } catch (err) {
        problems.push(err as Error);
        return false;
      }
    },
    throwAny(): void {
      if (problems.length === 1) throw problems[0];
      if (problems.length > 1) throw allOf(problems);
    },
  };
}

/** The request itself: an update sent without its input object gets a sentence, not a TypeError. */
function requireRequest(input: unknown): void {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new Error(`the request must be an object with the update's fields (got ${quote(input)})`);
  }
}

function requireOfficer(input: unknown): void {
  requireRequest(input);
  const { by } = input as { by?: unknown };
  if (typeof by !== 'string' || by.trim() === '') {
    throw new Error('the case officer\'s name ("by") must not be blank: it is recorded in the timeline');
  }
  checkText(field('by'), by, NAME);
}

function throwIf(refused: Error | undefined): void {
  if (refused) throw refused;
}

function finalRefusal(view: EngagementView): Error | undefined {
  if (!FINAL_STAGES.includes(view.stage)) return undefined;
  return refusal('final', { stage: view.stage }, `${view.workflowId} is ${view.stage}: it accepts no more changes`);
}

function requireOpen(view: EngagementView): void {
  throwIf(finalRefusal(view));
}

function stageRefusal(view: EngagementView, allowed: readonly EngagementStage[], action: string, code: RefusalCode & `${string}-stage`): Error | undefined {
  const final = finalRefusal(view);
  if (final || allowed.includes(view.stage)) return final;
  return refusal(code, { stage: view.stage }, `cannot ${action} while the engagement is ${view.stage} (allowed in: ${allowed.join(', ')})`);
}

function requireStage(view: EngagementView, allowed: readonly EngagementStage[], action: string, code: RefusalCode & `${string}-stage`): void {
  throwIf(stageRefusal(view, allowed, action, code));
}

function requireFuture(time: number, now: number, field: string, code: 'due-past' | 'demonstration-past'): void {
  if (time <= now) throw refusal(code, { now: toIsoString(now) }, `${field} must be in the future (now is ${toIsoString(now)})`);
}

/**
 * When the open letter went out. Engagements started before the state kept it have it in their
 * timeline only.
 */
export function letterSentAt(view: Pick<EngagementView, 'letterSentAt' | 'timeline'>): string | undefined {
  return view.letterSentAt ?? view.timeline?.find((t) => t.what === 'open-letter sent')?.at;
}

/** When a round's questions went out (its message in the timeline), or at least when they were asked. */
export function questionsSentAt(view: Pick<EngagementView, 'timeline'>, round: FollowUpRound): string {
  const step = `follow-up-r${round.round}-questions`;
  return view.timeline?.find((t) => t.what === 'follow-up-questions sent' && t.detail?.startsWith(step))?.at ?? round.askedAt;
}

/**
 * Whether something dated `text` (ISO date or timestamp) came before `sent`, so cannot answer what
 * was sent then. A date without a time is a whole day wherever the officer stands; a timestamp a
 * few minutes early is clock skew between mail servers.
 */
export function predates(text: string, sent: string): boolean {
  const time = isoInstant(text);
  if (time === undefined) return false;
  return isDateOnly(text.trim()) ? time + LAST_DAY_END_MS <= Date.parse(sent) : time + CLOCK_SKEW_MS < Date.parse(sent);
}

/** Questions still waiting for an answer, in the order they were asked. */
export function openQuestions(questions: readonly Question[]): Question[] {
  return questions.filter((q) => q.answer === undefined);
}

/** A round is settled when every question is answered or its final notice has gone out. */
export function isRoundSettled(round: FollowUpRound, questions: readonly Question[]): boolean {
  return round.remindersExhausted || questions.every((q) => q.round !== round.round || q.answer !== undefined);
}

function findDemonstration(view: EngagementView, id: unknown): Demonstration {
  const found = view.demonstrations.find((d) => d.id === id);
  if (!found) {
    const known = view.demonstrations.map((d) => d.id).join(', ') || 'none scheduled yet';
    throw refusal('unknown-demonstration', { id: String(id), known }, `unknown demonstration ${quote(id)} (known: ${known})`);
  }
  return found;
}

// ── What the stage accepts ───────────────────────────────────────────────────────────────────────
// The part of a check that reads the case and not the request, as a refusal or undefined: the check
// throws it at its place among the others, and the workspace offers the form only where there is
// none, so a form on the page is one the workflow accepts filled in well.

const respondStageRefusal = (view: EngagementView) => stageRefusal(view, RESPONSE_STAGES, 'record a response', 'respond-stage');
const askStageRefusal = (view: EngagementView) => stageRefusal(view, AFTER_RESPONSE, 'ask follow-up questions', 'ask-stage');
const scheduleStageRefusal = (view: EngagementView) => stageRefusal(view, AFTER_RESPONSE, 'schedule a demonstration', 'schedule-stage');
const concludeStageRefusal = (view: EngagementView) => stageRefusal(view, AFTER_RESPONSE, 'conclude', 'conclude-stage');

function answerStageRefusal(view: EngagementView): Error | undefined {
  const final = finalRefusal(view);
  if (final || view.questions.length > 0) return final;
  return refusal('nothing-to-answer', {}, 'no follow-up question has been asked yet: there is nothing to answer');
}

function roundOpenRefusal(view: EngagementView): Error | undefined {
  const unsettled = (view.rounds ?? []).find((r) => !isRoundSettled(r, view.questions));
  if (!unsettled) return undefined;
  return refusal(
    'round-open',
    { round: String(unsettled.round) },
    `follow-up round ${unsettled.round} is still open: wait until all its questions are answered or its final notice has gone out`,
  );
}

function outcomeFirstRefusal(view: EngagementView): Error | undefined {
  const pending = view.demonstrations.filter((d) => d.result === undefined).map((d) => d.id);
  if (pending.length === 0) return undefined;
  return refusal('outcome-first', { pending: pending.join(', ') }, `record the outcome of demonstration ${pending.join(', ')} first (not-validated if it did not take place)`);
}

/** Whether a response can be recorded now (`checkRecordResponse`). */
export function acceptsResponse(view: EngagementView): boolean {
  return !respondStageRefusal(view);
}

/** Whether follow-up questions can be asked now (`checkAskFollowUp`): after the response, no round still open, room for their text. */
export function acceptsFollowUpQuestions(view: EngagementView): boolean {
  return !askStageRefusal(view) && !roundOpenRefusal(view) && !caseTextFull(view);
}

/** Whether answers can be recorded now (`checkRecordAnswers`): a question is still open, so one exists to answer, and room for its answer. */
export function acceptsAnswers(view: EngagementView): boolean {
  return !answerStageRefusal(view) && openQuestions(view.questions).length > 0 && !caseTextFull(view);
}

/**
 * Questions or answers the case would take but for its text, which is at its limit: the workspace
 * says so where their forms would be, since the stage alone does not explain why none is offered.
 */
export function textLimitStopsQuestions(view: EngagementView): boolean {
  const asks = !askStageRefusal(view) && !roundOpenRefusal(view);
  const answers = !answerStageRefusal(view) && openQuestions(view.questions).length > 0;
  return (asks || answers) && caseTextFull(view);
}

/**
 * Whether some deadline can be extended now (`checkExtendDeadline`): the response's or the latest
 * open round's, or a round the officer names, which only needs an open question.
 */
export function acceptsExtension(view: EngagementView): boolean {
  if (finalRefusal(view)) return false;
  if (!(currentExtension(view) instanceof Error)) return true;
  return (view.rounds ?? []).some((r) => view.questions.some((q) => q.round === r.round && q.answer === undefined));
}

/** Whether a demonstration can be scheduled now (`checkScheduleDemonstration`). */
export function acceptsDemonstration(view: EngagementView): boolean {
  return !scheduleStageRefusal(view);
}

/** Whether the case can be concluded now (`checkConclude`): after the response, every demonstration's outcome recorded. */
export function acceptsConclusion(view: EngagementView): boolean {
  return !concludeStageRefusal(view) && !outcomeFirstRefusal(view);
}

// ── One check per update ─────────────────────────────────────────────────────────────────────────

export function checkRecordResponse(view: EngagementView, input: RecordResponseInput, now: number): void {
  requireOfficer(input);
  throwIf(respondStageRefusal(view));
  const received = parseIsoDate(input.receivedAt, 'receivedAt', 'received-at');
  if (received > now + CLOCK_SKEW_MS) {
    throw refusal('received-future', { receivedAt: input.receivedAt }, `the date the response was received (${input.receivedAt}) must not be in the future`);
  }
  const sent = letterSentAt(view);
  if (sent !== undefined && predates(input.receivedAt, sent)) {
    throw refusal(
      'received-before-letter',
      { receivedAt: input.receivedAt, sent },
      `the date the response was received (${input.receivedAt}) is earlier than the open letter, sent ${sent}: a response cannot predate its letter`,
    );
  }
  checkText(field('response-summary'), input.summary, { kind: 'text', max: LIMITS.summary });
  if (!Array.isArray(input.attachments)) throw wrongTypeRefusal(['attachments'], 'list', input.attachments, 'attachments must be a list of file names (possibly empty)');
  checkList(field('attachments'), input.attachments, LIMITS.attachments, true);
  input.attachments.forEach((a, i) => checkFileName(field('attachment', i + 1), a));
  if (input.documents !== undefined) {
    if (!Array.isArray(input.documents)) throw wrongTypeRefusal(['documents'], 'list', input.documents, 'documents must be a list of stored documents');
    checkList(field('documents'), input.documents, LIMITS.attachments, true);
    input.documents.forEach((d, i) => checkFileName(field('document', i + 1), d?.name));
  }
}

/** The round an extension applies to, or undefined for the response itself. */
export function extensionTarget(view: EngagementView, input: Pick<ExtendDeadlineInput, 'round'>): FollowUpRound | undefined {
  const rounds = view.rounds ?? [];
  if (input.round !== undefined) {
    const round = rounds.find((r) => r.round === input.round);
    const asked = rounds.map((r) => r.round).join(', ') || 'none';
    if (!round) throw refusal('unknown-round', { round: String(input.round), asked }, `unknown follow-up round ${input.round} (asked: ${asked})`);
    return round;
  }
  const current = currentExtension(view);
  if (current instanceof Error) throw current;
  return current.round;
}

/** What an extension naming no round extends: the response (no round) or the latest open round; else why nothing. */
function currentExtension(view: EngagementView): { round?: FollowUpRound } | Error {
  if (view.stage === 'awaiting-response') return {};
  // A reply under review (a vendor asking for more time lands here) has not settled the response.
  if (view.stage === 'reply-received') {
    return letterStillGoingOut(view) ? refusal('extend-letter-going-out', {}, `${LETTER_GOING_OUT}: extend the response deadline once it has gone out`) : {};
  }
  if (view.stage === 'sending-letter') {
    return refusal('extend-letter-going-out', {}, `cannot extend the response deadline while the engagement is sending-letter: ${LETTER_GOING_OUT}`);
  }
  if (view.stage === 'letter-undeliverable') {
    return refusal(
      'extend-letter-undeliverable',
      {},
      'cannot extend the response deadline while the engagement is letter-undeliverable: the open letter has not reached the vendor, so no ' +
        'response deadline runs; correct the contact address, and the letter sent again states a new due date',
    );
  }
  const open = new Set(openQuestions(view.questions).map((q) => q.round));
  const latest = [...(view.rounds ?? [])].reverse().find((r) => open.has(r.round));
  return latest ? { round: latest } : refusal('nothing-to-extend', {}, NOTHING_TO_EXTEND);
}

/** Also the handler's, for a reply that arrived while the calendar answered (engagement.ts). */
export const NOTHING_TO_EXTEND = 'there is nothing to extend: the response has arrived and no follow-up question is open';

const LETTER_GOING_OUT = 'the open letter is still being sent, and the response is due a set time after it goes out';

/**
 * A reply recorded while the letter (or the letter sent again to corrected addresses) was still
 * going out: the delivery is recorded as `letterSentAt`, after any correction of the addresses.
 */
function letterStillGoingOut(view: EngagementView): boolean {
  const sent = letterSentAt(view);
  if (sent === undefined) return true;
  return (view.timeline ?? []).some((t) => t.what === 'contact address corrected' && Date.parse(t.at) > Date.parse(sent));
}

/**
 * `calendar`: whether the lead authority names a jurisdiction and a time zone, without which working
 * days cannot be counted. An extension by working days is dated by the workflow (an activity reads
 * the calendar), which checks the date again with `dueDate` set.
 */
export function checkExtendDeadline(view: EngagementView, input: ExtendDeadlineInput, now: number, { calendar = false } = {}): void {
  requireOfficer(input);
  requireOpen(view);
  checkText(field('extension-reason'), input.reason, REASON);
  if ((input.dueDate === undefined) === (input.extendBy === undefined)) {
    throw refusal('extend-both', {}, 'give either the new due date or how much longer the vendor has ("10 working days", "14 days"), not both');
  }
  if (input.extendBy !== undefined) {
    const problem = durationProblem(input.extendBy, { workingDays: true });
    if (problem) throw extensionRefusal(input.extendBy, `the extension ${problem}`);
    if (workingDays(input.extendBy) !== undefined && !calendar) {
      throw refusal('working-days-unknown', {}, 'the lead authority needs a jurisdiction and a timeZone to count working days: give the new due date instead');
    }
  }
  const round = extensionTarget(view, input);
  if (round === undefined && view.stage !== 'awaiting-response' && view.stage !== 'reply-received') {
    throw refusal('extend-stage', { stage: view.stage }, `cannot extend the response deadline while the engagement is ${view.stage}`);
  }
  if (round && !view.questions.some((q) => q.round === round.round && q.answer === undefined)) {
    throw refusal('round-answered', { round: String(round.round) }, `every question of follow-up round ${round.round} is answered: there is nothing to extend`);
  }
  const current = round ? round.dueDate : view.responseDueDate;
  if (input.dueDate === undefined) {
    // A plain duration is added here; working days wait for the calendar.
    const extra = workingDays(input.extendBy) === undefined ? durationMs(input.extendBy) : undefined;
    if (extra !== undefined && current !== undefined && Date.parse(current) + extra <= now) {
      const values = { current, extendBy: String(input.extendBy), now: toIsoString(now) };
      throw refusal('extension-past', values, `the current due date (${current}) plus ${input.extendBy} must be in the future (now is ${values.now})`);
    }
    return;
  }
  const dueDate = parseIsoDate(input.dueDate, 'dueDate', 'due-date');
  if (current !== undefined && dueDate <= Date.parse(current)) {
    throw refusal('due-not-later', { current }, `the new due date must be later than the current one (${current})`);
  }
  requireFuture(dueDate, now, 'the new due date', 'due-past');
}

export function checkAskFollowUp(view: EngagementView, input: AskFollowUpInput, now: number): void {
  requireOfficer(input);
  throwIf(askStageRefusal(view));
  if (!Array.isArray(input.questions) || input.questions.length === 0) throw refusal('no-question', {}, 'ask at least one question');
  checkList(field('questions'), input.questions, LIMITS.questionsPerRound);
  const questions = everyProblem();
  input.questions.forEach((q, i) => questions.check(() => checkText(field('question', i + 1), q, { kind: 'text', max: LIMITS.question })));
  questions.throwAny();
  if (input.dueDate !== undefined) requireFuture(parseIsoDate(input.dueDate, 'dueDate', 'due-date'), now, 'the due date', 'due-past');
  const tooMuch = caseTextProblem(view, 'these questions', input.questions.reduce((sum, q) => sum + q.length, 0));
  if (tooMuch) throw new Error(tooMuch);
  throwIf(roundOpenRefusal(view));
}

export function checkRecordAnswers(view: EngagementView, input: RecordAnswersInput): void {
  requireOfficer(input);
  throwIf(answerStageRefusal(view));
  if (!Array.isArray(input.answers) || input.answers.length === 0) throw refusal('no-answer', {}, 'record at least one answer');
  checkList(field('answers'), input.answers, LIMITS.answersPerRequest);
  const seen = new Set<string>();
  for (const [i, entry] of input.answers.entries()) {
    if (typeof entry !== 'object' || entry === null) throw new Error(`answer ${i + 1} must be { questionId, answer } (got ${quote(entry)})`);
    const { questionId, answer } = entry;
    const question = view.questions.find((q) => q.id === questionId);
    if (!question) {
      const asked = view.questions.map((q) => q.id).join(', ');
      throw refusal('unknown-question', { id: String(questionId), asked }, `unknown question ${quote(questionId)} (asked: ${asked})`);
    }
    if (question.answer !== undefined) throw refusal('question-answered', { id: questionId }, `question ${questionId} is already answered`);
    if (seen.has(questionId)) throw refusal('question-twice', { id: questionId }, `question ${questionId} is answered twice in the same request`);
    seen.add(questionId);
    checkText(field('answer', questionId), answer, LONG_TEXT);
  }
  const tooLarge = answersSizeProblem(input.answers);
  if (tooLarge) throw refusal('answers-too-long', { max: String(LIMITS.answersRequestTotal), got: String(answersTotal(input.answers)) }, tooLarge);
  const tooMuch = caseTextProblem(view, 'these answers', input.answers.reduce((sum, a) => sum + a.answer.length, 0));
  if (tooMuch) throw new Error(`${tooMuch}: summarise, or keep the full text as a document`);
}

/**
 * Characters of text an engagement records: the response, every question and answer, and the mail
 * received. Its outcome, its status and (when it continues as new) the next run's input carry all
 * of it, each one payload that Temporal refuses over 2 MB.
 */
export function recordedText(view: Pick<EngagementStatus, 'response' | 'questions' | 'inbox'>): number {
  const questions = view.questions.reduce((sum, q) => sum + q.text.length + (q.answer?.length ?? 0), 0);
  const mail = (view.inbox ?? []).reduce((sum, m) => sum + m.text.length, 0);
  return (view.response?.summary.length ?? 0) + questions + mail;
}

/** The engagement records as much text as it may: `caseTextProblem` refuses even one character more. */
export function caseTextFull(view: Pick<EngagementStatus, 'response' | 'questions' | 'inbox'>): boolean {
  return caseTextProblem(view, 'one character', 1) !== undefined;
}

/** The sentence refusing `adding` more characters when the engagement's text would pass its limit. */
export function caseTextProblem(view: Pick<EngagementStatus, 'response' | 'questions' | 'inbox'>, what: string, adding: number): string | undefined {
  const total = recordedText(view) + adding;
  if (total <= LIMITS.caseText) return undefined;
  return (
    `${what} would bring the text this engagement records to ${total} characters; at most ${LIMITS.caseText} ` +
    "(its outcome must stay under Temporal's 2 MB payload limit)"
  );
}

/** The answers of one request together, checked by the CLI before sending and by the validator. */
export function answersSizeProblem(answers: { answer: string }[]): string | undefined {
  const total = answersTotal(answers);
  if (total <= LIMITS.answersRequestTotal) return undefined;
  return (
    `the answers in one request must total at most ${LIMITS.answersRequestTotal} characters (got ${total}): ` +
    'Temporal refuses a request over 2 MB; record them in several requests'
  );
}

/** An extension that is not a duration this release counts, by what is wrong with it. */
function extensionRefusal(extendBy: unknown, message: string) {
  const got = quote(extendBy);
  switch (durationIssue(extendBy, { workingDays: true })) {
    case 'working-days-range':
      return refusal('extension-working-days', { most: String(MAX_WORKING_DAYS), got: String(workingDays(extendBy)) }, message);
    case 'too-long':
      return refusal('extension-too-long', { most: String(MAX_DURATION_YEARS), got }, message);
    default:
      return refusal('extension-not-a-duration', { got }, message);
  }
}

function answersTotal(answers: { answer: string }[]): number {
  return answers.reduce((sum, a) => sum + (typeof a?.answer === 'string' ? a.answer.length : 0), 0);
}

function checkMeetingTime(at: unknown, now: number): void {
  requireFuture(parseIsoDate(at, 'at', 'demonstration-time'), now, 'the demonstration time', 'demonstration-past');
}

/** A web address a mail client may open: https, a host name, no credentials, no spaces or quotes. */
const MEETING_URL = /^https:\/\/[A-Za-z0-9.-]+(:\d{1,5})?([/?#][^\s<>"'`\\]*)?$/;
const MEETING_URL_MAX = 2_000;

/** Where a demonstration is held (optional, one line) and its video call's link (optional, https). */
export function checkMeetingPlace(input: { location?: unknown; meetingUrl?: unknown }): void {
  if (input.location !== undefined) checkText(field('location'), input.location, { kind: 'line', max: LIMITS.topic });
  const url = input.meetingUrl;
  if (url === undefined) return;
  const got = quote(url);
  if (typeof url !== 'string' || !/^https:\/\//i.test(url.trim())) {
    throw refusal('meeting-link-not-https', { got }, `the meeting link must be an address starting with https:// (got ${got})`);
  }
  if (url.trim().length > MEETING_URL_MAX || !MEETING_URL.test(url.trim())) {
    throw refusal('meeting-link-invalid', { got }, `the meeting link ${got} is not a web address such as https://meet.example.org/room-42 (no spaces, quotes or user name)`);
  }
}

export function checkScheduleDemonstration(view: EngagementView, input: ScheduleDemonstrationInput, now: number): void {
  requireOfficer(input);
  throwIf(scheduleStageRefusal(view));
  checkMeetingTime(input.at, now);
  const minutes = input.durationMinutes;
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_DEMONSTRATION_MINUTES) {
    throw refusal(
      'demonstration-minutes',
      { most: String(MAX_DEMONSTRATION_MINUTES), got: String(minutes) },
      `durationMinutes must be a whole number from 1 to ${MAX_DEMONSTRATION_MINUTES} (got ${minutes})`,
    );
  }
  if (!Array.isArray(input.attendees) || input.attendees.length === 0) throw refusal('no-attendee', {}, 'invite at least one attendee');
  checkList(field('attendees'), input.attendees, LIMITS.attendees);
  for (const [i, a] of input.attendees.entries()) {
    checkText(field('attendee-name', i + 1), a?.name, NAME);
    checkEmail(field('attendee-email', i + 1), a.email);
  }
  if (!Array.isArray(input.topics) || input.topics.length === 0) {
    throw refusal('no-topic', {}, 'name at least one topic: how the vendor achieves, monitors or validates a measure');
  }
  checkList(field('topics'), input.topics, LIMITS.topics);
  input.topics.forEach((t, i) => checkText(field('topic', i + 1), t, { kind: 'line', max: LIMITS.topic }));
  checkMeetingPlace(input);
}

export function checkRescheduleDemonstration(view: EngagementView, input: RescheduleDemonstrationInput, now: number): void {
  requireOfficer(input);
  requireOpen(view);
  const demonstration = findDemonstration(view, input.demonstrationId);
  if (demonstration.result !== undefined) {
    throw refusal('demonstration-took-place', { id: demonstration.id, result: demonstration.result }, `demonstration ${demonstration.id} already took place (${demonstration.result})`);
  }
  checkMeetingTime(input.at, now);
  if (Date.parse(input.at) === Date.parse(demonstration.at)) {
    throw refusal('demonstration-already-at', { id: demonstration.id, at: demonstration.at }, `demonstration ${demonstration.id} is already scheduled at ${demonstration.at}`);
  }
  checkText(field('reschedule-reason'), input.reason, REASON);
  // null removes the place or the link; anything else given is checked as when scheduling.
  checkMeetingPlace({ location: input.location ?? undefined, meetingUrl: input.meetingUrl ?? undefined });
}

export function checkDemonstrationOutcome(view: EngagementView, input: RecordDemonstrationOutcomeInput, now: number): void {
  requireOfficer(input);
  requireOpen(view);
  if (view.demonstrations.length === 0) throw refusal('no-demonstration', {}, 'no demonstration has been scheduled: there is no outcome to record');
  const demonstration = findDemonstration(view, input.demonstrationId);
  if (demonstration.result !== undefined) {
    throw refusal(
      'demonstration-recorded',
      { id: demonstration.id, result: demonstration.result },
      `the outcome of demonstration ${demonstration.id} is already recorded (${demonstration.result})`,
    );
  }
  if (now < Date.parse(demonstration.at)) {
    throw refusal('demonstration-not-started', { id: demonstration.id, at: demonstration.at }, `demonstration ${demonstration.id} has not started yet (it is scheduled at ${demonstration.at})`);
  }
  if (!DEMONSTRATION_RESULTS.includes(input.result)) {
    throw new Error(`result must be one of ${DEMONSTRATION_RESULTS.join(', ')} (got ${quote(input.result)})`);
  }
  checkText(field('demonstration-notes'), input.notes, LONG_TEXT);
}

export function checkConclude(view: EngagementView, input: ConcludeInput): void {
  requireOfficer(input);
  throwIf(concludeStageRefusal(view));
  if (typeof input.findings !== 'object' || input.findings === null || Array.isArray(input.findings)) {
    throw wrongTypeRefusal(['findings'], 'mapping', input.findings, `findings must be a mapping of the five principles (${PRINCIPLES.join(', ')}) to findings`);
  }
  const findings = input.findings as Record<string, unknown>;
  const missing = PRINCIPLES.filter((p) => findings[p] === undefined);
  if (missing.length > 0) throw new Error(`findings are missing for: ${missing.join(', ')} (all five principles are required)`);
  const unknown = Object.keys(findings).filter((k) => !(PRINCIPLES as readonly string[]).includes(k));
  if (unknown.length > 0) {
    const { refusal: code, values } = unknownFieldsDetails(['findings'], unknown);
    throw refusal(code, values, `unknown principle(s): ${unknown.join(', ')} (expected: ${PRINCIPLES.join(', ')})`);
  }
  const tooLarge = findingsSizeProblem(input.findings);
  const tooLargeDetails = findingsSizeDetails(input.findings);
  if (tooLarge && tooLargeDetails) throw refusal(tooLargeDetails.refusal, tooLargeDetails.values, tooLarge);
  // Every principle's problems in one refusal: an officer who left three assessments blank is told
  // of the three at once, not of the next one after each correction.
  const assessed = everyProblem();
  for (const principle of PRINCIPLES) {
    const finding = input.findings[principle];
    if (typeof finding !== 'object' || finding === null || Array.isArray(finding)) {
      assessed.problems.push(wrongTypeRefusal(['findings', principle], 'mapping', finding, `the finding for ${principle} must be { assessment, goodPractices }`));
      continue;
    }
    assessed.check(() => checkPublicText(`the assessment for ${principle}`, finding.assessment, LONG_TEXT, { en: field('assessment-en', principle), fr: field('assessment-fr', principle) }));
    if (!Array.isArray(finding.goodPractices)) {
      assessed.problems.push(wrongTypeRefusal(['findings', principle, 'goodPractices'], 'list', finding.goodPractices, `goodPractices for ${principle} must be a list (possibly empty)`));
      continue;
    }
    if (!assessed.check(() => checkList(`goodPractices for ${principle}`, finding.goodPractices, LIMITS.goodPractices, true))) continue;
    finding.goodPractices.forEach((g, i) =>
      assessed.check(() =>
        checkPublicText(`good practice ${i + 1} for ${principle}`, g, { kind: 'text', max: LIMITS.question }, { en: field('good-practice-en', `${principle}/${i + 1}`), fr: field('good-practice-fr', `${principle}/${i + 1}`) }),
      ),
    );
  }
  assessed.throwAny();
  throwIf(outcomeFirstRefusal(view));
}

export function checkWithdraw(view: EngagementView, input: WithdrawInput): void {
  checkWithdrawalText(input);
  requireOpen(view);
}

/**
 * The officer's name and the reason of a withdrawal. The campaign's `withdrawVendor` validator must
 * apply it too: the engagement applies it to the campaign's withdrawal signal and ignores a signal
 * that fails it, so a reason refused here has to be refused before the campaign records it.
 */
export function checkWithdrawalText(input: Pick<WithdrawInput, 'by' | 'reason'>): void {
  requireOfficer(input);
  checkText(field('withdraw-reason'), input.reason, REASON);
}

/** Vendor contacts an engagement writes to at once (the campaign file allows as many). */
const MAX_CONTACTS = 20;

export function checkCorrectContacts(view: EngagementView, input: CorrectContactsInput): void {
  requireOfficer(input);
  requireStage(view, ['letter-undeliverable'], 'correct the contact address', 'correct-contact-stage');
  if (!Array.isArray(input.contacts) || input.contacts.length === 0) throw refusal('no-contact', {}, 'give at least one contact address for the vendor');
  checkList(field('contacts'), input.contacts, MAX_CONTACTS);
  const refused = new Set((view.contacts ?? []).map((c) => c.email.trim().toLowerCase()));
  for (const [i, c] of input.contacts.entries()) {
    checkContact(c, i);
    if (refused.has(c.email.trim().toLowerCase())) {
      throw refusal('address-refused', { address: c.email.trim() }, `${c.email.trim()} is the address the mail server refused for good: give another one`);
    }
  }
  checkText(field('correction-reason'), input.reason, REASON);
}

/** One contact an officer gives: a name the letter greets and an email address. */
function checkContact(c: unknown, i: number): asserts c is { name: string; email: string } {
  if (typeof c !== 'object' || c === null) throw new Error(`contact ${i + 1} must be { name, email } (got ${quote(c)})`);
  const { name, email } = c as Record<string, unknown>;
  checkText(field('contact-name', i + 1), name, NAME);
  checkEmail(field('contact-email', i + 1), email);
}

const emailKey = (email: string) => email.trim().toLowerCase();

/**
 * A change of the vendor's contacts while the case is open. Not while the letter is going out (which
 * addresses it reached decides whether a bounce makes it undeliverable), nor once it was refused for
 * good (`correctContacts` sends it again). An added address must be new; a replacement must differ.
 */
export function checkChangeContacts(view: EngagementView, input: ChangeContactsInput): void {
  requireOfficer(input);
  requireOpen(view);
  if (!CONTACT_CHANGES.includes(input.mode)) {
    throw refusal('change-contact-mode', { got: quote(input.mode) }, `say whether the contacts are added or replace the present ones (add or replace; got ${quote(input.mode)})`);
  }
  if (view.stage === 'sending-letter') {
    throw refusal('change-contact-letter-going-out', {}, 'the open letter is still going out: change the contacts once it has been delivered');
  }
  if (view.stage === 'letter-undeliverable') {
    throw refusal('change-contact-undeliverable', {}, 'the open letter was refused for good: correct the contact address instead, and the letter goes again');
  }
  if (!Array.isArray(input.contacts) || input.contacts.length === 0) throw refusal('no-contact', {}, 'give at least one contact address for the vendor');
  checkList(field('contacts'), input.contacts, MAX_CONTACTS);
  const present = (view.contacts ?? []).map((c) => emailKey(c.email));
  const given = new Set<string>();
  for (const [i, c] of input.contacts.entries()) {
    checkContact(c, i);
    const key = emailKey(c.email);
    if (given.has(key)) throw refusal('contact-twice', { address: c.email.trim() }, `${c.email.trim()} is given twice: give each address once`);
    given.add(key);
    if (input.mode === 'add' && present.includes(key)) {
      throw refusal('contact-known', { address: c.email.trim() }, `${c.email.trim()} is already one of the vendor's contacts`);
    }
  }
  if (input.mode === 'add' && present.length + given.size > MAX_CONTACTS) {
    throw refusal('contacts-too-many', { most: String(MAX_CONTACTS) }, `an engagement writes to at most ${MAX_CONTACTS} contacts: replace them instead of adding`);
  }
  // A new name on the same address is a change too: letters greet the contact by it.
  const named = (c: Contact) => `${emailKey(c.email)} ${c.name.trim()}`;
  const presentNamed = new Set((view.contacts ?? []).map(named));
  if (input.mode === 'replace' && present.length === given.size && input.contacts.every((c) => presentNamed.has(named(c)))) {
    throw refusal('contacts-unchanged', {}, 'these are the vendor\'s contacts already: nothing would change');
  }
  checkText(field('reason'), input.reason, REASON);
}
