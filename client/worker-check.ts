// Before a query or an update, make sure some worker polls the workflow's task queue. Without one
// the server holds the request until its own deadline (about 35 s) and then answers with an
// opaque failure; it can instead tell at once that nobody is polling, and the officer learns
// what to start.
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { ClientErrorCode, DossierClientError } from './errors';

export function noWorker(what: string, taskQueue: string): DossierClientError {
  return new DossierClientError(
    ClientErrorCode.NoWorker,
    `no worker is polling task queue "${taskQueue}", so ${what} cannot answer: start one with \`npm start\` ` +
      '(embedded) or `npm run worker` (against a cluster); nothing is lost, the case waits for it',
    { wording: { key: 'no-worker', values: { taskQueue, what } } },
  );
}

/**
 * Throws `NoWorker` when the workflow exists but no worker polls its task queue. A query needs a
 * worker even once the workflow has ended (it replays the history); an update to an ended workflow
 * is refused by the server itself. Errors of the describe call (not found, unreachable) propagate
 * for the caller to translate.
 */
export async function requireWorker(client: Client, workflowId: string, what: string, purpose: 'query' | 'update'): Promise<void> {
  const description = await client.workflow.getHandle(workflowId).describe();
  if (purpose === 'update' && description.status.name !== 'RUNNING') return;
  const { pollers } = await client.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: { name: description.taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  if (!pollers?.length) throw noWorker(what, description.taskQueue);
}

/**
 * Runs a query or update once a worker polls, asking a query a second time when the first meets the queue
 * of a worker that has just died. The server sends a workflow's tasks to the worker that last ran it
 * (its sticky queue); killed, that worker leaves the next query waiting there until the server
 * answers FAILED_PRECONDITION "no poller seen recently" and drops the stickiness, so the second
 * asking reaches a live worker. A second such answer is reported as no worker.
 */
export async function withWorker<T>(client: Client, workflowId: string, what: string, purpose: 'query' | 'update', fn: () => Promise<T>): Promise<T> {
  await requireWorker(client, workflowId, what, purpose);
  // An update is never answered so (the SDK waits for a worker), and asking twice could apply it twice.
  if (purpose === 'update') return fn();
  try {
    return await fn();
  } catch (err) {
    if (!isNoRecentPoller(err)) throw err;
  }
  await requireWorker(client, workflowId, what, purpose);
  try {
    return await fn();
  } catch (err) {
    if (!isNoRecentPoller(err)) throw err;
    const { taskQueue } = await client.workflow.getHandle(workflowId).describe();
    throw noWorker(what, taskQueue);
  }
}

// gRPC status 9 with the matching service's words; other FAILED_PRECONDITIONs are real refusals.
function isNoRecentPoller(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const { code, details } = e as { code?: unknown; details?: unknown };
    if (code === 9 && typeof details === 'string' && /no poller seen/i.test(details)) return true;
  }
  return false;
}
