// One vendor engagement, from the open letter to its conclusion: letter, response (or reminders,
// final notice and closure), follow-up rounds, demonstrations, findings. Deterministic: every wait
// is a timer or condition, every side effect an activity, every duration from the input's policy.
// What an officer may ask and when lives in engagement-rules.ts; the reminder loop in reminders.ts.
// After the response the stage follows the officer's latest step (follow-up or demonstration); a new
// follow-up round opens once the previous one is answered or its final notice went out, and an
// unanswered round never closes the case: the officer decides what happens next.
import {
  allHandlersFinished,
  CancellationScope,
  condition,
  isCancellation,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { requireDurationMs, toIsoString } from './time';
import type { Activities } from '../activities';
import { NON_RETRYABLE_ERROR_TYPES } from './errors';
import { sendOrExplain } from './delivery';
import * as rules from './engagement-rules';
import {
  askFollowUpUpdate,
  concludeUpdate,
  engagementStatusQuery,
  extendDeadlineUpdate,
  recordAnswersUpdate,
  recordDemonstrationOutcomeUpdate,
  recordResponseUpdate,
  rescheduleDemonstrationUpdate,
  scheduleDemonstrationUpdate,
  withdrawUpdate,
  withdrawSignal,
  type EngagementStatus,
  type WithdrawInput,
} from './messages';
import { remindUntil, type ReminderKind } from './reminders';
import { DossierCampaign, DossierNextDeadline, DossierStage, DossierVendor } from './search-attributes';
import type {
  Contact,
  Demonstration,
  EngagementInput,
  EngagementOutcome,
  FollowUpRound,
  MessageDetails,
  MessageKind,
  ReminderSent,
} from './types';
import { FINAL_STAGES } from './types';
import { engagementWorkflowId } from './workflow-ids';

// Email is the only retry profile here: an SMTP relay that is down for hours must not lose a
// letter, while a refused address (non-retryable) comes back at once to be recorded.
const email = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5 minutes', nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES },
});

const ENGINE = 'dossier';

