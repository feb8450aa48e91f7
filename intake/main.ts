// `npm run intake`: the intake as a process of its own. It reads the case mailbox until SIGINT or
// SIGTERM, finishing the message in hand before it stops (a message is moved only once recorded,
// so even a kill loses nothing: the next start records it, once). `npm start` runs it beside the
// worker on the embedded defaults; in production run one (or more) next to the workers.
import { Runtime } from '@temporalio/worker';
import { ConfigError } from '../config/temporal';
import { unreadSettingWarnings } from '../config/unread-settings';
import { installTelemetry, metricsAddressFrom } from '../worker/telemetry';
import { describeIntakeConfig, INTAKE_METRICS_PORT, intakeConfigWarnings, intakeMetricsLine } from './config';
import { openIntake } from './open';

async function main(): Promise<void> {
  // Listening from the start, and for good: a stop asked for while the intake opens ends the process
  // there (nothing is in hand yet), and a second signal (the terminal's Ctrl-C, then `npm start`'s
  // SIGTERM) must not end it by default while it records the message in hand.
  const stop = new AbortController();
  let running = false;
  stop.signal.addEventListener('abort', () => {
    if (!running) process.exit(0);
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => stop.abort());
  // Spawned by `npm start` (spawn.ts): the end of stdin means that process died without stopping it.
  const watchesParent = process.env.DOSSIER_INTAKE_STOPS_WITH_PARENT === '1';
  if (watchesParent) {
    process.stdin.once('end', () => stop.abort());
    process.stdin.resume();
  }
  // Before the configuration is checked, as the worker does: a misspelt name may be why a setting it
  // refuses is missing. Spawned by `npm start`, whose own start named them once already.
  if (!watchesParent) for (const line of unreadSettingWarnings(process.env)) console.warn(line);
  for (const line of intakeConfigWarnings(process.env)) console.warn(line);
  // Its own Prometheus endpoint (the SDK runtime's exporter, as the worker's): the intake is a process apart.
  const metricsAddress = metricsAddressFrom(process.env, undefined, 'DOSSIER_INTAKE_METRICS_ADDRESS', INTAKE_METRICS_PORT);
  if (metricsAddress) installTelemetry({ metricsAddress, metricsVariable: 'DOSSIER_INTAKE_METRICS_ADDRESS', examplePort: INTAKE_METRICS_PORT, shutdownSignals: [] });
  const opened = await openIntake(process.env, (line) => console.log(line), undefined, metricsAddress ? Runtime.instance().metricMeter : undefined);
  console.log(`Intake               ${describeIntakeConfig(opened.config)}`);
  console.log(intakeMetricsLine(metricsAddress));
  running = true;
  try {
    await opened.intake.run(stop.signal);
  } finally {
    await opened.close();
  }
}

// Exits once the intake has stopped rather than when nothing is left open: the SDK's Runtime (its
// metrics endpoint, its log forwarding) keeps the event loop alive for good, and an intake that had
// stopped reading mail went on holding its port and ignoring SIGTERM until it was killed.
main().then(
  () => process.exit(0),
  (err) => {
    console.error(err instanceof ConfigError ? err.message : err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
