// The reminder loop shared by every deadline of an engagement (the response, each follow-up round):
// reminders on the policy's cadence after the due date, then a final notice, then optionally
// expiry. The due date is read again on every wake, so an extension re-plans what is left. Steps
// given in working days are placed on the campaign's calendar by an activity (`onCalendar`).
import { condition, metricMeter } from '@temporalio/workflow';
import { requireDurationMs, workingDays } from './time';
import type { Duration } from './types';

export type ReminderKind = 'reminder' | 'final-notice';

export interface ReminderPlan {
  /** When the vendor's answer is due (ms since the epoch); may move while the loop runs. */
  dueDate: () => number;
  /** Reminders, each measured from the due date. */
  cadence: Duration[];
  /** From the due date to the final notice. */
  finalNoticeAfter: Duration;
  /** From the final notice to giving up; without it the loop waits for `settled` after the notice. */
  expireAfter?: Duration;
  /** True once nothing is owed any more (answered, withdrawn, concluded). */
  settled: () => boolean;
  /**
   * True while reminders must wait (a reply is under review); when it turns false the plan goes on
   * where it was, and a step that fell due meanwhile runs at once (but see `waitsOutPauses`).
   */
  paused?: () => boolean;
  /**
   * Asked when a pause ends, the plan not settled: true when the time it lasted is added to every
   * step still to come, so a review does not count against the vendor. Otherwise every step that fell
   * due meanwhile runs at once: reminders, a final notice naming a day already gone, and expiry.
   */
  waitsOutPauses?: () => boolean;
  /**
   * Sends one reminder or the final notice; numbering is the caller's (it continues across re-plans).
   * `following`: the step planned after it, so a final notice can name the day the case closes.
   */
  remind: (kind: ReminderKind, following?: ReminderStep) => Promise<void>;
  /**
   * The moments `durations` after `from` on the campaign's working calendar (an activity): needed
   * only when a duration is given in working days, which the workflow cannot count itself.
   */
  onCalendar?: (from: number, durations: Duration[]) => Promise<number[]>;
  /** Told the step the loop waits for next (undefined once nothing more is planned), for the case board. */
  planned?: (step: { at: number; kind: ReminderKind | 'expire' } | undefined) => void;
  /**
   * Where a previous run of the workflow left this loop (it continued as new): the due date its
   * steps were planned from and how many of them ran. The loop goes on from there, at the same times.
   */
  resume?: ReminderProgress;
  /** Told where the loop is after each step or re-plan, so a continuation can resume it. */
  progress?: (at: ReminderProgress) => void;
}

export interface ReminderProgress {
  plannedDue: number;
  next: number;
  /** Milliseconds the pauses since `plannedDue` added to the steps still to come (`waitsOutPauses`); absent: none. */
  heldFor?: number;
}

export interface ReminderStep {
  at: number;
  kind: ReminderKind | 'expire';
}
type Step = ReminderStep;

const reminderLateness = () => metricMeter.createHistogram('dossier_reminder_lateness', 'int', 'ms', 'Milliseconds a reminder, final notice or expiry ran after it was due (its planned time, or its release from a pause)');

function plainSteps(reminderTimes: number[], finalAt: number, expireAt: number | undefined): Step[] {
  const reminders: Step[] = reminderTimes.map((at) => ({ at, kind: 'reminder' as const }));
  reminders.sort((a, b) => a.at - b.at);
  const steps: Step[] = [...reminders, { at: finalAt, kind: 'final-notice' }];
  if (expireAt !== undefined) steps.push({ at: expireAt, kind: 'expire' });
  return steps;
}

/**
 * The plan's steps from a due date. Plain durations are added at once, with no await (as every
 * case recorded before working days existed did, so their histories replay unchanged); working
 * days go through `onCalendar`, an activity.
 */
