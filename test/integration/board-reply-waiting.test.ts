// The campaign board marks a case whose vendor's reply waits for review, whatever its stage: a reply
// during a follow-up round or before a demonstration does not move the stage, so the board's other
// columns would not show it (trial finding). The mark is a search attribute, listed in the same upsert
// as what else the reply changed, and removed once the reply is reviewed.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DossierClient, engagementStartOptions, type EngagementRef } from '../../client/api';
import { engagementInput, patientPolicy } from '../helpers/fixtures';
import { useDossier } from '../helpers/harness';
import { until } from '../helpers/until';

const officer = 'Officer Tremblay';
const today = new Date().toISOString().slice(0, 10);

describe('a reply waiting for review, on the campaign board', () => {
  const env = useDossier();
  const dossier = () => new DossierClient(env.client, { taskQueue: env.taskQueue, address: 'test' });

  const reply = (subject: string) => ({
    messageId: `<reply-${randomUUID()}@zoom.test>`,
    from: 'privacy@zoom.test',
    subject,
    receivedAt: new Date().toISOString(),
    kind: 'reply' as const,
    matchedBy: 'thread' as const,
    text: 'Our answers are attached.',
    documents: [],
    notes: [],
  });

  /** The board's row of this case once `ok` holds (visibility lags the workflow a moment). */
  const rowWhen = async (ref: EngagementRef, ok: (row: { replyWaiting?: boolean; stage?: string }) => boolean, what: string) =>
    (await until(() => dossier().findEngagements({ campaign: ref.campaignId }), (rows) => rows[0] !== undefined && ok(rows[0]), what, 20_000))[0]!;

  /** The search-attribute names of each upsert in the case's history. */
  const upserts = async (ref: EngagementRef & { workflowId: string }) =>
    ((await env.client.workflow.getHandle(ref.workflowId).fetchHistory()).events ?? [])
      .map((ev) => ev.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields)
      .filter((fields) => fields != null)
      .map((fields) => Object.keys(fields!).sort());

  it('marks a case whose reply arrived during a follow-up round until an officer reviews it, upserting the mark only when it changes', async () => {
    const client = dossier();
    const ref = await client.startEngagement(engagementInput(env.uniqueId('replywait'), 'zoom', patientPolicy()));
    await until(() => client.status(ref), (s) => s.stage === 'awaiting-response', 'the letter sent');
    await client.recordResponse(ref, { by: officer, receivedAt: today, summary: 'Detailed answers', attachments: [] });
    await client.askFollowUp(ref, { by: officer, questions: ['How are meeting IDs generated?'] });
    await until(() => client.status(ref), (s) => s.timeline.some((t) => t.what === 'follow-up-questions sent'), 'the questions sent');
    const before = await rowWhen(ref, (row) => row.stage === 'follow-up', 'the case listed in its follow-up round');
    expect(before.replyWaiting).toBeUndefined();

    const answers = reply('Re: Follow-up questions');
    await client.recordInbound(ref, answers);
    const waiting = await rowWhen(ref, (row) => row.replyWaiting !== undefined, 'the reply listed as waiting');
    expect(waiting).toMatchObject({ stage: 'follow-up', replyWaiting: true });

    await client.dismissInbound(ref, { by: officer, messageId: answers.messageId, reason: 'not the answers' });
    const reviewed = await rowWhen(ref, (row) => row.replyWaiting === undefined, 'the mark removed once reviewed');
    expect(reviewed.stage).toBe('follow-up');

    // Listed once when the reply came, removed once when it was reviewed; no upsert repeats one before it.
    const listed = await upserts(ref);
    expect(listed.filter((names) => names.includes('DossierReplyWaiting'))).toHaveLength(2);
    expect(listed.every((names) => names.length > 0)).toBe(true);
    await client.withdraw(ref, { by: officer, reason: 'test over' });
  });

  it('marks a case of revision 8 too, once a reply arrives, so cases already running show it', async () => {
    const client = dossier();
    const input = engagementInput(env.uniqueId('replywait8'), 'zoom', patientPolicy());
    const options = engagementStartOptions(input, env.taskQueue);
    await env.client.workflow.start('engagement', { ...options, args: [{ ...input, revision: 8 }] });
    const ref = { campaignId: input.campaign.id, vendorId: input.vendor.id, workflowId: options.workflowId };
    await until(() => client.status(ref), (s) => s.stage === 'awaiting-response', 'the letter sent');
    await client.recordResponse(ref, { by: officer, receivedAt: today, summary: 'Detailed answers', attachments: [] });
    await client.scheduleDemonstration(ref, {
      by: officer,
      at: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      durationMinutes: 60,
      attendees: [{ name: 'Ann', email: 'ann@zoom.test' }],
      topics: ['Encryption'],
    });
    await rowWhen(ref, (row) => row.stage === 'demonstration', 'the case listed before its demonstration');

    const question = reply('Re: Invitation: demonstration');
    await client.recordInbound(ref, question);
    expect(await rowWhen(ref, (row) => row.replyWaiting !== undefined, 'the reply listed as waiting')).toMatchObject({ stage: 'demonstration', replyWaiting: true });
    await client.withdraw(ref, { by: officer, reason: 'test over' });
    // An ended case has nothing more to review: its row loses the mark.
    await rowWhen(ref, (row) => row.stage === 'withdrawn' && row.replyWaiting === undefined, 'the mark removed once the case ended');
  });
});
