// Builds the Dossier worker from a parsed configuration: one task queue serving every workflow and
// activity. Several of these processes may share a task queue to spread the load.
import { hostname } from 'node:os';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createSmtpTransport, type UnrecordedSends } from '../activities/email';
import { zeroMailCounters } from '../activities/mail-metrics';
import { cliType } from '../infra/dev-server';
import { heldPenIn } from '../intake/held-count';
import { DOSSIER_SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import { DEFAULT_WORKER_TUNING, workerTuningOptions, type WorkerConfig } from './config';
import { ledgerApartFromOtherHosts, masterKeysDiffer, namespaceMissing, storeNotReady, temporalUnreachable, workerFailed } from './start-up-errors';

const GRPC_NOT_FOUND = 5;

export interface DossierWorker {
  worker: Worker;
  /** The worker's connection to Temporal, closed by `run()` when it ends: a client of the process may share it. */
  connection: NativeConnection;
  /** Runs until shutdown (SIGINT/SIGTERM or `worker.shutdown()`), then releases connections. */
  run(): Promise<void>;
}

export type WorkflowSource = Pick<WorkerOptions, 'workflowBundle'> | Pick<WorkerOptions, 'workflowsPath'>;

// A .ts entry point works: the SDK's bundler compiles workflows with swc.
export const WORKFLOWS_PATH = join(__dirname, '..', 'workflows', 'index.ts');

/** A registered search attribute's type as the `temporal` CLI names it (`INDEXED_VALUE_TYPE_DATETIME` → `Datetime`). */
const registeredType = (type: temporal.api.enums.v1.IndexedValueType): string =>
  cliType((temporal.api.enums.v1.IndexedValueType[type] ?? String(type)).replace(/^INDEXED_VALUE_TYPE_/, ''));

/**
 * Refuses to start on a namespace that lacks one of Dossier's search attributes, or holds one with
 * another type: every engagement would otherwise fail its workflow task at its first change of
 * stage, and keep failing, until an operator fixed it.
 */
async function requireSearchAttributes(connection: NativeConnection, namespace: string, address: string): Promise<void> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace }).catch((err: unknown) => {
    // The first call that names the namespace: NOT_FOUND here is a TEMPORAL_NAMESPACE to correct.
    if ((err as { code?: unknown }).code === GRPC_NOT_FOUND) throw namespaceMissing(namespace, address, err);
    // A role without the operator service's list (or a proxy that hides it) gets a sentence, not a bare gRPC status.
    throw new Error(`cannot check namespace "${namespace}" for Dossier's search attributes: ${(err as Error).message}`, { cause: err });
  });
  const missing = DOSSIER_SEARCH_ATTRIBUTES.filter((key) => customAttributes?.[key.name] === undefined);
  if (missing.length) {
    const flags = missing.map((key) => `--name ${key.name} --type ${cliType(key.type)}`).join(' ');
    throw new Error(
      `namespace "${namespace}" lacks Dossier's search attributes ${missing.map((k) => k.name).join(', ')}: ` +
        `register them once with \`temporal operator search-attribute create --namespace ${namespace} ${flags}\`, then start the worker again`,
    );
  }
  const mistyped = DOSSIER_SEARCH_ATTRIBUTES.filter((key) => registeredType(customAttributes![key.name]!) !== cliType(key.type));
  if (mistyped.length) {
    const each = mistyped.map((key) => `${key.name} is ${registeredType(customAttributes![key.name]!)}, Dossier needs ${cliType(key.type)}`);
    throw new Error(
      `namespace "${namespace}" holds Dossier's search attributes with other types (${each.join('; ')}): ` +
        `a search attribute's type cannot change, so remove each (\`temporal operator search-attribute remove --namespace ${namespace} --name …\`) ` +
        'and create it again with the type named here, then start the worker again',
    );
  }
}

/** Data keys a starting worker unwraps to check its master keys: one wrapped by other keys is enough to tell. */
const MASTER_KEY_CHECKS = 20;

/**
 * Refuses to start with master keys that do not unwrap the store's data keys: such a worker fails
 * every task of those campaigns it takes, over and over, while the other hosts run them.
 */
async function requireMasterKeysOfStore(config: WorkerConfig): Promise<void> {
  const { store, encryption } = config;
  if (!store || !encryption) return;
  for (const keyId of (await store.keys.list()).slice(0, MASTER_KEY_CHECKS)) {
    await encryption.keystore.decryptionKey(keyId).catch((err: unknown) => {
      const code = (err as { code?: unknown }).code;
      // A key shredded since it was listed says nothing about the master keys.
      if (code === 'MasterKeyMismatch' || code === 'MasterKeyMissing') throw masterKeysDiffer(store.describe(), err);
    });
  }
}

