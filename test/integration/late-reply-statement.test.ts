// A non-responder's late reply in the joint statement: Houseparty never answered, its case closed
// without a response, and its reply, months later, was attached to the closed record. The campaign's
// workflow does not read the document store that keeps it: the lead's next draft (the CLI's
// `statement draft`, through CampaignClient) reads it and tells the campaign when it came, and the
// version says, in both languages, that the vendor did not reply in time and replied late, on that day;
// or, of a reply received before the case closed (held meanwhile), that the vendor replied in time.
// The intake that attaches it tells the campaign too: the version the campaign drafts by itself says
// it, and a version already out is named in the status as not saying it, until the next one does.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDate } from '../../activities/format';
import { messageIdFor, replyAddressFor } from '../../activities/threading';
import { Intake } from '../../intake/intake';
import { engagementWorkflowId } from '../../workflows/workflow-ids';
import { composeReply } from '../helpers/inbound-mail';
import { useIntakeOnImap } from '../helpers/intake-on-imap';
import { CampaignClient } from '../../client/campaign-api';
import { DossierClient } from '../../client/api';
import { CaseDocuments } from '../../documents/document-store';
import { openLocalStore } from '../../store/local';
import { campaignTimeZone, type CampaignInput, type LateReply } from '../../workflows/types';
import { completeFindings, fastPolicy, testCampaign, testVendor } from '../helpers/fixtures';
import { useDossier } from '../helpers/harness';
import { runDossier } from '../helpers/cli';
import { pdfPageTexts } from '../helpers/pdf';
import { untilFound } from '../helpers/until';

const env = useDossier();
const imap = useIntakeOnImap(env, 'late-statement');
const officer = 'Officer Tremblay';
// Long enough to record alpha's response before any reminder; short enough that beta's case closes within seconds.
const policy = fastPolicy({ responseDue: '6s', reminderCadence: ['2s'], finalNoticeAfter: '5s', closeAfter: '3s', approvalReminderEvery: '1h' });

const textOf = async (bytes: Uint8Array) => (await pdfPageTexts(bytes)).join(' ').replace(/\s+/g, ' ');

/**
 * A campaign whose version 1 went out with alpha assessed and beta (Houseparty) closed without a
 * response; the document store its lead's `statement draft` reads the late replies from.
 */
/** The lead writes alpha's summary, the conclusions and the lessons: the last texts version 1 waits for. */
function writeTexts(campaigns: CampaignClient, id: string) {
  return campaigns.editStatement(id, {
    by: officer,
    vendors: { alpha: { summary: { en: 'Alpha explained its measures.', fr: 'Alpha a expliqué ses mesures.' } } },
    conclusions: { en: ['Done.'], fr: ['Fait.'] },
    lessonsLearned: { en: ['Ask early.'], fr: ['Demander tôt.'] },
  });
}

async function versionOneOut() {
  const id = env.uniqueId('late-statement');
  const address = env.config.temporal.connectionOptions.address!;
  const campaigns = new CampaignClient(env.client, { taskQueue: env.taskQueue, address });
  const engagements = new DossierClient(env.client, { taskQueue: env.taskQueue, address });
  const input: CampaignInput = {
    campaign: testCampaign(id),
    vendors: [testVendor('alpha'), testVendor('beta', { name: 'Houseparty' })],
    policy,
    approval: { kind: 'all' },
    publication: { folder: id, notifyVendors: true },
  };
  await campaigns.start(input);
  const alpha = { campaignId: id, vendorId: 'alpha' };
  await untilFound(() => engagements.status(alpha), (s) => s.stage === 'awaiting-response', 'alpha awaiting a response');
  await engagements.recordResponse(alpha, { by: officer, receivedAt: new Date().toISOString(), summary: 'alpha answered', attachments: [] });
  await engagements.conclude(alpha, { by: officer, findings: completeFindings() });
  await writeTexts(campaigns, id);
  // Every engagement ended (beta without a response) and every text written: version 1 goes out.
  const v1 = await untilFound(() => campaigns.status(id), (s) => s.draft?.version === 1, 'version 1', 90_000);
  expect(v1.engagements.find((e) => e.vendorId === 'beta')?.outcome?.stage).toBe('closed-no-response');
  const store = openLocalStore({ outputDir: join(env.scratch, 'out'), stateDir: join(env.scratch, 'state'), keysDir: join(env.scratch, 'keys-unused') });
  const documents = new CaseDocuments(store.documents, env.encryption!.keystore);
  const endedAt = v1.engagements.find((e) => e.vendorId === 'beta')!.outcome!.endedAt;
  /** Houseparty's reply, received at `receivedAt` and attached to the closed record (intake/intake.ts attachLate keeps it so). */
  const attach = (receivedAt: string) => {
    const reply: LateReply = {
      messageId: '<late-1@houseparty.test>',
      from: 'privacy@beta.test',
      subject: 'Re: Open letter',
      receivedAt,
      text: 'Please find our response attached.',
      documents: [],
      notes: [],
      attachedBy: officer,
      attachedAt: new Date(Date.parse(endedAt) + 3 * 86_400_000).toISOString(),
      stage: 'closed-no-response',
    };
    return documents.saveLateReply(id, 'beta', reply);
  };
  /** The lead's `statement draft`, and version 2 as it was drafted and printed in English and French. */
  const draftVersionTwo = async () => {
    const drafted = await runDossier({ ...env.childEnv, DOSSIER_STATE_DIR: join(env.scratch, 'state') }, officer, ['statement', 'draft', id]);
    expect(drafted.code, drafted.stderr).toBe(0);
    await untilFound(() => campaigns.status(id), (s) => s.draft?.version === 2, 'version 2', 60_000);
    const v2 = await campaigns.statement(id, 2);
    const en = await textOf((await untilFound(() => campaigns.statementPdf(id, 'en', 2), (p) => p !== undefined, 'version 2 in English'))!.bytes);
    const fr = await textOf((await untilFound(() => campaigns.statementPdf(id, 'fr', 2), (p) => p !== undefined, 'version 2 in French'))!.bytes);
    return { beta: v2!.vendors.find((v) => v.vendorId === 'beta'), en, fr };
  };
  return { id, campaigns, endedAt, attach, draftVersionTwo, timeZone: campaignTimeZone(input.campaign) };
}

