// `npm start` (worker/start.ts): the main job on embedded defaults. Brings up the Temporal dev
// server (with Web UI), the local mail sink, a worker, the intake (a process of its own, reading the
// case mailbox) and the web workspace (with a development sign-in provider unless
// DOSSIER_OIDC_ISSUER is set); Ctrl-C stops the intake, the workspace and the worker first
// (in-flight activities finish), then the sink and the server. TEMPORAL_ADDRESS / SMTP_URL switch
// to a real cluster and relay. `npm start -- --no-worker` brings up the server and sink alone, so an
// operator can start, stop or kill workers against them (`npm run worker`, or `npm start` again,
// which then runs only a worker against the set-up it finds running).
import { once } from 'node:events';
import { connectLazily } from '../client/connection';
import { sharedStoreOnce } from '../client/shared-store';
import { startEmbedded } from '../infra/embedded';
import { ConfigError } from '../config/temporal';
import { unreadSettingWarnings } from '../config/unread-settings';
import { DEFAULT_WEB_PORT } from '../web/config';
import { checkHoldingPenSettings, startWorkspaceFor } from '../web/start';
import { spawnIntake, type IntakeProcess } from '../intake/spawn';
import { INTAKE_METRICS_PORT } from '../intake/config';
import { describeConfig, parseWorkerConfig } from './config';
import { digestScheduleFor, digestScheduleLine, ensureOfficerDigestSchedule } from './officer-digest-schedule';
import { outlastRepeatedStopSignals } from './stop-signals';
import { defaultMetricsAddress, installTelemetry, metricsAddressFrom } from './telemetry';
import { createDossierWorker } from './worker';

const USAGE = 'usage: npm start [-- --no-worker]';

export async function runMainJob(argv: string[]): Promise<void> {
  const unknown = argv.filter((a) => a !== '--no-worker');
  if (unknown.length) throw new ConfigError([`unknown option ${unknown.join(' ')}; ${USAGE}`]);
  const withWorker = !argv.includes('--no-worker');
  // The intake and the workspace it starts read this environment too: their settings are known here.
  for (const line of unreadSettingWarnings(process.env)) console.warn(line);
  const metricsAddress = metricsAddressFrom(process.env) ?? (await defaultMetricsAddress());
  installTelemetry({ metricsAddress, metricsVariable: 'DOSSIER_METRICS_ADDRESS' });
  // Once the SDK listens for Ctrl-C, and not before (a first one would then go unheard): npm's copy
  // of the terminal's (worker/stop-signals.ts) must not cut the stop short.
  const signals = outlastRepeatedStopSignals();
  try {
    await runJob(withWorker, metricsAddress);
  } finally {
    signals.release();
  }
}

async function runJob(withWorker: boolean, metricsAddress: string): Promise<void> {
  // Approval emails link to the workspace, so the worker learns its address; so do the workers started
  // beside this set-up (`npm run worker`, the demo), from embedded.json. A set-up found running keeps
  // the address it recorded.
  const workspaceUrl = process.env.DOSSIER_WEB_URL ?? `http://127.0.0.1:${process.env.DOSSIER_WEB_PORT ?? DEFAULT_WEB_PORT}`;
  const embedded = await startEmbedded(withWorker ? { workspaceUrl } : {});
  embedded.env.DOSSIER_WEB_URL ??= workspaceUrl;
  // The front ends' one store: the workspace's readers and the client's payload codec (its keys).
  // The worker keeps its own, sized to its activity slots, and closes it when it stops.
  const store = sharedStoreOnce(embedded.env);
  const connection = connectLazily(embedded.env, { keys: () => store().keys });
  let workspace: Awaited<ReturnType<typeof startWorkspaceFor>> | undefined;
  let intake: IntakeProcess | undefined;
  let nothingStarted = false;
  try {
    if (!withWorker) {
      if (embedded.reusedFrom !== undefined) {
        console.log('Nothing to start: the server and sink above are already running.');
        nothingStarted = true;
        return;
      }
      console.log('Ready, without a worker: start one with `npm run worker` in another terminal. Ctrl-C stops the server and sink.');
      await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
      return;
    }
    // The workspace's own start-up checks, as `npm run web` makes them, before the worker reaches the
    // store: the store's settings and database the worker checks itself, the issuer startWorkspaceFor.
    if (embedded.reusedFrom === undefined) checkHoldingPenSettings(embedded.env);
    const config = parseWorkerConfig(embedded.env);
    const { run } = await createDossierWorker(config);
    console.log(`Worker               ${describeConfig(config)}`);
    console.log(`Metrics              http://${metricsAddress}/metrics`);
    const digestClient = await connection.client();
    const digest = await digestScheduleFor(digestClient, { taskQueue: config.taskQueue, localHour: config.digestHour });
    console.log(`Officer digest       ${digestScheduleLine(await ensureOfficerDigestSchedule(digestClient, digest), digest)}`);
    // A set-up found running keeps its own workspace and intake; this process adds only a worker.
    if (embedded.reusedFrom === undefined) {
      workspace = await startWorkspaceFor(connection, embedded.env, undefined, store);
      embedded.env.DOSSIER_INTAKE_METRICS_ADDRESS ??= process.env.DOSSIER_INTAKE_METRICS_ADDRESS ?? (await defaultMetricsAddress(INTAKE_METRICS_PORT));
      intake = spawnIntake(embedded.env);
    }
    console.log('Ready. Press Ctrl-C to stop.');
    await run();
  } finally {
    await intake?.stop();
    await workspace?.stop();
    await connection.close();
    await store.close();
    // Only what this process started: with TEMPORAL_ADDRESS and SMTP_URL given, neither.
    const started = [embedded.sink && 'mail sink', embedded.server && 'Temporal dev server'].filter(Boolean);
    if (started.length) console.log(`Stopping ${started.join(' and ')}…`);
    await embedded.stop();
    // Said when the worker failed too: what this process started is stopped either way, and the
    // failure's own line (worker/start.ts) follows.
    if (!nothingStarted) console.log('Stopped.');
  }
}
