// Worker configuration, parsed once from the environment at start-up. A missing or malformed
// variable stops the process with a message naming it, before anything connects. Secrets may come
// from files (`*_FILE`) and never appear in logs: `describeConfig` masks them.
import { z } from 'zod';
import { localFolders } from '../config/local-folders';
import { ConfigError, DEFAULT_TASK_QUEUE, loadTemporalTarget, withFileSecrets, type TemporalTarget } from '../config/temporal';
import { loadEncryption, type Encryption } from '../encryption/config';
import { namesSharedStore, openStore, storeSettingsFromEnv, type SharedStore } from '../store';
import { DEFAULT_LEASE_MS } from '../store/postgres';
import { parseIntakeConfig, type MailboxConfig } from '../intake/config';
import { metricsAddressFrom } from './telemetry';

export interface WorkerConfig {
  temporal: TemporalTarget;
  taskQueue: string;
  smtpUrl: string;
  mailFrom: string;
  /** The case mailbox replies go to (Reply-To); `case@<MAIL_FROM's domain>` when absent. */
  caseMailbox?: string;
  /** Published statements, letters and other files users read. */
  outputDir: string;
  /** The worker's own durable state (delivery ledger) when no database is configured. */
  stateDir: string;
  /** Shared state (ledger, keys, published files, documents): PostgreSQL with DATABASE_URL, else local files. */
  store?: SharedStore;
  shutdownGraceMs: number;
  /** Encrypts every payload (encryption/); absent only in tests that look at plaintext on purpose. */
  encryption?: Encryption;
  /** The web workspace's address (DOSSIER_WEB_URL): approval emails link to the statement page there. */
  workspaceUrl?: string;
  /** How much the worker holds and runs at once; `DEFAULT_WORKER_TUNING` when absent. */
  tuning?: WorkerTuning;
  /** The hour of an officer's day, on their clock, the digest Schedule this worker creates sends at (DOSSIER_DIGEST_HOUR). */
  digestHour?: number;
  /**
   * The case mailbox the intake holds mail in (DOSSIER_IMAP_URL or DOSSIER_MAILDIR, as the intake
   * reads them): the digest counts each campaign's holding pen there. Absent: no counts.
   */
  heldMailbox?: MailboxConfig;
  /**
   * How often a worker on local files looks again, while it runs, for workers of another host on its
   * task queue (default LIVE_POLLER_MS / 2 in worker/worker.ts); tests shorten it.
   */
  otherHostsCheckMs?: number;
}

/**
 * What one worker holds and runs at once. With the cache bounded, the worker's memory stops growing
 * with the number of open engagements (BENCHMARKS.md, parts 7 and 8, for what was measured on a
 * 2-core machine); each is an environment variable for a cluster, where the numbers depend on the
 * machine and on how many workers share the task queue.
 */
export interface WorkerTuning {
  /**
   * Engagements kept in memory between their tasks (DOSSIER_MAX_CACHED_WORKFLOWS). The SDK's own
   * default follows the heap limit (about 2,300 for a 4 GiB heap) at 0.5–1 MiB each; one evicted is
   * replayed from its short history when it wakes, which costs a few milliseconds.
   */
  maxCachedWorkflows: number;
  /** Workflow tasks run at once (DOSSIER_WORKFLOW_TASK_SLOTS). */
  workflowTaskSlots: number;
  /**
   * Activities (emails, PDFs) run at once (DOSSIER_ACTIVITY_TASK_SLOTS). The SDK's 100 let a
   * hundred letters render at once, which holds several hundred MiB; sends queue on the SMTP pool
   * anyway, so more slots than connections buy little.
   */
  activityTaskSlots: number;
  /**
   * How long a task waits on this worker's sticky queue before any worker may take it
   * (DOSSIER_STICKY_QUEUE_TIMEOUT_SECONDS). The SDK's 10 s made a busy single worker time its own
   * tasks out and take them again by replay; a longer wait delays the cached workflows of a worker
   * that died without shutting down by as much.
   */
  stickyQueueTimeoutMs: number;
  /** SMTP connections kept open to the relay (DOSSIER_SMTP_POOL_SIZE). */
  smtpPoolSize: number;
}

/**
 * Connections to PostgreSQL beyond the activity slots (DOSSIER_DB_POOL_SIZE's default is their sum):
 * every running activity may hold one, and the payload codec's key reads and the claims' renewals
 * need some of their own.
 */
export const DB_POOL_HEADROOM = 5;

export const DEFAULT_WORKER_TUNING: WorkerTuning = {
  maxCachedWorkflows: 500,
  workflowTaskSlots: 40,
  activityTaskSlots: 20,
  stickyQueueTimeoutMs: 30_000,
  smtpPoolSize: 10,
};

