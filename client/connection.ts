// Where the case officer's commands go: the Temporal server named by TEMPORAL_* variables or a
// client configuration profile (the same rules as the worker's, through `loadTemporalTarget`), and
// the task queue new workflows start on. Connects only when a command first needs the server, with
// a short timeout, so `--help` works offline and an unreachable server is reported in seconds.
// Payloads are encrypted with the worker's keys (encryption/config.ts): the same variables, or the
// development key `npm start` created.
import { Client, Connection } from '@temporalio/client';
import { loadEncryption } from '../encryption/config';
import { ConfigError, DEFAULT_TASK_QUEUE, loadTemporalTarget } from '../config/temporal';
import type { WrappedKeyStore } from '../store';
import { DossierClientError, ClientErrorCode, serverUnreachable } from './errors';

export interface DossierTarget {
  address: string;
  namespace: string;
  taskQueue: string;
}

export interface LazyConnection {
  readonly target: DossierTarget;
  /** Connects on first call; later calls return the same client. */
  client(): Promise<Client>;
  close(): Promise<void>;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

/**
 * `keys`: the data keys of a store the caller already holds (and closes); without it the encryption
 * loader opens a store of its own for them, which stays open as long as the process. `identity`:
 * who the server records as starting a workflow or sending an update (the SDK's `pid@host` when
 * absent). It is kept in plaintext, so the audit export still names who acted once a campaign's key
 * is destroyed and the `by` inside each request can no longer be read.
 */
export function connectLazily(env: NodeJS.ProcessEnv = process.env, { keys, identity }: { keys?: () => WrappedKeyStore; identity?: string } = {}): LazyConnection {
  let temporal: ReturnType<typeof loadTemporalTarget>;
  try {
    temporal = loadTemporalTarget(env);
  } catch (err) {
    const problems = err instanceof ConfigError ? err.problems.join('; ') : String(err);
    throw new DossierClientError(ClientErrorCode.Configuration, problems, { cause: err });
  }
  const target: DossierTarget = {
    address: temporal.connectionOptions.address ?? 'localhost:7233',
    namespace: temporal.namespace,
    taskQueue: env.DOSSIER_TASK_QUEUE?.trim() || DEFAULT_TASK_QUEUE,
  };
  const connectTimeoutMs = Number(env.DOSSIER_CONNECT_TIMEOUT_MS) || DEFAULT_CONNECT_TIMEOUT_MS;
  let connecting: Promise<{ connection: Connection; client: Client }> | undefined;

  const connect = async () => {
    // Keys first: a missing key is a set-up problem to report before any network wait.
    const { dataConverter } = loadEncryption(env, keys?.());
    let connection: Connection;
    try {
      connection = await Connection.connect({ ...temporal.connectionOptions, connectTimeout: connectTimeoutMs });
    } catch (err) {
      throw serverUnreachable(target.address, err);
    }
    return { connection, client: new Client({ connection, namespace: target.namespace, dataConverter, ...(identity ? { identity } : {}) }) };
  };

  return {
    target,
    async client() {
      // A failed attempt is not kept: a workspace that first called while the server was down (a
      // cluster restarting) connects on its next call instead of answering "unreachable" until restarted.
      connecting ??= connect().catch((err: unknown) => {
        connecting = undefined;
        throw err;
      });
      return (await connecting).client;
    },
    async close() {
      if (!connecting) return;
      const opened = await connecting.catch(() => undefined);
      await opened?.connection.close();
    },
  };
}
