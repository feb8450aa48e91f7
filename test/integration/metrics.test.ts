// The worker's Prometheus endpoint, scraped as a monitoring system would: the SDK's own metrics and
// Dossier's (emails sent by kind, reminder lateness) after a real engagement sent
// its letter and a reminder through the real SMTP sink.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../paths';
import { DossierClient } from '../../client/api';
import { MESSAGE_KINDS } from '../../workflows/types';
import { dismissInboundUpdate, recordInboundUpdate } from '../../workflows/messages';
import { fastPolicy, testCampaign, testVendor } from '../helpers/fixtures';
import { metricsUrl, useDossier } from '../helpers/harness';
import { exampleAlertRules, metricsTheRulesRead, servesSample } from '../helpers/alert-rules';

/** Sum of a metric's samples whose labels include every given label (Prometheus text format). */
function sampleSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = /\{([^}]*)\}/.exec(line)?.[1] ?? '';
    if (!Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`))) continue;
    sum += Number(line.trim().split(/\s+/).pop());
  }
  return sum;
}

/**
 * The metric names README's "Metrics" section gives for the worker's endpoint (the intake's
 * paragraph names its own endpoint's), as Prometheus serves them.
 */
function namesReadmeLists(): string[] {
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Metrics\n'), readme.indexOf('\nThe intake, a process of its own'));
  return [...new Set([...section.matchAll(/`((?:temporal|dossier)_[a-z0-9_]+)(?=[`{])/g)].map((m) => m[1]!))];
}

/** Whether the endpoint serves `name`: a counter or gauge itself, a histogram as its `_bucket`/`_sum`/`_count`. */
const served = (text: string, name: string) => new RegExp(`^${name}(_bucket|_sum|_count)?\\{`, 'm').test(text);

async function scrape(): Promise<string> {
  const response = await fetch(metricsUrl());
  expect(response.status).toBe(200);
  return response.text();
}

/** The samples of a metric whose labels include every given label, as `{labels} value` lines. */
function samples(text: string, name: string, labels: Record<string, string> = {}): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)));
}


/** The mail counters' samples of one message kind on this file's worker, summed per counter. */
function mailCounts(text: string, taskQueue: string, kind: string) {
  const of = (name: string, labels: Record<string, string> = {}) => sampleSum(text, name, { task_queue: taskQueue, kind, ...labels });
  return {
    sent: of('dossier_emails_sent_total'),
    refused: of('dossier_email_recipients_refused_total'),
    rejectedAttempts: of('dossier_email_failures_total', { reason: 'RecipientRejected' }),
    deferredAttempts: of('dossier_email_failures_total', { reason: 'RecipientDeferred' }),
  };
}

/** What each mail counter of `kind` gained between two scrapes. */
function mailCountsGained(before: string, after: string, taskQueue: string, kind: string) {
  const [a, b] = [mailCounts(before, taskQueue, kind), mailCounts(after, taskQueue, kind)];
  return { sent: b.sent - a.sent, refused: b.refused - a.refused, rejectedAttempts: b.rejectedAttempts - a.rejectedAttempts, deferredAttempts: b.deferredAttempts - a.deferredAttempts };
}

describe('worker metrics', () => {
  const env = useDossier();

  /** Runs one engagement to its letter and first reminder, then scrapes until each of `names` is served (a minute at most): the last scrape. */
  const scrapeAfterAReminder = async (idPrefix: string, names: string[], isServed: (text: string, name: string) => boolean) => {
    const engagements = new DossierClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    const id = env.uniqueId(idPrefix);
    await engagements.startEngagement({ campaign: testCampaign(id), vendor: testVendor('acme'), policy: fastPolicy({ responseDue: '1s', reminderCadence: ['1s'], finalNoticeAfter: '10 minutes' }) });
    await env.sink.waitFor(2, (m) => (m.messageId ?? '').includes(id), 60_000);
    let text = '';
    for (let i = 0; i < 120; i++) {
      text = await scrape();
      if (names.every((name) => isServed(text, name))) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    return text;
  };

  it('serves every mail counter at 0 before the first send, so its first event counts as an increase', async () => {
    const text = await scrape();
    const worker = { activity_type: 'sendMessage', namespace: env.config.temporal.namespace, task_queue: env.taskQueue };
    for (const kind of MESSAGE_KINDS) {
      for (const name of ['dossier_emails_sent_total', 'dossier_email_recipients_refused_total', 'dossier_emails_resent_after_crash_total', 'dossier_delivery_ledger_errors_total']) {
        expect(samples(text, name, { ...worker, kind }), `${name}{kind="${kind}"}`).toEqual([expect.stringMatching(/ 0$/)]);
      }
      for (const reason of ['RecipientRejected', 'RecipientDeferred', 'RelayFault']) {
        expect(samples(text, 'dossier_email_failures_total', { ...worker, kind, reason }), `dossier_email_failures_total{kind="${kind}",reason="${reason}"}`).toEqual([expect.stringMatching(/ 0$/)]);
      }
    }
  });

  it('exposes the SDK metrics and counts emails and reminder lateness on the Prometheus endpoint', { timeout: 120_000 }, async () => {
    const engagements = new DossierClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    const id = env.uniqueId('metrics');
    const vendor = testVendor('acme');
    const before = await scrape();
    await engagements.startEngagement({ campaign: testCampaign(id), vendor, policy: fastPolicy({ responseDue: '1s', reminderCadence: ['1s'], finalNoticeAfter: '10 minutes' }) });
    await env.sink.waitFor(2, (m) => (m.messageId ?? '').includes(id), 60_000);
    // The reminder's lateness is recorded when its workflow task runs, its email once the activity
    // completes; the exporter reads both at scrape time.
    let text = '';
    for (let i = 0; i < 120; i++) {
      text = await scrape();
      const reminded = sampleSum(text, 'dossier_reminder_lateness_count', { kind: 'reminder' }) >= 1;
      if (reminded && sampleSum(text, 'dossier_emails_sent_total', { kind: 'reminder' }) >= 1) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(sampleSum(text, 'dossier_emails_sent_total', { kind: 'open-letter' }) - sampleSum(before, 'dossier_emails_sent_total', { kind: 'open-letter' })).toBe(1);
    // The send counted on the series the worker set to 0 at start, not on a second one beside it.
    expect(samples(text, 'dossier_emails_sent_total', { kind: 'open-letter', task_queue: env.taskQueue })).toEqual([expect.stringMatching(/ 1$/)]);
    expect(sampleSum(text, 'dossier_emails_sent_total', { kind: 'reminder' })).toBeGreaterThanOrEqual(1);
    expect(sampleSum(text, 'dossier_reminder_lateness_count', { kind: 'reminder' })).toBeGreaterThanOrEqual(1);
    // Lateness is a histogram in milliseconds with the buckets set for "on time" (under 2 s); its name
    // carries no unit, so its HELP text names it.
    expect(text).toMatch(/^# HELP dossier_reminder_lateness Milliseconds /m);
    expect(text).toMatch(/dossier_reminder_lateness_bucket\{[^}]*le="2000"/);
    // The SDK's own worker metrics are on the same endpoint.
    expect(text).toMatch(/^temporal_workflow_task_execution_latency_bucket\{/m);
    expect(text).toMatch(/^temporal_activity_execution_latency_bucket\{/m);
  });

  it('serves every metric README lists for the worker once an engagement has sent its letter and a reminder', { timeout: 120_000 }, async () => {
    const listed = namesReadmeLists();
    expect(listed).toEqual(expect.arrayContaining(['temporal_sticky_cache_size', 'dossier_emails_sent_total', 'dossier_reminder_lateness']));
    const text = await scrapeAfterAReminder('listed', listed, served);
    expect(listed.filter((name) => !served(text, name)), 'metrics README lists that the endpoint does not serve').toEqual([]);
  });
  it('labels its own series as the SDK labels its temporal_* series, so one query joins them', { timeout: 120_000 }, async () => {
    const text = await scrapeAfterAReminder('labels', ['dossier_reminder_lateness', 'temporal_activity_execution_latency'], served);
    const namespace = env.config.temporal.namespace;
    // The SDK's exporter names its context labels in snake case: the send activity's own latency.
    const sending = { namespace, task_queue: env.taskQueue, activity_type: 'sendMessage' };
    expect(samples(text, 'temporal_activity_execution_latency_count', sending)).not.toEqual([]);
    expect(samples(text, 'dossier_emails_sent_total', { ...sending, kind: 'open-letter' })).toEqual([expect.stringMatching(/ [1-9]\d*$/)]);
    // The lateness of a reminder carries the workflow type under the name the SDK's workflow task latency does.
    const lateness = samples(text, 'dossier_reminder_lateness_count', { namespace, task_queue: env.taskQueue, kind: 'reminder' });
    expect(lateness).not.toEqual([]);
    const workflowType = /workflow_type="([^"]+)"/.exec(lateness[0]!)?.[1];
    expect(workflowType).toBeDefined();
    expect(samples(text, 'temporal_workflow_task_execution_latency_count', { namespace, task_queue: env.taskQueue, workflow_type: workflowType! })).not.toEqual([]);
    // No Dossier series keeps a camel-case twin of a label, which a join on the SDK's would not match.
    expect(text.split('\n').filter((line) => /^dossier_\w+\{[^}]*\b(taskQueue|activityType|workflowType)=/.test(line))).toEqual([]);
  });
  it('counts a letter whose only recipient is refused for good as one refused recipient and no sent message', { timeout: 120_000 }, async () => {
    env.sink.recipientPolicy = (address) => (address === 'privacy@refused.test' ? { code: 550, message: 'No such user' } : undefined);
    try {
      const engagements = new DossierClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
      const id = env.uniqueId('refused');
      const before = await scrape();
      await engagements.startEngagement({ campaign: testCampaign(id), vendor: testVendor('refused'), policy: fastPolicy({ responseDue: '10 minutes', finalNoticeAfter: '20 minutes' }) });
      // The office is told once the letter's refusal is final; the counters were written before.
      await env.sink.waitFor(1, (m) => (m.messageId ?? '').includes(id), 60_000);
      const gained = mailCountsGained(before, await scrape(), env.taskQueue, 'open-letter');
      expect(gained).toEqual({ sent: 0, refused: 1, rejectedAttempts: 1, deferredAttempts: 0 });
    } finally {
      env.sink.recipientPolicy = () => undefined;
    }
  });

  it('counts a letter one recipient deferred once as one sent message, one deferred attempt and no refused recipient', { timeout: 120_000 }, async () => {
    let deferrals = 0;
    env.sink.recipientPolicy = (address) => (address === 'dpo@slow.test' && deferrals++ === 0 ? { code: 451, message: 'Try again later' } : undefined);
    try {
      const engagements = new DossierClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
      const id = env.uniqueId('deferred');
      const vendor = testVendor('slow', { contacts: [{ name: 'Privacy', email: 'privacy@slow.test' }, { name: 'DPO', email: 'dpo@slow.test' }] });
      const before = await scrape();
      const ref = await engagements.startEngagement({ campaign: testCampaign(id), vendor, policy: fastPolicy({ responseDue: '10 minutes', finalNoticeAfter: '20 minutes' }) });
      // The first attempt reaches privacy@, the retry dpo@: two deliveries of one message.
      const [first] = await env.sink.waitFor(2, (m) => (m.messageId ?? '').includes(id), 60_000);
      // The send activity counts before it completes, so once the engagement has moved on every count is in.
      for (let i = 0; i < 120 && (await engagements.status(ref)).stage === 'sending-letter'; i++) await new Promise((r) => setTimeout(r, 250));
      expect((await engagements.status(ref)).stage).not.toBe('sending-letter');
      const text = await scrape();
      expect(env.sink.messages.filter((m) => m.messageId === first!.messageId).flatMap((m) => m.to)).toEqual(['privacy@slow.test', 'dpo@slow.test']);
      expect(mailCountsGained(before, text, env.taskQueue, 'open-letter')).toEqual({ sent: 1, refused: 0, rejectedAttempts: 0, deferredAttempts: 1 });
    } finally {
      env.sink.recipientPolicy = () => undefined;
    }
  });
  it('does not count the time a reply waited for review as lateness of the reminder it held back', { timeout: 120_000 }, async () => {
    const engagements = new DossierClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    const id = env.uniqueId('review');
    const ref = await engagements.startEngagement({ campaign: testCampaign(id), vendor: testVendor('zoom'), policy: fastPolicy({ responseDue: '2s', reminderCadence: ['1s'], finalNoticeAfter: '10 minutes' }) });
    await env.sink.waitFor(1, (m) => (m.messageId ?? '').includes(id), 60_000);
    // A reply the officer must review pauses the reminders; it is read only after the first was due.
    const handle = env.client.workflow.getHandle(ref.workflowId);
    const messageId = `<question-${id}@zoom.test>`;
    await handle.executeUpdate(recordInboundUpdate, {
      args: [{ messageId, from: 'privacy@zoom.test', subject: 'Re: open letter', receivedAt: new Date().toISOString(), kind: 'reply', matchedBy: 'subject', text: 'A question first.', documents: [], notes: [] }],
    });
    await new Promise((r) => setTimeout(r, 6_000));
    const lateness = (text: string) => ({ count: sampleSum(text, 'dossier_reminder_lateness_count', { task_queue: env.taskQueue, kind: 'reminder' }), sum: sampleSum(text, 'dossier_reminder_lateness_sum', { task_queue: env.taskQueue, kind: 'reminder' }) });
    const before = lateness(await scrape());
    await handle.executeUpdate(dismissInboundUpdate, { args: [{ by: 'Officer', messageId, reason: 'a question, not the response' }] });
    // The reminder held back goes as long after the review as it was due after the reply: the worker was not late with it.
    await env.sink.waitFor(2, (m) => (m.messageId ?? '').includes(id), 60_000);
    let after = lateness(await scrape());
    for (let i = 0; i < 40 && after.count === before.count; i++) {
      await new Promise((r) => setTimeout(r, 250));
      after = lateness(await scrape());
    }
    expect(after.count - before.count).toBe(1);
    expect(after.sum - before.sum).toBeLessThan(2_000);
    await handle.terminate('test over');
  });
  it('serves every metric the example alert rules of docs/alerts.md read for the worker', { timeout: 120_000 }, async () => {
    // Each rule as Prometheus needs it, and as an on-call reader needs it: a severity and a summary.
    const groups = exampleAlertRules();
    expect([...groups.keys()]).toEqual(['dossier-worker', 'dossier-intake']);
    const incomplete = [...groups.values()].flat().filter((r) => !(r.alert && r.expr && r.labels?.severity && r.annotations?.summary));
    expect(incomplete.map((r) => r.alert)).toEqual([]);
    const rules = groups.get('dossier-worker') ?? [];
    expect(rules.map((r) => r.alert)).toEqual(expect.arrayContaining(['DossierWorkerDown', 'DossierRemindersLate', 'DossierEmailRecipientsRefused']));
    const read = metricsTheRulesRead(rules);
    expect(read).toEqual(expect.arrayContaining(['dossier_reminder_lateness_bucket', 'dossier_email_recipients_refused_total']));
    // The lateness histogram has series only once a reminder ran: one does here.
    const text = await scrapeAfterAReminder('alerts', read, servesSample);
    expect(read.filter((name) => !servesSample(text, name)), 'metrics the alert rules read that the worker does not serve').toEqual([]);
    // The thresholds are bucket bounds, so the rules count exactly: on time under 2 s, over a minute.
    for (const le of ['2000', '60000']) expect(text).toMatch(new RegExp(`^dossier_reminder_lateness_bucket\\{[^}]*le="${le}"`, 'm'));
  });
  it('counts a letter the relay refused once and took on the retry as one failed attempt and one sent message', { timeout: 120_000 }, async () => {
    let refusals = 0;
    env.sink.messagePolicy = (mail) => ((mail.messageId ?? '').includes('relay-') && refusals++ === 0 ? { code: 451, message: 'Local error in processing' } : undefined);
    try {
      const engagements = new DossierClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
      const id = env.uniqueId('relay');
      const before = await scrape();
      const ref = await engagements.startEngagement({ campaign: testCampaign(id), vendor: testVendor('acme'), policy: fastPolicy({ responseDue: '10 minutes', finalNoticeAfter: '20 minutes' }) });
      await env.sink.waitFor(1, (m) => (m.messageId ?? '').includes(id), 60_000);
      for (let i = 0; i < 120 && (await engagements.status(ref)).stage === 'sending-letter'; i++) await new Promise((r) => setTimeout(r, 250));
      const after = await scrape();
      const relayFaults = (text: string) => sampleSum(text, 'dossier_email_failures_total', { task_queue: env.taskQueue, kind: 'open-letter', reason: 'RelayFault' });
      expect(refusals).toBe(2);
      expect({ ...mailCountsGained(before, after, env.taskQueue, 'open-letter'), relayFaults: relayFaults(after) - relayFaults(before) }).toEqual({ sent: 1, refused: 0, rejectedAttempts: 0, deferredAttempts: 0, relayFaults: 1 });
    } finally {
      env.sink.messagePolicy = () => undefined;
    }
  });
});
