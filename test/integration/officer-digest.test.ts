// The officers' daily digest on the dev server: a real Schedule, triggered by hand, starts the digest
// workflow; each officer gets one email in their language listing what is overdue and what falls due
// within its horizon (seven days unless given another), which it states; an officer with nothing to watch gets nothing; creating the Schedule twice is harmless, and it runs hourly, mailing each officer at the digest's hour on their own clock;
// an officer whose address the mail server refuses does not stop the others getting theirs.
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { afterEach, describe, expect, it } from 'vitest';
import { DossierClient } from '../../client/api';
import { EncryptionCodec } from '../../encryption/codec';
import { generateMasterKeySpec, KeyStore, parseMasterKeys } from '../../encryption/keystore';
import { openLocalStore } from '../../store/local';
import { CampaignClient } from '../../client/campaign-api';
import type { CampaignRef } from '../../workflows/types';
import { heldPenIn } from '../../intake/held-count';
import { heldCensusIn } from '../../intake/held-census';
import { Intake } from '../../intake/intake';
import { refused } from '../../client/errors';
import { CaseDocuments } from '../../documents/document-store';
import { holdingFolder } from '../../intake/mailbox';
import { MaildirMailbox } from '../../intake/maildir-mailbox';
import { digestScheduleFor, digestScheduleLine, ensureOfficerDigestSchedule } from '../../worker/officer-digest-schedule';
import { completeFindings, fastPolicy, testCampaign, testVendor } from '../helpers/fixtures';
import { useDossier } from '../helpers/harness';
import { listWorkflows } from '../../activities/visibility';
import { campaignWorkflowId } from '../../workflows/workflow-ids';
import { until } from '../helpers/until';

/** A campaign whose officers read one French, one English: each digest is checked in both languages. */
function withTwoOfficers(id: string): CampaignRef {
  return {
    ...testCampaign(id),
    officers: [
      { name: 'Agente Gagnon', email: `gagnon@${id}.test`, language: 'fr' },
      { name: 'Officer Smith', email: `smith@${id}.test`, language: 'en' },
    ],
  };
}

/** Starts Soon SA's engagement, due in three days, and waits until the board lists its deadline. */
async function startSoon(engagements: DossierClient, campaign: CampaignRef): Promise<void> {
  await engagements.startEngagement({ campaign, vendor: testVendor('soon', { name: 'Soon SA' }), policy: fastPolicy({ responseDue: '3 days', reminderCadence: [], finalNoticeAfter: '4 days' }) });
  await until(() => engagements.findEngagements({ campaign: campaign.id, vendor: 'soon', running: true }), (found) => found[0]?.stage === 'awaiting-response' && Boolean(found[0].nextDeadline), 'soon indexed');
}

