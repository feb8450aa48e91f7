// A vendor's answers to follow-up questions are acknowledged, as its response is: once an officer
// records them, or confirms the vendor's emailed reply (read from a real IMAP mailbox by the intake)
// as answers, the vendor is told in its language which questions they answer and which are still
// open, and by when. A reply to that acknowledgement reaches the engagement like a reply to the letter.
import { randomUUID } from 'node:crypto';
import { Worker } from '@temporalio/worker';
import { simpleParser, type AddressObject } from 'mailparser';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { formatDate } from '../../activities/format';
import { messageIdFor, replyAddressFor } from '../../activities/threading';
import { ENGAGEMENT_REVISION } from '../../workflows/engagement-rules';
import { askFollowUpUpdate, confirmInboundUpdate, recordAnswersUpdate, recordResponseUpdate, withdrawUpdate } from '../../workflows/messages';
import type { EngagementInput } from '../../workflows/types';
import { fromNow, startEngagement, stepOf, type EngagementDriver } from '../helpers/engagement-driver';
import { engagementInput, patientPolicy, testVendor } from '../helpers/fixtures';
import { useDossier } from '../helpers/harness';
import { composeReply } from '../helpers/inbound-mail';
import { useIntakeOnImap } from '../helpers/intake-on-imap';

const env = useDossier();
const officer = 'Officer Tremblay';
const today = new Date().toISOString().slice(0, 10);
// The intake and its mailbox, opened and closed by useIntakeOnImap, under the names the tests read.
const imap = useIntakeOnImap(env, 'answers');
let { sender, intake, domain, caseMailbox } = imap;
beforeAll(() => {
  ({ sender, intake, domain, caseMailbox } = imap);
});

/** Replays the case's history against the current bundle: a non-determinism fails it. */
async function replays(e: EngagementDriver): Promise<void> {
  const history = await e.handle.fetchHistory();
  await Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') }, dataConverter: env.encryption?.dataConverter }, history, e.handle.workflowId);
}

/** An engagement past its response, with one round of follow-up questions sent to the vendor. */
async function askedEngagement(input: EngagementInput, questions: string[], dueDate: string): Promise<EngagementDriver> {
  // Acknowledging answers is revision 8's: started as Dossier's starter does, naming its revision.
  const e = await startEngagement(env, { ...input, revision: ENGAGEMENT_REVISION });
  await e.waitForStatus((s) => s.stage === 'awaiting-response');
  await e.handle.executeUpdate(recordResponseUpdate, { args: [{ by: officer, receivedAt: today, summary: 'Our response', attachments: [] }] });
  await e.waitForMail('acknowledgement');
  await e.handle.executeUpdate(askFollowUpUpdate, { args: [{ by: officer, questions, dueDate }] });
  await e.waitForMail('follow-up-r1-questions');
  return e;
}

const addresses = (field: AddressObject | AddressObject[] | undefined) => [field ?? []].flat().flatMap((a) => a.value.map((v) => v.address));

