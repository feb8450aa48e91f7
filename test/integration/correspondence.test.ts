import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ActivityFailure, ApplicationFailure, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { RetryState, type ProtoFailure } from '@temporalio/common';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createActivities } from '../../activities';
import { messageIdFor } from '../../activities/compose';
import { replyAddressFor } from '../../activities/threading';
import { createSmtpTransport, mailDomain, type EmailHooks } from '../../activities/email';
import { ErrorType } from '../../workflows/errors';
import { renderOpenLetter } from '../../activities/letter';
import { formatDate } from '../../activities/format';
import { MailSink } from '../../infra/mail-sink';
import { type MessageKind, type MessageDetails, type OutgoingMessage, type Vendor } from '../../workflows/types';
import { testCampaign, testVendor } from '../helpers/fixtures';
import { useDossier } from '../helpers/harness';
import { failureMessage } from '../helpers/failure-message';
import { pdfFonts, pdfInfo, pdfPageTexts } from '../helpers/pdf';
import { sendInOrder, type SendProfile } from './correspondence-workflows';
import { engagementWorkflowId } from '../../workflows/workflow-ids';

const env = useDossier();

/** What the test makes the activity do between SMTP acceptance and the ledger (a crash window). */
const plan: EmailHooks = {};
let workflowCode: string;
interface RunningWorker {
  taskQueue: string;
  /** Stops polling, then closes the SMTP pool so the mail server has no idle connection to wait for. */
  stop(): Promise<void>;
}
const workers: RunningWorker[] = [];

/** A worker running the send-only workflow with the real activities, against the given SMTP server. */
async function startWorker(name: string, smtpUrl: string): Promise<RunningWorker> {
  const taskQueue = `${env.taskQueue}-${name}`;
  const connection = await NativeConnection.connect(env.config.temporal.connectionOptions);
  const transport = createSmtpTransport(smtpUrl);
  const worker = await Worker.create({
    connection,
    namespace: env.config.temporal.namespace,
    taskQueue,
    workflowBundle: { code: workflowCode },
    // The harness encrypts payloads as production does; this worker must read them the same way.
    dataConverter: env.config.encryption?.dataConverter,
    activities: createActivities({
      ...env.config,
      smtpUrl,
      transport,
      keystore: env.config.encryption?.keystore,
      stateDir: join(env.scratch, `state-${name}`),
      emailHooks: { afterAccepted: (id, attempt) => plan.afterAccepted?.(id, attempt) ?? Promise.resolve() },
    }),
  });
  const done = worker.run();
  let stopped: Promise<void> | undefined;
  const running: RunningWorker = {
    taskQueue,
    stop: () =>
      (stopped ??= (async () => {
        worker.shutdown();
        await done;
        transport.close();
        await connection.close();
      })()),
  };
  workers.push(running);
  return running;
}

let mainQueue: string;
beforeAll(async () => {
  const bundle = await bundleWorkflowCode({
    workflowsPath: join(__dirname, 'correspondence-workflows.ts'),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error },
  });
  workflowCode = bundle.code;
  mainQueue = (await startWorker('main', env.sink.url)).taskQueue;
});

afterAll(async () => {
  for (const worker of workers) await worker.stop();
});

const domain = mailDomain('Dossier Test <dossier@test.example>');

function outgoing(campaignId: string, vendor: Vendor, step: string, kind: MessageKind, details: MessageDetails = {}): OutgoingMessage {
  return {
    threadId: engagementWorkflowId(campaignId, vendor.id),
    step,
    kind,
    language: vendor.language,
    to: vendor.contacts,
    campaign: testCampaign(campaignId),
    vendor,
    details,
  };
}

function frenchVendor(id: string): Vendor {
  return testVendor(id, {
    name: 'Société Vidéo « Ἑλλάς »',
    language: 'fr',
    contacts: [
      { name: 'Zoë Łukasiewicz-Παπαδόπουλος', email: `privacy@${id}.test` },
      { name: 'Дмитрий Жуков', email: `legal@${id}.test` },
    ],
  });
}

async function send(messages: OutgoingMessage[], profile: SendProfile = { startToCloseTimeout: '30s' }, taskQueue = mainQueue) {
  return env.client.workflow.start(sendInOrder, { taskQueue, workflowId: env.uniqueId('send'), args: [messages, profile] });
}

