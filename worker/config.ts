// Worker configuration, parsed once from the environment at start-up. A missing or malformed
// variable stops the process with a message naming it, before anything connects. Secrets may come
// from files (`*_FILE`) and never appear in logs: `describeConfig` masks them.
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError, DEFAULT_TASK_QUEUE, loadTemporalTarget, withFileSecrets, type TemporalTarget } from '../config/temporal';
import { loadEncryption, type Encryption } from '../encryption/config';
import { openStore, storeSettingsFromEnv, type SharedStore } from '../store';

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
}

const smtpUrl = z
  .string()
  .trim()
  .refine((v) => {
    try {
      return ['smtp:', 'smtps:'].includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, 'must be a URL such as smtp://user@mail.example.org:587 or smtps://mail.example.org:465');

const envSchema = z.object({
  SMTP_URL: smtpUrl,
  SMTP_PASSWORD: z.string().min(1).optional(),
  MAIL_FROM: z.string().trim().min(3).default('Dossier <dossier@localhost>'),
  DOSSIER_CASE_MAILBOX: z
    .string()
    .trim()
    .regex(/^[^\s@+<>]+@[^\s@<>]+$/, 'must be a plain address without "+", e.g. case@regulator.example')
    .optional(),
  DOSSIER_TASK_QUEUE: z.string().trim().regex(/^[\w.-]{1,200}$/, 'letters, digits, . _ - only').default(DEFAULT_TASK_QUEUE),
  DOSSIER_OUTPUT_DIR: z.string().trim().min(1).default('out'),
  DOSSIER_STATE_DIR: z.string().trim().min(1).default('.data/state'),
  DOSSIER_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  DOSSIER_WEB_URL: z.url({ protocol: /^https?$/, error: 'must be the http(s) address of the web workspace' }).optional(),
});

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
  let temporal: TemporalTarget | undefined;
  try {
    temporal = loadTemporalTarget(env);
  } catch (err) {
    problems.push(...(err instanceof ConfigError ? err.problems : [String(err)]));
  }
  let store: SharedStore | undefined;
  try {
    store = openStore(storeSettingsFromEnv(env));
  } catch (err) {
    problems.push((err as Error).message);
  }
  let encryption: Encryption | undefined;
  try {
    if (store) encryption = loadEncryption(env, store.keys);
  } catch (err) {
    problems.push((err as Error).message);
  }
  if (problems.length || !parsed.success || !temporal) throw new ConfigError(problems);
  const v = parsed.data;
  const url = new URL(v.SMTP_URL);
  if (v.SMTP_PASSWORD) url.password = v.SMTP_PASSWORD;
  return {
    temporal,
    taskQueue: v.DOSSIER_TASK_QUEUE,
    smtpUrl: url.toString(),
    mailFrom: v.MAIL_FROM,
    ...(v.DOSSIER_CASE_MAILBOX ? { caseMailbox: v.DOSSIER_CASE_MAILBOX } : {}),
    outputDir: resolve(v.DOSSIER_OUTPUT_DIR),
    stateDir: resolve(v.DOSSIER_STATE_DIR),
    store,
    shutdownGraceMs: v.DOSSIER_SHUTDOWN_GRACE_SECONDS * 1000,
    encryption,
    workspaceUrl: v.DOSSIER_WEB_URL?.replace(/\/+$/, ''),
  };
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