/** The SDK's worker options for a tuning. */
export function workerTuningOptions(tuning: WorkerTuning) {
  return {
    maxCachedWorkflows: tuning.maxCachedWorkflows,
    maxConcurrentWorkflowTaskExecutions: tuning.workflowTaskSlots,
    maxConcurrentActivityTaskExecutions: tuning.activityTaskSlots,
    stickyQueueScheduleToStartTimeout: tuning.stickyQueueTimeoutMs,
  };
}

/** The sender of the embedded set-up, whose mail sink is on this host. */
const DEFAULT_MAIL_FROM = 'Dossier <dossier@localhost>';

const smtpUrl = z
  // Unset, zod's own words ("expected string, received undefined") would follow "SMTP_URL is required".
  .string({ error: (issue) => (issue.input === undefined ? 'the mail relay to send through, e.g. smtp://user@mail.example.org:587 or smtps://mail.example.org:465' : undefined) })
  .trim()
  .refine((v) => {
    try {
      return ['smtp:', 'smtps:'].includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, 'must be a URL such as smtp://user@mail.example.org:587 or smtps://mail.example.org:465');

/**
 * A number from the environment, in decimal digits only (`0x1e`, `1e2` and `-5` are refused rather
 * than read as 30, 100 or a negative), bounded; empty or blank is unset, so `VAR=` in a compose file
 * gives the default instead of 0 (a grace of 0 s would cancel in-flight activities at once).
 */
function envNumber({ min, max, fallback, fraction = false }: { min: number; max: number; fallback: number; fraction?: boolean }) {
  return z.preprocess(blankIsUnset, decimalNumber({ min, max, fraction }).default(fallback));
}

/** The same, with no default: unset is undefined (a default that depends on other variables). */
function optionalEnvNumber({ min, max, fraction = false }: { min: number; max: number; fraction?: boolean }) {
  return z.preprocess(blankIsUnset, decimalNumber({ min, max, fraction }).optional());
}

const blankIsUnset = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

function decimalNumber({ min, max, fraction }: { min: number; max: number; fraction: boolean }) {
  const digits = fraction ? /^\d+(\.\d+)?$/ : /^\d+$/;
  const wording = fraction ? `a number in decimal digits (such as 30 or 2.5) from ${min} to ${max}` : `a whole number in decimal digits from ${min} to ${max}`;
  return z
    .string()
    .trim()
    .regex(digits, `must be ${wording}`)
    .transform(Number)
    .pipe(z.number().min(min, `must be ${wording}`).max(max, `must be ${wording}`));
}

const envSchema = z.object({
  SMTP_URL: smtpUrl,
  SMTP_PASSWORD: z.string().min(1).optional(),
  MAIL_FROM: z
    .string()
    .trim()
    .refine((v) => senderAddress(v) !== undefined, 'must be an address with its domain, e.g. Dossier <dossier@regulator.example> or dossier@regulator.example')
    .default(DEFAULT_MAIL_FROM),
  DOSSIER_CASE_MAILBOX: z
    .string()
    .trim()
    .regex(/^[^\s@+<>]+@[^\s@<>]+$/, 'must be a plain address without "+", e.g. case@regulator.example')
    .optional(),
  DOSSIER_TASK_QUEUE: z.string().trim().regex(/^[\w.-]{1,200}$/, 'letters, digits, . _ - only').default(DEFAULT_TASK_QUEUE),
  // Unset, under DOSSIER_DATA_DIR when it is set (config/local-folders.ts).
  DOSSIER_OUTPUT_DIR: z.string().trim().min(1).optional(),
  DOSSIER_STATE_DIR: z.string().trim().min(1).optional(),
  DOSSIER_SHUTDOWN_GRACE_SECONDS: envNumber({ min: 0, max: 3600, fallback: 30 }),
  DOSSIER_MAX_CACHED_WORKFLOWS: envNumber({ min: 0, max: 1_000_000, fallback: DEFAULT_WORKER_TUNING.maxCachedWorkflows }),
  // The SDK refuses fewer than 2 workflow slots while it caches workflows.
  DOSSIER_WORKFLOW_TASK_SLOTS: envNumber({ min: 2, max: 10_000, fallback: DEFAULT_WORKER_TUNING.workflowTaskSlots }),
  DOSSIER_ACTIVITY_TASK_SLOTS: envNumber({ min: 1, max: 10_000, fallback: DEFAULT_WORKER_TUNING.activityTaskSlots }),
  DOSSIER_STICKY_QUEUE_TIMEOUT_SECONDS: envNumber({ min: 1, max: 3600, fallback: DEFAULT_WORKER_TUNING.stickyQueueTimeoutMs / 1000, fraction: true }),
  DOSSIER_SMTP_POOL_SIZE: envNumber({ min: 1, max: 1000, fallback: DEFAULT_WORKER_TUNING.smtpPoolSize }),
  // Unset: the activity slots plus DB_POOL_HEADROOM.
  DOSSIER_DB_POOL_SIZE: optionalEnvNumber({ min: 1, max: 1000 }),
  DOSSIER_LEDGER_LEASE_SECONDS: envNumber({ min: 1, max: 3600, fallback: DEFAULT_LEASE_MS / 1000, fraction: true }),
  DOSSIER_WEB_URL: z.url({ protocol: /^https?$/, error: 'must be the http(s) address of the web workspace' }).optional(),
  // Unset: the Schedule's own default (DEFAULT_DIGEST_HOUR); read only when the Schedule is created.
  DOSSIER_DIGEST_HOUR: optionalEnvNumber({ min: 0, max: 23 }),
});

/** The variables the schema above reads (a copy of the environment, so a test cannot watch the reads). */
export const WORKER_SCHEMA_VARIABLES: readonly string[] = Object.keys(envSchema.shape);

export function parseWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const problems: string[] = [];
  const resolved = withFileSecrets(env, ['SMTP_PASSWORD'], problems);
  const parsed = envSchema.safeParse(resolved);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = issue.path.join('.');
      problems.push(resolved[name] === undefined ? `${name} is required: ${issue.message}` : `${name}: ${issue.message}`);
    }
  }
  if (parsed.success) {
    const problem = smtpSignInProblem(parsed.data.SMTP_URL, parsed.data.SMTP_PASSWORD !== undefined);
    if (problem) problems.push(problem);
    const sender = senderProblem(parsed.data.SMTP_URL, parsed.data.MAIL_FROM);
    if (sender) problems.push(sender);
    // Sized for a database the environment does not name (DATABASE_URL misspelt, or left out of
    // this host's file): the worker would keep its ledger in local files, apart from the others'.
    if (parsed.data.DOSSIER_DB_POOL_SIZE !== undefined && !namesSharedStore(env)) {
      problems.push(
        'DOSSIER_DB_POOL_SIZE is set, but neither DATABASE_URL nor DATABASE_URL_FILE is: this worker would keep its delivery ledger and keys in local files, ' +
          'apart from the workers that share the database, and could send their messages again. Set DATABASE_URL as on the other hosts, or unset DOSSIER_DB_POOL_SIZE on a single host',
      );
    }
  }
  try {
    // Read again where the endpoint is installed; checked here so that it is listed with the rest.
    metricsAddressFrom(env);
  } catch (err) {
    problems.push(...(err instanceof ConfigError ? err.problems : [String(err)]));
  }
  let heldMailbox: MailboxConfig | undefined;
  try {
    // Named on purpose only: on a cluster, the intake's default Maildir is where nothing delivers.
    if (env.DOSSIER_IMAP_URL?.trim() || env.DOSSIER_MAILDIR?.trim()) heldMailbox = parseIntakeConfig(env).mailbox;
  } catch (err) {
    problems.push(...(err instanceof ConfigError ? err.problems : [String(err)]));
  }
  let temporal: TemporalTarget | undefined;
  try {
    temporal = loadTemporalTarget(env);
  } catch (err) {
    problems.push(...(err instanceof ConfigError ? err.problems : [String(err)]));
  }
  let store: SharedStore | undefined;
  try {
    // With a malformed number the store still opens (on defaults) so that its own problems are listed too.
    const numbers = parsed.success ? parsed.data : undefined;
    const poolSize = numbers && (numbers.DOSSIER_DB_POOL_SIZE ?? numbers.DOSSIER_ACTIVITY_TASK_SLOTS + DB_POOL_HEADROOM);
    store = openStore({
      ...storeSettingsFromEnv(env),
      ...(numbers ? { ledgerLeaseMs: numbers.DOSSIER_LEDGER_LEASE_SECONDS * 1000 } : {}),
      ...(poolSize ? { postgres: { maxConnections: poolSize } } : {}),
    });
  } catch (err) {
    problems.push((err as Error).message);
  }
  let encryption: Encryption | undefined;
  try {
    if (store) encryption = loadEncryption(env, store.keys);
  } catch (err) {
    problems.push((err as Error).message);
  }
  if (problems.length || !parsed.success || !temporal) {
    // Opened only to list its own problems: closed again, so `npm start` (which goes on to stop its
    // server) leaves no pool behind. A pool that never connected ends at once.
    void store?.close().catch(() => undefined);
    throw new ConfigError(problems);
  }
  const v = parsed.data;
  const folders = localFolders(env);
  const url = new URL(v.SMTP_URL);
  // Encoded: the URL's password setter leaves "%" as it is, and the transport decodes what it reads
  // (createSmtpTransport), so "ab%41" would reach the relay as "abA".
  if (v.SMTP_PASSWORD) url.password = encodeURIComponent(v.SMTP_PASSWORD);
  return {
    temporal,
    taskQueue: v.DOSSIER_TASK_QUEUE,
    smtpUrl: url.toString(),
    mailFrom: v.MAIL_FROM,
    ...(v.DOSSIER_CASE_MAILBOX ? { caseMailbox: v.DOSSIER_CASE_MAILBOX } : {}),
    outputDir: folders.outputDir,
    stateDir: folders.stateDir,
    store,
    shutdownGraceMs: v.DOSSIER_SHUTDOWN_GRACE_SECONDS * 1000,
    encryption,
    workspaceUrl: v.DOSSIER_WEB_URL?.replace(/\/+$/, ''),
    ...(v.DOSSIER_DIGEST_HOUR === undefined ? {} : { digestHour: v.DOSSIER_DIGEST_HOUR }),
    ...(heldMailbox ? { heldMailbox } : {}),
    tuning: {
      maxCachedWorkflows: v.DOSSIER_MAX_CACHED_WORKFLOWS,
      workflowTaskSlots: v.DOSSIER_WORKFLOW_TASK_SLOTS,
      activityTaskSlots: v.DOSSIER_ACTIVITY_TASK_SLOTS,
      stickyQueueTimeoutMs: v.DOSSIER_STICKY_QUEUE_TIMEOUT_SECONDS * 1000,
      smtpPoolSize: v.DOSSIER_SMTP_POOL_SIZE,
    },
  };
}

