// Part 5: the intake. N engagements await their response; N threaded replies wait in the case
// mailbox. Measured side by side on the same engagements: the floor (the same recordInbound updates
// sent straight to Temporal, as many in flight as the intake allows) and the intake reading a local
// Maildir and, when Dovecot is installed, IMAP: each reads, parses, correlates, records and moves
// every message. The intake's heap is sampled while it works, to show it stays flat.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkflowIdReusePolicy } from '@temporalio/client';
import { messageIdFor, replyAddressFor } from '../../activities/threading';
import { DossierClient } from '../../client/api';
import { CaseDocuments } from '../../documents/document-store';
import { loadEncryption } from '../../encryption/config';
import { startDovecot } from '../../infra/dovecot';
import { ImapMailbox } from '../../intake/imap-mailbox';
import { Intake } from '../../intake/intake';
import type { Directory } from '../../intake/correlate';
import type { MailboxSource } from '../../intake/mailbox';
import { MaildirMailbox } from '../../intake/maildir-mailbox';
import { openLocalStore } from '../../store/local';
import { composeReply } from '../../test/helpers/inbound-mail';
import { engagementInput, patientPolicy } from '../../test/helpers/fixtures';
import type { RecordInboundInput } from '../../workflows/messages';
import { engagementWorkflowId } from '../../workflows/workflow-ids';
import type { Bench } from '../lib/setup';
import { mapLimit, round } from '../lib/stats';

export interface IntakeBenchOptions {
  /** Engagements, and replies per variant. */
  n: number;
  /** Messages handled at once (the intake's default). */
  concurrency: number;
}

export interface IntakeRun {
  variant: 'floor' | 'maildir' | 'imap';
  seconds: number;
  messagesPerSecond: number;
  recorded: number;
  /** Heap used by this process (MiB) after 10 % of the messages and at the end: flat if they match. */
  heapMiB?: { early: number; end: number; peak: number };
  rssMiB?: { early: number; end: number; peak: number };
}

export interface IntakeReport {
  settings: IntakeBenchOptions;
  runs: IntakeRun[];
  /** Intake (Maildir) throughput over the floor's. */
  ratio: number;
  imapRatio?: number;
}

const DOMAIN = 'bench.example';
const CASE_MAILBOX = `case@${DOMAIN}`;

