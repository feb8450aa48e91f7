// Part 4: a burst of reminders through the pooled SMTP transport the worker uses
// (createSmtpTransport: a few reused connections) against a plain nodemailer transport that opens a
// connection per message. The messages are composed first, so only the sending is timed; as many are
// in flight at once as the worker runs activities by default.
import nodemailer, { type Transporter } from 'nodemailer';
import { composeMessage, messageIdFor } from '../../activities/compose';
import { createSmtpTransport } from '../../activities/email';
import type { MailSink } from '../../infra/mail-sink';
import { type OutgoingMessage } from '../../workflows/types';
import { testCampaign } from '../../test/helpers/fixtures';
import { mapLimit, median, round } from '../lib/stats';
import { engagementWorkflowId } from '../../workflows/workflow-ids';

export interface BurstOptions {
  k: number;
  /** Sends in flight at once (the worker's default maxConcurrentActivityTaskExecutions is 100). */
  inFlight: number;
  /** Alternating rounds of pooled and unpooled; the median of each is reported. */
  rounds: number;
}

type Variant = 'pooled' | 'unpooled' | 'unpooled-5';

export interface BurstRun {
  /** `unpooled-5`: unpooled with only as many sends in flight as the pool has connections. */
  transport: Variant;
  round: number;
  seconds: number;
  messagesPerSecond: number;
}

export interface BurstReport {
  settings: BurstOptions & { pooledMaxConnections: number };
  runs: BurstRun[];
  pooledPerSecond: number;
  unpooledPerSecond: number;
  unpooled5PerSecond: number;
  /** Pooled throughput over unpooled, both with `inFlight` sends at once. */
  ratio: number;
  /** Pooled over unpooled with as many connections at a time: what reusing a connection saves. */
  ratioSameConnections: number;
}

const POOL_CONNECTIONS = 5;

const FROM = 'Dossier Bench <dossier@bench.example>';

export async function measureSmtpBurst(sink: MailSink, options: BurstOptions, log: (line: string) => void): Promise<BurstReport> {
  const runs: BurstRun[] = [];
  for (let r = 1; r <= options.rounds; r++) {
    const variants: Variant[] = ['pooled', 'unpooled', 'unpooled-5'];
    const order = r % 2 === 1 ? variants : [...variants].reverse();
    for (const kind of order) {
      const messages = await composeBurst(`burst-${kind}-${r}`, options.k);
      const transport = kind === 'pooled' ? createSmtpTransport(sink.url) : unpooledTransport(sink.url);
      try {
        const started = performance.now();
        await mapLimit(messages, kind === 'unpooled-5' ? POOL_CONNECTIONS : options.inFlight, (m) => transport.sendMail(m));
        const seconds = (performance.now() - started) / 1000;
        const run = { transport: kind, round: r, seconds: round(seconds, 3), messagesPerSecond: round(options.k / seconds) };
        runs.push(run);
        log(`[smtp] round ${r} ${kind.padEnd(10)} ${options.k} messages in ${run.seconds} s: ${run.messagesPerSecond} msg/s`);
      } finally {
        transport.close();
      }
    }
  }
  const rate = (kind: Variant) => round(median(runs.filter((x) => x.transport === kind).map((x) => x.messagesPerSecond)));
  const pooledPerSecond = rate('pooled');
  const unpooledPerSecond = rate('unpooled');
  const unpooled5PerSecond = rate('unpooled-5');
  return {
    settings: { ...options, pooledMaxConnections: POOL_CONNECTIONS },
    runs,
    pooledPerSecond,
    unpooledPerSecond,
    unpooled5PerSecond,
    ratio: round(pooledPerSecond / unpooledPerSecond, 2),
    ratioSameConnections: round(pooledPerSecond / unpooled5PerSecond, 2),
  };
}

function unpooledTransport(smtpUrl: string): Transporter {
  const url = new URL(smtpUrl);
  return nodemailer.createTransport({ host: url.hostname, port: Number(url.port), secure: false, ignoreTLS: true });
}

/** K first reminders, one per vendor of a campaign, as the worker would hand them to nodemailer. */
async function composeBurst(campaignId: string, k: number) {
  const campaign = testCampaign(campaignId);
  return Promise.all(
    Array.from({ length: k }, async (_, i) => {
      const vendor = { id: `v${i + 1}`, name: `Vendor ${i + 1}`, language: 'en' as const, contacts: [{ name: 'Privacy Office', email: `privacy@v${i + 1}.test` }] };
      const threadId = engagementWorkflowId(campaign.id, vendor.id);
      const message: OutgoingMessage = {
        threadId,
        step: 'reminder-response-1',
        kind: 'reminder',
        language: 'en',
        to: vendor.contacts,
        campaign,
        vendor,
        details: { dueDate: '2020-08-20T00:00:00Z', reminderNumber: 1 },
      };
      const composed = await composeMessage(message, { domain: 'bench.example' });
      return {
        from: FROM,
        to: vendor.contacts.map((c) => ({ name: c.name, address: c.email })),
        messageId: messageIdFor(threadId, message.step, 'bench.example'),
        ...composed,
      };
    }),
  );
}
