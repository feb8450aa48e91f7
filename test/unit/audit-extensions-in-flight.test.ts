// Two deadline extensions asked close together are both in flight while the calendar counts their
// dates: the one asked second may be counted, applied and confirmed to the vendor first. The audit
// export gives each request the dates of the message that confirmed it, never the other's.
import type { Client } from '@temporalio/client';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import Long from 'long';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectAuditTrail } from '../../client/audit';
import { auditCsv } from '../../client/audit-report';
import { at, clientWithHistory, payloads, updateAccepted, updateCompleted } from '../helpers/audit-history';

const officer = 'Marie Leclerc (marie@desk-12, CLI)';
const due = '2026-12-17T22:59:59.999Z';
const dueAfterTen = '2026-12-31T22:59:59.999Z';
const dueAfterFive = '2026-12-24T22:59:59.999Z';

const taskCompleted = (eventId: number, seconds: number) => ({ eventId, ...at(seconds), workflowTaskCompletedEventAttributes: {} });
const scheduled = (eventId: number, seconds: number, task: number, type: string, input: unknown) => ({
  eventId,
  ...at(seconds),
  activityTaskScheduledEventAttributes: { activityType: { name: type }, workflowTaskCompletedEventId: Long.fromNumber(task), input: payloads(input) },
});
const activityDone = (eventId: number, seconds: number, scheduledEventId: number, result: unknown) => ({
  eventId,
  ...at(seconds),
  activityTaskCompletedEventAttributes: { scheduledEventId: Long.fromNumber(scheduledEventId), result: payloads(result) },
});
const confirmation = (step: string, dueDate: string, previousDueDate: string) => ({ kind: 'deadline-extension', step, details: { dueDate, previousDueDate } });
const sent = (step: string) => ({ messageId: `<${step}@dossier.example>`, accepted: ['privacy@zoom.example'] });
const extended = (confirmationStep?: string) => ({ success: payloads({ workflowId: 'engagement:vc:zoom', stage: 'awaiting-response', ...(confirmationStep ? { confirmationStep } : {}) }) });

const started = { eventId: 1, ...at(0), workflowExecutionStartedEventAttributes: { workflowType: { name: 'engagement' }, input: payloads({ revision: 3 }) } };
/** Ten working days asked first (`u-ten`), five second (`u-five`): each waits for the calendar. */
const bothAsked = [
  started,
  taskCompleted(2, 10),
  updateAccepted(3, 10, 'u-ten', 'extendDeadline', { by: officer, extendBy: '10 working days', reason: 'Holidays.' }),
  scheduled(4, 10, 2, 'workingDeadlines', { from: due, durations: ['10 working days'] }),
  taskCompleted(5, 11),
  updateAccepted(6, 11, 'u-five', 'extendDeadline', { by: officer, extendBy: '5 working days', reason: 'Audit.' }),
  scheduled(7, 11, 5, 'workingDeadlines', { from: due, durations: ['5 working days'] }),
];

/** The second request counted and confirmed first, each in a task of its own; the vendor's copies then go out in the reverse order. */
const secondConfirmedFirst = (steps: boolean) => [
  ...bothAsked,
  activityDone(8, 12, 7, [dueAfterFive]),
  taskCompleted(9, 12),
  scheduled(10, 12, 9, 'sendMessage', confirmation('deadline-extension-1', dueAfterFive, due)),
  updateCompleted(11, 12, 'u-five', 6, extended(steps ? 'deadline-extension-1' : undefined)),
  activityDone(12, 13, 4, [dueAfterTen]),
  taskCompleted(13, 13),
  scheduled(14, 13, 13, 'sendMessage', confirmation('deadline-extension-2', dueAfterTen, dueAfterFive)),
  updateCompleted(15, 13, 'u-ten', 3, extended(steps ? 'deadline-extension-2' : undefined)),
  activityDone(16, 14, 14, sent('deadline-extension-2')),
  activityDone(17, 15, 10, sent('deadline-extension-1')),
];