export async function measureIntake(bench: Bench, options: IntakeBenchOptions, log: (line: string) => void): Promise<IntakeReport> {
  const taskQueue = `bench-intake-${randomUUID().slice(0, 8)}`;
  const worker = await bench.startWorker({ taskQueue, encrypted: true });
  const scratch = mkdtempSync(join(tmpdir(), 'dossier-bench-intake-'));
  const campaignId = `intake-${randomUUID().slice(0, 8)}`;
  const runs: IntakeRun[] = [];
  const dovecot = await startDovecot().catch((err: Error) => {
    log(`[intake] no IMAP variant: ${err.message.split('\n')[0]}`);
    return undefined;
  });
  try {
    const client = bench.encryptedClient;
    const address = bench.server.address;
    const dossier = new DossierClient(client, { taskQueue, address });
    const vendors = Array.from({ length: options.n }, (_, i) => `v${String(i).padStart(5, '0')}`);
    log(`[intake] starting ${options.n} engagements`);
    await mapLimit(vendors, 20, async (vendorId) => {
      await client.workflow.start('engagement', {
        taskQueue,
        workflowId: engagementWorkflowId(campaignId, vendorId),
        args: [{ ...engagementInput(campaignId, vendorId, patientPolicy({ responseDue: '1 hour', reminderCadence: ['2 hours'], finalNoticeAfter: '3 hours', closeAfter: '4 hours' })), searchAttributes: false }],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
    });
    const letters = await bench.sink.waitFor(options.n, (m) => (m.messageId ?? '').includes(`.engagement.${campaignId}.`), 600_000);
    log(`[intake] ${letters.length} letters sent`);

    const store = openLocalStore({ outputDir: join(scratch, 'out'), stateDir: join(scratch, 'state'), keysDir: join(scratch, 'keys') });
    const documents = new CaseDocuments(store.documents, loadEncryption(bench.keysEnv).keystore);
    const directory = new NoDirectory();
    const reply = (vendorId: string, tag: string) => {
      const thread = engagementWorkflowId(campaignId, vendorId);
      const letter = messageIdFor(thread, 'letter', DOMAIN);
      return composeReply({
        from: `privacy@${vendorId}.test`,
        to: replyAddressFor(CASE_MAILBOX, thread),
        subject: `Re: [TEST-${campaignId.toUpperCase()}] Open letter`,
        messageId: `<${tag}-${vendorId}@${vendorId}.test>`,
        inReplyTo: letter,
        references: [letter],
        text: 'Our response is attached.',
        attachments: [{ filename: 'response.pdf', content: Buffer.alloc(20_000, 'x'), contentType: 'application/pdf' }],
      });
    };

    // The floor: the same updates, sent directly.
    {
      const started = performance.now();
      await mapLimit(vendors, options.concurrency, async (vendorId) => {
        const input: RecordInboundInput = {
          messageId: `<floor-${vendorId}@${vendorId}.test>`,
          from: `privacy@${vendorId}.test`,
          subject: 'Re: open letter',
          receivedAt: new Date().toISOString(),
          kind: 'reply',
          matchedBy: 'thread',
          answersStep: 'letter',
          text: 'Our response is attached.',
          documents: [],
          notes: [],
        };
        await dossier.recordInbound({ campaignId, vendorId }, input);
      });
      runs.push(rate('floor', options.n, performance.now() - started));
      log(`[intake] floor: ${runs.at(-1)!.messagesPerSecond} msg/s`);
    }

    const variant = async (name: 'maildir' | 'imap', mailbox: MailboxSource, deliver: MailboxSource) => {
      await mailbox.open();
      if (deliver !== mailbox) await deliver.open();
      for (const vendorId of vendors) await deliver.append(await reply(vendorId, name));
      const intake = new Intake({ mailbox, dossier, documents, directory, domain: DOMAIN, caseMailbox: CASE_MAILBOX, concurrency: options.concurrency });
      global.gc?.();
      const samples: { heap: number; rss: number }[] = [];
      const sampler = setInterval(() => {
        const m = process.memoryUsage();
        samples.push({ heap: m.heapUsed / 2 ** 20, rss: m.rss / 2 ** 20 });
      }, 200);
      const started = performance.now();
      const settled = await intake.pass();
      const elapsed = performance.now() - started;
      clearInterval(sampler);
      const recorded = settled.filter((s) => s.outcome === 'recorded').length;
      const run = rate(name, recorded, elapsed);
      const early = samples[Math.max(0, Math.floor(samples.length / 10))] ?? samples[0];
      const last = samples.at(-1) ?? early;
      if (early && last) {
        run.heapMiB = { early: round(early.heap), end: round(last.heap), peak: round(Math.max(...samples.map((s) => s.heap))) };
        run.rssMiB = { early: round(early.rss), end: round(last.rss), peak: round(Math.max(...samples.map((s) => s.rss))) };
      }
      runs.push(run);
      log(`[intake] ${name}: ${recorded}/${options.n} recorded, ${run.messagesPerSecond} msg/s; heap ${JSON.stringify(run.heapMiB)} MiB, rss ${JSON.stringify(run.rssMiB)} MiB`);
      if (deliver !== mailbox) await deliver.close();
      await mailbox.close();
    };

    const root = join(scratch, 'maildir');
    await variant('maildir', new MaildirMailbox(root), new MaildirMailbox(root));
    if (dovecot) {
      const settings = { host: dovecot.host, port: dovecot.port, secure: false, user: 'bench', password: dovecot.password };
      await variant('imap', new ImapMailbox(settings), new ImapMailbox(settings));
    }
    await store.close();
  } finally {
    await dovecot?.stop();
    await worker.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
  const floor = runs.find((r) => r.variant === 'floor')!.messagesPerSecond;
  const maildir = runs.find((r) => r.variant === 'maildir')!.messagesPerSecond;
  const imap = runs.find((r) => r.variant === 'imap')?.messagesPerSecond;
  return { settings: options, runs, ratio: round(maildir / floor, 2), ...(imap ? { imapRatio: round(imap / floor, 2) } : {}) };
}

function rate(variant: IntakeRun['variant'], count: number, ms: number): IntakeRun {
  return { variant, seconds: round(ms / 1000, 2), messagesPerSecond: round(count / (ms / 1000)), recorded: count };
}

/** Threaded replies need no look-up: a directory that knows nothing keeps the measurement honest. */
class NoDirectory implements Directory {
  async engagementByToken() {
    return undefined;
  }
  async campaignByReference() {
    return undefined;
  }
  async vendorOf(): Promise<never> {
    throw new Error('the benchmark names no engagement by its subject');
  }
}