describe('officer digest', () => {
  const env = useDossier();
  afterEach(() => {
    env.sink.recipientPolicy = () => undefined;
  });

  it('starts beside a Schedule whose input it cannot decrypt, saying so and leaving it as it is', async () => {
    // Two set-ups in one namespace, each with its keys: the second's start must not fail on the first's Schedule.
    const scratch = mkdtempSync(join(env.scratch, 'digest-keys-'));
    const hostClient = (name: string) => {
      const keys = openLocalStore({ outputDir: join(scratch, name, 'out'), stateDir: join(scratch, name, 'state'), keysDir: join(scratch, name, 'keys') }).keys;
      const codec = new EncryptionCodec(new KeyStore(keys, parseMasterKeys(generateMasterKeySpec('m1'))));
      return new Client({ connection: env.client.connection, namespace: env.client.options.namespace, dataConverter: { payloadCodecs: [codec] } });
    };
    const options = { taskQueue: env.taskQueue, scheduleId: env.uniqueId('digest-keys'), localHour: 7 };
    const [first, second] = [hostClient('a'), hostClient('b')];
    try {
      expect(await ensureOfficerDigestSchedule(first, options)).toBe('created');
      const outcome = await ensureOfficerDigestSchedule(second, options);
      expect(digestScheduleLine(outcome, options)).toBe(
        `hourly, each officer at 07:00 on their clock (Schedule ${options.scheduleId} already there, its input encrypted under keys this host does not hold: left as it is; check DOSSIER_MASTER_KEYS)`,
      );
      expect((await first.schedule.getHandle(options.scheduleId).describe()).action).toMatchObject({ args: [{ localHour: 7 }] });
    } finally {
      await env.client.schedule.getHandle(options.scheduleId).delete();
    }
  });

  it('runs every hour with the hour of the officers\' day it was given, and says so at start-up', async () => {
    const options = { taskQueue: env.taskQueue, scheduleId: env.uniqueId('digest-hour'), localHour: 7 };
    const schedule = env.client.schedule.getHandle(options.scheduleId);
    try {
      expect(digestScheduleLine(await ensureOfficerDigestSchedule(env.client, options), options)).toBe(`hourly, each officer at 07:00 on their clock (Schedule ${options.scheduleId} created)`);
      const described = await schedule.describe();
      expect(described.spec.intervals?.map((i) => i.every)).toEqual([3_600_000]);
      expect(described.spec.calendars ?? []).toEqual([]);
      expect(described.action.type === 'startWorkflow' && described.action.args).toEqual([{ localHour: 7 }]);
      expect(digestScheduleLine(await ensureOfficerDigestSchedule(env.client, options), options)).toBe(`hourly, each officer at 07:00 on their clock (Schedule ${options.scheduleId} already there)`);
      expect(digestScheduleLine('created', { taskQueue: env.taskQueue })).toBe('hourly, each officer at 06:00 on their clock (Schedule dossier-officer-digest created)');
    } finally {
      await schedule.delete();
    }
  });

  it('gives a second deployment sharing the namespace, on its own task queue, a Schedule of its own, and each finds its own again', async () => {
    const base = env.uniqueId('digest-shared');
    const [queueA, queueB] = [env.uniqueId('deployment-a'), env.uniqueId('deployment-b')];
    const ensure = async (taskQueue: string) => {
      const options = await digestScheduleFor(env.client, { taskQueue, localHour: 7 }, base);
      return { scheduleId: options.scheduleId, line: digestScheduleLine(await ensureOfficerDigestSchedule(env.client, options), options) };
    };
    const queueOf = async (scheduleId: string) => {
      const { action } = await env.client.schedule.getHandle(scheduleId).describe();
      return action.type === 'startWorkflow' ? action.taskQueue : undefined;
    };
    try {
      expect(await ensure(queueA)).toEqual({ scheduleId: base, line: `hourly, each officer at 07:00 on their clock (Schedule ${base} created)` });
      expect(await ensure(queueB)).toEqual({ scheduleId: `${base}-${queueB}`, line: `hourly, each officer at 07:00 on their clock (Schedule ${base}-${queueB} created)` });
      expect([await queueOf(base), await queueOf(`${base}-${queueB}`)]).toEqual([queueA, queueB]);
      // Restarted, each deployment finds its own Schedule and makes none.
      expect((await ensure(queueA)).line).toContain(`Schedule ${base} already there`);
      expect((await ensure(queueB)).line).toContain(`Schedule ${base}-${queueB} already there`);
      // The namespace's Schedule gone (an operator deleted it): B keeps its own; A makes the namespace's again.
      await env.client.schedule.getHandle(base).delete();
      expect((await ensure(queueB)).scheduleId).toBe(`${base}-${queueB}`);
      expect((await ensure(queueA)).line).toContain(`Schedule ${base} created`);
    } finally {
      for (const id of [base, `${base}-${queueB}`]) await env.client.schedule.getHandle(id).delete().catch(() => undefined);
    }
  });

  it('moves the daily 06:00 UTC Schedule of earlier versions to the hourly one, paused if it was, and leaves one an operator changed alone', async () => {
    const former = async (scheduleId: string, hour: number) => {
      // As earlier versions created it.
      await env.client.schedule.create({
        scheduleId,
        spec: { calendars: [{ hour, minute: 0 }] },
        action: { type: 'startWorkflow', workflowType: 'officerDigest', taskQueue: env.taskQueue, args: [{}], workflowId: 'officer-digest' },
        state: { paused: true },
      });
      return env.client.schedule.getHandle(scheduleId);
    };
    const untouched = await former(env.uniqueId('digest-former'), 6);
    const moved = await former(env.uniqueId('digest-moved'), 5);
    try {
      const options = { taskQueue: env.taskQueue, scheduleId: untouched.scheduleId };
      expect(digestScheduleLine(await ensureOfficerDigestSchedule(env.client, options), options)).toBe(
        `hourly, each officer at 06:00 on their clock (Schedule ${untouched.scheduleId} moved from daily at 06:00 UTC)`,
      );
      const after = await untouched.describe();
      expect(after.spec.intervals?.map((i) => i.every)).toEqual([3_600_000]);
      expect(after.spec.calendars ?? []).toEqual([]);
      expect(after.action.type === 'startWorkflow' && after.action.args).toEqual([{ localHour: 6 }]);
      expect(after.state.paused).toBe(true);

      expect(await ensureOfficerDigestSchedule(env.client, { taskQueue: env.taskQueue, scheduleId: moved.scheduleId })).toBe('exists');
      const kept = await moved.describe();
      expect(kept.spec.calendars?.[0]?.hour).toEqual([{ start: 5, end: 5, step: 1 }]);
      expect(kept.action.type === 'startWorkflow' && kept.action.args).toEqual([{}]);
    } finally {
      await untouched.delete();
      await moved.delete();
    }
  });

  it('mails each officer, in their language, what is overdue and what falls due within its horizon (seven days unless given another), saying which, and nobody else', { timeout: 180_000 }, async () => {
    const engagements = new DossierClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    const id = env.uniqueId('digest');
    const campaign: CampaignRef = {
      ...testCampaign(id),
      officers: [
        { name: 'Agente Gagnon', email: 'gagnon@opc.test', language: 'fr' },
        { name: 'Officer Smith', email: 'smith@opc.test', language: 'en' },
        // Nine hours ahead of the campaign's UTC: not their hour when it is the others'.
        { name: 'Officer Sato', email: 'sato@opc.test', language: 'en', timeZone: 'Asia/Tokyo' },
      ],
    };
    // Overdue: due one second after its letter, reminded only in 10 minutes. Due soon: in three days.
    // Not yet: due in thirty days, outside the horizon. Refused: its letter never went out, so it has
    // no deadline at all, yet it waits for an officer to correct the address.
    const refused = `privacy@refused-${id}.test`;
    env.sink.recipientPolicy = (address) => (address === refused ? { code: 550, message: '5.1.1 No such user' } : undefined);
    await engagements.startEngagement({ campaign, vendor: testVendor('late', { name: 'Late Corp' }), policy: fastPolicy({ responseDue: '1s', reminderCadence: ['10 minutes'], finalNoticeAfter: '20 minutes' }) });
    await engagements.startEngagement({ campaign, vendor: testVendor('soon', { name: 'Soon SA' }), policy: fastPolicy({ responseDue: '3 days', reminderCadence: [], finalNoticeAfter: '4 days' }) });
    await engagements.startEngagement({ campaign, vendor: testVendor('later', { name: 'Later Ltd' }), policy: fastPolicy({ responseDue: '30 days', reminderCadence: [], finalNoticeAfter: '31 days' }) });
    await engagements.startEngagement({
      campaign,
      vendor: testVendor('refused', { name: 'Refused Inc', contacts: [{ name: 'Nobody', email: refused }] }),
      policy: fastPolicy({ responseDue: '3 days', reminderCadence: [], finalNoticeAfter: '4 days' }),
    });
    await until(() => engagements.findEngagements({ campaign: id, vendor: 'refused', running: true }), (found) => found[0]?.stage === 'letter-undeliverable', 'refused indexed');
    for (const vendorId of ['late', 'soon', 'later']) {
      await until(() => engagements.findEngagements({ campaign: id, vendor: vendorId, running: true }), (found) => found[0]?.stage === 'awaiting-response' && Boolean(found[0].nextDeadline), `${vendorId} indexed`);
    }
    await until(() => engagements.status({ campaignId: id, vendorId: 'late' }), (s) => Date.parse(s.nextDeadline ?? '') < Date.now(), 'the first deadline to pass');
    env.sink.clear();

    const scheduleId = env.uniqueId('digest-schedule');
    // The run must start within the hour this names: not in an hour's last minute.
    const untilNextHour = 3_600_000 - (Date.now() % 3_600_000);
    if (untilNextHour < 60_000) await new Promise((resolve) => setTimeout(resolve, untilNextHour + 1_000));
    const localHour = new Date().getUTCHours();
    expect(await ensureOfficerDigestSchedule(env.client, { taskQueue: env.taskQueue, scheduleId, localHour })).toBe('created');
    expect(await ensureOfficerDigestSchedule(env.client, { taskQueue: env.taskQueue, scheduleId, localHour })).toBe('exists');
    const schedule = env.client.schedule.getHandle(scheduleId);
    try {
      await schedule.trigger();
      const described = await until(() => schedule.describe(), (d) => d.info.recentActions.length > 0, 'the triggered run');
      const workflowId = described.info.recentActions[0].action.workflow.workflowId;
      const result = await env.client.workflow.getHandle(workflowId).result();
      // It is their hour on the campaign's clock (UTC), not yet Sato's in Tokyo.
      expect(result.sent.map((s: { officer: string }) => s.officer).sort()).toEqual(['gagnon@opc.test', 'smith@opc.test']);
    } finally {
      await schedule.delete();
    }

    const mails = await env.parsed(await env.sink.waitFor(2, (m) => m.to.some((t) => t.endsWith('@opc.test')), 30_000));
    const fr = mails.find((m) => m.subject?.includes('Vos dossiers'))!;
    const en = mails.find((m) => m.subject?.includes('Your cases'))!;
    expect(fr, 'the French digest').toBeDefined();
    expect(en, 'the English digest').toBeDefined();
    expect((fr.to as { value: { address: string }[] }).value[0].address).toBe('gagnon@opc.test');
    expect(en.subject).toContain('1 overdue, 3 to watch');
    expect(fr.subject).toContain('1 en retard, 3 à suivre');
    expect(en.text).toMatch(/Refused Inc \(letter refused, address to correct\): waits for you\n/);
    expect(fr.text).toMatch(/Refused Inc \(lettre refusée, adresse à corriger\)\u00a0: attend votre intervention\n/);
    // What waits for an officer comes first in its campaign.
    expect(en.text!.indexOf('Refused Inc')).toBeLessThan(en.text!.indexOf('Late Corp'));
    expect(en.text).toMatch(/Late Corp \(awaiting the response\): overdue since today, due /);
    expect(fr.text).toMatch(/Late Corp \(réponse attendue\)\u00a0: en retard depuis aujourd’hui, échéance le /);
    expect(en.text).toMatch(/Soon SA \(awaiting the response\): due /);
    expect(fr.text).toMatch(/Soon SA \(réponse attendue\)\u00a0: échéance le /);
    for (const digest of [en, fr]) {
      expect(digest.text).toContain(campaign.reference);
      expect(digest.text).not.toContain('Later Ltd');
      expect(digest.html).toContain('<li><strong>Late Corp</strong>');
      // This worker was given no workspace address: nothing to link to.
      expect(digest.text).not.toContain('/engagements/');
      expect(digest.html).not.toContain('<a href');
    }
    expect(en.text).toContain('has passed or falls within seven days.');
    expect(fr.text).toContain('est passée ou tombe dans les sept\u00a0jours.');

    // Given a longer look-ahead, the digest lists what falls due within it, and says how far it looked.
    // Started by hand, with no hour: every officer at once, Sato too.
    env.sink.clear();
    const byHand = await env.client.workflow.execute('officerDigest', { taskQueue: env.taskQueue, workflowId: env.uniqueId('digest-horizon'), args: [{ horizon: '31 days' }] });
    expect(byHand.sent.map((s: { officer: string }) => s.officer).sort()).toEqual(['gagnon@opc.test', 'sato@opc.test', 'smith@opc.test']);
    const longer = await env.parsed(await env.sink.waitFor(3, (m) => m.to.some((t) => t.endsWith('@opc.test')), 30_000));
    const longerEn = longer.find((m) => m.subject?.includes('Your cases'))!;
    const longerFr = longer.find((m) => m.subject?.includes('Vos dossiers'))!;
    expect(longerEn.text).toContain('Later Ltd');
    expect(longerEn.text).toContain('has passed or falls within 31 days.');
    expect(longerEn.html).toContain('has passed or falls within 31 days.');
    expect(longerFr.text).toContain('est passée ou tombe dans les 31\u00a0jours.');
    expect(longerEn.text).not.toContain('seven days');
  });

  it('still mails the other officers when the mail server refuses one officer\'s address for good, and says whose was refused', { timeout: 120_000 }, async () => {
    const engagements = new DossierClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    const id = env.uniqueId('digest-refused');
    // Sorted by address, the mistyped one comes first: its refusal must not stop the digests after it.
    const mistyped = `aa-mistyped@${id}.test`;
    const reader = `zz-reader@${id}.test`;
    const campaign: CampaignRef = {
      ...testCampaign(id),
      officers: [
        { name: 'Mistyped', email: mistyped, language: 'en' },
        { name: 'Reader', email: reader, language: 'en' },
      ],
    };
    await startSoon(engagements, campaign);
    env.sink.recipientPolicy = (address) => (address === mistyped ? { code: 550, message: '5.1.1 No such user' } : undefined);

    const result = await env.client.workflow.execute('officerDigest', { taskQueue: env.taskQueue, workflowId: env.uniqueId('digest-refused-run'), args: [{}] });
    expect(result.sent.map((s: { officer: string }) => s.officer)).toContain(reader);
    expect(result.sent.map((s: { officer: string }) => s.officer)).not.toContain(mistyped);
    expect(result.refused).toEqual([expect.objectContaining({ officer: mistyped })]);
    const [mail] = await env.parsed(await env.sink.waitFor(1, (m) => m.to.includes(reader), 30_000));
    expect(mail.text).toContain('Soon SA');
  });

  it('links each campaign, case and holding pen to its page in the workspace when the worker knows its address, in each officer\'s language', { timeout: 120_000 }, async () => {
    const workspace = 'https://dossier.example/workspace';
    const taskQueue = await env.ownWorker('digest-links', { deps: { workspaceUrl: workspace } });
    const engagements = new DossierClient(env.client, { taskQueue, address: 'test' });
    const id = env.uniqueId('digest-links');
    const campaign = withTwoOfficers(id);
    const refused = `privacy@refused-${id}.test`;
    env.sink.recipientPolicy = (address) => (address === refused ? { code: 550, message: '5.1.1 No such user' } : undefined);
    await engagements.startEngagement({
      campaign,
      vendor: testVendor('refused', { name: 'Refused Inc', contacts: [{ name: 'Nobody', email: refused }] }),
      policy: fastPolicy({ responseDue: '3 days', reminderCadence: [], finalNoticeAfter: '4 days' }),
    });
    await until(() => engagements.findEngagements({ campaign: id, vendor: 'refused', running: true }), (found) => found[0]?.stage === 'letter-undeliverable', 'refused indexed');

    const result = await env.client.workflow.execute('officerDigest', { taskQueue, workflowId: env.uniqueId('digest-links-run'), args: [{}] });
    expect(result.sent).toHaveLength(2);
    const mails = await env.parsed(await env.sink.waitFor(2, (m) => m.to.some((t) => t.endsWith(`@${id}.test`)), 30_000));
    const en = mails.find((m) => m.subject?.includes('Your cases'))!;
    const fr = mails.find((m) => m.subject?.includes('Vos dossiers'))!;
    const board = `${workspace}/campaigns/${id}`;
    const page = `${board}/engagements/refused`;
    const pen = `${workspace}/held/${id}`;
    expect(en.text).toContain(`Board: ${board}\n`);
    expect(en.text).toContain(`Refused Inc (letter refused, address to correct): waits for you: ${page}\n`);
    // The pen counted empty says so (the worker reads the intake's counts in the shared store: none written).
    expect(en.text).toContain(`  - No message held, that no case took: ${pen}\n`);
    expect(fr.text).toContain(`Tableau de bord\u00a0: ${board}\n`);
    expect(fr.text).toContain(`Refused Inc (lettre refusée, adresse à corriger)\u00a0: attend votre intervention\u00a0: ${page}\n`);
    expect(fr.text).toContain(`  - Aucun message en attente qu’aucun dossier n’a pris\u00a0: ${pen}\n`);
    for (const digest of [en, fr]) {
      expect(digest.html).toContain(`<li><strong><a href="${page}">Refused Inc</a></strong>`);
      expect(digest.html).toContain(`<a href="${board}">${campaign.reference} — `);
      expect(digest.html).toContain(`<a href="${pen}">`);
    }
  });

  it('lists the statement version waiting for approval and the authorities that have not approved it, with its page, in each officer\'s language', { timeout: 180_000 }, async () => {
    const workspace = 'https://dossier.example/workspace';
    const taskQueue = await env.ownWorker('digest-statement', { deps: { workspaceUrl: workspace } });
    const campaigns = new CampaignClient(env.client, { taskQueue, address: 'test' });
    const engagements = new DossierClient(env.client, { taskQueue, address: 'test' });
    const id = env.uniqueId('digest-statement');
    const by = 'Officer Tremblay';
    await campaigns.start({
      campaign: withTwoOfficers(id),
      vendors: [testVendor('omega', { name: 'Omega Corp' })],
      policy: fastPolicy({ responseDue: '10 minutes', reminderCadence: [], finalNoticeAfter: '20 minutes', approvalReminderEvery: '10 minutes' }),
      approval: { kind: 'all' },
      publication: { folder: id, notifyVendors: false },
    });
    const ref = { campaignId: id, vendorId: 'omega' };
    await until(() => engagements.status(ref).catch(() => undefined), (s) => s?.stage === 'awaiting-response', 'the letter');
    await engagements.recordResponse(ref, { by, receivedAt: new Date().toISOString(), summary: 'Omega answered', attachments: [] });
    await engagements.conclude(ref, { by, findings: completeFindings() });
    await campaigns.setConclusions(id, { by, conclusions: { en: ['Done.'], fr: ['Terminé.'] }, lessonsLearned: { en: ['Ask early.'], fr: ['Demander tôt.'] } });
    await campaigns.editStatement(id, { by, vendors: { omega: { summary: { en: 'Omega explained its measures.', fr: 'Omega a expliqué ses mesures.' } } } });
    await until(() => campaigns.status(id), (s) => s.phase === 'approving', 'the draft');
    await campaigns.approve(id, { by: 'Daniel Therrien', authorityId: 'opc', version: 1 });
    await until(() => campaigns.status(id), (s) => s.draft?.pending.join() === 'fdpic', 'the lead authority\'s approval');
    env.sink.clear();

    const result = await env.client.workflow.execute('officerDigest', { taskQueue, workflowId: env.uniqueId('digest-statement-run'), args: [{}] });
    expect(result.sent).toHaveLength(2);
    const mails = await env.parsed(await env.sink.waitFor(2, (m) => m.to.some((t) => t.endsWith(`@${id}.test`)), 30_000));
    const en = mails.find((m) => m.subject?.includes('Your cases'))!;
    const fr = mails.find((m) => m.subject?.includes('Vos dossiers'))!;
    const page = `${workspace}/campaigns/${id}/statement`;
    expect(en.subject).toContain('0 overdue, 1 to watch');
    expect(en.text).toContain(`- Statement, version 1: waits for approval by Swiss Federal Data Protection and Information Commissioner: ${page}\n`);
    expect(fr.text).toContain(`- Déclaration, version 1\u00a0: attend l’approbation des autorités suivantes\u00a0: Préposé fédéral à la protection des données et à la transparence\u00a0: ${page}\n`);
    expect(en.html).toContain(`<a href="${page}">Statement, version 1</a>`);
    expect(fr.html).toContain(`<a href="${page}">Déclaration, version 1</a>`);
  });

  it('lists the replies waiting for review on an engagement past its first stage, whose stage does not change for them, in each officer\'s language', { timeout: 120_000 }, async () => {
    const engagements = new DossierClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    const id = env.uniqueId('digest-review');
    const campaign = withTwoOfficers(id);
    const ref = { campaignId: id, vendorId: 'answered' };
    await engagements.startEngagement({ campaign, vendor: testVendor('answered', { name: 'Answered Corp' }), policy: fastPolicy({ responseDue: '30 days', reminderCadence: [], finalNoticeAfter: '31 days' }) });
    await until(() => engagements.status(ref), (s) => s.stage === 'awaiting-response', 'the letter');
    await engagements.recordResponse(ref, { by: 'Officer Smith', receivedAt: new Date().toISOString(), summary: 'Answered Corp answered', attachments: [] });
    // Two more messages from the vendor after its response: recorded for review, the stage stays `responded`.
    for (const n of [1, 2]) {
      const reply = { messageId: `<more-${n}-${id}@answered.test>`, from: 'privacy@answered.test', subject: 'Re: one more thing', receivedAt: new Date().toISOString(), kind: 'reply' as const, matchedBy: 'thread' as const, text: 'One more thing.', documents: [], notes: [] };
      expect((await engagements.recordInbound(ref, reply)).effect).toBe('to-review');
    }
    await until(() => engagements.findEngagements({ campaign: id, vendor: 'answered', running: true }), (found) => found[0]?.stage === 'responded', 'responded indexed');

    const result = await env.client.workflow.execute('officerDigest', { taskQueue: env.taskQueue, workflowId: env.uniqueId('digest-review-run'), args: [{}] });
    // The queue's other campaigns (this file's other tests) have their officers too.
    expect(result.sent.map((s: { officer: string }) => s.officer).filter((o: string) => o.endsWith(`@${id}.test`)).sort()).toEqual([`gagnon@${id}.test`, `smith@${id}.test`]);
    const mails = await env.parsed(await env.sink.waitFor(2, (m) => m.to.some((t) => t.endsWith(`@${id}.test`)), 30_000));
    const en = mails.find((m) => m.subject?.includes('Your cases'))!;
    const fr = mails.find((m) => m.subject?.includes('Vos dossiers'))!;
    expect(en.subject).toContain('0 overdue, 1 to watch');
    expect(en.text).toContain('Answered Corp (responded): 2 replies to review\n');
    expect(fr.text).toContain('Answered Corp (réponse reçue)\u00a0: 2 réponses à examiner\n');
    expect(en.html).toContain('<li><strong>Answered Corp</strong> (responded): <strong>2 replies to review</strong></li>');
  });

  it('says how many messages wait in each campaign\'s holding pen and since when, with its page, when the worker reads the case mailbox', { timeout: 120_000 }, async () => {
    const workspace = 'https://dossier.example/workspace';
    const root = mkdtempSync(join(env.scratch, 'digest-held-'));
    const taskQueue = await env.ownWorker('digest-held', { deps: { workspaceUrl: workspace, heldMail: heldPenIn({ kind: 'maildir', root }) } });
    const engagements = new DossierClient(env.client, { taskQueue, address: 'test' });
    const id = env.uniqueId('digest-held');
    const campaign = withTwoOfficers(id);
    await startSoon(engagements, campaign);
    // Two messages the intake could not place, as it holds them in the campaign's pen.
    const mailbox = new MaildirMailbox(root);
    await mailbox.open();
    for (const [n, arrivedAt] of ['2026-11-28T09:15:00.000Z', '2026-11-26T17:40:00.000Z'].entries()) {
      const original = `Message-ID: <held-${n}@${id}.test>\r\nFrom: someone@elsewhere.test\r\nSubject: About your letter\r\n\r\nHello.\r\n`;
      await mailbox.append(Buffer.from(`X-Dossier-Held-Reason: no engagement matches\r\nX-Dossier-Arrived-At: ${arrivedAt}\r\nX-Dossier-Held-End: 1\r\n${original}`), holdingFolder(id));
    }
    await mailbox.close();

    const result = await env.client.workflow.execute('officerDigest', { taskQueue, workflowId: env.uniqueId('digest-held-run'), args: [{}] });
    expect(result.sent.map((s: { officer: string }) => s.officer).filter((o: string) => o.endsWith(`@${id}.test`))).toHaveLength(2);
    const mails = await env.parsed(await env.sink.waitFor(2, (m) => m.to.some((t) => t.endsWith(`@${id}.test`)), 30_000));
    const en = mails.find((m) => m.subject?.includes('Your cases'))!;
    const fr = mails.find((m) => m.subject?.includes('Vos dossiers'))!;
    const pen = `${workspace}/held/${id}`;
    // One case; the held mail apart, in messages.
    expect(en.subject).toContain('0 overdue, 1 to watch; 2 held messages that no case took');
    expect(fr.subject).toContain('0 en retard, 1 à suivre\u202f; 2 messages en attente qu’aucun dossier n’a pris');
    expect(en.text).toContain(`  - 2 messages held, that no case took, the oldest since 26\u00a0November\u00a02026: ${pen}\n`);
    expect(fr.text).toContain(`  - 2 messages en attente, qu’aucun dossier n’a pris, le plus ancien depuis le 26\u00a0novembre\u00a02026\u00a0: ${pen}\n`);
    expect(en.html).toContain(`<a href="${pen}">2 messages held</a>`);
    // The count stands for the pen's own line.
    expect(en.text).not.toContain('The campaign’s holding pen');
  });
  it('counts each pen from what the intake wrote to the shared store when the worker holds no mailbox credentials, and the mail that names no campaign for every officer', { timeout: 120_000 }, async () => {
    const workspace = 'https://dossier.example/workspace';
    const scratch = mkdtempSync(join(env.scratch, 'digest-census-'));
    // One store for the worker and the intake, as PostgreSQL is on a cluster; the worker is given no mailbox.
    const store = openLocalStore({ outputDir: join(scratch, 'out'), stateDir: join(scratch, 'state'), keysDir: join(scratch, 'keys') });
    const taskQueue = await env.ownWorker('digest-census', { deps: { workspaceUrl: workspace, store } });
    const engagements = new DossierClient(env.client, { taskQueue, address: 'test' });
    const id = env.uniqueId('digest-census');
    const campaign = withTwoOfficers(id);
    await startSoon(engagements, campaign);

    // The intake on its own host, with the mailbox: a reply naming the campaign that its engagement
    // refuses, and a vendor writing from an address no case knows, without token or reference.
    const mailbox = new MaildirMailbox(join(scratch, 'mail'));
    await mailbox.open();
    const intake = new Intake({
      mailbox,
      documents: new CaseDocuments(store.documents, new KeyStore(store.keys, parseMasterKeys(generateMasterKeySpec('m1')))),
      directory: {
        engagementByToken: async () => undefined,
        campaignByReference: async (reference) => (reference === campaign.reference ? { campaignId: id, vendorIds: ['soon'] } : undefined),
        vendorOf: async () => ({ name: 'Soon SA', contacts: testVendor('soon').contacts }),
      },
      domain: 'test.example',
      caseMailbox: 'case@test.example',
      dossier: { recordHeldDismissal: async () => undefined, recordInbound: async () => Promise.reject(refused(`engagement ${id}:soon`, 'the sender is not the vendor')) } as never,
      census: heldCensusIn(store.files),
    });
    const mail = (n: number, from: string, subject: string) => Buffer.from(`Message-ID: <census-${n}@${id}.test>\r\nFrom: ${from}\r\nTo: case@test.example\r\nSubject: ${subject}\r\n\r\nHello.\r\n`);
    await mailbox.append(mail(1, 'privacy@soon.test', `Re: [${campaign.reference}] Our answers`));
    await mailbox.append(mail(2, 'sales@unknown-vendor.test', 'Our privacy policy'));
    const settled = await intake.pass();
    expect(settled.map((s) => (s.outcome === 'held' ? (s.campaignId ?? 'unsorted') : s.outcome)).sort()).toEqual([id, 'unsorted'].sort());

    const run = async (n: number) => {
      const result = await env.client.workflow.execute('officerDigest', { taskQueue, workflowId: env.uniqueId(`digest-census-run-${n}`), args: [{}] });
      expect(result.sent.map((s: { officer: string }) => s.officer).filter((o: string) => o.endsWith(`@${id}.test`))).toHaveLength(2);
      const mails = await env.parsed(await env.sink.waitFor(2 * n, (m) => m.to.some((t) => t.endsWith(`@${id}.test`)), 30_000));
      return mails.slice(-2).find((m) => m.subject?.includes('Your cases'))!;
    };
    const en = await run(1);
    expect(en.text).toMatch(new RegExp(`  - 1 message held, that no case took, the oldest since [^\\n]*: ${workspace}/held/${id}\\n`));
    expect(en.text).toContain('Mail that names no campaign, held for the officers of every open campaign\n');
    expect(en.text).toMatch(new RegExp(`  - 1 message held, that no case took, the oldest since [^\\n]*: ${workspace}/held/unsorted\\n`));

    // An officer dismisses the unsorted one (through the workspace or the CLI, which decide through the intake): its count goes.
    await intake.dismiss(undefined, `<census-2@${id}.test>`, 'Officer Smith', 'not about a case');
    const after = await run(2);
    expect(after.text).not.toContain('Mail that names no campaign');
    expect(after.text).toContain(`${workspace}/held/${id}`);
    await mailbox.close();
  });

  it('tells an ended campaign\'s pen for a campaign that ran on its own task queue, not for one running or ended on another that shares its store', { timeout: 120_000 }, async () => {
    const scratch = mkdtempSync(join(env.scratch, 'digest-queues-'));
    const store = openLocalStore({ outputDir: join(scratch, 'out'), stateDir: join(scratch, 'state'), keysDir: join(scratch, 'keys') });
    const taskQueue = await env.ownWorker('digest-queues', { deps: { store } });
    // Another deployment's task queue in the namespace, sharing the store (its census): no worker of this test polls it.
    const otherQueue = `${taskQueue}-other`;
    const id = env.uniqueId('digest-queues');
    const [endedHere, runningThere, endedThere] = [`${id}-ended`, `${id}-running-there`, `${id}-ended-there`];
    const start = (campaignId: string, queue: string) =>
      env.client.workflow.start('campaign', {
        taskQueue: queue,
        workflowId: campaignWorkflowId(campaignId),
        args: [{ campaign: withTwoOfficers(campaignId), vendors: [testVendor('omega')], policy: fastPolicy(), approval: { kind: 'all' }, publication: { folder: campaignId, notifyVendors: false } }],
        // Not run before it is ended: what matters is where it ran.
        startDelay: '1 hour',
      });
    await (await start(endedHere, taskQueue)).terminate('ended for the test');
    await start(runningThere, otherQueue);
    await (await start(endedThere, otherQueue)).terminate('ended for the test');
    // The intake counted a reply in each campaign's pen.
    for (const campaignId of [endedHere, runningThere, endedThere]) await heldCensusIn(store.files).write(campaignId, { count: 1 });
    const ids = [endedHere, runningThere, endedThere].map((c) => `'${campaignWorkflowId(c)}'`).join(', ');
    const statuses = async () => {
      const listed: string[] = [];
      for await (const wf of listWorkflows(env.client, `WorkflowId IN (${ids})`)) listed.push(wf.status);
      return listed;
    };
    await until(statuses, (listed) => listed.filter((s) => s === 'TERMINATED').length === 2 && listed.includes('RUNNING'), 'the campaigns indexed');

    const result = await env.client.workflow.execute('officerDigest', { taskQueue, workflowId: env.uniqueId('digest-queues-run'), args: [{}] });
    const mailed = (campaignId: string) => result.sent.map((s: { officer: string }) => s.officer).filter((o: string) => o.endsWith(`@${campaignId}.test`));
    expect(mailed(endedHere)).toHaveLength(2);
    expect(mailed(runningThere)).toEqual([]);
    expect(mailed(endedThere)).toEqual([]);
    const [en] = await env.parsed(await env.sink.waitFor(1, (m) => m.to.some((t) => t === `smith@${endedHere}.test`), 30_000));
    expect(en!.text).toContain(`${withTwoOfficers(endedHere).reference} \u2014 ${withTwoOfficers(endedHere).title.en} (ended)`);
    await env.client.workflow.getHandle(campaignWorkflowId(runningThere)).terminate('the test is over');
  });
});