/** Both counted before the worker's next task: it confirms the first request first and completes the second first. */
const bothInOneTask = [
  ...bothAsked,
  activityDone(8, 12, 4, [dueAfterTen]),
  activityDone(9, 12, 7, [dueAfterFive]),
  taskCompleted(10, 12),
  scheduled(11, 12, 10, 'sendMessage', confirmation('deadline-extension-1', dueAfterTen, due)),
  scheduled(12, 12, 10, 'sendMessage', confirmation('deadline-extension-2', dueAfterFive, dueAfterTen)),
  updateCompleted(13, 12, 'u-five', 6, extended('deadline-extension-2')),
  updateCompleted(14, 12, 'u-ten', 3, extended('deadline-extension-1')),
  activityDone(15, 14, 12, sent('deadline-extension-2')),
  activityDone(16, 15, 11, sent('deadline-extension-1')),
];

const extensions = async (history: object[]) => {
  const trail = await collectAuditTrail(clientWithHistory(history), { campaignId: 'vc', vendorId: 'zoom' });
  return trail.events.filter((e) => e.action === 'extendDeadline').map((e) => e.detail);
};

describe('two deadline extensions in flight at once, in the audit export', () => {
  it('gives each request the dates its own confirmation stated, when the second is confirmed first', async () => {
    expect(await extensions(secondConfirmedFirst(true))).toEqual([
      `extendBy: 10 working days; reason: Holidays.; deadline: response; newDueDate: ${dueAfterTen}; previousDueDate: ${dueAfterFive}`,
      `extendBy: 5 working days; reason: Audit.; deadline: response; newDueDate: ${dueAfterFive}; previousDueDate: ${due}`,
    ]);
  });

  it('pairs them by the confirmation’s step each result names, when one task confirms both in another order than it completes them', async () => {
    expect(await extensions(bothInOneTask)).toEqual([
      `extendBy: 10 working days; reason: Holidays.; deadline: response; newDueDate: ${dueAfterTen}; previousDueDate: ${due}`,
      `extendBy: 5 working days; reason: Audit.; deadline: response; newDueDate: ${dueAfterFive}; previousDueDate: ${dueAfterTen}`,
    ]);
  });

  it('pairs them by the workflow task that confirmed and completed each, in a history whose results name no step', async () => {
    expect(await extensions(secondConfirmedFirst(false))).toEqual([
      `extendBy: 10 working days; reason: Holidays.; deadline: response; newDueDate: ${dueAfterTen}; previousDueDate: ${dueAfterFive}`,
      `extendBy: 5 working days; reason: Audit.; deadline: response; newDueDate: ${dueAfterFive}; previousDueDate: ${due}`,
    ]);
  });

  it('pairs an extension in a history the worker recorded, whose result names no step', async () => {
    const file = join(__dirname, '..', 'replay', 'histories', 'engagement-before-patch-extension-days-2026-11-29.json');
    // As the client gives them: times in Long seconds (the JSON reader leaves them numbers).
    const events = historyFromJSON(JSON.parse(readFileSync(file, 'utf8'))).events!.map((e) => ({ ...e, eventTime: { seconds: Long.fromValue(e.eventTime!.seconds as Long), nanos: e.eventTime!.nanos } }));
    const recorded = { ...clientWithHistory([]), workflow: { getHandle: () => ({ fetchHistory: async () => ({ events }) }) } } as unknown as Client;
    const trail = await collectAuditTrail(recorded, { campaignId: 'vc', vendorId: 'zoom' });
    const [extension] = trail.events.filter((e) => e.action === 'extendDeadline');
    expect(extension!.fields?.filter((f) => f.name.endsWith('DueDate'))).toEqual([
      { name: 'newDueDate', value: '2027-01-12T04:59:59.999Z' },
      { name: 'previousDueDate', value: '2026-12-29T04:59:59.999Z' },
    ]);
  });

  it('words each request’s own new date in the export', async () => {
    const trail = await collectAuditTrail(clientWithHistory(secondConfirmedFirst(true)), { campaignId: 'vc', vendorId: 'zoom' });
    const rows = auditCsv(trail, { language: 'en' }).toString('utf8').split('\n').filter((line) => line.includes('extended by'));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain(`extended by: 10 working days; reason: Holidays.; deadline: the response; new due date: ${dueAfterTen}`);
    expect(rows[1]).toContain(`extended by: 5 working days; reason: Audit.; deadline: the response; new due date: ${dueAfterFive}`);
  });
});
