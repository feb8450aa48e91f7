// The worker's Prometheus endpoint: the SDK's own metrics (workflow and activity task latencies,
// schedule-to-start, sticky cache, slots) and Dossier's (emails sent, refused and resent, reminder
// lateness, intake lag), all through the SDK runtime's exporter on one `/metrics` route. The Runtime
// is process-wide and must be installed before the first connection or worker.
import { createServer, isIPv4 } from 'node:net';
import { DefaultLogger, Runtime, type Logger, type LogLevel } from '@temporalio/worker';
import { ConfigError } from '../config/temporal';
import { logLine } from './log-line';
import { SnakeCaseTagsMeter } from './metric-labels';
import { metricsEndpointFailed } from './start-up-errors';

/** Reminder lateness buckets (ms): "on time" is under 2 s; a minute late is an incident. */
export const REMINDER_LATENESS_BUCKETS_MS = [50, 100, 250, 500, 1_000, 2_000, 5_000, 10_000, 30_000, 60_000, 300_000];

/**
 * Intake lag buckets (ms): arrivals are dated to the second and an idle intake looks every 30 s, so
 * nothing finer than a second; an outage of Temporal or the store makes hours of lag, which a last
 * bound of minutes would lump together (histogram_quantile reports that bound).
 */
export const INTAKE_LAG_BUCKETS_MS = [1_000, 2_000, 5_000, 10_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000, 14_400_000];

export interface TelemetryOptions {
  /** `host:port` for `/metrics`; no endpoint when absent. */
  metricsAddress?: string;
  /** The variable that sets `metricsAddress`, named when it cannot be served. */
  metricsVariable?: string;
  /** The port a message suggests: the process's own default (the worker's 9464, the intake's 9465). */
  examplePort?: number;
  logLevel?: LogLevel;
  /**
   * A logger of the caller's (tests count failures quietly). Otherwise one line a record at `logLevel`
   * (worker/log-line.ts), the core's warnings forwarded to it rather than printed with their stacks.
   */
  logger?: Logger;
  /** Signals the SDK handles by shutting workers down (none in tests, which stop workers themselves). */
  shutdownSignals?: NodeJS.Signals[];
}

export function installTelemetry({ metricsAddress, metricsVariable, examplePort, logLevel = 'INFO', logger, shutdownSignals }: TelemetryOptions = {}): void {
  try {
    installRuntime({ metricsAddress, logLevel, logger, shutdownSignals });
  } catch (err) {
    // The exporter binds as the Runtime is created: a taken port fails here, and nothing is left installed.
    if (metricsAddress) throw metricsEndpointFailed(metricsAddress, metricsVariable, err, examplePort);
    throw err;
  }
}

function installRuntime({ metricsAddress, logLevel, logger, shutdownSignals }: TelemetryOptions): void {
  Runtime.install({
    logger: logger ?? new DefaultLogger(logLevel, (entry) => void process.stderr.write(`${logLine(entry)}\n`)),
    ...(shutdownSignals ? { shutdownSignals } : {}),
    telemetryOptions: {
      ...(logger ? {} : { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } }),
      ...(metricsAddress
        ? {
            metrics: {
              prometheus: {
                bindAddress: metricsAddress,
                countersTotalSuffix: true,
                histogramBucketOverrides: { dossier_reminder_lateness: REMINDER_LATENESS_BUCKETS_MS, dossier_intake_lag: INTAKE_LAG_BUCKETS_MS },
              },
            },
          }
        : {}),
    },
  });
  // Workers, activities and workflows all record through the Runtime's meter, which the SDK offers
  // no option to rename labels in: the one place where every series gets the exporter's label names.
  // Writable: the SDK sets it to a no-op meter when the Runtime shuts down.
  const runtime = Runtime.instance();
  Object.defineProperty(runtime, 'metricMeter', { value: new SnakeCaseTagsMeter(runtime.metricMeter), writable: true });
}

/**
 * `DOSSIER_METRICS_ADDRESS` (e.g. `0.0.0.0:9464`; the intake's is `DOSSIER_INTAKE_METRICS_ADDRESS`,
 * whose messages suggest its own `examplePort`), checked before the Runtime binds it.
 */
export function metricsAddressFrom(env: NodeJS.ProcessEnv, fallback?: string, variable = 'DOSSIER_METRICS_ADDRESS', examplePort = 9464): string | undefined {
  const value = env[variable]?.trim() || fallback;
  if (value === undefined) return undefined;
  if (!/^[^\s:]+:\d{1,5}$/.test(value) || Number(value.split(':').pop()) > 65535) {
    throw new ConfigError([`${variable}: "${value}" must be host:port, e.g. 127.0.0.1:${examplePort}`]);
  }
  // The SDK's exporter binds a socket address and looks up no name: "localhost:9464" would pass
  // here and fail as the Runtime starts, in the SDK's words.
  if (!isIPv4(value.slice(0, value.lastIndexOf(':')))) {
    throw new ConfigError([`${variable}: "${value}" must name an IP address of this host, not a host name, e.g. 127.0.0.1:${examplePort} or 0.0.0.0:${examplePort}`]);
  }
  return value;
}

/**
 * The embedded set-up's endpoint: 127.0.0.1:9464 when free, else any free port (a second `npm start`
 * that only adds a worker must not fail on the first one's endpoint).
 */
export function defaultMetricsAddress(preferredPort = 9464): Promise<string> {
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : port));
      });
    });
  return listen(preferredPort)
    .catch(() => listen(0))
    .then((port) => `127.0.0.1:${port}`);
}