/** The attempt the server recorded for each activity that started, in order. */
async function activityAttempts(handle: WorkflowHandle): Promise<number[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).flatMap((e) => (e.activityTaskStartedEventAttributes ? [e.activityTaskStartedEventAttributes.attempt ?? 0] : []));
}

async function parsedWithId(messageId: string): Promise<ParsedMail[]> {
  return env.parsed(env.sink.messages.filter((m) => m.messageId === messageId));
}

describe('correspondence over a real SMTP server', () => {
  it('sends the open letter in the vendor’s language with the letter PDF attached', async () => {
    const campaignId = env.uniqueId('letter');
    const vendor = frenchVendor('zoom');
    const letter = outgoing(campaignId, vendor, 'letter', 'open-letter', { dueDate: '2020-08-21' });
    const [sent] = await (await send([letter])).result();

    const [mail] = await env.sink.waitFor(1, (m) => m.messageId === sent.messageId);
    expect(mail.to.sort()).toEqual([`legal@zoom.test`, `privacy@zoom.test`]);
    const parsed = await simpleParser(mail.raw);
    expect(parsed.messageId).toBe(messageIdFor(letter.threadId, 'letter', domain));
    // Replies go to the case mailbox, with the engagement's token for clients that drop threading headers.
    expect(parsed.replyTo?.value.map((a) => a.address)).toEqual([replyAddressFor(`case@${domain}`, letter.threadId)]);
    expect(parsed.replyTo?.text).toMatch(/^case\+[0-9a-f]{16}@/);
    expect(parsed.subject).toBe(
      `[${letter.campaign.reference}] Lettre ouverte\u00a0: Vidéoconférence et vie privée`,
    );
    expect(parsed.headers.get('content-language')).toBe('fr');
    expect(parsed.text).toContain('Veuillez trouver ci-joint une lettre ouverte adressée à Société Vidéo « Ἑλλάς »');
    expect(parsed.text).toContain('Signataires\u00a0: Commissariat à la protection de la vie privée du Canada et Préposé fédéral');
    expect(parsed.text).toContain('d’ici le 21\u00a0août\u00a02020');
    expect(parsed.html).toContain('<html lang="fr">');
    // A vendor's name is text, never markup, in the HTML part.
    expect(parsed.html).toContain('Société Vidéo « Ἑλλάς »');
    expect(parsed.inReplyTo).toBeUndefined();

    const pdfs = parsed.attachments.filter((a) => a.contentType === 'application/pdf');
    expect(pdfs.map((a) => a.filename)).toEqual([`${letter.campaign.reference}-zoom-fr.pdf`]);
    const bytes = new Uint8Array(pdfs[0].content);
    const text = (await pdfPageTexts(bytes)).join('\n');
    expect(text).toContain('Zoë Łukasiewicz-Παπαδόπουλος');
    expect(text).toContain('Дмитрий Жуков');
    expect(text).toContain('Objet : « Vidéoconférence et vie privée »');
    expect((await pdfFonts(bytes)).every((f) => f.embeddedTrueType)).toBe(true);
    expect((await pdfInfo(bytes)).language).toBe('fr');
    // The letter that arrived is byte for byte the letter the same input renders, its due date included.
    expect(text).toContain('21 août 2020');
    expect(Buffer.from(bytes).equals(Buffer.from(await renderOpenLetter({ campaign: letter.campaign, vendor, language: 'fr', dueDate: '2020-08-21' })))).toBe(true);
  });

  it('threads every later message to the open letter and writes to an English vendor in English', async () => {
    const campaignId = env.uniqueId('thread');
    const vendor = testVendor('cisco');
    const letter = outgoing(campaignId, vendor, 'letter', 'open-letter');
    const reminder = outgoing(campaignId, vendor, 'reminder-response-1', 'reminder', { reminderNumber: 1, dueDate: '2020-09-04' });
    const questions = outgoing(campaignId, vendor, 'follow-up-1', 'follow-up-questions', {
      questions: [{ id: 'Q1', text: 'Which <b>data</b> do you keep?' }],
    });
    const sent = await (await send([letter, reminder, questions])).result();

    const mails = await env.sink.waitFor(3, (m) => sent.some((s) => s.messageId === m.messageId));
    const parsed = new Map((await env.parsed(mails)).map((p) => [p.messageId, p]));
    const letterId = messageIdFor(letter.threadId, 'letter', domain);
    for (const later of [reminder, questions]) {
      const mail = parsed.get(messageIdFor(later.threadId, later.step, domain))!;
      expect(mail.inReplyTo).toBe(letterId);
      expect([mail.references].flat()).toContain(letterId);
      expect(mail.headers.get('content-language')).toBe('en');
      expect(mail.subject).toMatch(/^\[TEST-THREAD-[0-9a-f]+\] /i);
      expect(mail.attachments.filter((a) => a.contentType === 'application/pdf')).toEqual([]);
    }
    const reminderMail = parsed.get(messageIdFor(reminder.threadId, reminder.step, domain))!;
    expect(reminderMail.subject).toContain('First reminder: response to our open letter of 21\u00a0July\u00a02020');
    expect(reminderMail.text).toContain('by 4\u00a0September\u00a02020');
    const questionsMail = parsed.get(messageIdFor(questions.threadId, questions.step, domain))!;
    expect(questionsMail.html).toContain('Which &lt;b&gt;data&lt;/b&gt; do you keep?');
    expect(questionsMail.text).toContain('Q1. Which <b>data</b> do you keep?');
  });

  it('invites to a demonstration with a calendar request that a reschedule updates in place', async () => {
    const campaignId = env.uniqueId('demo');
    const vendor = testVendor('google');
    const demonstration = {
      id: 'demo-1',
      at: '2020-10-06T15:00:00Z',
      durationMinutes: 45,
      topics: ['Security', 'End-user control'],
      attendees: [{ name: 'Jan Kowalski', email: 'jan@google.test' }],
    };
    const invitation = outgoing(campaignId, vendor, 'demonstration-demo-1-invitation-0', 'demonstration-invitation', {
      demonstration,
      timeZone: 'America/Toronto',
      issuedAt: '2020-09-20T10:00:00Z',
    });
    const moved = outgoing(campaignId, vendor, 'demonstration-demo-1-invitation-1', 'demonstration-invitation', {
      demonstration: { ...demonstration, at: '2020-10-08T15:00:00Z', rescheduled: 1 },
      timeZone: 'America/Toronto',
      issuedAt: '2020-09-25T10:00:00Z',
    });
    const sent = await (await send([invitation, moved])).result();

    const calendars: string[] = [];
    for (const { messageId } of sent) {
      const [mail] = await parsedWithId(messageId);
      expect(mail.text).toContain('(45 minutes, Eastern Time)');
      const calendar = mail.attachments.find((a) => a.contentType.startsWith('text/calendar'));
      expect(calendar, 'text/calendar part').toBeDefined();
      calendars.push(calendar!.content.toString('utf8').replace(/\r?\n[ \t]/g, ''));
    }
    const [first, second] = calendars;
    const uid = /^UID:(.+)$/m.exec(first)?.[1]?.trim();
    expect(uid).toBe(`demonstration-demo-1.${invitation.threadId.replace(/[^A-Za-z0-9.-]+/g, '.')}@${domain}`);
    expect(first).toContain('METHOD:REQUEST');
    expect(first).toContain('SEQUENCE:0');
    expect(first).toContain('DTSTART:20201006T150000Z');
    expect(first).toContain('mailto:privacy@google.test');
    expect(second).toContain(`UID:${uid}`);
    expect(second).toContain('SEQUENCE:1');
    expect(second).toContain('DTSTART:20201008T150000Z');
  });

  it('fails without retry, as RecipientRejected after one attempt, when the server refuses the recipient with 550', async () => {
    const campaignId = env.uniqueId('refused');
    const vendor = testVendor('houseparty');
    env.sink.recipientPolicy = (address) => (address === 'privacy@houseparty.test' ? { code: 550, message: 'No such user' } : undefined);
    const handle = await send([outgoing(campaignId, vendor, 'letter', 'open-letter')], { startToCloseTimeout: '30s' });

    const failure = await handle.result().catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const activityFailure = (failure as WorkflowFailedError).cause;
    expect(activityFailure).toBeInstanceOf(ActivityFailure);
    expect((activityFailure as ActivityFailure).retryState).toBe(RetryState.NON_RETRYABLE_FAILURE);
    const cause = (activityFailure as ActivityFailure).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).type).toBe(ErrorType.RecipientRejected);
    expect((cause as ApplicationFailure).nonRetryable).toBe(true);
    expect((cause as ApplicationFailure).details?.[0]).toMatchObject({ recipients: ['privacy@houseparty.test'], smtpCode: 550 });
    expect(await activityAttempts(handle)).toEqual([1]);
    expect(env.sink.messages).toHaveLength(0);
  });

  it('retries a 451 and delivers exactly one message once the server accepts', async () => {
    const campaignId = env.uniqueId('greylisted');
    const vendor = testVendor('microsoft');
    let refusals = 0;
    env.sink.recipientPolicy = () => (refusals++ < 1 ? { code: 451, message: 'Try again later' } : undefined);
    const handle = await send([outgoing(campaignId, vendor, 'letter', 'open-letter')]);
    const [sent] = await handle.result();

    expect(sent.alreadyDelivered).toBe(false);
    expect(refusals).toBeGreaterThanOrEqual(2);
    expect(await activityAttempts(handle)).toEqual([2]);
    await sleep(500);
    expect(env.sink.messages.filter((m) => m.messageId === sent.messageId)).toHaveLength(1);
    expect(env.sink.messages).toHaveLength(1);
  });

  it('retries only the recipient a 451 deferred, so each recipient gets exactly one copy', async () => {
    const vendor = frenchVendor('zoom');
    let deferrals = 0;
    env.sink.recipientPolicy = (address) =>
      address === 'legal@zoom.test' && deferrals++ < 1 ? { code: 451, message: 'Mailbox busy, try later' } : undefined;
    const handle = await send([outgoing(env.uniqueId('deferred'), vendor, 'letter', 'open-letter')]);
    const [sent] = await handle.result();

    expect(sent.accepted.sort()).toEqual(['legal@zoom.test', 'privacy@zoom.test']);
    expect(sent.rejected).toEqual([]);
    expect(await activityAttempts(handle)).toEqual([2]);
    await sleep(500);
    const copies = env.sink.messages.filter((m) => m.messageId === sent.messageId);
    expect(copies.map((m) => m.to)).toEqual([['privacy@zoom.test'], ['legal@zoom.test']]);
  });

  it('reports a recipient refused for good after the others were served, without failing the send', async () => {
    const vendor = frenchVendor('zoom');
    let calls = 0;
    // Deferred first, refused for good on the retry: the other recipient already has the message.
    env.sink.recipientPolicy = (address) => {
      if (address !== 'legal@zoom.test') return undefined;
      return calls++ < 1 ? { code: 451, message: 'Try later' } : { code: 550, message: 'No such user' };
    };
    const handle = await send([outgoing(env.uniqueId('deferred-then-refused'), vendor, 'letter', 'open-letter')]);
    const [sent] = await handle.result();

    expect(sent.accepted).toEqual(['privacy@zoom.test']);
    expect(sent.rejected).toEqual(['legal@zoom.test']);
    expect(env.sink.messages.filter((m) => m.messageId === sent.messageId).map((m) => m.to)).toEqual([['privacy@zoom.test']]);
  });

  it('delivers one copy when the attempt that sent it times out before recording it and is retried', async () => {
    const campaignId = env.uniqueId('timeout');
    const vendor = testVendor('zoom');
    const accepted: number[] = [];
    // The first attempt outlives its 3 s timeout after the server has the message: the retry must
    // not send a second copy while it is still on its way to the ledger.
    plan.afterAccepted = async (_id, attempt) => {
      accepted.push(attempt);
      if (attempt === 1) await sleep(7_000);
    };
    try {
      const handle = await send([outgoing(campaignId, vendor, 'letter', 'open-letter')], { startToCloseTimeout: '3s' });
      const [sent] = await handle.result();
      expect(sent.alreadyDelivered).toBe(true);
      expect((await activityAttempts(handle))[0]).toBeGreaterThanOrEqual(2);
      expect(accepted).toEqual([1]);
      await sleep(1_000);
      expect(env.sink.messages.filter((m) => m.messageId === sent.messageId)).toHaveLength(1);
    } finally {
      delete plan.afterAccepted;
    }
  });

  it('delivers one copy when the same send runs twice, and reports the second as already delivered', async () => {
    const transport = createSmtpTransport(env.sink.url);
    const activities = createActivities({ ...env.config, transport, stateDir: join(env.scratch, 'state-twice') });
    onTestFinished(() => transport.close());
    const message = outgoing(env.uniqueId('twice'), testVendor('cisco'), 'letter', 'open-letter');
    const [first, second] = [await activities.sendMessage(message), await activities.sendMessage(message)];
    expect(first.alreadyDelivered).toBe(false);
    expect(second).toEqual({ ...first, alreadyDelivered: true });
    const concurrent = await Promise.all([
      activities.sendMessage({ ...message, step: 'reminder-1', kind: 'reminder', details: { reminderNumber: 1 } }),
      activities.sendMessage({ ...message, step: 'reminder-1', kind: 'reminder', details: { reminderNumber: 1 } }),
    ]);
    expect(concurrent.map((s) => s.alreadyDelivered).sort()).toEqual([false, true]);
    await sleep(500);
    expect(env.sink.messages.filter((m) => m.messageId === first.messageId)).toHaveLength(1);
    expect(env.sink.messages.filter((m) => m.messageId === concurrent[0].messageId)).toHaveLength(1);
  });

  it('states an open letter’s due date counted from the attempt that delivers it, the same to a recipient deferred till a retry, and reports it once delivered', async () => {
    const transport = createSmtpTransport(env.sink.url);
    const activities = createActivities({ ...env.config, transport, stateDir: join(env.scratch, 'state-due-on-delivery') });
    onTestFinished(() => transport.close());
    let deferrals = 0;
    env.sink.recipientPolicy = (address) => (address === 'legal@zoom.test' && deferrals++ < 1 ? { code: 451, message: 'Mailbox busy, try later' } : undefined);
    // The provisional date, counted when the workflow scheduled the send, is long past.
    const message = outgoing(env.uniqueId('due-on-delivery'), frenchVendor('zoom'), 'letter', 'open-letter', { dueDate: '2020-08-21T09:00:00.000Z', dueAfter: '30 days' });
    const firstAttempt = Date.now();
    await expect(activities.sendMessage(message)).rejects.toThrow(/deferred/);
    await sleep(1_100);
    const retriedAt = Date.now();
    const sent = await activities.sendMessage(message);
    // Counted from the attempt that reached the first recipient; the deferred one is told the same day.
    expect(Date.parse(sent.dueDate!)).toBeGreaterThanOrEqual(firstAttempt + 30 * 86_400_000);
    expect(Date.parse(sent.dueDate!)).toBeLessThan(retriedAt + 30 * 86_400_000 - 1_000);
    expect(await activities.sendMessage(message)).toEqual({ ...sent, alreadyDelivered: true });
    const copies = await parsedWithId(sent.messageId);
    expect(copies.map((c) => c.text?.includes(`d’ici le ${formatDate(sent.dueDate!, 'fr')}`))).toEqual([true, true]);
  });

  it('retries a refused connection with backoff until the mail server is back', async () => {
    const probe = await new MailSink().start();
    const port = probe.port;
    await probe.stop();
    const down = await startWorker('down', `smtp://127.0.0.1:${port}`);
    const handle = await send([outgoing(env.uniqueId('down'), testVendor('zoom'), 'letter', 'open-letter')], { startToCloseTimeout: '20s' }, down.taskQueue);

    // Wait until the server has seen the send fail at least twice, then bring the mail server up.
    let pending: { attempt?: number | null; lastFailure?: ProtoFailure | null } | undefined;
    for (let i = 0; i < 120 && !((pending?.attempt ?? 0) >= 3); i++) {
      await sleep(250);
      pending = (await handle.describe()).raw.pendingActivities?.[0];
    }
    expect(pending?.attempt).toBeGreaterThanOrEqual(3);
    expect(await failureMessage(env.client, pending?.lastFailure)).toMatch(/ECONNREFUSED|connect/i);
    const revived = await new MailSink({ port }).start();
    try {
      const [sent] = await handle.result();
      expect(sent.alreadyDelivered).toBe(false);
      const mails = await revived.waitFor(1);
      expect(mails.map((m) => m.messageId)).toEqual([sent.messageId]);
    } finally {
      await down.stop();
      await revived.stop();
    }
  });
});
