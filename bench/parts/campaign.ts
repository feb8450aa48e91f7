// Part campaign: one campaign of N vendors (2,000, the most a campaign takes) run end to end on a
// bench worker, with the 2020 campaign's letter and authorities: every engagement opens and mails
// its letter, none answers, so each is reminded, given its final notice and closed; the lead's texts
// are in, the statement is drafted for all N, every authority approves, and it is published with a
// notice to every vendor. What it measures is what the campaign's history holds against Temporal's
// limits (50 MB, 51,200 events), the largest status the client reads against 2 MB, the time of
// each phase and the worker's memory; the campaign-size limits (README, "Sizes and Temporal's
// limits") were set from estimates, and this checks them.
import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CampaignClient } from '../../client/campaign-api';
import { loadCampaignFile } from '../../client/campaign-file';
import type { ReceivedMail } from '../../infra/mail-sink';
import { PROJECT_ROOT } from '../../paths';
import { patientPolicy, testVendor } from '../../test/helpers/fixtures';
import type { CampaignStatus } from '../../workflows/messages';
import type { CampaignInput } from '../../workflows/types';
import type { Bench } from '../lib/setup';
import { round } from '../lib/stats';

export interface CampaignOptions {
  vendors: number;
}

export interface CampaignPhase {
  name: string;
  seconds: number;
  /** The campaign's history at the phase's end, as the server counts it. */
  historyBytes: number;
  historyEvents: number;
}

export interface CampaignReport {
  settings: CampaignOptions & { letterBytes: number };
  phases: CampaignPhase[];
  /** Mail that reached the sink, by kind (the step's name without its numbers). */
  mail: Record<string, number>;
  /** The largest campaign status the client read, as JSON. */
  largestStatusBytes: number;
  /** The published statement's PDFs. */
  statementBytes: Record<string, number>;
  workerPeakRssMiB: number;
  /** Temporal's limits, beside what was measured. */
  limits: { historyBytes: number; historyEvents: number; payloadBytes: number };
}

const TWENTY_TWENTY = join(PROJECT_ROOT, 'campaigns', 'video-conferencing-2020.yaml');

export async function measureCampaign(bench: Bench, options: CampaignOptions, log: (line: string) => void): Promise<CampaignReport> {
  const taskQueue = `bench-campaign-${randomUUID().slice(0, 8)}`;
  const worker = await bench.startWorker({ taskQueue, encrypted: true });
  const campaigns = new CampaignClient(bench.encryptedClient, { taskQueue, address: bench.server.address });
  const file = loadCampaignFile(TWENTY_TWENTY);
  const id = `bench-campaign-${randomUUID().slice(0, 8)}`;
  // Every letter is out before the first response falls due (opening runs at 10-30 a second here).
  const dueSeconds = Math.ceil(options.vendors / 10) + 60;
  const input: CampaignInput = {
    ...file,
    campaign: { ...file.campaign, id },
    vendors: Array.from({ length: options.vendors }, (_, i) => testVendor(`vendor-${String(i).padStart(4, '0')}`)),
    policy: patientPolicy({
      responseDue: `${dueSeconds} seconds`,
      reminderCadence: ['20 seconds'],
      finalNoticeAfter: '40 seconds',
      closeAfter: '20 seconds',
      approvalReminderEvery: '1 hour',
    }),
    publication: { folder: id, notifyVendors: true },
  };
  const letterBytes = Buffer.byteLength(JSON.stringify(input.campaign.letterBody));

  const mail: Record<string, number> = {};
  const onMail = (m: ReceivedMail) => {
    const step = /^<([^.@]+)/.exec(m.messageId ?? '')?.[1] ?? 'unknown';
    // `reminder-response-1` → reminder-response; `approval-request-v1-opc`, `statement-notice-v1-vendor-x` → before the version.
    const kind = step.replace(/-v\d+(-.*)?$/, '').replace(/-\d+$/, '');
    mail[kind] = (mail[kind] ?? 0) + 1;
    // Thousands of letters with their PDFs: counted, not kept.
    bench.sink.messages.length = 0;
  };
  bench.sink.on('message', onMail);

  let peakRss = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const memory = await worker.memory().catch(() => undefined);
      if (memory) peakRss = Math.max(peakRss, memory.rss / 1024 / 1024);
      await sleep(2_000);
    }
  })();

  const handle = bench.encryptedClient.workflow.getHandle(`campaign:${id}`);
  const phases: CampaignPhase[] = [];
  let largestStatusBytes = 0;
  let phaseStart = performance.now();
  const endPhase = async (name: string) => {
    const info = (await handle.describe()).raw.workflowExecutionInfo;
    const phase = { name, seconds: round((performance.now() - phaseStart) / 1000), historyBytes: Number(info?.historySizeBytes ?? 0), historyEvents: Number(info?.historyLength ?? 0) };
    phases.push(phase);
    log(`[campaign] ${name}: ${phase.seconds} s; history ${round(phase.historyBytes / 1e6)} MB, ${phase.historyEvents} events`);
    phaseStart = performance.now();
  };
  const statusUntil = async (ok: (s: CampaignStatus) => boolean, what: string, timeoutMs: number) => {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const status = await campaigns.status(id);
      largestStatusBytes = Math.max(largestStatusBytes, Buffer.byteLength(JSON.stringify(status)));
      if (ok(status)) return status;
      if (performance.now() > deadline) throw new Error(`[campaign] ${what}: not reached in ${timeoutMs / 1000} s`);
      await sleep(5_000);
    }
  };

  try {
    await campaigns.start(input);
    await statusUntil((s) => s.engagements.length === options.vendors, 'every engagement listed', 600_000);
    await endPhase('started');
    await campaigns.setConclusions(id, {
      by: 'Bench Lead',
      conclusions: { en: ['No company answered in time.'], fr: ['Aucune entreprise n’a répondu à temps.'] },
      lessonsLearned: { en: ['Ask early.'], fr: ['Demander tôt.'] },
    });
    await statusUntil((s) => s.engagements.every((e) => e.outcome !== undefined), 'every engagement ended', 3_600_000);
    await endPhase('ended (letters, reminders, final notices, closures)');
    const drafted = await statusUntil((s) => s.phase === 'approving', 'the first draft', 1_800_000);
    await endPhase('drafted');
    for (const authority of input.campaign.authorities) {
      await campaigns.approve(id, { by: authority.contact.name, authorityId: authority.id, version: drafted.draft!.version });
    }
    const result = await campaigns.result(id);
    await endPhase('published (with a notice to every vendor)');
    const statementBytes: Record<string, number> = {};
    for (const [language, path] of Object.entries(result.published?.files ?? {})) {
      statementBytes[language] = statSync(join(bench.scratch, taskQueue, 'out', path)).size;
    }
    return {
      settings: { ...options, letterBytes },
      phases,
      mail,
      largestStatusBytes,
      statementBytes,
      workerPeakRssMiB: round(peakRss),
      limits: { historyBytes: 50 * 1024 * 1024, historyEvents: 51_200, payloadBytes: 2 * 1024 * 1024 },
    };
  } finally {
    sampling = false;
    await sampler;
    bench.sink.off('message', onMail);
    await handle.terminate('bench over').catch(() => undefined);
    await worker.stop();
  }
}
