// What reaches an engagement while it waits on an activity, or in pieces, against the real dev server: the
// letter still going out when a reply and a response arrive, and a withdrawal while a follow-up
// round waits for the calendar (each activity held by the test, so the race is certain), and a
// letter bounced from each of its addresses in a report of its own.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { engagement } from '../../workflows';
import {
  askFollowUpUpdate,
  engagementStatusQuery,
  recordInboundUpdate,
  recordResponseUpdate,
  withdrawUpdate,
} from '../../workflows/messages';
import type { EngagementInput, OutgoingMessage } from '../../workflows/types';
import { DossierNextAction } from '../../workflows/search-attributes';
import { engagementWorkflowId } from '../../workflows/workflow-ids';
import { engagementInput, patientPolicy } from '../helpers/fixtures';
import { useDossier } from '../helpers/harness';
import { until } from '../helpers/until';

const env = useDossier();

/** A gate the test opens; an activity waits at it. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

const reply = (messageId: string) => ({
  messageId,
  from: 'privacy@zoom.test',
  subject: 'Re: open letter',
  receivedAt: new Date().toISOString(),
  kind: 'reply' as const,
  matchedBy: 'subject' as const,
  text: 'Our answer to the open letter.',
  documents: [],
  notes: [],
});

/** The engagement started on the test's queue, and its status as the query answers it. */
async function startOn(taskQueue: string, input: EngagementInput) {
  const handle = await env.client.workflow.start(engagement, {
    taskQueue,
    workflowId: engagementWorkflowId(input.campaign.id, input.vendor.id),
    args: [input],
  });
  return { handle, status: () => handle.query(engagementStatusQuery) };
}

/** An engagement whose open letter waits at a gate until the test opens it. */
async function withLetterHeld(name: string) {
  const letterHeld = gate();
  const taskQueue = await env.ownWorker(name, {
    wrap: (activities) => ({
      ...activities,
      async sendMessage(message: OutgoingMessage) {
        if (message.kind === 'open-letter') await letterHeld.opened;
        return activities.sendMessage(message);
      },
    }),
  });
  const input = { ...engagementInput(env.uniqueId(name), 'zoom', patientPolicy()), revision: 3 };
  const { handle, status } = await startOn(taskQueue, input);
  await until(status, (s) => s.stage === 'sending-letter', 'the letter being sent');
  return { handle, status, releaseLetter: letterHeld.open, campaignId: input.campaign.id };
}

