// The engagement with real-world durations (weeks) on the time-skipping test server, through the
// same workflow code and the real activities delivering to a mail sink. The test server accepts no
// custom search attributes, so the input turns their upserts off (`searchAttributes: false`).
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { engagement } from '../../workflows';
import { dismissInboundUpdate, engagementStatusQuery, extendDeadlineUpdate, recordInboundUpdate, recordResponseUpdate, withdrawUpdate } from '../../workflows/messages';
import { type EngagementInput, type Policy } from '../../workflows/types';
import { engagementInput } from '../helpers/fixtures';
import { stepOf } from '../helpers/engagement-driver';
import { engagementWorkflowId } from '../../workflows/workflow-ids';
import { simpleParser } from 'mailparser';
import { formatDate } from '../../activities/format';
import { useTimeSkipping } from '../helpers/time-skipping';

const DAY = 24 * 3600_000;

/** The open letter's real rhythm: thirty days to respond, reminders at two and three weeks past due. */
const realPolicy: Policy = {
  responseDue: '30 days',
  reminderCadence: ['14 days', '21 days'],
  finalNoticeAfter: '28 days',
  closeAfter: '14 days',
  followUpDue: '21 days',
  demonstrationReminderLead: '2 days',
  approvalReminderEvery: '7 days',
};

