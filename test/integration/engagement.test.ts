// The response stage of an engagement on a real dev server and a real SMTP sink: a prompt response,
// a late one, no response at all, an extension, a withdrawal, search attributes and a refused address.
import { describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import { askFollowUpUpdate, BOARD_MEMO_KEY, concludeUpdate, extendDeadlineUpdate, recordResponseUpdate, withdrawUpdate } from '../../workflows/messages';
import { DossierClient } from '../../client/api';
import { until } from '../helpers/until';
import { useDossier } from '../helpers/harness';
import { completeFindings, engagementInput, fastPolicy, patientPolicy } from '../helpers/fixtures';
import { fromNow, startEngagement, stepOf } from '../helpers/engagement-driver';

const officer = 'Officer Tremblay';
// The day the test runs: a response cannot predate its letter, sent when the test starts.
const today = new Date().toISOString().slice(0, 10);
const response = { by: officer, receivedAt: today, summary: 'Detailed answers on all five principles', attachments: ['reply.pdf'] };

describe('engagement: letter and response', () => {
  const env = useDossier();

  it('acknowledges a prompt response and concludes with findings for the five principles', async () => {
    const e = await startEngagement(env, engagementInput(env.uniqueId('prompt'), 'zoom', patientPolicy()));
    const [letter] = await e.waitForMail('letter');
    await e.waitForStatus((s) => s.stage === 'awaiting-response');

    // The update answers with the engagement and its stage; the rest is read by the status query.
    const updated = await e.handle.executeUpdate(recordResponseUpdate, { args: [response] });
    expect(updated).toEqual({ workflowId: e.handle.workflowId, stage: 'responded' });
    const afterResponse = await e.status();
    expect(afterResponse.stage).toBe('responded');
    expect(afterResponse.response).toEqual({ receivedAt: today, summary: response.summary, attachments: ['reply.pdf'] });

    const [ack] = await e.waitForMail('acknowledgement');
    expect(ack.to).toEqual(['privacy@zoom.test']);
    expect((await simpleParser(ack.raw)).inReplyTo).toBe(letter.messageId);
    await e.waitForStatus((s) => s.timeline.some((t) => t.what === 'acknowledgement sent'));

    const outcome = await e.handle.executeUpdate(concludeUpdate, { args: [{ by: officer, findings: completeFindings() }] });
    expect(outcome.stage).toBe('concluded');
    const result = await e.handle.result();
    expect(result).toMatchObject({ vendorId: 'zoom', stage: 'concluded', findings: completeFindings(), remindersSent: [], respondedAt: response.receivedAt });
    // The submission stays with the engagement: its campaign keeps the result, for every vendor.
    expect(result.response).toBeUndefined();
    expect((await e.status()).response?.summary).toBe(response.summary);
    const timeline = (await e.status()).timeline.map((t) => `${t.by}: ${t.what}`);
    expect(timeline).toEqual([
      'dossier: open-letter sent',
      `${officer}: response recorded`,
      'dossier: acknowledgement sent',
      `${officer}: concluded`,
    ]);
  });

  it('sends reminders after the due date and stops them when a late response arrives', async () => {
    const policy = fastPolicy({ responseDue: '1s', reminderCadence: ['1s', '2s'], finalNoticeAfter: '40s', closeAfter: '40s' });
    const e = await startEngagement(env, engagementInput(env.uniqueId('late'), 'cisco', policy));
    const reminders = await e.waitForMail('reminder-response-', 2);
    expect(reminders.map(stepOf).sort()).toEqual(['reminder-response-1', 'reminder-response-2']);
    expect(reminders.every((m) => m.to.join() === 'privacy@cisco.test')).toBe(true);

    await e.handle.executeUpdate(recordResponseUpdate, { args: [response] });
    await e.waitForMail('acknowledgement');
    const status = await e.waitForStatus((s) => s.timeline.some((t) => t.what === 'acknowledgement sent'));
    expect(status.stage).toBe('responded');
    expect(status.remindersSent.map((r) => `${r.about}/${r.kind}/${r.number}`)).toEqual(['response/reminder/1', 'response/reminder/2']);
    expect(e.mails().some((m) => stepOf(m)?.startsWith('final-notice'))).toBe(false);
    await e.handle.executeUpdate(withdrawUpdate, { args: [{ by: officer, reason: 'test over' }] });
  });

  it('closes as no response after reminders and a final notice, and tells the case office', async () => {
    const e = await startEngagement(env, engagementInput(env.uniqueId('silent'), 'houseparty', fastPolicy()));
    const outcome = await e.handle.result();

    expect(outcome.stage).toBe('closed-no-response');
    expect(outcome.respondedAt).toBeUndefined();
    expect(outcome.remindersSent.map((r) => `${r.kind}/${r.number}`)).toEqual(['reminder/1', 'reminder/2', 'final-notice/1']);
    const steps = e.mails().map((m) => `${stepOf(m)} -> ${m.to.join()}`);
    expect(steps.sort()).toEqual([
      'closure-notice -> privacy@houseparty.test',
      'final-notice-response-1 -> privacy@houseparty.test',
      'letter -> privacy@houseparty.test',
      'officer-notice-closed-no-response -> office@opc.test',
      'reminder-response-1 -> privacy@houseparty.test',
      'reminder-response-2 -> privacy@houseparty.test',
    ]);
    const status = await e.status();
    expect(status.stage).toBe('closed-no-response');
    expect(status.nextDeadline).toBeUndefined();
    // Reminders follow the cadence, each measured from the due date.
    const due = Date.parse(status.responseDueDate!);
    const [first, second, final] = status.remindersSent.map((r) => Date.parse(r.at) - due);
    expect(first).toBeGreaterThanOrEqual(1000);
    expect(second).toBeGreaterThanOrEqual(2000);
    expect(final).toBeGreaterThanOrEqual(3000);
  });

  it('re-plans reminders from an extended due date, keeping those already sent and their numbering', async () => {
    // Five seconds between the first two reminders leave time to extend before the second one.
    const policy = fastPolicy({ responseDue: '1s', reminderCadence: ['1s', '6s'], finalNoticeAfter: '60s', closeAfter: '60s' });
    const e = await startEngagement(env, engagementInput(env.uniqueId('extend'), 'google', policy));
    const [letter] = await e.waitForMail('letter');
    await e.waitForMail('reminder-response-1');
    const newDue = fromNow(2_000);
    const done = await e.handle.executeUpdate(extendDeadlineUpdate, { args: [{ by: officer, dueDate: newDue, reason: 'Asked for more time' }] });
    // The result names the confirmation's step: the audit export pairs the request with it so.
    expect(done.confirmationStep).toBe('deadline-extension-1');
    const extended = await e.status();
    expect(extended.responseDueDate).toBe(newDue);
    expect(extended.nextDeadline).toBe(newDue);

    await e.waitForMail('reminder-response-3');
    const status = await e.waitForStatus((s) => s.remindersSent.length === 3);
    expect(status.remindersSent.map((r) => r.number)).toEqual([1, 2, 3]);
    // The old plan had only two reminders: a third one, on the cadence from the new date, is the re-plan.
    expect(Date.parse(status.remindersSent[1].at)).toBeGreaterThanOrEqual(Date.parse(newDue) + 1000);
    expect(Date.parse(status.remindersSent[2].at)).toBeGreaterThanOrEqual(Date.parse(newDue) + 6000);
    expect(status.timeline.some((t) => t.what === 'response deadline extended' && t.detail?.includes('Asked for more time'))).toBe(true);
    // The vendor is told the new date, in the letter's thread, and the timeline says so.
    const [confirmation] = await e.waitForMail('deadline-extension-1');
    const parsed = await simpleParser(confirmation.raw);
    expect(parsed.inReplyTo).toBe(letter.messageId);
    const stated = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(newDue));
    // A date's words are joined by no-break spaces.
    expect(parsed.text).toContain(`is extended to ${stated.replaceAll(' ', '\u00a0')}`);
    expect((await e.status()).timeline.some((t) => t.what === 'deadline-extension sent' && t.detail === 'deadline-extension-1')).toBe(true);
    await e.handle.executeUpdate(withdrawUpdate, { args: [{ by: officer, reason: 'test over' }] });
  });

  it('withdraws an engagement with a reason and accepts nothing afterwards', async () => {
    const e = await startEngagement(env, engagementInput(env.uniqueId('withdraw'), 'microsoft', patientPolicy()));
    await e.waitForStatus((s) => s.stage === 'awaiting-response');
    const status = await e.handle.executeUpdate(withdrawUpdate, { args: [{ by: officer, reason: 'Vendor left the market' }] });
    expect(status.stage).toBe('withdrawn');

    const outcome = await e.handle.result();
    expect(outcome).toMatchObject({ stage: 'withdrawn', withdrawalReason: 'Vendor left the market' });
    await expect(e.handle.executeUpdate(recordResponseUpdate, { args: [response] })).rejects.toThrow();
    expect((await e.status()).stage).toBe('withdrawn');
  });

  it('withdraws itself, sending nothing more, when it is cancelled (a campaign ended early)', async () => {
    const e = await startEngagement(env, engagementInput(env.uniqueId('cancel'), 'cisco', patientPolicy()));
    await e.waitForStatus((s) => s.stage === 'awaiting-response');
    await e.handle.executeUpdate(recordResponseUpdate, { args: [response] });
    // A follow-up round is then running beside the main flow: cancellation must end it too.
    await e.handle.executeUpdate(askFollowUpUpdate, { args: [{ by: officer, questions: ['Where is data stored?'] }] });
    await e.waitForMail('follow-up-r1-questions');
    await e.handle.cancel();
    const outcome = await e.handle.result();
    expect(outcome).toMatchObject({ stage: 'withdrawn', withdrawalReason: 'the engagement was cancelled' });
    expect((await e.handle.describe()).status.name).toBe('COMPLETED');
    const sent = e.mails().length;
    await new Promise((r) => setTimeout(r, 3_000));
    expect(e.mails()).toHaveLength(sent);
  });

  it('publishes stage and next deadline as search attributes', async () => {
    const campaignId = env.uniqueId('visible');
    const e = await startEngagement(env, engagementInput(campaignId, 'zoom', patientPolicy()));
    const workflowId = e.handle.workflowId;
    const listed = async (query: string) => {
      const ids: string[] = [];
      for await (const w of env.client.workflow.list({ query })) ids.push(w.workflowId);
      return ids;
    };
    const eventually = async (query: string) => {
      const deadline = Date.now() + 45_000;
      while (!(await listed(query)).includes(workflowId)) {
        if (Date.now() > deadline) throw new Error(`${workflowId} never listed by ${query}`);
        await new Promise((r) => setTimeout(r, 300));
      }
    };
    const mine = `DossierCampaign = '${campaignId}' AND DossierVendor = 'zoom'`;
    await eventually(`DossierStage = 'awaiting-response' AND ${mine}`);
    // Overdue within the hour: the response is due in ten minutes.
    await eventually(`DossierNextDeadline < '${fromNow(3_600_000)}' AND ${mine}`);

    await e.handle.executeUpdate(recordResponseUpdate, { args: [response] });
    await eventually(`DossierStage = 'responded' AND ${mine}`);
    expect(await listed(`DossierStage = 'awaiting-response' AND ${mine}`)).toEqual([]);
    await e.handle.executeUpdate(withdrawUpdate, { args: [{ by: officer, reason: 'test over' }] });
    await eventually(`DossierStage = 'withdrawn' AND ${mine}`);
  });

  it('from revision 3, lists the board’s data as search attributes, in the same upsert as the stage, with no patch marker and no memo', async () => {
    const campaignId = env.uniqueId('listed');
    const dossier = new DossierClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    const ref = await dossier.startEngagement(engagementInput(campaignId, 'zoom', patientPolicy()));
    const [row] = await until(
      () => dossier.findEngagements({ campaign: campaignId }),
      (rows) => rows[0]?.stage === 'awaiting-response' && rows[0]?.nextAction !== undefined,
      'the engagement listed as awaiting its response',
    );
    const status = await dossier.status(ref);
    expect(row).toMatchObject({ vendorId: 'zoom', nextDeadline: status.nextDeadline, lastContact: status.letterSentAt });
    expect(row.nextAction).toMatchObject({ kind: 'reminder', number: 1, about: 'response' });
    expect(Date.parse(row.nextAction!.at)).toBeGreaterThan(Date.parse(status.letterSentAt!));

    const handle = env.client.workflow.getHandle(ref.workflowId);
    expect((await handle.describe()).memo?.[BOARD_MEMO_KEY]).toBeUndefined();
    const events = (await handle.fetchHistory()).events ?? [];
    const has = (type: string) => events.filter((ev) => ev[type as keyof typeof ev] != null);
    expect(has('markerRecordedEventAttributes')).toEqual([]);
    expect(has('workflowPropertiesModifiedEventAttributes')).toEqual([]);
    // The letter's delivery moved the stage, the deadline, the last contact and the next step: one upsert.
    const upserts = has('upsertWorkflowSearchAttributesEventAttributes').map((ev) => Object.keys(ev.upsertWorkflowSearchAttributesEventAttributes!.searchAttributes!.indexedFields!).sort());
    expect(upserts).toEqual([['DossierLastContact', 'DossierNextAction', 'DossierNextActionAt', 'DossierNextDeadline', 'DossierStage']]);
    await dossier.withdraw(ref, { by: officer, reason: 'test over' });
  });

  it('records a permanently refused address and notifies the case office, in its language, instead of failing', async () => {
    env.sink.recipientPolicy = (address) => (address === 'privacy@refused.test' ? { code: 550, message: 'No such user' } : undefined);
    const input = engagementInput(env.uniqueId('bounce'), 'refused', patientPolicy());
    // The office reads French: the lead authority's language.
    input.campaign.authorities = input.campaign.authorities.map((a) => (a.lead ? { ...a, language: 'fr' as const } : a));
    const e = await startEngagement(env, input);
    const [notice] = await e.waitForMail('officer-notice-letter');
    expect(notice.to).toEqual(['office@opc.test']);
    // What happened, in the office's words; the server's reply quoted as it gave it.
    const text = (await env.parsed([notice]))[0]!.text!.replace(/[ \t\r\n]+/g, ' ');
    expect(text).toContain(
      'Vendor refused\u00a0: la remise de la lettre ouverte a échoué et ne sera pas retentée. Le serveur de messagerie a refusé définitivement l’adresse privacy@refused.test, en général parce qu’elle n’existe pas ou ne reçoit plus de courrier.',
    );
    expect(text).toMatch(/Réponse du serveur de messagerie, telle qu’il l’a donnée\u00a0: «\u202f[^»]*550 No such user[^»]*\u202f»/);
    expect(text).not.toMatch(/RecipientRejected|recipient 1 of 1|Motif indiqué|The mail server/);

    // The letter has not gone out: no deadline runs (letter-undeliverable.test.ts follows the correction).
    const status = await e.waitForStatus((s) => s.stage === 'letter-undeliverable');
    expect(status.nextDeadline).toBeUndefined();
    expect(status.deliveryFailures).toHaveLength(1);
    expect(status.deliveryFailures[0]).toMatchObject({ step: 'letter' });
    expect(status.deliveryFailures[0].reason).toMatch(/RecipientRejected/);
    expect(status.deliveryFailures[0].refusal).toMatchObject({ code: 'recipients-refused', recipients: ['privacy@refused.test'], smtpCode: 550 });
    expect(status.timeline.map((t) => t.what)).toEqual(['open-letter not delivered', 'officer-notice sent', 'letter undeliverable']);
    await e.handle.executeUpdate(withdrawUpdate, { args: [{ by: officer, reason: 'test over' }] });
  });

  it('only records the failure when the case office address is refused too', async () => {
    env.sink.recipientPolicy = (address) => (address.endsWith('.test') ? { code: 550, message: 'Mailbox unavailable' } : undefined);
    const e = await startEngagement(env, engagementInput(env.uniqueId('bounce2'), 'refused', patientPolicy()));
    const status = await e.waitForStatus((s) => s.deliveryFailures.length === 2);
    expect(status.deliveryFailures.map((f) => f.step)).toEqual(['letter', 'officer-notice-letter']);
    expect((await e.waitForStatus((s) => s.stage !== 'sending-letter')).stage).toBe('letter-undeliverable');
    expect(e.mails()).toEqual([]);
    await e.handle.executeUpdate(withdrawUpdate, { args: [{ by: officer, reason: 'test over' }] });
  });
});