export async function engagement(input: EngagementInput): Promise<EngagementOutcome> {
  const { campaign, vendor, policy } = input;
  const iso = toIsoString;
  const state: EngagementStatus = {
    workflowId: engagementWorkflowId(campaign.id, vendor.id),
    campaignId: campaign.id,
    vendorId: vendor.id,
    vendorName: vendor.name,
    stage: 'sending-letter',
    responseDueDate: iso(Date.now() + requireDurationMs(policy.responseDue)),
    timeline: [],
    openQuestions: [],
    questions: [],
    rounds: [],
    demonstrations: [],
    remindersSent: [],
    deliveryFailures: [],
  };
  let endedAt: string | undefined;
  /** Follow-up rounds and demonstrations run beside the main flow; all end once the case is final. */
  const chores: Promise<void>[] = [];
  /**
   * Starts work beside the main flow. A cancellation reaches it too; the main flow handles that
   * once, so here it is swallowed (an unhandled rejection would fail every workflow task).
   */
  const beside = (work: Promise<void>): Promise<void> =>
    work.catch((err: unknown) => {
      if (!isCancellation(err)) throw err;
    });
  const rounds = (): FollowUpRound[] => state.rounds ?? [];
  const isFinal = () => FINAL_STAGES.includes(state.stage);
  const log = (by: string, what: string, detail?: string) =>
    state.timeline.push({ at: iso(Date.now()), by: by.trim(), what, ...(detail ? { detail } : {}) });

  // ── Reading the case ───────────────────────────────────────────────────────────────────────────

  /** Whatever the vendor owes next (response, answers) or the next demonstration to hold. */
  function nextDeadline(): string | undefined {
    if (isFinal()) return undefined;
    if (state.stage === 'sending-letter' || state.stage === 'awaiting-response') return state.responseDueDate;
    const open = new Set(rules.openQuestions(state.questions).map((q) => q.round));
    const dates = [
      ...rounds().filter((r) => open.has(r.round)).map((r) => r.dueDate),
      ...state.demonstrations.filter((d) => d.result === undefined).map((d) => d.at),
    ];
    return dates.sort((a, b) => Date.parse(a) - Date.parse(b))[0];
  }

  const status = (): EngagementStatus => ({
    ...state,
    openQuestions: rules.openQuestions(state.questions),
    nextDeadline: nextDeadline(),
  });

  const outcome = (): EngagementOutcome => ({
    vendorId: vendor.id,
    vendorName: vendor.name,
    stage: state.stage as EngagementOutcome['stage'],
    response: state.response,
    findings: state.findings,
    demonstrations: state.demonstrations.map(({ id, at, result, notes }) => ({ id, at, result, notes })),
    remindersSent: state.remindersSent,
    withdrawalReason: state.withdrawalReason,
    endedAt: endedAt ?? iso(Date.now()),
    questions: state.questions,
  });

  // ── Search attributes: stage and deadline, so engagements are listed without scanning ─────────

  let published: string | undefined;
  const attributesKey = () => `${state.stage}|${nextDeadline() ?? ''}`;
  function publishSearchAttributes(): void {
    if (input.searchAttributes === false || attributesKey() === published) return;
    const deadline = nextDeadline();
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
    published = attributesKey();
  }

  // ── Correspondence ─────────────────────────────────────────────────────────────────────────────

  async function deliver(step: string, kind: MessageKind, details: MessageDetails, to: Contact[] = vendor.contacts) {
    const message = { threadId: state.workflowId, step, kind, language: vendor.language, to, campaign, vendor, details };
    const delivery = await sendOrExplain(email.sendMessage, message);
    if (delivery.sent) {
      const note = delivery.sent.resentAfterCrash ? `${step} (resent after a worker crash: the vendor may hold two identical copies)` : step;
      log(ENGINE, `${kind} sent`, note);
      return;
    }
    state.deliveryFailures.push({ at: iso(Date.now()), step, reason: delivery.refused });
    log(ENGINE, `${kind} not delivered`, `${step}: ${delivery.refused}`);
    if (kind === 'officer-notice') return; // the office's own address failing: recording it is all we can do
    await deliver(`officer-notice-${step}`, 'officer-notice', { note: `${vendor.name}: message ${step} (${kind}) was not delivered: ${delivery.refused}` }, [
      campaign.officeContact,
    ]);
  }

  async function remind(about: string, kind: ReminderKind, send: (number: number) => Promise<void>) {
    const number = state.remindersSent.filter((r) => r.about === about && r.kind === kind).length + 1;
    await send(number);
    const sent: ReminderSent = { at: iso(Date.now()), about, kind, number };
    state.remindersSent.push(sent);
  }

  /** Vendor contacts first, then attendees not already among them. */
  function demonstrationRecipients(demonstration: Demonstration): Contact[] {
    const known = new Set(vendor.contacts.map((c) => c.email.toLowerCase()));
    return [...vendor.contacts, ...demonstration.attendees.filter((a) => !known.has(a.email.toLowerCase()))];
  }

  // ── Chores beside the main flow ────────────────────────────────────────────────────────────────

  async function runFollowUpRound(round: FollowUpRound): Promise<void> {
    const unanswered = () => state.questions.filter((q) => q.round === round.round && q.answer === undefined);
    const asked = (questions = state.questions.filter((q) => q.round === round.round)) => questions.map(({ id, text }) => ({ id, text }));
    await deliver(`follow-up-r${round.round}-questions`, 'follow-up-questions', { questions: asked(), dueDate: round.dueDate });
    await remindUntil({
      dueDate: () => Date.parse(round.dueDate),
      cadence: policy.reminderCadence,
      finalNoticeAfter: policy.finalNoticeAfter,
      settled: () => isFinal() || unanswered().length === 0,
      remind: (kind) =>
        remind(`follow-up:${round.round}`, kind, async (number) => {
          const details = { questions: asked(unanswered()), dueDate: round.dueDate, reminderNumber: number };
          await deliver(`follow-up-r${round.round}-${kind}-${number}`, kind === 'reminder' ? 'follow-up-reminder' : 'final-notice', details);
          if (kind === 'final-notice') round.remindersExhausted = true;
        }),
    });
  }

  async function runDemonstration(demonstration: Demonstration): Promise<void> {
    const { id } = demonstration;
    // `rescheduled` numbers the calendar invitation (iCalendar SEQUENCE), so a new time replaces the old one.
    const details = () => {
      const { at, durationMinutes, topics, attendees, rescheduled } = demonstration;
      return { demonstration: { id, at, durationMinutes, topics, attendees, rescheduled } };
    };
    const lead = requireDurationMs(policy.demonstrationReminderLead);
    let invited = -1; // the schedule version (reschedule count) last invited to
    let reminded = -1; // the schedule version last reminded of
    for (;;) {
      if (isFinal() || demonstration.result !== undefined) return;
      const version = demonstration.rescheduled;
      if (invited !== version) {
        invited = version;
        await deliver(`demo-${id}-invite-${version + 1}`, 'demonstration-invitation', details(), demonstrationRecipients(demonstration));
        // An invitation sent within the reminder lead already serves as the reminder.
        if (Date.parse(demonstration.at) - lead <= Date.now()) reminded = version;
        continue;
      }
      const changed = () => isFinal() || demonstration.result !== undefined || demonstration.rescheduled !== version;
      if (reminded === version) {
        await condition(changed);
        continue;
      }
      const wait = Date.parse(demonstration.at) - lead - Date.now();
      if (wait > 0 && (await condition(changed, wait))) continue;
      if (changed()) continue;
      reminded = version;
      await remind(`demonstration:${id}`, 'reminder', (number) =>
        deliver(`demo-${id}-reminder-${number}`, 'demonstration-reminder', details(), demonstrationRecipients(demonstration)),
      );
    }
  }

  // ── What the officer asks (validated first by engagement-rules.ts) ─────────────────────────────

  setHandler(engagementStatusQuery, status);

  setHandler(
    recordResponseUpdate,
    ({ by, receivedAt, summary, attachments }) => {
      state.response = { receivedAt, summary: summary.trim(), attachments };
      state.stage = 'responded';
      log(by, 'response recorded', `received ${receivedAt}`);
      return status();
    },
    { validator: (req) => rules.checkRecordResponse(state, req, Date.now()) },
  );

  setHandler(
    extendDeadlineUpdate,
    (req) => {
      const dueDate = iso(Date.parse(req.dueDate));
      const round = rules.extensionTarget(state, req);
      if (round) {
        round.dueDate = dueDate;
        round.remindersExhausted = false;
        for (const q of state.questions) if (q.round === round.round && q.answer === undefined) q.dueDate = dueDate;
      } else {
        state.responseDueDate = dueDate;
      }
      log(req.by, round ? `follow-up round ${round.round} extended` : 'response deadline extended', `to ${dueDate}: ${req.reason}`);
      return status();
    },
    { validator: (req) => rules.checkExtendDeadline(state, req, Date.now()) },
  );

  setHandler(
    askFollowUpUpdate,
    (req) => {
      const round: FollowUpRound = {
        round: rounds().length + 1,
        askedAt: iso(Date.now()),
        dueDate: iso(req.dueDate ? Date.parse(req.dueDate) : Date.now() + requireDurationMs(policy.followUpDue)),
        remindersExhausted: false,
      };
      const asked = req.questions.map((text, i) => ({
        id: `q${state.questions.length + i + 1}`,
        round: round.round,
        text: text.trim(),
        dueDate: round.dueDate,
      }));
      state.questions.push(...asked);
      rounds().push(round);
      state.stage = 'follow-up';
      log(req.by, `follow-up round ${round.round} asked`, asked.map((q) => q.id).join(', '));
      chores.push(beside(runFollowUpRound(round)));
      return asked;
    },
    { validator: (req) => rules.checkAskFollowUp(state, req, Date.now()) },
  );

  setHandler(
    recordAnswersUpdate,
    (req) => {
      for (const { questionId, answer } of req.answers) {
        const question = state.questions.find((q) => q.id === questionId)!;
        question.answer = answer.trim();
        question.answeredAt = iso(Date.now());
      }
      log(req.by, 'answers recorded', req.answers.map((a) => a.questionId).join(', '));
      return status();
    },
    { validator: (req) => rules.checkRecordAnswers(state, req) },
  );

  setHandler(
    scheduleDemonstrationUpdate,
    (req) => {
      const demonstration: Demonstration = {
        id: `d${state.demonstrations.length + 1}`,
        at: iso(Date.parse(req.at)),
        durationMinutes: req.durationMinutes,
        attendees: req.attendees,
        topics: req.topics.map((t) => t.trim()),
        rescheduled: 0,
      };
      state.demonstrations.push(demonstration);
      state.stage = 'demonstration';
      log(req.by, `demonstration ${demonstration.id} scheduled`, demonstration.at);
      chores.push(beside(runDemonstration(demonstration)));
      return demonstration;
    },
    { validator: (req) => rules.checkScheduleDemonstration(state, req, Date.now()) },
  );

  setHandler(
    rescheduleDemonstrationUpdate,
    (req) => {
      const demonstration = state.demonstrations.find((d) => d.id === req.demonstrationId)!;
      demonstration.at = iso(Date.parse(req.at));
      demonstration.rescheduled++;
      log(req.by, `demonstration ${demonstration.id} rescheduled`, `to ${demonstration.at}: ${req.reason}`);
      return demonstration;
    },
    { validator: (req) => rules.checkRescheduleDemonstration(state, req, Date.now()) },
  );

  setHandler(
    recordDemonstrationOutcomeUpdate,
    (req) => {
      const demonstration = state.demonstrations.find((d) => d.id === req.demonstrationId)!;
      demonstration.result = req.result;
      demonstration.notes = req.notes.trim();
      log(req.by, `demonstration ${demonstration.id} ${req.result}`, demonstration.notes);
      return demonstration;
    },
    { validator: (req) => rules.checkDemonstrationOutcome(state, req, Date.now()) },
  );

  setHandler(
    concludeUpdate,
    (req) => {
      state.findings = req.findings;
      state.stage = 'concluded';
      endedAt = iso(Date.now());
      log(req.by, 'concluded');
      return outcome();
    },
    { validator: (req) => rules.checkConclude(state, req) },
  );

  function withdraw({ by, reason }: WithdrawInput): void {
    state.withdrawalReason = reason.trim();
    state.stage = 'withdrawn';
    endedAt = iso(Date.now());
    log(by, 'withdrawn', state.withdrawalReason);
  }

  setHandler(
    withdrawUpdate,
    (req) => {
      withdraw(req);
      return status();
    },
    { validator: (req) => rules.checkWithdraw(state, req) },
  );

  // The campaign withdraws a vendor by signal (workflows cannot send updates); the update's rules
  // apply, and a signal that arrives after the engagement ended changes nothing.
  setHandler(withdrawSignal, (req) => {
    try {
      rules.checkWithdraw(state, req);
    } catch {
      return;
    }
    withdraw(req);
  });

  // ── The main flow ──────────────────────────────────────────────────────────────────────────────

  if (input.searchAttributes !== false) {
    publishSearchAttributes();
    // One watcher upserts in the same activation as any change of stage or deadline.
    void beside(
      (async () => {
        for (;;) {
          await condition(() => attributesKey() !== published);
          publishSearchAttributes();
        }
      })(),
    );
  }

  try {
    await deliver('letter', 'open-letter', { dueDate: state.responseDueDate });
    if (!isFinal()) state.stage = 'awaiting-response';

    const waited = await remindUntil({
      dueDate: () => Date.parse(state.responseDueDate!),
      cadence: policy.reminderCadence,
      finalNoticeAfter: policy.finalNoticeAfter,
      expireAfter: policy.closeAfter,
      settled: () => isFinal() || state.response !== undefined,
      remind: (kind) =>
        remind('response', kind, (number) =>
          deliver(`${kind}-response-${number}`, kind, { dueDate: state.responseDueDate, reminderNumber: number }),
        ),
    });

    if (waited === 'expired') {
      state.stage = 'closed-no-response';
      endedAt = iso(Date.now());
      log(ENGINE, 'closed: no response', `due ${state.responseDueDate}`);
      const note = `${vendor.name} did not respond by ${state.responseDueDate}; reminders and a final notice went unanswered. The engagement is closed.`;
      await deliver('officer-notice-closed-no-response', 'officer-notice', { note, dueDate: state.responseDueDate }, [campaign.officeContact]);
    } else if (!isFinal() && state.response) {
      await deliver('acknowledgement', 'acknowledgement', { receivedAt: state.response.receivedAt });
    }

    // From here on the officer drives the case through updates, and the chores remind. History grows
    // by a few events per update or reminder, so even a long case stays far below Temporal's limits;
    // should rounds ever become unbounded, this wait is where to check `workflowInfo().continueAsNewSuggested`
    // and continue as new with `state` (plain data by design) as input.
    await condition(isFinal);
    await Promise.all(chores);
  } catch (err) {
    // Cancellation (a campaign ended early, an operator cancelled) withdraws the engagement at
    // once: nothing more is sent, and the campaign still gets an outcome that says why.
    if (!isCancellation(err)) throw err;
    if (!isFinal()) withdraw({ by: ENGINE, reason: 'the engagement was cancelled' });
  }
  // Outside any cancelled scope, or a cancelled run could not wait for its last handlers.
  await CancellationScope.nonCancellable(() => condition(allHandlersFinished));
  publishSearchAttributes();
  return outcome();
}