describe('acknowledging a vendor’s answers to follow-up questions', () => {
  it('tells an English vendor, each time an officer records answers, which questions they answer and which are still open and by when', async () => {
    const dueDate = fromNow(3 * 86_400_000);
    const e = await askedEngagement(engagementInput(env.uniqueId('ackofficer'), 'zoom', patientPolicy()), ['How are meeting IDs generated?', 'Who can see the attendee list?', 'How long are recordings kept?'], dueDate);

    await e.handle.executeUpdate(recordAnswersUpdate, { args: [{ by: officer, answers: [{ questionId: 'q1', answer: 'At random' }, { questionId: 'q3', answer: '30 days' }] }] });
    const [first] = await e.waitForMail('answers-acknowledgement-1');
    expect(first.to).toEqual(['privacy@zoom.test']);
    const parsed = await simpleParser(first.raw);
    expect(parsed.subject).toBe(`[${e.input.campaign.reference}] We have received your answers to our follow-up questions`);
    const recordedOn = formatDate(today, 'en');
    expect(parsed.text).toContain(`Thank you for the answers of Vendor zoom, received on ${recordedOn}, to these follow-up questions:\n\nq1. How are meeting IDs generated?\n\nq3. How long are recordings kept?`);
    expect(parsed.text).toContain(`We still await your answer to question q2, due by ${formatDate(dueDate, 'en')}.`);
    // In the letter's thread, like every message of the case.
    expect(parsed.inReplyTo).toBe(messageIdFor(e.handle.workflowId, 'letter', domain));

    await e.handle.executeUpdate(recordAnswersUpdate, { args: [{ by: officer, answers: [{ questionId: 'q2', answer: 'Hosts only' }] }] });
    const [second] = await e.waitForMail('answers-acknowledgement-2');
    const text = (await simpleParser(second.raw)).text ?? '';
    expect(text).toContain('to this follow-up question:\n\nq2. Who can see the attendee list?');
    expect(text).toContain('Every follow-up question we asked has now been answered.');
    const status = await e.waitForStatus((s) => s.timeline.filter((t) => t.what === 'answers-acknowledgement sent').length === 2);
    expect(status.timeline.filter((t) => t.what === 'answers-acknowledgement sent').map((t) => t.detail)).toEqual(['answers-acknowledgement-1', 'answers-acknowledgement-2']);

    await e.handle.executeUpdate(withdrawUpdate, { args: [{ by: officer, reason: 'test over' }] });
    await e.handle.result();
    expect(e.mails().filter((m) => stepOf(m)?.startsWith('answers-acknowledgement'))).toHaveLength(2);
    await replays(e);
  });

  it('tells a French vendor its emailed answers arrived once the officer confirms the reply, and a reply to that acknowledgement reaches the case by thread and by token', async () => {
    const dueDate = fromNow(3 * 86_400_000);
    const input = { ...engagementInput(env.uniqueId('ackmail'), 'cisco', patientPolicy()), vendor: testVendor('cisco', { language: 'fr' }) };
    const e = await askedEngagement(input, ['Comment les identifiants de réunion sont-ils générés ?', 'Qui voit la liste des participants ?'], dueDate);
    const questionsId = messageIdFor(e.handle.workflowId, 'follow-up-r1-questions', domain);
    const vendorAddress = 'privacy@cisco.test';
    const reply = (o: { messageId: string; inReplyTo?: string; references?: string[]; to: string; subject: string; text: string }) =>
      composeReply({ from: `Privacy Office <${vendorAddress}>`, ...o });

    // The vendor answers q1 by email; the intake records the reply for the officer's review.
    await sender.append(
      await reply({
        messageId: `<${randomUUID()}@cisco.test>`,
        to: replyAddressFor(caseMailbox, e.handle.workflowId),
        inReplyTo: questionsId,
        references: [questionsId],
        subject: `Re: [${e.input.campaign.reference}] Questions complémentaires sur votre réponse`,
        text: 'q1 : au hasard, onze chiffres.',
      }),
    );
    const [recorded] = await intake.pass();
    expect(recorded).toMatchObject({ outcome: 'recorded', workflowId: e.handle.workflowId, effect: 'to-review' });
    const [answers] = (await e.status()).inbox!;
    expect(answers).toMatchObject({ answersStep: 'follow-up-r1-questions', matchedBy: 'thread', review: 'to-review' });
    // Recorded for review is not yet recorded as answers: nothing is acknowledged until the officer confirms.
    expect(e.mails().filter((m) => stepOf(m)?.startsWith('answers-acknowledgement'))).toEqual([]);

    await e.handle.executeUpdate(confirmInboundUpdate, { args: [{ by: officer, messageId: answers.messageId, as: 'answers', answers: [{ questionId: 'q1' }] }] });
    const [ack] = await e.waitForMail('answers-acknowledgement-1');
    const parsed = await simpleParser(ack.raw);
    expect(parsed.subject).toBe(`[${e.input.campaign.reference}] Nous avons bien reçu votre réponse à la question complémentaire q1`);
    // Dated by the reply's arrival in the case mailbox, in French, with French spacing.
    expect(parsed.text).toContain(`Nous vous remercions de la réponse de Vendor cisco, reçue le ${formatDate(answers.receivedAt, 'fr')}, à la question complémentaire suivante\u00a0:\n\nq1. Comment les identifiants de réunion sont-ils générés\u202f?`);
    expect(parsed.text).toContain(`Nous attendons toujours votre réponse à la question q2, d’ici le ${formatDate(dueDate, 'fr')}.`);

    // The acknowledgement is threaded to the letter and carries the engagement's reply address.
    const letterId = messageIdFor(e.handle.workflowId, 'letter', domain);
    expect(parsed.inReplyTo).toBe(letterId);
    const replyTo = addresses(parsed.replyTo);
    expect(replyTo).toEqual([replyAddressFor(caseMailbox, e.handle.workflowId)]);

    // The vendor answers q2 in reply to the acknowledgement: found by its thread headers.
    await sender.append(
      await reply({
        messageId: `<${randomUUID()}@cisco.test>`,
        to: replyTo[0]!,
        inReplyTo: ack.messageId,
        references: [letterId, ack.messageId!],
        subject: `Re: ${parsed.subject}`,
        text: 'q2 : les organisateurs seulement.',
      }),
    );
    const [threaded] = await intake.pass();
    expect(threaded).toMatchObject({ outcome: 'recorded', workflowId: e.handle.workflowId, effect: 'to-review' });
    // A mail client that drops the threading headers: found by the reply address's token.
    await sender.append(
      await reply({ messageId: `<${randomUUID()}@cisco.test>`, to: replyTo[0]!, subject: 'Réponses', text: 'Voir notre message précédent.' }),
    );
    const [byToken] = await intake.pass();
    expect(byToken).toMatchObject({ outcome: 'recorded', workflowId: e.handle.workflowId, effect: 'to-review' });
    const inbox = (await e.status()).inbox!;
    expect(inbox.slice(1).map((m) => [m.matchedBy, m.answersStep])).toEqual([
      ['thread', 'answers-acknowledgement-1'],
      ['token', undefined],
    ]);

    // Confirmed as the answer to q2, the reply to the acknowledgement is acknowledged in turn.
    await e.handle.executeUpdate(confirmInboundUpdate, { args: [{ by: officer, messageId: inbox[1]!.messageId, as: 'answers', answers: [{ questionId: 'q2' }] }] });
    const [last] = await e.waitForMail('answers-acknowledgement-2');
    const lastText = (await simpleParser(last.raw)).text ?? '';
    expect(lastText).toContain('q2. Qui voit la liste des participants\u202f?');
    expect(lastText).toContain('Toutes nos questions complémentaires ont désormais reçu une réponse.');

    await e.handle.executeUpdate(withdrawUpdate, { args: [{ by: officer, reason: 'test over' }] });
    await e.handle.result();
    await replays(e);
  });
});
