// The audit export of a real campaign: read back from the workflows' histories on the dev server,
// checked against what actually happened (the mail the sink received, the officers who acted, the
// version each authority approved), written as CSV and PDF through the CLI, and again after the
// campaign's key was destroyed, when it must say what can no longer be read.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { auditCsv } from '../../client/audit-report';
import { collectAuditTrail, collectUnsortedDownloads, documentRefsIn, type AuditTrail } from '../../client/audit';
import { CampaignClient } from '../../client/campaign-api';
import { cliAccount, cliActor } from '../../client/identity';
import { DossierClient } from '../../client/api';
import type { CampaignInput, DocumentRef, Findings } from '../../workflows/types';
import { PRINCIPLES } from '../../workflows/types';
import { runDossier } from '../helpers/cli';
import { pdfTextLanguages } from '../helpers/pdf';
import { engagementInput, fastPolicy, patientPolicy, testCampaign, testVendor } from '../helpers/fixtures';
import { useDossier } from '../helpers/harness';
import { until } from '../helpers/until';
import { composeReply } from '../helpers/inbound-mail';
import { Intake } from '../../intake/intake';
import { MaildirMailbox } from '../../intake/maildir-mailbox';
import { holdingFolder } from '../../intake/mailbox';

const officer = 'Officer Tremblay';

function findings(): Findings {
  return Object.fromEntries(
    PRINCIPLES.map((p) => [p, { assessment: { en: `Assessed ${p}.`, fr: `Évalué ${p}.` }, goodPractices: [{ en: `Practice for ${p}`, fr: `Pratique pour ${p}` }] }]),
  ) as Findings;
}