/**
 * A password with no user to sign in as: the transport then attempts no sign-in at all, so the
 * password is silently unused and a relay that requires one turns the letters away.
 */
function smtpSignInProblem(smtpUrl: string, passwordGiven: boolean): string | undefined {
  const url = new URL(smtpUrl);
  if (url.username || !(passwordGiven || url.password)) return undefined;
  const example = `${url.protocol}//<user>@${url.host}`;
  return (
    `SMTP_URL names no user, so the password given (SMTP_PASSWORD, SMTP_PASSWORD_FILE or in the URL) would never be used to sign in: ` +
    `put the user in SMTP_URL (${example}), or unset SMTP_PASSWORD and SMTP_PASSWORD_FILE for a relay that takes mail without signing in`
  );
}

/** The address in `Name <address>` or a bare address, when it has a local part and a domain. */
function senderAddress(mailFrom: string): string | undefined {
  const address = /^[^<>]*<\s*([^<>]*?)\s*>$/.exec(mailFrom)?.[1] ?? mailFrom;
  return /^[^\s@<>"]+@[^\s@<>".]+(\.[^\s@<>".]+)*$/.test(address) ? address : undefined;
}

/**
 * The sender's domain names every Message-ID and the case mailbox replies go to: a relay off this
 * host sending as `localhost` (MAIL_FROM left unset) sends letters whose replies reach no one.
 */
function senderProblem(smtpUrl: string, mailFrom: string): string | undefined {
  const relay = new URL(smtpUrl).hostname.replace(/^\[(.*)\]$/, '$1');
  if (['127.0.0.1', 'localhost', '::1'].includes(relay)) return undefined;
  const domain = senderAddress(mailFrom)?.split('@')[1]?.toLowerCase();
  if (domain !== 'localhost' && !domain?.endsWith('.localhost')) return undefined;
  return (
    `MAIL_FROM: "${mailFrom}" sends from this host's own name through the relay at ${relay}: replies would go to case@${domain} and reach no one. ` +
    'Set MAIL_FROM to the regulator\'s sender, e.g. Dossier <dossier@regulator.example> (the same on every worker and intake)'
  );
}

/** One line for the start-up log, with every secret masked. */
export function describeConfig(config: WorkerConfig): string {
  const smtp = new URL(config.smtpUrl);
  if (smtp.password) smtp.password = '***';
  const tls = config.temporal.connectionOptions.tls ? 'TLS' : 'plaintext';
  const apiKey = config.temporal.connectionOptions.apiKey ? ', API key' : '';
  return (
    `Temporal ${config.temporal.connectionOptions.address} namespace=${config.temporal.namespace} (${tls}${apiKey}), ` +
    `task queue ${config.taskQueue}, SMTP ${smtp.toString()}, state ${config.store?.describe() ?? `local files (output ${config.outputDir})`}, ` +
    `payloads ${config.encryption ? 'encrypted' : 'NOT encrypted'}`
  );
}