describe('engagement with real durations on the time-skipping server', () => {
  const ts = useTimeSkipping();

  it('closes a silent engagement after weeks of reminders and a final notice', async () => {
    const campaignId = `weeks-${randomUUID().slice(0, 8)}`;
    const input: EngagementInput = { ...engagementInput(campaignId, 'houseparty', realPolicy), searchAttributes: false };
    const startedAt = await ts.testEnv.currentTimeMs();
    const handle = await ts.testEnv.client.workflow.start(engagement, {
      taskQueue: ts.taskQueue,
      workflowId: engagementWorkflowId(campaignId, 'houseparty'),
      args: [input],
    });

    const outcome = await handle.result();

    expect(outcome.stage).toBe('closed-no-response');
    const [first, second, final] = outcome.remindersSent.map((r) => Date.parse(r.at) - startedAt);
    // Due at day 30: reminders at days 44 and 51, the final notice at day 58, closure at day 72.
    expect(Math.round(first / DAY)).toBe(44);
    expect(Math.round(second / DAY)).toBe(51);
    expect(Math.round(final / DAY)).toBe(58);
    expect(Math.round((Date.parse(outcome.endedAt) - startedAt) / DAY)).toBe(72);
    const ours = ts.sink.messages.filter((m) => (m.messageId ?? '').includes(campaignId));
    expect(ours.map((m) => `${stepOf(m)} -> ${m.to.join()}`)).toEqual([
      'letter -> privacy@houseparty.test',
      'reminder-response-1 -> privacy@houseparty.test',
      'reminder-response-2 -> privacy@houseparty.test',
      'final-notice-response-1 -> privacy@houseparty.test',
      'officer-notice-closed-no-response -> office@opc.test',
      'closure-notice -> privacy@houseparty.test',
    ]);
    // The vendor is told its case was closed on the day it was, and what the statement will say.
    const { subject, text } = await simpleParser(ours.find((m) => stepOf(m) === 'closure-notice')!.raw);
    expect(subject).toMatch(/\] Review closed without a response to our open letter of /);
    expect(text).toContain(`We closed our review of Vendor houseparty on ${formatDate(outcome.endedAt, 'en')} without a response`);
    expect(text).toContain('will say that Vendor houseparty did not respond.');
    const status = await handle.query(engagementStatusQuery);
    expect(status.stage).toBe('closed-no-response');
    expect(Math.round((Date.parse(status.responseDueDate!) - startedAt) / DAY)).toBe(30);
  });

  it('gives the vendor in its final notice the last day before closure, not the due date already passed', async () => {
    const campaignId = `weeks-${randomUUID().slice(0, 8)}`;
    const input: EngagementInput = { ...engagementInput(campaignId, 'houseparty', realPolicy), searchAttributes: false };
    const handle = await ts.testEnv.client.workflow.start(engagement, { taskQueue: ts.taskQueue, workflowId: engagementWorkflowId(campaignId, 'houseparty'), args: [input] });
    const outcome = await handle.result();
    const [notice] = ts.sink.messages.filter((m) => (m.messageId ?? '').includes(campaignId) && stepOf(m) === 'final-notice-response-1');
    const { text } = await simpleParser(notice!.raw);
    // Closed 14 days after the notice, at the hour it went out: the day before is the last whole day to answer.
    const lastDay = new Date(Date.parse(outcome.endedAt) - DAY).toISOString().slice(0, 10);
    expect(text).toContain(`If no answer reaches us by ${formatDate(lastDay, 'en')}, the signatory authorities will record`);
    const dueDate = (await handle.query(engagementStatusQuery)).responseDueDate!;
    expect(text).not.toContain(`by ${formatDate(dueDate, 'en')}`);
  });

  it('words the final notice from the reminders that went out: no "despite our reminders" when the policy sent none', async () => {
    const noticeOf = async (vendorId: string, policy: Policy, language: 'en' | 'fr') => {
      const campaignId = `weeks-${randomUUID().slice(0, 8)}`;
      const base = engagementInput(campaignId, vendorId, policy);
      const input: EngagementInput = { ...base, vendor: { ...base.vendor, language }, searchAttributes: false };
      const handle = await ts.testEnv.client.workflow.start(engagement, { taskQueue: ts.taskQueue, workflowId: engagementWorkflowId(campaignId, vendorId), args: [input] });
      await handle.result();
      const [notice] = ts.sink.messages.filter((m) => (m.messageId ?? '').includes(campaignId) && stepOf(m) === 'final-notice-response-1');
      const { text, html } = await simpleParser(notice!.raw);
      return `${text}\n${html}`;
    };
    const none = await noticeOf('silent', { ...realPolicy, reminderCadence: [] }, 'en');
    const noneFr = await noticeOf('muet', { ...realPolicy, reminderCadence: [] }, 'fr');
    const one = await noticeOf('once', { ...realPolicy, reminderCadence: ['14 days'] }, 'en');
    const oneFr = await noticeOf('unefois', { ...realPolicy, reminderCadence: ['14 days'] }, 'fr');
    const two = await noticeOf('twice', realPolicy, 'en');
    expect(none).not.toMatch(/despite/i);
    expect(none).toContain('We have not received the response of');
    expect(noneFr).not.toMatch(/malgré/i);
    expect(noneFr).toContain('Nous n’avons pas reçu la réponse');
    expect(one).toContain('Despite our reminder, we have not received the response of');
    expect(oneFr).toContain('Malgré notre rappel, nous n’avons pas reçu la réponse');
    expect(two).toContain('Despite our reminders, we have not received the response of');
  });

  it('reminds the vendor that its response was due on a date already passed, instead of asking for it by then', async () => {
    const campaignId = `weeks-${randomUUID().slice(0, 8)}`;
    const input: EngagementInput = { ...engagementInput(campaignId, 'houseparty', realPolicy), searchAttributes: false };
    const handle = await ts.testEnv.client.workflow.start(engagement, { taskQueue: ts.taskQueue, workflowId: engagementWorkflowId(campaignId, 'houseparty'), args: [input] });
    await handle.result();
    const dueDate = formatDate((await handle.query(engagementStatusQuery)).responseDueDate!, 'en');
    const [reminder] = ts.sink.messages.filter((m) => (m.messageId ?? '').includes(campaignId) && stepOf(m) === 'reminder-response-1');
    const { text } = await simpleParser(reminder!.raw);
    // Sent 14 days past due: "Please respond by" a day gone would be a deadline the vendor cannot meet.
    expect(text).not.toContain(`Please respond by ${dueDate}`);
    expect(text).toContain(`That response was due by ${dueDate}. Please send it as soon as possible.`);
  });

  it('tells the case office in the lead authority’s language that a silent engagement is closed, the due date written as a date', async () => {
    const campaignId = `weeks-${randomUUID().slice(0, 8)}`;
    const base = engagementInput(campaignId, 'houseparty', realPolicy);
    // The vendor writes in English; the office reads French, as its lead authority does.
    const authorities = base.campaign.authorities.map((a) => (a.lead ? { ...a, language: 'fr' as const } : a));
    const input: EngagementInput = { ...base, campaign: { ...base.campaign, authorities }, searchAttributes: false };
    const handle = await ts.testEnv.client.workflow.start(engagement, { taskQueue: ts.taskQueue, workflowId: engagementWorkflowId(campaignId, 'houseparty'), args: [input] });
    await handle.result();
    const [notice] = ts.sink.messages.filter((m) => (m.messageId ?? '').includes(campaignId) && stepOf(m) === 'officer-notice-closed-no-response');
    const { subject, text } = await simpleParser(notice!.raw);
    const dueDate = (await handle.query(engagementStatusQuery)).responseDueDate!;
    expect(subject).toBe(`[${input.campaign.reference}] Avis sur le dossier de Vendor houseparty`);
    expect(text).toContain(`Vendor houseparty n’a pas répondu dans le délai, échu le ${formatDate(dueDate, 'fr')}\u202f;`);
    expect(text).not.toContain(dueDate);
    // The vendor's own mail stays in its language.
    const [letter] = ts.sink.messages.filter((m) => (m.messageId ?? '').includes(campaignId) && stepOf(m) === 'letter');
    expect((await simpleParser(letter!.raw)).headers.get('content-language')).toBe('en');
  });

  it('stops reminding when the response arrives in the third week past due', async () => {
    const campaignId = `weeks-${randomUUID().slice(0, 8)}`;
    const input: EngagementInput = { ...engagementInput(campaignId, 'zoom', realPolicy), searchAttributes: false };
    const handle = await ts.testEnv.client.workflow.start(engagement, {
      taskQueue: ts.taskQueue,
      workflowId: engagementWorkflowId(campaignId, 'zoom'),
      args: [input],
    });
    const ours = () => ts.sink.messages.filter((m) => m.to.includes('privacy@zoom.test')).map(stepOf);
    await ts.testEnv.sleep('47 days');
    expect(ours()).toEqual(['letter', 'reminder-response-1']);

    await handle.executeUpdate(recordResponseUpdate, {
      args: [{ by: 'Officer Tremblay', receivedAt: new Date(await ts.testEnv.currentTimeMs()).toISOString(), summary: 'Late but complete', attachments: [] }],
    });
    await ts.sink.waitFor(1, (m) => stepOf(m) === 'acknowledgement' && m.to.includes('privacy@zoom.test'));
    await ts.testEnv.sleep('60 days');
    const status = await handle.query(engagementStatusQuery);
    expect(status.stage).toBe('responded');
    expect(status.remindersSent.map((r) => `${r.kind}/${r.number}`)).toEqual(['reminder/1']);
    expect(ours()).toEqual(['letter', 'reminder-response-1', 'acknowledgement']);
    await handle.executeUpdate(withdrawUpdate, { args: [{ by: 'Officer Tremblay', reason: 'test over' }] });
    expect((await handle.result()).stage).toBe('withdrawn');
  });

  it('does not count a reply’s weeks under review against the vendor: reminders resume as far apart as planned, the final notice names a day to come', async () => {
    const campaignId = `weeks-${randomUUID().slice(0, 8)}`;
    const input: EngagementInput = { ...engagementInput(campaignId, 'zoom', realPolicy), searchAttributes: false };
    const startedAt = await ts.testEnv.currentTimeMs();
    const handle = await ts.testEnv.client.workflow.start(engagement, { taskQueue: ts.taskQueue, workflowId: engagementWorkflowId(campaignId, 'zoom'), args: [input] });
    const day = async () => Math.round(((await ts.testEnv.currentTimeMs()) - startedAt) / DAY);
    // Due at day 30; the vendor writes at day 33, eleven days before the first reminder would go.
    await ts.testEnv.sleep('33 days');
    const messageId = `<review-${campaignId}@zoom.test>`;
    const receivedAt = new Date(await ts.testEnv.currentTimeMs()).toISOString();
    await handle.executeUpdate(recordInboundUpdate, {
      args: [{ messageId, from: 'privacy@zoom.test', subject: 'Re: open letter', receivedAt, kind: 'reply', matchedBy: 'thread', text: 'Our lawyers are reviewing your letter.', documents: [], notes: [] }],
    });
    // Forty days in review, past every step once planned (reminders at 44 and 51, notice at 58, closure at 72).
    await ts.testEnv.sleep('40 days');
    expect(await day()).toBe(73);
    await handle.executeUpdate(dismissInboundUpdate, { args: [{ by: 'Officer Tremblay', messageId, reason: 'not the response' }] });
    await ts.testEnv.sleep('1 day');
    expect((await handle.query(engagementStatusQuery)).stage).toBe('awaiting-response');
    expect((await handle.query(engagementStatusQuery)).remindersSent).toEqual([]);

    const outcome = await handle.result();
    expect(outcome.stage).toBe('closed-no-response');
    // Each step as far from the vendor's reply as it was planned, the 40 days in review added.
    expect(outcome.remindersSent.map((r) => Math.round((Date.parse(r.at) - startedAt) / DAY))).toEqual([84, 91, 98]);
    expect(Math.round((Date.parse(outcome.endedAt) - startedAt) / DAY)).toBe(112);
    const [notice] = ts.sink.messages.filter((m) => (m.messageId ?? '').includes(campaignId) && stepOf(m) === 'final-notice-response-1');
    const { text } = await simpleParser(notice!.raw);
    const lastDay = new Date(Date.parse(outcome.endedAt) - DAY).toISOString().slice(0, 10);
    expect(text).toContain(`If no answer reaches us by ${formatDate(lastDay, 'en')}, the signatory authorities will record`);
  });

  it('extends the response deadline while a reply asking for time is under review, and reminds from the new date', async () => {
    const campaignId = `weeks-${randomUUID().slice(0, 8)}`;
    const input: EngagementInput = { ...engagementInput(campaignId, 'zoom', realPolicy), searchAttributes: false };
    const startedAt = await ts.testEnv.currentTimeMs();
    const handle = await ts.testEnv.client.workflow.start(engagement, { taskQueue: ts.taskQueue, workflowId: engagementWorkflowId(campaignId, 'zoom'), args: [input] });
    const ours = () => ts.sink.messages.filter((m) => (m.messageId ?? '').includes(campaignId) && m.to.includes('privacy@zoom.test')).map(stepOf);
    await ts.testEnv.sleep('20 days');
    const messageId = `<time-${campaignId}@zoom.test>`;
    const receivedAt = new Date(await ts.testEnv.currentTimeMs()).toISOString();
    await handle.executeUpdate(recordInboundUpdate, {
      args: [{ messageId, from: 'privacy@zoom.test', subject: 'Re: open letter', receivedAt, kind: 'reply', matchedBy: 'subject', text: 'We need two more weeks.', documents: [], notes: [] }],
    });
    expect((await handle.query(engagementStatusQuery)).stage).toBe('reply-received');

    await handle.executeUpdate(extendDeadlineUpdate, { args: [{ by: 'Officer Tremblay', extendBy: '14 days', reason: 'Zoom asked for two more weeks' }] });
    await ts.sink.waitFor(1, (m) => stepOf(m) === 'deadline-extension-1' && (m.messageId ?? '').includes(campaignId));
    const extended = await handle.query(engagementStatusQuery);
    expect(Math.round((Date.parse(extended.responseDueDate!) - startedAt) / DAY)).toBe(44);
    await handle.executeUpdate(dismissInboundUpdate, { args: [{ by: 'Officer Tremblay', messageId, reason: 'a request for time, not the response' }] });

    // Due at day 44 now: no reminder at day 44 (the old date plus two weeks), the first at day 58.
    await ts.testEnv.sleep('30 days');
    expect(ours()).toEqual(['letter', 'deadline-extension-1']);
    await ts.testEnv.sleep('10 days');
    const status = await handle.query(engagementStatusQuery);
    expect(status.remindersSent.map((r) => Math.round((Date.parse(r.at) - startedAt) / DAY))).toEqual([58]);
    expect(ours()).toEqual(['letter', 'deadline-extension-1', 'reminder-response-1']);
    await handle.executeUpdate(withdrawUpdate, { args: [{ by: 'Officer Tremblay', reason: 'test over' }] });
    expect((await handle.result()).stage).toBe('withdrawn');
  });
});