describe('engagement: what arrives while it waits, or in pieces', () => {
  it('keeps a reply and a response recorded while the letter was still going out, once it is delivered', async () => {
    const { handle, status, releaseLetter, campaignId } = await withLetterHeld('races-letter');
    await handle.executeUpdate(recordInboundUpdate, { args: [reply(`<reply-${campaignId}@zoom.test>`)] });
    expect((await status()).stage).toBe('reply-received');
    releaseLetter();
    await until(status, (s) => s.letterSentAt !== undefined, 'the letter delivered');
    // The reply still waits for the officer: its reminders stay paused, and the board lists none.
    expect((await status()).stage).toBe('reply-received');
    expect((await handle.describe()).typedSearchAttributes.get(DossierNextAction)).toBeUndefined();

    await handle.executeUpdate(recordResponseUpdate, {
      args: [{ by: 'Officer', receivedAt: new Date().toISOString(), summary: 'Zoom described its measures.', attachments: [] }],
    });
    expect((await status()).stage).toBe('responded');
    // The case goes on: follow-up questions are accepted after the response.
    const asked = await handle.executeUpdate(askFollowUpUpdate, { args: [{ by: 'Officer', questions: ['How are keys stored?'] }] });
    expect(asked.map((q) => q.text)).toEqual(['How are keys stored?']);
    await handle.terminate('test over');
  });

  it('records a response that arrived before the letter was delivered, and keeps it once the letter is', async () => {
    const { handle, status, releaseLetter, campaignId } = await withLetterHeld('races-response');
    await handle.executeUpdate(recordInboundUpdate, { args: [reply(`<early-${campaignId}@zoom.test>`)] });
    await handle.executeUpdate(recordResponseUpdate, {
      args: [{ by: 'Officer', receivedAt: new Date().toISOString(), summary: 'Answered before the letter arrived.', attachments: [] }],
    });
    releaseLetter();
    const after = await until(status, (s) => s.letterSentAt !== undefined, 'the letter delivered');
    expect(after.stage).toBe('responded');
    expect(after.response?.summary).toBe('Answered before the letter arrived.');
    await handle.terminate('test over');
  });

  it('takes a letter bounced from each address in separate reports as undelivered, with no deadline running', async () => {
    const taskQueue = await env.ownWorker('races-bounces');
    const input = { ...engagementInput(env.uniqueId('races-bounces'), 'zoom', patientPolicy()), revision: 3 };
    input.vendor = { ...input.vendor, contacts: [{ name: 'Privacy', email: 'privacy@zoom.test' }, { name: 'DPO', email: 'dpo@zoom.test' }] };
    const { handle, status } = await startOn(taskQueue, input);
    await until(status, (s) => s.stage === 'awaiting-response', 'the letter delivered');
    const bounce = (n: number, recipient: string) => ({
      ...reply(`<bounce-${n}-${input.campaign.id}@mx.zoom.test>`),
      from: 'mailer-daemon@mx.zoom.test',
      subject: 'Undelivered Mail Returned to Sender',
      kind: 'bounce' as const,
      matchedBy: 'thread' as const,
      answersStep: 'letter',
      bounce: { recipients: [recipient], status: '5.1.1', diagnostic: 'no such user' },
    });
    await handle.executeUpdate(recordInboundUpdate, { args: [bounce(1, 'privacy@zoom.test')] });
    expect((await status()).stage).toBe('awaiting-response');
    await handle.executeUpdate(recordInboundUpdate, { args: [bounce(2, 'dpo@zoom.test')] });
    const after = await status();
    expect(after.stage).toBe('letter-undeliverable');
    expect(after.nextDeadline).toBeUndefined();
    await handle.terminate('test over');
  });

  it('refuses follow-up questions when the case was withdrawn while the calendar counted their working days', async () => {
    const calendarHeld = gate();
    let calls = 0;
    const taskQueue = await env.ownWorker('races-ask', {
      wrap: (activities) => ({
        ...activities,
        async workingDeadlines(request: Parameters<typeof activities.workingDeadlines>[0]) {
          // The first call counts the response's deadline; the second, the round's.
          if (++calls > 1) await calendarHeld.opened;
          return activities.workingDeadlines(request);
        },
      }),
    });
    const input = {
      ...engagementInput(env.uniqueId('races-ask'), 'zoom', patientPolicy({ responseDue: '20 working days', followUpDue: '10 working days' })),
      revision: 3,
    };
    // Working days are counted on the lead authority's calendar.
    input.campaign.authorities = input.campaign.authorities.map((a) => (a.lead ? { ...a, jurisdiction: 'CA', timeZone: 'America/Toronto' } : a));
    const { handle, status } = await startOn(taskQueue, input);
    await until(status, (s) => s.stage === 'awaiting-response', 'the letter delivered');
    await handle.executeUpdate(recordResponseUpdate, {
      args: [{ by: 'Officer', receivedAt: new Date().toISOString(), summary: 'Zoom described its measures.', attachments: [] }],
    });

    const asking = handle.executeUpdate(askFollowUpUpdate, { args: [{ by: 'Officer A', questions: ['How are keys stored?'] }] });
    await until(async () => calls, (n) => n >= 2, 'the round’s working days asked of the calendar');
    await handle.executeUpdate(withdrawUpdate, { args: [{ by: 'Officer B', reason: 'The vendor left the market.' }] });
    calendarHeld.open();

    const refused = await asking.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(String((refused as WorkflowUpdateFailedError).cause?.message)).toMatch(/withdrawn/);
    const outcome = await handle.result();
    expect(outcome.stage).toBe('withdrawn');
    expect(outcome.questionsAsked).toBeUndefined();
    const history = await handle.fetchHistory();
    const sent = history.events!.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'sendMessage').length;
    // The open letter and the response's acknowledgement: no questions went to the vendor.
    expect(sent).toBe(2);
  });
});
