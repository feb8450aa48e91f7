// `npm run worker`: a Dossier worker against the Temporal server and mail relay named in the
// environment (TEMPORAL_ADDRESS…, SMTP_URL), or, when none is named, against the embedded set-up
// that `npm start` runs. The SDK shuts it down gracefully on SIGINT/SIGTERM, and the process then
// exits (see below). A start that fails prints one message naming the variable to change
// (worker/start-up-errors.ts) and exits 1.
import { Client } from '@temporalio/client';
import { withEmbeddedProfile } from '../config/embedded-profile';
import { unreadSettingWarnings } from '../config/unread-settings';
import { OFFICER_DIGEST_SCHEDULE_ID } from '../workflows/officer-digest';
import { describeConfig, parseWorkerConfig, type WorkerConfig } from './config';
import { digestScheduleFor, digestScheduleLine, ensureOfficerDigestSchedule } from './officer-digest-schedule';
import { startUpFailureMessage } from './start-up-errors';
import { outlastRepeatedStopSignals } from './stop-signals';
import { installTelemetry, metricsAddressFrom } from './telemetry';
import { createDossierWorker } from './worker';

async function main(): Promise<void> {
  // Before the configuration is checked: a misspelt name may be why a setting it refuses is missing.
  for (const line of unreadSettingWarnings(process.env)) console.warn(line);
  const config = parseWorkerConfig(await withEmbeddedProfile(process.env));
  const metricsAddress = metricsAddressFrom(process.env);
  try {
    installTelemetry({ metricsAddress, metricsVariable: 'DOSSIER_METRICS_ADDRESS' });
  } catch (err) {
    await config.store?.close();
    throw err;
  }
  // npm passes the terminal's Ctrl-C on: a second SIGINT must not end the process while in-flight
  // activities finish (worker/stop-signals.ts). The process exits once the worker has stopped.
  outlastRepeatedStopSignals();
  console.log(`Dossier worker: ${describeConfig(config)}`);
  // Off unless asked for (unlike `npm start`): an operator who expected a scrape target learns why there is none.
  console.log(metricsAddress ? `Metrics: http://${metricsAddress}/metrics` : 'Metrics: off (set DOSSIER_METRICS_ADDRESS, e.g. 0.0.0.0:9464, to serve /metrics)');
  const { run, connection } = await createDossierWorker(config);
  await ensureDigestSchedule(new Client({ connection, namespace: config.temporal.namespace, dataConverter: config.encryption?.dataConverter }), config);
  await run();
  console.log('Dossier worker stopped.');
}

/**
 * The officers' daily digest, as `npm start` schedules it: on a cluster the workers are the only
 * processes that start with the deployment. Idempotent, so every worker may try; one that may not
 * create Schedules still runs its cases, and says how to create it instead.
 */
async function ensureDigestSchedule(client: Client, { taskQueue, digestHour }: Pick<WorkerConfig, 'taskQueue' | 'digestHour'>): Promise<void> {
  try {
    const options = await digestScheduleFor(client, { taskQueue, localHour: digestHour });
    console.log(`Officer digest: ${digestScheduleLine(await ensureOfficerDigestSchedule(client, options), options)}`);
  } catch (err) {
    console.warn(
      `Officer digest: cannot create the Schedule ${OFFICER_DIGEST_SCHEDULE_ID} (${(err as Error).message}); no digest is sent until it exists: ` +
        'start a worker with a role that may create Schedules, or create it with `temporal schedule create` (README, "Officer digest")',
    );
  }
}

// Exits once the worker has stopped rather than when nothing is left open: a mail relay that took a
// connection and stopped answering never completes the close of it, and that one socket would keep
// the process running after SIGTERM until its process manager killed it.
main().then(
  () => process.exit(0),
  (err) => {
    console.error(startUpFailureMessage(err));
    process.exit(1);
  },
);