/**
 * A poller whose last poll is older than this has stopped: a live one polls again as soon as its
 * long poll (a minute at most) ends.
 */
export const LIVE_POLLER_MS = 2 * 60_000;

/** The host an identity names: the SDK's own is `<pid>@<host>`. Another form says nothing of its host. */
export function hostOfIdentity(identity: string): string | undefined {
  return /^\d+@(.+)$/.exec(identity)?.[1];
}

/**
 * The workers of other hosts that poll `taskQueue` now, by the identities the server lists for its
 * workflow and activity pollers, one per host.
 */
async function pollersOfOtherHosts(connection: NativeConnection, namespace: string, taskQueue: string, thisHost: string): Promise<{ host: string; identity: string }[]> {
  const { TaskQueueType, TaskQueueKind } = temporal.api.enums.v1;
  const others = new Map<string, string>();
  for (const taskQueueType of [TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY]) {
    const { pollers } = await connection.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      taskQueueType,
    });
    for (const { identity, lastAccessTime } of pollers ?? []) {
      const host = identity ? hostOfIdentity(identity) : undefined;
      const lastPoll = lastAccessTime?.seconds == null ? Date.now() : Number(lastAccessTime.seconds) * 1000;
      if (host && host !== thisHost && Date.now() - lastPoll <= LIVE_POLLER_MS && !others.has(host)) others.set(host, identity!);
    }
  }
  return [...others].map(([host, identity]) => ({ host, identity }));
}

/**
 * Refuses to start a worker on local files beside workers of another host on its task queue: each
 * host's ledger sees only its own sends, so a retry on one after a crash on the other sends again.
 * With PostgreSQL every host shares the ledger; a worker that cannot list the pollers (a role without
 * the call) starts, and says what it could not check.
 */
async function requireNoOtherHostOnLocalLedger(connection: NativeConnection, config: WorkerConfig, identity: string): Promise<void> {
  const others = await otherHostsOnLocalLedger(connection, config, identity).catch((err: unknown) => {
    Runtime.instance().logger.warn(
      `Cannot list the workers polling task queue ${config.taskQueue} (${(err as Error).message}): whether workers of another host poll it with delivery ledgers of their own is not checked`,
    );
  });
  if (others) throw others;
}

/** The refusal for a worker on local files that shares its task queue with another host's workers; undefined when it does not (or is on PostgreSQL). */
async function otherHostsOnLocalLedger(connection: NativeConnection, config: WorkerConfig, identity: string): Promise<Error | undefined> {
  if (config.store?.kind === 'postgres') return undefined;
  const thisHost = hostOfIdentity(identity) ?? hostname();
  const others = await pollersOfOtherHosts(connection, config.temporal.namespace, config.taskQueue, thisHost);
  return others.length ? ledgerApartFromOtherHosts(thisHost, others, config.taskQueue, config.store?.describe() ?? `local files in ${config.stateDir}`) : undefined;
}

/**
 * While it runs, a worker on local files looks again for workers of another host: two hosts that
 * started together each found the queue empty, and a worker on PostgreSQL does not look. Found, it
 * says so and stops (in-flight activities finish); `run()` then ends with that error, so the process
 * exits 1 with it. A look that fails is tried again at the next tick.
 */
function watchForOtherHosts(connection: NativeConnection, config: WorkerConfig, identity: string, worker: Worker): { stop(): Error | undefined } {
  let found: Error | undefined;
  let looking = false;
  const timer = setInterval(() => {
    if (looking || found) return;
    looking = true;
    void otherHostsOnLocalLedger(connection, config, identity)
      .then((refusal) => {
        if (!refusal || found) return;
        found = refusal;
        Runtime.instance().logger.error(`Stopping: ${refusal.message}`);
        if (worker.getState() === 'RUNNING') worker.shutdown();
      })
      .catch(() => undefined)
      .finally(() => (looking = false));
  }, config.otherHostsCheckMs ?? LIVE_POLLER_MS / 2);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      return found;
    },
  };
}

/** How long a stopping worker keeps trying to write the records its ledger refused while it ran. */
export const UNRECORDED_WRITE_MS = 5_000;

/**
 * A record held in memory ends with the process: its message would then be sent again, once its
 * claim ran out, as a crash's. The worker tries to write each for a few seconds more, and otherwise
 * names every one it leaves, with the ledger's error, for the on-call who must look at the ledger.
 * The same for the copies of open letters the published files refused: each letter was sent, but its
 * copy would be missing from the campaign's publication folder.
 */