/** RFC 4180 fields of a CSV text (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field), rows.push(row), (row = []), (field = ''), i++;
    } else field += c;
  }
  return rows;
}


describe('audit export', () => {
  const env = useDossier({ keepMail: true });

  it('finds document references wherever a payload carries them, each once', () => {
    const doc = { id: 'd1', name: 'answers.pdf', type: 'application/pdf', size: 10, sha256: 'ab'.repeat(32) };
    expect(documentRefsIn({ response: { documents: [doc] }, inbox: [{ documents: [doc, { ...doc, name: 'b.pdf' }] }] })).toEqual([doc, { ...doc, name: 'b.pdf' }]);
    expect(documentRefsIn({ text: 'no documents here', sha256: 42 })).toEqual([]);
  });

  it('keeps an officer’s dismissal of held mail that names no campaign in the unsorted pen’s trail, read back from the server', { timeout: 60_000 }, async () => {
    const mailbox = new MaildirMailbox(join(env.scratch, `held-${env.uniqueId('dismissed')}`));
    await mailbox.open();
    const dossier = new DossierClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    const intake = new Intake({ mailbox, dossier, documents: {} as never, directory: {} as never, domain: 'test.example', caseMailbox: 'case@test.example' });
    const messageId = `<${env.uniqueId('promo')}@ads.example>`;
    const original = await composeReply({ from: 'promo@ads.example', to: 'case@test.example', subject: 'Win a cruise', messageId, text: 'x' });
    await mailbox.append(Buffer.concat([Buffer.from('X-Dossier-Held-Reason: it names no running campaign\r\n'), original]), holdingFolder(undefined));
    await intake.dismiss(undefined, messageId, officer, 'Advertising, not correspondence.');
    const trail = await collectUnsortedDownloads(env.client);
    expect(trail.events.filter((e) => e.messageId === messageId).map((e) => [e.kind, e.actor, e.action, e.detail])).toEqual([
      ['officer-action', officer, 'heldMessageDismissed', 'from: promo@ads.example; subject: Win a cruise; reason: Advertising, not correspondence.'],
    ]);
  });

  it('says which case does not exist, as `engagement show` does, for a campaign or vendor id the server does not know', { timeout: 60_000 }, async () => {
    const id = env.uniqueId('audit-none');
    await expect(collectAuditTrail(env.client, { campaignId: id, vendorId: 'nobody' })).rejects.toThrow(`engagement:${id}:nobody does not exist (check the campaign and vendor ids)`);
    const run = await runDossier(env.childEnv, officer, ['audit', id, '--out', join(env.scratch, 'none.csv')]);
    expect(run.stderr.trim()).toBe(`dossier: campaign:${id} does not exist (check the campaign and vendor ids)`);
    expect(run.code).toBe(3);
  });

  it('names the officer and the CLI as who acted, also once the content can no longer be read, not the process that sent the request', { timeout: 120_000 }, async () => {
    const dossier = new DossierClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    const campaignId = env.uniqueId('audit-who');
    const ref = { campaignId, vendorId: 'zoom' };
    await new CampaignClient(env.client, { taskQueue: env.taskQueue, address: 'test' }).start({
      campaign: testCampaign(campaignId),
      vendors: [testVendor('zoom')],
      policy: fastPolicy({ responseDue: '10 minutes', reminderCadence: [], finalNoticeAfter: '20 minutes' }),
      approval: { kind: 'all' },
      publication: { folder: campaignId, notifyVendors: false },
    });
    await until(() => dossier.status(ref).catch(() => undefined), (s) => s?.stage === 'awaiting-response', 'the letter');
    const withdrawn = await runDossier(env.childEnv, officer, ['engagement', 'withdraw', campaignId, 'zoom', '--reason', 'out of scope']);
    expect(withdrawn.code, withdrawn.stderr).toBe(0);
    const asCli = cliActor(officer, cliAccount());
    // The lead's workflow takes the withdrawal (withdrawVendor), then tells the engagement.
    const before = await collectAuditTrail(env.client, { campaignId });
    expect(before.events.filter((e) => e.action === 'withdrawVendor').map((e) => [e.kind, e.actor])).toEqual([['officer-action', asCli]]);

    // Read without the campaign's key, as after crypto-shredding (a running campaign cannot be shredded).
    const keyless = new Client({ connection: env.client.connection, namespace: env.client.options.namespace });
    const unreadable = await collectAuditTrail(keyless, { campaignId });
    expect(unreadable.events.filter((e) => e.action === 'withdrawVendor').map((e) => [e.kind, e.actor])).toEqual([['unreadable', asCli]]);
  });

  it('keeps the language the intake recorded for a vendor’s French reply: its own /Lang in an English PDF, a last CSV column', { timeout: 120_000 }, async () => {
    const dossier = new DossierClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    const campaignId = env.uniqueId('audit-lang');
    const ref = { campaignId, vendorId: 'zoom' };
    await dossier.startEngagement(engagementInput(campaignId, 'zoom'));
    await until(() => dossier.status(ref), (s) => s.stage === 'awaiting-response', 'the letter');
    const subject = 'Re: Lettre ouverte — notre réponse à vos questions';
    const messageId = `<reponse-${campaignId}@zoom.test>`;
    await dossier.recordInbound(ref, { messageId, from: 'privacy@zoom.test', subject, receivedAt: new Date().toISOString(), kind: 'reply', matchedBy: 'thread', text: 'Bonjour, voici notre réponse à vos questions.', language: 'fr', documents: [], notes: [] });

    const csvFile = join(env.scratch, `${campaignId}.csv`);
    const pdfFile = join(env.scratch, `${campaignId}.pdf`);
    for (const [format, out] of [['csv', csvFile], ['pdf', pdfFile]] as const) {
      const run = await runDossier(env.childEnv, officer, ['audit', campaignId, 'zoom', '--format', format, '--language', 'en', '--out', out]);
      expect(run.code, run.stderr).toBe(0);
    }
    const [header, ...rows] = parseCsv(readFileSync(csvFile).subarray(3).toString('utf8'));
    expect(header!.at(-1)).toBe('Language of the received message');
    expect(rows.filter((r) => r[header!.indexOf('Message-ID')] === messageId).map((r) => [r[header!.indexOf('Event')], r.at(-1)])).toEqual([['Email received', 'fr']]);
    const marked = (await pdfTextLanguages(readFileSync(pdfFile))).filter((t) => t.marked);
    expect(marked.map((t) => [t.language, t.text.replace(/\s+/g, ' ').trim()])).toEqual([['fr', subject]]);
    await dossier.withdraw(ref, { by: officer, reason: 'test over' });
  });

  it('reads every run of an engagement that continued as new, oldest first, each event once, the case opened once at its start', { timeout: 180_000 }, async () => {
    const dossier = new DossierClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    const campaignId = env.uniqueId('audit-can');
    const ref = { campaignId, vendorId: 'zoom' };
    // A low ceiling, as in continue-as-new.test.ts: the response and a few rounds fill the first run.
    const { workflowId } = await dossier.startEngagement(engagementInput(campaignId, 'zoom', patientPolicy({ historyEventsPerRun: 50 })));
    const handle = env.client.workflow.getHandle(workflowId);
    const first = await handle.describe();
    await until(() => dossier.status(ref), (s) => s.stage === 'awaiting-response', 'the letter');
    const document: DocumentRef = { id: 'doc-1', name: 'measures.pdf', type: 'application/pdf', size: 1234, sha256: 'cd'.repeat(32) };
    await dossier.recordResponse(ref, { by: officer, receivedAt: new Date().toISOString(), summary: 'Our measures.', attachments: [], documents: [document] });
    for (let round = 1; round <= 3; round++) {
      const [question] = await dossier.askFollowUp(ref, { by: officer, questions: [`Question of round ${round}?`] });
      await dossier.recordAnswers(ref, { by: officer, answers: [{ questionId: question.id, answer: `Answer ${round}.` }] });
    }
    await until(() => handle.describe(), (d) => d.runId !== first.runId && !d.raw.pendingActivities?.length, 'a new run');
    await dossier.withdraw(ref, { by: officer, reason: 'test over' });
    await handle.result();
    const switches = (await dossier.status(ref)).timeline.filter((t) => t.what === 'history continued in a new run').length;
    expect(switches).toBeGreaterThanOrEqual(1);

    const { events } = await collectAuditTrail(env.client, { campaignId, vendorId: 'zoom' });
    const times = events.map((e) => e.at);
    expect(times).toEqual([...times].sort());
    // Opened once, when the first run started; closed once, at the end of the last.
    expect(events.filter((e) => e.kind === 'case-opened').map((e) => e.at)).toEqual([first.startTime.toISOString()]);
    expect(events[0].kind).toBe('case-opened');
    expect(events.filter((e) => e.kind === 'case-closed').map((e) => e.action)).toEqual(['withdrawn']);
    expect(events.at(-1)!.kind).toBe('case-closed');
    expect(events.filter((e) => e.kind === 'stage' && e.action === 'continued-as-new')).toHaveLength(switches);
    // The first run's officer actions and documents, each once.
    expect(events.filter((e) => e.kind === 'officer-action').map((e) => e.action)).toEqual([
      'recordResponse',
      ...[1, 2, 3].flatMap(() => ['askFollowUp', 'recordAnswers']),
      'withdraw',
    ]);
    expect(events.filter((e) => e.kind === 'document').map((e) => e.sha256)).toEqual([document.sha256]);
    // Every message the engagement sent, the letter first, each once.
    const mail = env.sink.messages.filter((m) => (m.messageId ?? '').includes(`.${campaignId}.`)).map((m) => m.messageId);
    const sent = events.filter((e) => e.kind === 'email-sent');
    expect(sent.map((e) => e.messageId).sort()).toEqual([...mail].sort());
    expect(sent[0].action).toBe('open-letter letter');
  });

  it('lists every action, message and approval of a campaign in time order, as CSV and PDF, and says what shredding made unreadable', { timeout: 240_000 }, async () => {
    const campaigns = new CampaignClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    const engagements = new DossierClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    const id = env.uniqueId('audit');
    const input: CampaignInput = {
      campaign: testCampaign(id),
      vendors: [testVendor('omega')],
      policy: fastPolicy({ responseDue: '10 minutes', reminderCadence: [], finalNoticeAfter: '20 minutes', approvalReminderEvery: '10 minutes' }),
      approval: { kind: 'all' },
      publication: { folder: id, notifyVendors: false },
    };
    await campaigns.start(input);
    const ref = { campaignId: id, vendorId: 'omega' };
    await until(() => engagements.status(ref).catch(() => undefined), (s) => s?.stage === 'awaiting-response', 'the letter');
    await engagements.recordResponse(ref, { by: officer, receivedAt: new Date().toISOString(), summary: 'Omega answered, "in full", on every principle', attachments: [] });
    await engagements.conclude(ref, { by: officer, findings: findings() });
    await campaigns.setConclusions(id, { by: officer, conclusions: { en: ['Done.'], fr: ['Terminé.'] }, lessonsLearned: { en: ['Ask early.'], fr: ['Demander tôt.'] } });
    await campaigns.editStatement(id, { by: officer, vendors: { omega: { summary: { en: 'Omega explained its measures.', fr: 'Omega a expliqué ses mesures.' } } } });
    await until(() => campaigns.status(id), (s) => s.phase === 'approving', 'the draft');
    await campaigns.approve(id, { by: 'Daniel Therrien', authorityId: 'opc', version: 1 });
    await campaigns.approve(id, { by: 'Adrian Lobsiger', authorityId: 'fdpic', version: 1 });
    await campaigns.result(id);

    const trail: AuditTrail = await collectAuditTrail(env.client, { campaignId: id });
    expect(trail.workflowIds).toEqual([`campaign:${id}`, `engagement:${id}:omega`]);
    expect(trail.unreadable).toBe(0);
    const times = trail.events.map((e) => e.at);
    expect(times).toEqual([...times].sort());

    // Every message the sink received is in the trail with its Message-ID and recipients.
    const mail = env.sink.messages.filter((m) => (m.messageId ?? '').includes(id));
    expect(mail.length).toBeGreaterThanOrEqual(3);
    const sent = trail.events.filter((e) => e.kind === 'email-sent');
    for (const m of mail) {
      const row = sent.find((e) => e.messageId === m.messageId);
      expect(row, `row for ${m.messageId}`).toBeDefined();
      expect(row!.recipients!.sort()).toEqual([...m.to].sort());
    }
    // Who did what: the officer's actions and each authority's approval with its version.
    const actions = trail.events.filter((e) => e.kind === 'officer-action');
    expect(actions.map((e) => [e.workflowId.split(':')[0], e.action, e.actor])).toEqual(
      expect.arrayContaining([
        ['engagement', 'recordResponse', officer],
        ['engagement', 'conclude', officer],
        ['campaign', 'setConclusions', officer],
      ]),
    );
    expect(trail.events.filter((e) => e.kind === 'approval').map((e) => [e.actor, e.version])).toEqual([
      ['Daniel Therrien', 1],
      ['Adrian Lobsiger', 1],
    ]);
    expect(trail.events.filter((e) => e.kind === 'stage' && e.workflowId.startsWith('engagement')).map((e) => e.action)).toEqual(
      expect.arrayContaining(['awaiting-response', 'concluded']),
    );

    // CSV: BOM, one header row and one row per event; quotes and commas survive a spreadsheet's parser.
    const csv = auditCsv(trail, { language: 'fr' });
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(csv.subarray(3).toString('utf8'));
    expect(rows[0][0]).toBe('Heure (UTC)');
    expect(rows).toHaveLength(trail.events.length + 1);
    expect(rows.every((r) => r.length === rows[0].length)).toBe(true);
    expect(rows.some((r) => r.some((f) => f.includes('Omega answered, "in full", on every principle')))).toBe(true);

    // Through the CLI, as an officer would, in both formats.
    const csvFile = join(env.scratch, 'audit.csv');
    const pdfFile = join(env.scratch, 'audit.pdf');
    const asCsv = await runDossier(env.childEnv, officer, ['audit', id, '--out', csvFile]);
    expect(asCsv.stderr).toBe('');
    expect(asCsv.code).toBe(0);
    expect(readFileSync(csvFile).subarray(3).toString('utf8').split('\r\n')[0]).toMatch(/^Time \(UTC\),Case,Event,Who/);
    const asPdf = await runDossier(env.childEnv, officer, ['audit', id, 'omega', '--format', 'pdf', '--out', pdfFile, '--language', 'fr']);
    expect(asPdf.code).toBe(0);
    const pdfText = execFileSync('pdftotext', [pdfFile, '-']).toString();
    expect(pdfText).toContain(`Piste d’audit`);
    expect(pdfText.replace(/\s+/g, ' ')).toContain(sent.find((e) => e.workflowId.startsWith('engagement'))!.messageId!);

    // Crypto-shredding: the trail keeps times, kinds and actors it can, and says what is gone.
    const shred = await runDossier(env.childEnv, officer, ['campaign', 'shred', id, '--confirm', id]);
    expect(shred.code, shred.stderr).toBe(0);
    // Visibility lists still work with the campaign's memos unreadable (the SDK's list would throw).
    expect((await engagements.findEngagements({ campaign: id })).map((e) => e.vendorId)).toEqual(['omega']);
    const shredded = await collectAuditTrail(env.client, { campaignId: id });
    expect(shredded.unreadable).toBeGreaterThan(0);
    expect(shredded.events.filter((e) => e.kind === 'stage').length).toBe(trail.events.filter((e) => e.kind === 'stage').length);
    const after = await runDossier(env.childEnv, officer, ['audit', id, '--format', 'pdf', '--out', pdfFile]);
    expect(after.code).toBe(0);
    expect(after.stdout).toMatch(/could not be read: the campaign's data key was destroyed/);
    expect(execFileSync('pdftotext', [pdfFile, '-']).toString().replace(/\s+/g, ' ')).toMatch(/could not be read: the campaign's data key was destroyed/);
  });
});
