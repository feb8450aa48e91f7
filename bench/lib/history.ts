// Reads a finished workflow's history and counts what the engine did for it: events, activities
// scheduled, timers started, updates accepted. The floor is checked against a real engagement by it.
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

const EventType = temporal.api.enums.v1.EventType;

export interface HistoryCounts {
  events: number;
  activities: number;
  timers: number;
  updates: number;
  workflowTasks: number;
}

export async function countHistory(client: Client, workflowId: string): Promise<HistoryCounts> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  const count = (type: number) => events.filter((e) => e.eventType === type).length;
  return {
    events: events.length,
    activities: count(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED),
    timers: count(EventType.EVENT_TYPE_TIMER_STARTED),
    updates: count(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED),
    workflowTasks: count(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
  };
}

/** True when the floor schedules the same activities and timers and accepts the same updates. */
export function sameShape(a: HistoryCounts, b: HistoryCounts): boolean {
  return a.activities === b.activities && a.timers === b.timers && a.updates === b.updates;
}

export interface ReminderTimes {
  /** When the server recorded the timer, and when it was due by the server's own reckoning. */
  timerStarted: number;
  timerDue: number;
  timerFired: number;
  /** The workflow task that the fired timer caused: queued, picked up by the worker, completed. */
  taskScheduled: number;
  taskStarted: number;
  taskCompleted: number;
  /** Workflow tasks after the timer that timed out before a worker took them (a sticky queue left unpolled). */
  taskTimeouts: number;
  activityScheduled: number;
  activityStarted: number;
  activityCompleted: number;
}

/**
 * When the engine fired the first timer that fired, and scheduled, started and completed the activity
 * that followed it (the reminder's send), in ms since the epoch from the server's event times.
 */
export async function firstFiredTimer(client: Client, workflowId: string): Promise<ReminderTimes | undefined> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  const at = (e: (typeof events)[number]) => Number(e.eventTime?.seconds ?? 0) * 1000 + (e.eventTime?.nanos ?? 0) / 1e6;
  const fired = events.findIndex((e) => e.eventType === EventType.EVENT_TYPE_TIMER_FIRED);
  if (fired < 0) return undefined;
  const startedId = String(events[fired].timerFiredEventAttributes?.startedEventId);
  const timer = events.find((e) => e.eventType === EventType.EVENT_TYPE_TIMER_STARTED && String(e.eventId) === startedId);
  const timeout = timer?.timerStartedEventAttributes?.startToFireTimeout;
  if (!timer || !timeout) return undefined;
  const timeoutMs = Number(timeout.seconds ?? 0) * 1000 + (timeout.nanos ?? 0) / 1e6;
  const scheduled = events.findIndex((e, i) => i > fired && e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
  const scheduledId = events[scheduled]?.eventId;
  const find = (type: number) =>
    events.find(
      (e) =>
        e.eventType === type &&
        String(e.activityTaskStartedEventAttributes?.scheduledEventId ?? e.activityTaskCompletedEventAttributes?.scheduledEventId) === String(scheduledId),
    );
  const started = find(EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED);
  const completed = find(EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED);
  const after = (type: number) => events.find((e, i) => i > fired && e.eventType === type);
  const lastBefore = (type: number, before: number) => {
    const end = events.findIndex((e, i) => i > fired && e.eventType === before);
    return events.slice(fired + 1, end < 0 ? undefined : end).reverse().find((e) => e.eventType === type);
  };
  const [taskScheduled, taskStarted, taskCompleted] = [
    after(EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED),
    // The last start before the completion: a task that timed out on the sticky queue starts again.
    lastBefore(EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
    after(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
  ];
  if (scheduled < 0 || !started || !completed || !taskScheduled || !taskStarted || !taskCompleted) return undefined;
  return {
    timerStarted: at(timer),
    timerDue: at(timer) + timeoutMs,
    timerFired: at(events[fired]),
    taskScheduled: at(taskScheduled),
    taskStarted: at(taskStarted),
    taskCompleted: at(taskCompleted),
    taskTimeouts: events.filter((e, i) => i > fired && e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT).length, activityScheduled: at(events[scheduled]), activityStarted: at(started), activityCompleted: at(completed) };
}

export interface TimeSpent {
  /** Started → completed of each activity, in the order they were scheduled (ms). */
  activityMs: number[];
  /** Workflow tasks and their summed started → completed time (ms): the worker's turns on the workflow. */
  workflowTasks: number;
  workflowTaskMs: number;
}

/** Where a finished workflow's time went, by the server's event times. */
export async function timeSpent(client: Client, workflowId: string): Promise<TimeSpent> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  const at = (e: (typeof events)[number]) => Number(e.eventTime?.seconds ?? 0) * 1000 + (e.eventTime?.nanos ?? 0) / 1e6;
  const byId = new Map(events.map((e) => [String(e.eventId), e]));
  const activityMs = events
    .filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED)
    .map((e) => {
      const started = byId.get(String(e.activityTaskCompletedEventAttributes?.startedEventId));
      return { scheduled: Number(e.activityTaskCompletedEventAttributes?.scheduledEventId), ms: started ? at(e) - at(started) : NaN };
    })
    .sort((a, b) => a.scheduled - b.scheduled)
    .map((a) => a.ms);
  let workflowTaskMs = 0;
  let workflowTasks = 0;
  for (const e of events) {
    if (e.eventType !== EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) continue;
    const started = byId.get(String(e.workflowTaskCompletedEventAttributes?.startedEventId));
    if (!started) continue;
    workflowTasks++;
    workflowTaskMs += at(e) - at(started);
  }
  return { activityMs, workflowTasks, workflowTaskMs };
}
