// The intake process's own Prometheus endpoint, scraped as a monitoring system would: `npm run
// intake`'s entry point with DOSSIER_INTAKE_METRICS_ADDRESS, against a Temporal server of this
// file's own that the test stops, so mail waits in the case mailbox as it would in an outage.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../paths';
import { messageIdFor } from '../../activities/threading';
import { MaildirMailbox } from '../../intake/maildir-mailbox';
import { engagementWorkflowId } from '../../workflows/workflow-ids';
import { defaultMetricsAddress } from '../../worker/telemetry';
import { exampleAlertRules, metricsTheRulesRead, servesSample } from '../helpers/alert-rules';
import { useDossier } from '../helpers/harness';
import { until } from '../helpers/until';

/** A metric's one sample, or undefined when the endpoint does not serve it. */
function sample(text: string, name: string): number | undefined {
  const line = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
  return line ? Number(line[1]) : undefined;
}

describe('intake metrics', () => {
  const env = useDossier({ ownServer: true });
  let intake: ChildProcess | undefined;

  afterEach(async () => {
    if (intake && intake.exitCode === null && intake.signalCode === null) {
      const exited = new Promise((resolve) => intake!.once('exit', resolve));
      // Killed, not stopped: a message in hand waits on the Temporal server the test stopped.
      intake.kill('SIGKILL');
      await exited;
    }
  });

  it('serves from its start how long mail has waited unrecorded, and it grows while Temporal is down', { timeout: 120_000 }, async () => {
    const scratch = join(env.scratch, 'intake');
    const address = await defaultMetricsAddress(0);
    intake = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'intake', 'main.ts')], {
      cwd: PROJECT_ROOT,
      env: {
        ...env.childEnv,
        DOSSIER_MAILDIR: join(scratch, 'mail'),
        DOSSIER_CASE_MAILBOX: 'case@test.example',
        MAIL_FROM: 'Dossier <dossier@test.example>',
        DOSSIER_STATE_DIR: join(scratch, 'state'),
        DOSSIER_OUTPUT_DIR: join(scratch, 'out'),
        DOSSIER_INTAKE_METRICS_ADDRESS: address,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    intake.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    intake.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    await until(async () => output, (o) => /^Intake metrics/m.test(o), 'the intake serving its metrics', 30_000);
    const scrape = async () => (await fetch(`http://${address}/metrics`)).text();

    // Before any mail: the series are there, at 0, so an alert on them has something to read.
    const idle = await until(scrape, (text) => (sample(text, 'dossier_intake_last_pass_timestamp_seconds') ?? 0) > 0, 'a finished pass on the intake\'s endpoint', 30_000);
    expect(sample(idle, 'dossier_intake_oldest_waiting')).toBe(0);
    expect(idle).toMatch(/^# TYPE dossier_intake_oldest_waiting gauge$/m);
    // Names without a unit: the HELP text gives it.
    expect(idle).toMatch(/^# HELP dossier_intake_oldest_waiting Milliseconds /m);

    await env.server!.stop();
    // A reply to an engagement's letter: only Temporal can record it, so it waits.
    const reply = [
      'From: Privacy <privacy@zoom.test>',
      'To: case@test.example',
      'Subject: Re: Open letter',
      `In-Reply-To: ${messageIdFor(engagementWorkflowId('outage', 'zoom'), 'letter', 'test.example')}`,
      `Message-ID: <outage-${Date.now()}@zoom.test>`,
      `Date: ${new Date().toUTCString()}`,
      '',
      'Please find our response.',
      '',
    ].join('\r\n');
    await new MaildirMailbox(join(scratch, 'mail')).append(Buffer.from(reply));
    // Left in the inbox pass after pass: the wait shows now, not once Temporal is back.
    let last = '';
    const waiting = await until(async () => (last = await scrape()), (text) => (sample(text, 'dossier_intake_oldest_waiting') ?? 0) >= 3_000, 'the waiting message on the intake\'s endpoint', 60_000).catch((err: Error) => {
      throw new Error(`${err.message}; the intake wrote:\n${output}\nand served:\n${last}`);
    });
    expect(sample(waiting, 'dossier_intake_oldest_waiting')).toBeLessThan(60_000);

    // Temporal back: the message is settled (no such engagement: held for an officer), its wait is
    // measured as lag, and none waits any more.
    await env.restartServer();
    const settled = await until(scrape, (text) => sample(text, 'dossier_intake_oldest_waiting') === 0 && servesSample(text, 'dossier_intake_lag_count'), 'the message settled', 90_000);
    // From a second (arrivals are dated to the second) to hours (an outage), with the alert's 2 min a bound.
    const bounds = [...settled.matchAll(/^dossier_intake_lag_bucket\{[^}]*le="([^"]+)"/gm)].map((m) => m[1]);
    expect(bounds).toEqual(expect.arrayContaining(['1000', '120000', '3600000', '14400000']));
    expect(bounds.filter((le) => Number(le) < 1_000)).toEqual([]);
    expect(settled).toMatch(/^# HELP dossier_intake_lag Milliseconds /m);
    const rules = exampleAlertRules().get('dossier-intake') ?? [];
    expect(rules.map((r) => r.alert)).toEqual(expect.arrayContaining(['DossierIntakeDown', 'DossierIntakeMailWaiting', 'DossierIntakeLagHigh']));
    const read = metricsTheRulesRead(rules);
    expect(read.length).toBeGreaterThanOrEqual(3);
    expect(read.filter((name) => !servesSample(settled, name)), 'metrics the alert rules of docs/alerts.md read that the intake does not serve').toEqual([]);
  });
});
