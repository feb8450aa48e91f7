// Why a worker did not start, in one line that names the variable to change. The metrics endpoint,
// the store, the Temporal server and its namespace are first reached as the worker starts; their own errors (the
// SDK's exporter, node-postgres, the SDK's gRPC transport) name none of Dossier's variables, and
// reached the operator as stack traces. `npm run worker` and `npm start` print these the same way.
import { DossierError } from '../workflows/errors';

export const WORKER_START_FAILED = 'WorkerStartFailed';

export class WorkerStartError extends DossierError<typeof WORKER_START_FAILED> {
  constructor(message: string, cause: unknown) {
    super(WORKER_START_FAILED, message, { cause });
  }
}

/**
 * The SDK runtime could not serve `/metrics` there: the port is taken, or the address is not one of
 * this host's (a host name is refused before, by metricsAddressFrom). `variable` is the one that sets it.
 */
export function metricsEndpointFailed(address: string, variable: string | undefined, cause: unknown, examplePort = 9464): WorkerStartError {
  const fix = `${variable ? `set ${variable} to` : 'give'} a free port on one of this host's addresses, e.g. 0.0.0.0:${examplePort}, or stop what holds this one`;
  return new WorkerStartError(`${variable ? `${variable}: ` : ''}cannot serve metrics on ${address} (${reasonOf(cause)}): ${fix}`, cause);
}

/** PostgreSQL did not answer, refused the user, or the schema could not be created or migrated. */
export function storeNotReady(cause: unknown): WorkerStartError {
  return new WorkerStartError(
    `DATABASE_URL: ${lowerFirst(reasonOf(cause))}; check that PostgreSQL runs there and lets this user in, ` +
      "or set DATABASE_URL (or DATABASE_URL_FILE) to the cluster's database",
    cause,
  );
}

/**
 * This host's master keys do not unwrap a data key the shared store holds: the hosts were given
 * different DOSSIER_MASTER_KEYS, or the one that wrapped it was taken out before a rotation ended.
 */
export function masterKeysDiffer(store: string, cause: unknown): WorkerStartError {
  return new WorkerStartError(
    `DOSSIER_MASTER_KEYS: ${lowerFirst(reasonOf(cause))} (${store}); this worker could read and write no case of that campaign: ` +
      'give it the master keys the other hosts have (DOSSIER_MASTER_KEYS or DOSSIER_MASTER_KEYS_FILE)',
    cause,
  );
}

/** The Temporal server at `address` (TEMPORAL_ADDRESS, a profile's, or the embedded set-up's) did not answer. */
export function temporalUnreachable(address: string, cause: unknown): WorkerStartError {
  return new WorkerStartError(
    `TEMPORAL_ADDRESS: cannot reach the Temporal server at ${address} (${reasonOf(cause)}): start the embedded one with \`npm start\`, ` +
      'or set TEMPORAL_ADDRESS (or TEMPORAL_PROFILE) to a running cluster',
    cause,
  );
}

/** The server answered, but has no namespace of that name (gRPC NOT_FOUND on the namespace's first call). */
export function namespaceMissing(namespace: string, address: string, cause: unknown): WorkerStartError {
  return new WorkerStartError(
    `TEMPORAL_NAMESPACE: the Temporal namespace "${namespace}" does not exist on the server at ${address}: ` +
      'set TEMPORAL_NAMESPACE (or the namespace of the TEMPORAL_PROFILE profile) to the one the cases run in, ' +
      `or create it (\`temporal operator namespace create --namespace ${namespace}\`)`,
    cause,
  );
}

/**
 * A worker on local files found workers of another host polling its task queue. Each host's ledger
 * sees only its own sends: a send retried on the other host after a crash here (or the reverse) finds
 * no record, and the vendor gets the letter twice. `others` are the hosts, each with one poller's identity.
 */
export function ledgerApartFromOtherHosts(thisHost: string, others: { host: string; identity: string }[], taskQueue: string, ledger: string): WorkerStartError {
  const hosts = others.map(({ host, identity }) => `${host} (worker ${identity})`).join(', ');
  return new WorkerStartError(
    `DATABASE_URL: this worker on ${thisHost} keeps its delivery ledger in ${ledger}, but workers on ${hosts} poll the same task queue "${taskQueue}": ` +
      'a send retried on one host after a crash on the other would find no record of the first copy, and the vendor would get the message twice. ' +
      'Set DATABASE_URL (or DATABASE_URL_FILE) to the same PostgreSQL on every host (README, "Workers on several hosts"), ' +
      'or give this host a task queue of its own (DOSSIER_TASK_QUEUE); a worker of that host stopped less than two minutes ago still counts',
    undefined,
  );
}

export const WORKER_FAILED = 'WorkerFailed';

/**
 * The worker stopped on an error of its own while it ran. The SDK logs that error ("Worker failed: …")
 * and then, finalizing a worker whose polls were still in flight, rejects with words of its own
 * ("Worker still in use: Expected 1 reference, but got 3") that say nothing of it.
 */
export function workerFailed(cause: unknown): DossierError<typeof WORKER_FAILED> {
  return new DossierError(
    WORKER_FAILED,
    `The worker stopped on an error, logged above as "Worker failed: …"; everything this process started was stopped. ` +
      `Fix what that line names and start it again (the SDK's own last words: ${reasonOf(cause)})`,
    { cause },
  );
}

/**
 * What the process prints when it could not start (or stopped on an error): the message alone, which
 * for every failure above and for a ConfigError says what to change; a stack would bury it.
 */
export function startUpFailureMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The words of the underlying error, without the Rust and OS wrapping (`Os { … message: "…" }`, `Custom { … error: "…" }`, `(os error 98)`). */
function reasonOf(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const quoted = /(?:message|error): "([^"]+)"/.exec(text)?.[1];
  return (quoted ?? text.replace(/^Failed to start prometheus metrics exporter: /, '')).replace(/ \(os error \d+\)$/, '');
}

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);