/**
 * Houseparty's reply to the open letter, threaded to it: the intake holds it (the case has ended), and
 * an officer attaches it to the closed record through an intake that tells the campaign, as
 * intake/open.ts wires it. Nothing is logged: the campaign took it. Its instant of receipt is returned.
 */
async function attachedThroughIntake(campaignId: string, campaigns: CampaignClient): Promise<string> {
  const workflowId = engagementWorkflowId(campaignId, 'beta');
  const letterId = messageIdFor(workflowId, 'letter', imap.domain);
  const messageId = `<${randomUUID()}@houseparty.test>`;
  const subject = 'Re: Open letter';
  // A Date header counts whole seconds: one written in the second the case closed would read as before
  // the closure (in time). This reply comes later.
  await sleep(1_000 - (Date.now() % 1_000) + 10);
  await imap.sender.append(await composeReply({ from: 'privacy@beta.test', to: replyAddressFor(imap.caseMailbox, workflowId), subject, messageId, inReplyTo: letterId, references: [letterId], text: 'Our response.' }));
  expect(await imap.intake.pass()).toMatchObject([{ outcome: 'held', campaignId }]);
  const logged: string[] = [];
  const intake = new Intake({ ...imap.options(), log: (line) => logged.push(line), tellCampaign: (id, reply) => campaigns.tellLateReply(id, reply) });
  const { reply } = await intake.attachLate(campaignId, messageId, { campaignId, vendorId: 'beta' }, officer);
  expect(logged).toEqual([]);
  return reply.receivedAt;
}

