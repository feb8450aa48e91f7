// A long engagement continues as new before its history nears Temporal's limits (51,200 events or
// 50 MB terminate it). `policy.historyEventsPerRun` is set low here so a few officer steps force
// several switches: the case must go on under the same workflow id, its timeline whole, its
// reminders at their times (not restarted), answering the CLI, and its campaign must see it end.
import { setTimeout as sleep } from 'node:timers/promises';
import { defaultPayloadConverter } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { DossierClient } from '../../client/api';
import { CampaignClient } from '../../client/campaign-api';
import type { ReceivedMail } from '../../infra/mail-sink';
import { recordInboundUpdate, type EngagementContinuation } from '../../workflows/messages';
import { runDossier } from '../helpers/cli';
import { continueRun, letterBounce } from '../helpers/continued-run';
import { startEngagement, stepOf } from '../helpers/engagement-driver';
import { completeFindings, engagementInput, patientPolicy, testCampaign, testVendor } from '../helpers/fixtures';
import { useDossier } from '../helpers/harness';
import { until } from '../helpers/until';
import { engagementWorkflowId } from '../../workflows/workflow-ids';

const env = useDossier();
const officer = 'Officer Tremblay';
const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

describe('a long engagement', () => {
  it('continues as new several times, keeping its timeline, its reminders\' times and its workflow id, and still takes requests', { timeout: 180_000 }, async () => {
    const dossier = new DossierClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    const campaignId = env.uniqueId('can');
    const policy = patientPolicy({ reminderCadence: ['3s', '6s'], finalNoticeAfter: '9s', historyEventsPerRun: 50 });
    const ref = { campaignId, vendorId: 'zoom' };
    const { workflowId } = await dossier.startEngagement(engagementInput(campaignId, 'zoom', policy));
    const handle = env.client.workflow.getHandle(workflowId);
    const firstRunId = (await handle.describe()).runId;
    const ours = (step: string) => env.sink.messages.filter((m) => (m.messageId ?? '').includes(`.${campaignId}.`) && stepOf(m) === step);
    const arrivedAt = new Map<string | undefined, number>();
    const onMessage = (m: ReceivedMail) => arrivedAt.set(m.messageId, Date.now());
    env.sink.on('message', onMessage);

    await until(() => dossier.status(ref), (s) => s.stage === 'awaiting-response', 'the letter');
    await dossier.recordResponse(ref, { by: officer, receivedAt: new Date().toISOString(), summary: 'Our measures.', attachments: [] });
    // Rounds answered at once: each adds events, none leaves a timer.
    for (let round = 1; round <= 3; round++) {
      const [question] = await dossier.askFollowUp(ref, { by: officer, questions: [`Question of round ${round}?`] });
      await dossier.recordAnswers(ref, { by: officer, answers: [{ questionId: question.id, answer: `Answer ${round}.` }] });
    }
    // A round left unanswered, due in 4 s: its reminders fall due 3 s and 6 s later, its final notice 9 s later.
    const dueDate = inSeconds(4);
    const [open] = await dossier.askFollowUp(ref, { by: officer, questions: ['Still open?'], dueDate });
    // Meanwhile a demonstration moved again and again adds events while those timers wait.
    const demo = await dossier.scheduleDemonstration(ref, { by: officer, at: inSeconds(600), durationMinutes: 30, attendees: [{ name: 'Ann', email: 'ann@zoom.test' }], topics: ['Encryption'] });
    const runs = new Set<string>([firstRunId]);
    for (let i = 1; i <= 20 && runs.size < 3; i++) {
      await dossier.rescheduleDemonstration(ref, { by: officer, demonstrationId: demo.id, at: inSeconds(600 + i * 60), reason: `move ${i}` });
      // A run continues as new only between sends: let each invitation go out.
      const idle = await until(() => handle.describe(), (d) => !d.raw.pendingActivities?.length, 'the invitation to go out');
      runs.add(idle.runId);
    }
    expect(runs.size).toBeGreaterThanOrEqual(3);
    const first = await env.client.workflow.getHandle(workflowId, firstRunId).describe();
    expect(first.status.name).toBe('CONTINUED_AS_NEW');
    // Each run hands the next the count of letters sent, so a letter sent again takes the next step.
    const started = (await handle.fetchHistory()).events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads!;
    const [, handedOver] = env.encryption ? await env.encryption.codec.decode(started) : started;
    expect(defaultPayloadConverter.fromPayload<EngagementContinuation>(handedOver!)).toMatchObject({ run: expect.any(Number), letterAttempts: 1 });

    // Each reminder once, at its time from the round's due date, across the switches.
    const due = Date.parse(dueDate);
    const [finalNotice] = await env.sink.waitFor(1, (m) => stepOf(m) === 'follow-up-r4-final-notice-1' && (m.messageId ?? '').includes(`.${campaignId}.`), 30_000);
    for (const [step, after] of [['follow-up-r4-reminder-1', 3_000], ['follow-up-r4-reminder-2', 6_000], ['follow-up-r4-final-notice-1', 9_000]] as const) {
      const sent = ours(step);
      expect(sent, step).toHaveLength(1);
      const at = arrivedAt.get(sent[0].messageId)!;
      expect(at, step).toBeGreaterThanOrEqual(due + after - 1_000);
      expect(at, step).toBeLessThan(due + after + 4_000);
    }
    expect(finalNotice.to).toEqual(['privacy@zoom.test']);
    await sleep(1_500);
    // Nothing was sent twice by a run that started over.
    const steps = env.sink.messages.filter((m) => (m.messageId ?? '').includes(`.${campaignId}.`)).map((m) => m.messageId);
    expect(new Set(steps).size).toBe(steps.length);

    // The client, the CLI and further rounds work on the latest run, with the whole timeline.
    const status = await dossier.status(ref);
    // Later switches happen too (each reminder adds events); every one is in the timeline, and one
    // came while the round's reminders were still waiting on their timers.
    const switches = status.timeline.filter((t) => t.what === 'history continued in a new run');
    expect(switches.length).toBeGreaterThanOrEqual(runs.size - 1);
    const asked = Date.parse(status.timeline.find((t) => t.what === 'follow-up round 4 asked')!.at);
    const firstReminder = arrivedAt.get(ours('follow-up-r4-reminder-1')[0].messageId)!;
    expect(switches.some((t) => Date.parse(t.at) > asked && Date.parse(t.at) < firstReminder)).toBe(true);
    expect(status.timeline.filter((t) => /^follow-up round \d asked$/.test(t.what)).map((t) => t.what)).toEqual(
      [1, 2, 3, 4].map((n) => `follow-up round ${n} asked`),
    );
    expect(status.remindersSent.filter((r) => r.about === 'follow-up:4').map((r) => `${r.kind} ${r.number}`)).toEqual(['reminder 1', 'reminder 2', 'final-notice 1']);
    const shown = await runDossier(env.childEnv, officer, ['engagement', 'show', workflowId]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('history continued in a new run');
    expect(shown.stdout).toContain('Still open?');
    await dossier.recordAnswers(ref, { by: officer, answers: [{ questionId: open.id, answer: 'Now answered.' }] });
    const [fifth] = await dossier.askFollowUp(ref, { by: officer, questions: ['One more?'] });
    await dossier.recordAnswers(ref, { by: officer, answers: [{ questionId: fifth.id, answer: 'Yes.' }] });
    env.sink.off('message', onMessage);
    // The result, read by workflow id alone, follows the chain of runs to the end.
    await dossier.withdraw(ref, { by: officer, reason: 'test over' });
    const result = await handle.result();
    const { questions } = await dossier.status(ref);
    expect(questions).toContainEqual(expect.objectContaining({ id: fifth.id, answer: 'Yes.' }));
    expect(result).toMatchObject({ stage: 'withdrawn', questionsAsked: questions.length, questionsAnswered: questions.filter((q) => q.answer !== undefined).length });
  });

  it('is followed by its campaign through the switches to its conclusion', { timeout: 180_000 }, async () => {
    const { campaigns, dossier, id, ref } = await campaignWithSwitchedEngagement(env, 'can-campaign', 'cisco');
    // A question asked in the new run too: the outcome counts the questions of every run. (Since
    // answers are acknowledged, one round can fill a run of 50 events.)
    const [late] = await dossier.askFollowUp(ref, { by: officer, questions: ['Asked after the switch?'] });
    await dossier.recordAnswers(ref, { by: officer, answers: [{ questionId: late.id, answer: 'Yes.' }] });
    const asked = (await dossier.status(ref)).questions.length;
    expect(asked).toBeGreaterThanOrEqual(2);
    await dossier.conclude(ref, { by: officer, findings: completeFindings() });
    const campaign = await until(() => campaigns.status(id), (s) => s.engagements[0]?.state === 'ended', 'the campaign to see the engagement end');
    expect(campaign.engagements[0]).toMatchObject({ vendorId: 'cisco', outcome: { stage: 'concluded' } });
    const outcome = await campaigns.engagementOutcome(id, 'cisco');
    expect(outcome).toMatchObject({ stage: 'concluded', vendorId: 'cisco' });
    expect(outcome?.questionsAsked).toBe(asked);
    await campaigns.handle(id).terminate('test over');
  });

  it('is withdrawn through its campaign after switching runs (the campaign signals whichever run is current)', { timeout: 120_000 }, async () => {
    const { campaigns, dossier, id, ref } = await campaignWithSwitchedEngagement(env, 'can-withdraw', 'zoom');
    const withdrawn = await dossier.withdraw(ref, { by: officer, reason: 'the vendor left the market' });
    expect(withdrawn.stage).toBe('withdrawn');
    const campaign = await until(() => campaigns.status(id), (s) => s.engagements[0]?.state === 'ended', 'the campaign to see the withdrawal');
    expect(campaign.engagements[0]).toMatchObject({ outcome: { stage: 'withdrawn', withdrawalReason: 'the vendor left the market' } });
    await campaigns.handle(id).terminate('test over');
  });
});

/** A campaign of one vendor whose engagement, after its response, has continued as new at least once. */
async function campaignWithSwitchedEngagement(env: ReturnType<typeof useDossier>, idPrefix: string, vendorId: string) {
  const campaigns = new CampaignClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
  const dossier = new DossierClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
  const id = env.uniqueId(idPrefix);
  const ref = { campaignId: id, vendorId };
  await campaigns.start({
    campaign: testCampaign(id),
    vendors: [testVendor(vendorId)],
    policy: patientPolicy({ historyEventsPerRun: 50 }),
    approval: { kind: 'all' },
    publication: { folder: id, notifyVendors: false },
  });
  await until(() => dossier.status(ref).catch(() => undefined), (s) => s?.stage === 'awaiting-response', 'the letter');
  const handle = env.client.workflow.getHandle(engagementWorkflowId(id, vendorId));
  const firstRunId = (await handle.describe()).runId;
  await dossier.recordResponse(ref, { by: officer, receivedAt: new Date().toISOString(), summary: 'Our measures.', attachments: [] });
  for (let round = 1; round <= 12 && (await handle.describe()).runId === firstRunId; round++) {
    const [question] = await dossier.askFollowUp(ref, { by: officer, questions: [`Question ${round}?`] });
    await dossier.recordAnswers(ref, { by: officer, answers: [{ questionId: question.id, answer: `Answer ${round}.` }] });
    // A run continues as new only between sends: let the questions go out.
    await until(() => handle.describe(), (d) => !d.raw.pendingActivities?.length, 'the questions to go out');
  }
  expect((await handle.describe()).runId).not.toBe(firstRunId);
  return { campaigns, dossier, id, ref };
}

describe('a run continued as new', () => {
  // Today a run continues only after the response. A case started before the
  // `letter-keeps-later-stage` patch was put back to awaiting the response when a reply, confirmed
  // while its letter went out, had already answered; such a case continues while its letter may
  // still bounce. The test starts that next run as continue-as-new does: the engagement, its input
  // and the state its previous run left (a real run's, ended first).
  it.each([
    ['with the count of letters sent', { vendorId: 'zoom', refused: false, letters: { letterAttempts: 1 } }],
    ['without it, as code before it continued runs', { vendorId: 'gone', refused: true, letters: {} }],
  ] as const)('%s, still takes a bounce of its latest letter as undelivered and sends the letter again to the corrected address', { timeout: 120_000 }, async (_, { vendorId, refused, letters }) => {
    const dossier = new DossierClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    const input = engagementInput(env.uniqueId('can-letter'), vendorId, patientPolicy());
    const ref = { campaignId: input.campaign.id, vendorId };
    const e = await startEngagement(env, input);
    // The previous run: its letter delivered at once, or refused for good and then sent again as `letter-2`.
    if (refused) {
      env.sink.recipientPolicy = (address) => (address === `privacy@${vendorId}.test` ? { code: 550, message: '5.1.1 No such user' } : undefined);
      await e.waitForStatus((s) => s.stage === 'letter-undeliverable');
      await dossier.correctContacts(ref, { by: officer, contacts: [{ name: 'Privacy', email: `privacy@found.${vendorId}.test` }], reason: 'moved' });
    }
    const latest = refused ? 'letter-2' : 'letter';
    const address = refused ? `privacy@found.${vendorId}.test` : `privacy@${vendorId}.test`;
    await e.waitForMail(latest);
    const status = await e.waitForStatus((s) => s.stage === 'awaiting-response');
    const handle = await continueRun({ client: env.client, taskQueue: env.taskQueue, handle: e.handle, input, status, letters });

    // The vendor's server bounces the latest letter from its only address: nobody has it.
    await handle.executeUpdate(recordInboundUpdate, { args: [letterBounce(input, latest, address)] });
    expect((await e.status()).stage).toBe('letter-undeliverable');

    await dossier.correctContacts(ref, { by: officer, contacts: [{ name: 'Privacy', email: `privacy@new.${vendorId}.test` }], reason: 'the vendor moved again' });
    const next = refused ? 'letter-3' : 'letter-2';
    const [letter] = await e.waitForMail(next, 1, 20_000);
    expect(letter.to).toEqual([`privacy@new.${vendorId}.test`]);
    const sent = await e.waitForStatus((s) => s.stage === 'awaiting-response', 20_000);
    expect(sent.timeline.filter((t) => t.what === 'open-letter sent').map((t) => t.detail)).toEqual(refused ? ['letter-2', next] : ['letter', next]);
    // Each letter went once, under its own Message-ID.
    const ids = e.mails().map((m) => m.messageId);
    expect(new Set(ids).size).toBe(ids.length);
    await handle.terminate('test over');
  });
});
