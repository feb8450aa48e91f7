// `npm run worker`'s endpoint across a crash: two workers started as README says (worker/main.ts
// with DOSSIER_METRICS_ADDRESS), the first killed after the letter, the second replaying the case
// and running its reminder. What each scrape shows is what Prometheus would add up across them.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../paths';
import { DossierClient } from '../../client/api';
import { defaultMetricsAddress } from '../../worker/telemetry';
import { fastPolicy, testCampaign, testVendor } from '../helpers/fixtures';
import { useDossier } from '../helpers/harness';
import { until } from '../helpers/until';

/** Sum of a metric's samples whose labels include every given label. */
function sampleSum(text: string, name: string, labels: Record<string, string>): number {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
    .reduce((sum, line) => sum + Number(line.trim().split(/\s+/).pop()), 0);
}

describe('metrics of workers started with npm run worker', () => {
  const env = useDossier();
  const started: ChildProcess[] = [];

  afterEach(async () => {
    for (const child of started.splice(0)) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
  });

  async function worker(taskQueue: string): Promise<{ child: ChildProcess; scrape: () => Promise<string> }> {
    const address = await defaultMetricsAddress(0);
    const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'worker', 'main.ts')], {
      cwd: PROJECT_ROOT,
      env: {
        ...env.childEnv,
        SMTP_URL: env.sink.url,
        MAIL_FROM: 'Dossier Test <dossier@test.example>',
        DOSSIER_TASK_QUEUE: taskQueue,
        // One host's folders: the second worker finds the first one's delivery ledger.
        DOSSIER_STATE_DIR: join(env.scratch, 'crash-state'),
        DOSSIER_OUTPUT_DIR: join(env.scratch, 'crash-out'),
        DOSSIER_METRICS_ADDRESS: address,
        // The killed worker's cached case goes to the other after this long, not the default 30 s.
        DOSSIER_STICKY_QUEUE_TIMEOUT_SECONDS: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.push(child);
    let output = '';
    for (const stream of [child.stdout!, child.stderr!]) stream.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-6000)));
    await until(async () => output, (o) => o.includes("state: 'RUNNING'") || child.exitCode !== null, 'the worker polling', 90_000);
    expect(output).toContain(`Metrics: http://${address}/metrics`);
    return { child, scrape: async () => (await fetch(`http://${address}/metrics`)).text() };
  }

  it('counts the reminder of a case replayed after its worker was killed once, on the worker that ran it, and not its letter again', { timeout: 180_000 }, async () => {
    const taskQueue = `${env.taskQueue}-crash`;
    const engagements = new DossierClient(env.client, { taskQueue, address: 'test' });
    const id = env.uniqueId('crash');
    const first = await worker(taskQueue);
    await engagements.startEngagement({ campaign: testCampaign(id), vendor: testVendor('acme'), policy: fastPolicy({ responseDue: '15s', reminderCadence: ['1s'], finalNoticeAfter: '10 minutes' }) });
    await env.sink.waitFor(1, (m) => (m.messageId ?? '').includes(id), 60_000);
    const counted = await until(first.scrape, (text) => sampleSum(text, 'dossier_emails_sent_total', { kind: 'open-letter' }) === 1, 'the letter counted on the first worker', 10_000);
    expect(sampleSum(counted, 'dossier_reminder_lateness_count', { kind: 'reminder' })).toBe(0);
    const killed = new Promise((resolve) => first.child.once('exit', resolve));
    first.child.kill('SIGKILL');
    await killed;

    const second = await worker(taskQueue);
    expect(env.sink.messages.filter((m) => (m.messageId ?? '').includes(id)), 'the reminder still to come when the second worker starts').toHaveLength(1);
    await env.sink.waitFor(2, (m) => (m.messageId ?? '').includes(id), 60_000);
    const text = await until(second.scrape, (t) => sampleSum(t, 'dossier_emails_sent_total', { kind: 'reminder' }) >= 1, 'the reminder counted on the second worker', 10_000);
    // Time for a second count to land, were there one.
    await new Promise((r) => setTimeout(r, 1_000));
    const settled = await second.scrape();
    expect({
      reminderLateness: sampleSum(settled, 'dossier_reminder_lateness_count', { kind: 'reminder' }),
      reminderSent: sampleSum(settled, 'dossier_emails_sent_total', { kind: 'reminder' }),
      letterSent: sampleSum(settled, 'dossier_emails_sent_total', { kind: 'open-letter' }),
    }).toEqual({ reminderLateness: 1, reminderSent: 1, letterSent: 0 });
    expect(text).toMatch(/^dossier_reminder_lateness_bucket\{/m);
  });

  it('counts a reminder once whose worker was killed while the relay took it, though the worker that takes it over sends it again', { timeout: 240_000 }, async () => {
    const taskQueue = `${env.taskQueue}-mid-send`;
    const engagements = new DossierClient(env.client, { taskQueue, address: 'test' });
    const id = env.uniqueId('midsend');
    const first = await worker(taskQueue);
    // What Prometheus last saw of the first worker: scraped until it dies.
    let lastSeen = '';
    const watching = (async () => {
      while (first.child.exitCode === null && first.child.signalCode === null) {
        lastSeen = await first.scrape().catch(() => lastSeen);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    // The relay has the reminder's copy when its worker dies: before it can read the relay's answer.
    env.sink.messagePolicy = (mail) => {
      if ((mail.messageId ?? '').includes(id) && (mail.messageId ?? '').includes('reminder') && first.child.exitCode === null) first.child.kill('SIGKILL');
      return undefined;
    };
    try {
      await engagements.startEngagement({ campaign: testCampaign(id), vendor: testVendor('acme'), policy: fastPolicy({ responseDue: '2s', reminderCadence: ['1s'], finalNoticeAfter: '10 minutes' }) });
      await until(async () => first.child.signalCode, (signal) => signal === 'SIGKILL', 'the first worker killed mid-send', 60_000);
      await watching;
    } finally {
      env.sink.messagePolicy = () => undefined;
    }
    const second = await worker(taskQueue);
    // Taken over once the killed attempt's time has run out, and sent again with the same Message-ID.
    await env.sink.waitFor(3, (m) => (m.messageId ?? '').includes(id), 150_000);
    await until(second.scrape, (t) => sampleSum(t, 'dossier_emails_resent_after_crash_total', { kind: 'reminder' }) >= 1, 'the resend counted on the second worker', 10_000);
    await new Promise((r) => setTimeout(r, 1_000));
    const settled = await second.scrape();
    const acrossBoth = (name: string, kind: string) => sampleSum(lastSeen, name, { kind }) + sampleSum(settled, name, { kind });
    expect({
      reminderSent: acrossBoth('dossier_emails_sent_total', 'reminder'),
      reminderResent: acrossBoth('dossier_emails_resent_after_crash_total', 'reminder'),
      letterSent: acrossBoth('dossier_emails_sent_total', 'open-letter'),
      // The lateness is the workflow's, recorded as the reminder fell due on the first worker: the
      // second replays that and records nothing. Whether a scrape saw it on the first before the
      // kill is a race Prometheus runs too (one CI run's scrapes missed it), so it is counted at most once.
      reminderLatenessOnTheSecond: sampleSum(settled, 'dossier_reminder_lateness_count', { kind: 'reminder' }),
    }).toEqual({ reminderSent: 1, reminderResent: 1, letterSent: 1, reminderLatenessOnTheSecond: 0 });
    expect(sampleSum(lastSeen, 'dossier_reminder_lateness_count', { kind: 'reminder' })).toBeLessThanOrEqual(1);
  });
});