describe('a reply the intake attaches to the closed record of a running campaign’s case', () => {
  it('is said by the first version, which the campaign drafts by itself once every text is written', async () => {
    const id = env.uniqueId('late-first');
    const address = env.config.temporal.connectionOptions.address!;
    // No late-reply reader: nothing but the intake's word tells this campaign of the reply.
    const campaigns = new CampaignClient(env.client, { taskQueue: env.taskQueue, address });
    const engagements = new DossierClient(env.client, { taskQueue: env.taskQueue, address });
    await campaigns.start({ campaign: testCampaign(id), vendors: [testVendor('alpha'), testVendor('beta', { name: 'Houseparty' })], policy, approval: { kind: 'all' }, publication: { folder: id, notifyVendors: true } });
    const alpha = { campaignId: id, vendorId: 'alpha' };
    await untilFound(() => engagements.status(alpha), (s) => s.stage === 'awaiting-response', 'alpha awaiting a response');
    await engagements.recordResponse(alpha, { by: officer, receivedAt: new Date().toISOString(), summary: 'alpha answered', attachments: [] });
    await engagements.conclude(alpha, { by: officer, findings: completeFindings() });
    await untilFound(() => campaigns.status(id), (s) => s.engagements.every((e) => e.state === 'ended'), 'every engagement ended', 90_000);
    const receivedAt = await attachedThroughIntake(id, campaigns);
    // The texts written last: the campaign drafts version 1 on its own.
    await writeTexts(campaigns, id);
    const v1 = await untilFound(() => campaigns.status(id), (s) => s.draft?.version === 1, 'version 1', 60_000);
    expect(v1.lateRepliesNotInDraft).toBeUndefined();
    expect((await campaigns.statement(id, 1))!.vendors.find((v) => v.vendorId === 'beta')).toMatchObject({ stage: 'closed-no-response', repliedLateAt: receivedAt });
  }, 180_000);

  it('is named in the status as not in the version out for approval, and said by the lead’s next version, which names no late reply', async () => {
    const { id, campaigns } = await versionOneOut();
    const receivedAt = await attachedThroughIntake(id, campaigns);
    const told = await untilFound(() => campaigns.status(id), (s) => s.lateRepliesNotInDraft !== undefined, 'the reply named as not in version 1');
    expect(told.lateRepliesNotInDraft).toEqual([{ vendorId: 'beta', vendorName: 'Houseparty', receivedAt }]);
    // This client reads no late reply from the store: the draft request names none.
    await campaigns.draftStatement(id, officer);
    const v2 = await untilFound(() => campaigns.status(id), (s) => s.draft?.version === 2, 'version 2');
    expect(v2.lateRepliesNotInDraft).toBeUndefined();
    expect((await campaigns.statement(id, 2))!.vendors.find((v) => v.vendorId === 'beta')).toMatchObject({ repliedLateAt: receivedAt });
  }, 180_000);
});

describe('a late reply in the joint statement', () => {
  it('is told by the next version the lead drafts, in English and French, dated the day it was received; the version before stays as it was', async () => {
    const { id, campaigns, endedAt, attach, draftVersionTwo } = await versionOneOut();
    // Then Houseparty's reply came, and an officer attached it to the closed record.
    // Received after the case ended (a reply that came before, held meanwhile, was in time: not "late"), at noon UTC so the day is the same in the lead's zone.
    const receivedAt = `${new Date(Date.parse(endedAt) + 2 * 86_400_000).toISOString().slice(0, 10)}T12:00:00.000Z`;
    await attach(receivedAt);

    const { beta, en, fr } = await draftVersionTwo();
    expect(beta).toMatchObject({ stage: 'closed-no-response', repliedLateAt: receivedAt });
    expect(en).toContain(`Houseparty did not respond to the open letter within the time given; its reply arrived late, on ${formatDate(receivedAt, 'en').replace(/\s+/g, ' ')}.`);
    const frDate = formatDate(receivedAt, 'fr').replace(/\s+/g, ' ');
    expect(fr).toMatch(new RegExp(`Houseparty n’a pas répondu à la lettre ouverte dans le délai imparti ?; sa réponse est parvenue tardivement, le ${frDate}\\.`));
    // Version 1, drafted before the reply was attached, is left as its signatories read it.
    const before = await textOf((await campaigns.statementPdf(id, 'en', 1))!.bytes);
    expect(before).toContain('Houseparty did not respond to the open letter.');
    expect(before).not.toContain('replied late');
    expect(before).not.toContain('arrived late');
  }, 180_000);

  it('says, of a reply received before the case closed and attached to the closed record afterwards, that the vendor replied in time, in English and French', async () => {
    const { endedAt, attach, draftVersionTwo, timeZone } = await versionOneOut();
    // Sent before the case closed from an address it did not know: held meanwhile, attached afterwards.
    const receivedAt = new Date(Date.parse(endedAt) - 2_000).toISOString();
    await attach(receivedAt);

    const { beta, en, fr } = await draftVersionTwo();
    expect(beta).toMatchObject({ stage: 'closed-no-response', repliedInTimeAt: receivedAt });
    expect(beta).not.toHaveProperty('repliedLateAt');
    // Dated as the statement dates everything: on the lead authority's calendar.
    expect(en).toContain(`Houseparty replied to the open letter on ${formatDate(receivedAt, 'en', timeZone).replace(/\s+/g, ' ')}, within the time given; its reply was recorded only after the authorities had closed their review.`);
    expect(en).not.toContain('Houseparty did not respond');
    expect(en).toContain('One company replied within the time given; its reply was recorded after its review closed');
    expect(fr).toMatch(/Houseparty a répondu à la lettre ouverte le .+?, dans le délai imparti ?; sa réponse n’a été versée au dossier qu’après la clôture de l’examen par les autorités\./);
    expect(fr).not.toContain('Houseparty n’a pas répondu');
  }, 180_000);
});