function stepsFrom(due: number, plan: ReminderPlan): Step[] | Promise<Step[]> {
  const counted = [...plan.cadence, plan.finalNoticeAfter, ...(plan.expireAfter === undefined ? [] : [plan.expireAfter])];
  if (!plan.onCalendar || !counted.some((d) => workingDays(d) !== undefined)) {
    const finalAt = due + requireDurationMs(plan.finalNoticeAfter);
    const expireAt = plan.expireAfter === undefined ? undefined : finalAt + requireDurationMs(plan.expireAfter);
    return plainSteps(plan.cadence.map((d) => due + requireDurationMs(d)), finalAt, expireAt);
  }
  const onCalendar = plan.onCalendar;
  return (async () => {
    const times = await onCalendar(due, [...plan.cadence, plan.finalNoticeAfter]);
    const finalAt = times.pop()!;
    const expireAt = plan.expireAfter === undefined ? undefined : (await onCalendar(finalAt, [plan.expireAfter]))[0];
    return plainSteps(times, finalAt, expireAt);
  })();
}

/**
 * Waits until `settled()`, reminding on the way. Returns `settled`, or `expired` once `expireAfter`
 * has passed since the final notice. A new due date restarts the plan from its first reminder.
 *
 * @example
 * const ended = await remindUntil({ dueDate: () => due, cadence: ['14 days'], finalNoticeAfter: '28 days',
 *   expireAfter: '14 days', settled: () => responded, remind: (kind) => send(kind) });
 */
export async function remindUntil(plan: ReminderPlan): Promise<'settled' | 'expired'> {
  let plannedDue = plan.resume?.plannedDue ?? plan.dueDate();
  let heldFor = plan.resume?.heldFor ?? 0;
  let next = plan.resume?.next ?? 0;
  /** The steps still to come moved later by `held` milliseconds. */
  const later = (planned: Step[], held: number) => (held === 0 ? planned : planned.map((step, i) => (i >= next ? { ...step, at: step.at + held } : step)));
  const first = stepsFrom(plannedDue, plan);
  let steps = later(Array.isArray(first) ? first : await first, heldFor);
  const report = () => plan.progress?.({ plannedDue, next, ...(heldFor ? { heldFor } : {}) });
  const paused = () => plan.paused?.() ?? false;
  for (;;) {
    if (plan.settled()) {
      plan.planned?.(undefined);
      return 'settled';
    }
    if (paused()) {
      // Under review nothing is planned: the board shows no next automatic action.
      plan.planned?.(undefined);
      const pausedAt = Date.now();
      await condition(() => plan.settled() || !paused());
      const held = Date.now() - pausedAt;
      if (held > 0 && !plan.settled() && plan.waitsOutPauses?.()) {
        heldFor += held;
        steps = later(steps, held);
        report();
      }
      continue;
    }
    if (plan.dueDate() !== plannedDue) {
      plannedDue = plan.dueDate();
      const replanned = stepsFrom(plannedDue, plan);
      steps = Array.isArray(replanned) ? replanned : await replanned;
      next = 0;
      heldFor = 0;
      report();
    }
    const step = steps[next];
    const interrupted = () => plan.settled() || plan.dueDate() !== plannedDue || paused();
    plan.planned?.(step);
    if (step === undefined) {
      await condition(interrupted);
      continue;
    }
    const reachedAt = Date.now();
    const wait = step.at - reachedAt;
    // A step already due (after a replan, a pause for review or a slow send) runs at once: no timer of zero or less.
    if (wait > 0 && (await condition(interrupted, wait))) continue;
    if (interrupted()) continue;
    next++;
    report();
    // How long after it was due the step runs (the worker's backlog shows here first): from its
    // planned time, or from the moment the loop reached it when it was already due then, so an
    // officer's review or a later due date is not counted as the worker's lateness. The SDK records
    // workflow metrics only on first execution, never on replay.
    reminderLateness().record(Math.max(0, Date.now() - Math.max(step.at, reachedAt)), { kind: step.kind });
    if (step.kind === 'expire') {
      plan.planned?.(undefined);
      return 'expired';
    }
    await plan.remind(step.kind, steps[next]);
  }
}