async function writeUnrecordedBeforeStop(sends: UnrecordedSends, stores: { ledger: string; files: string }): Promise<void> {
  const until = Date.now() + UNRECORDED_WRITE_MS;
  let left = await sends.flush();
  while ((left.messageIds.length || left.letterCopies.length) && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    left = await sends.flush();
  }
  if (left.messageIds.length) {
    Runtime.instance().logger.error(
      `Stopped with ${left.messageIds.length} message(s) the mail server accepted that the delivery ledger (${stores.ledger}) could not record` +
        `${left.error ? ` (${left.error})` : ''}: ${left.messageIds.join(', ')}. Once each claim has run out, another worker sends it again with the same Message-ID, flagged resentAfterCrash; ` +
        'bring the ledger back before restarting workers to keep those copies to one',
      { messageIds: left.messageIds },
    );
  }
  if (left.letterCopies.length) {
    Runtime.instance().logger.error(
      `Stopped with ${left.letterCopies.length} open letter(s) the mail server accepted whose copy the published files (${stores.files}) could not take` +
        `${left.copyError ? ` (${left.copyError})` : ''}: ${left.letterCopies.join(', ')}. Each letter was sent; its copy is missing from the campaign's publication folder`,
      { letterCopies: left.letterCopies },
    );
  }
}

export async function createDossierWorker(
  config: WorkerConfig,
  source: WorkflowSource = { workflowsPath: WORKFLOWS_PATH },
  extra: Partial<WorkerOptions> = {},
): Promise<DossierWorker> {
  const address = config.temporal.connectionOptions.address ?? 'localhost:7233';
  let connection: NativeConnection | undefined;
  let transport: ReturnType<typeof createSmtpTransport> | undefined;
  try {
    // Schema created or migrated before polling: a wrong DATABASE_URL stops the worker here.
    await config.store?.ready().catch((err: unknown) => {
      throw storeNotReady(err);
    });
    await requireMasterKeysOfStore(config);
    connection = await NativeConnection.connect(config.temporal.connectionOptions).catch((err: unknown) => {
      throw temporalUnreachable(address, err);
    });
    await requireSearchAttributes(connection, config.temporal.namespace, address);
    // The SDK's default identity, made here so that the host checked is the one the server lists.
    const identity = extra.identity ?? `${process.pid}@${hostname()}`;
    await requireNoOtherHostOnLocalLedger(connection, config, identity);
    const tuning = config.tuning ?? DEFAULT_WORKER_TUNING;
    let unrecorded: UnrecordedSends | undefined;
    transport = createSmtpTransport(config.smtpUrl, { maxConnections: tuning.smtpPoolSize });
    const worker = await Worker.create({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.taskQueue,
      ...source,
      activities: createActivities({
        ...config,
        transport,
        keystore: config.encryption?.keystore,
        heldMail: config.heldMailbox && heldPenIn(config.heldMailbox),
        onUnrecorded: (sends) => (unrecorded = sends),
      }),
      // In-flight activities get this long to finish on shutdown; what does not finish is retried by
      // the server on another worker (or this one, restarted), so nothing is lost.
      shutdownGraceTime: config.shutdownGraceMs,
      dataConverter: config.encryption?.dataConverter,
      ...workerTuningOptions(tuning),
      ...extra,
      identity,
    });
    // Every mail series is on the endpoint from the start, so its first send or failure is counted as an increase.
    zeroMailCounters(Runtime.instance().metricMeter, { namespace: config.temporal.namespace, taskQueue: config.taskQueue });
    const opened = { connection, transport };
    return {
      worker,
      connection,
      async run() {
        const watch = config.store?.kind === 'postgres' ? undefined : watchForOtherHosts(opened.connection, config, identity, worker);
        let found: Error | undefined;
        try {
          await worker.run().catch((err: unknown) => {
            throw worker.getState() === 'FAILED' ? workerFailed(err) : err;
          });
        } finally {
          found = watch?.stop();
          if (unrecorded) {
            await writeUnrecordedBeforeStop(unrecorded, {
              ledger: config.store?.describe() ?? `local files in ${config.stateDir}`,
              files: config.store?.describe() ?? `local files in ${config.outputDir}`,
            });
            unrecorded.stop();
          }
          opened.transport.close();
          await opened.connection.close();
          await config.store?.close();
        }
        if (found) throw found;
      },
    };
  } catch (err) {
    // The worker owns its store (run() closes it): one that never started closes it too, and what
    // it had opened, so `npm start`, which goes on to stop its server, leaves nothing open.
    transport?.close();
    await connection?.close().catch(() => undefined);
    await config.store?.close().catch(() => undefined);
    throw err;
  }
}
