// Listing workflows through Temporal visibility, one workflow at a time robust to what it cannot
// read. The SDK's `client.workflow.list` decodes every memo of a page as it goes, so one campaign
// whose key was destroyed (crypto-shredding) would fail every listing that meets it: the officers'
// list, the board, the intake's directory, the digest. Here each memo is decoded on its own, and an
// unreadable one is left out; search attributes are never encrypted.
import type { Client, WorkflowExecutionStatusName } from '@temporalio/client';
import type { Payload, TypedSearchAttributes } from '@temporalio/common';
import { decodeTypedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import { decodeArrayFromPayloads, decodeMapFromPayloads } from '@temporalio/common/lib/internal-non-workflow';
import { optionalTsToDate } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';

export interface ListedWorkflow {
  workflowId: string;
  status: WorkflowExecutionStatusName;
  /** The task queue its run was started on. */
  taskQueue: string;
  startTime: Date;
  closeTime?: Date;
  typedSearchAttributes: TypedSearchAttributes;
  /** Undefined when the workflow has none, or its key no longer exists. */
  memo?: Record<string, unknown>;
}

const STATUS_PREFIX = 'WORKFLOW_EXECUTION_STATUS_';

export interface ListOptions {
  /**
   * Decode a page's memos in one codec call (one read of each campaign's key per page), falling
   * back to one call per memo when that fails (a shredded key among them). Default true; false
   * decodes one by one, as the bench compares.
   */
  batchMemos?: boolean;
}

/** Every workflow matching a visibility query, in the server's order, page by page. */
export async function* listWorkflows(client: Client, query: string, options: ListOptions = {}): AsyncGenerator<ListedWorkflow> {
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await listWorkflowPage(client, query, { ...options, nextPageToken });
    yield* page.workflows;
    nextPageToken = page.nextPageToken;
  } while (nextPageToken);
}

export interface PageOptions extends ListOptions {
  /** Rows per page; the server's default (1,000 on the dev server) when omitted. */
  pageSize?: number;
  /** Where the previous page stopped, as the server said; the first page when omitted. */
  nextPageToken?: Uint8Array;
  /**
   * Decode the memos (default true). A list that needs only ids and search attributes says false:
   * a page's memos are a codec call, a read of each campaign's key.
   */
  memos?: boolean;
}

export interface ListedPage {
  workflows: ListedWorkflow[];
  /** Undefined on the last page. */
  nextPageToken?: Uint8Array;
}

/**
 * One page of a visibility query. The server's cost grows with the rows it returns (on the dev
 * server's SQLite, about half a millisecond of its CPU per engagement), so a screen asks for the
 * rows it shows and carries the token to the next page.
 */
export async function listWorkflowPage(client: Client, query: string, { batchMemos = true, pageSize, nextPageToken, memos: decode = true }: PageOptions = {}): Promise<ListedPage> {
  const page = await client.workflowService.listWorkflowExecutions({ namespace: client.options.namespace, query, pageSize, nextPageToken });
  const executions = page.executions ?? [];
  const memos = !decode ? executions.map(() => undefined) : batchMemos ? await decodePageMemos(client, executions) : undefined;
  const workflows: ListedWorkflow[] = [];
  for (const [i, info] of executions.entries()) {
    const statusName = temporal.api.enums.v1.WorkflowExecutionStatus[info.status ?? 0] ?? 'UNKNOWN';
    let memo: Record<string, unknown> | undefined = memos?.[i];
    if (!memos) {
      try {
        memo = (await decodeMapFromPayloads(client.options.loadedDataConverter, info.memo?.fields)) ?? undefined;
      } catch {
        memo = undefined;
      }
    }
    workflows.push({
      workflowId: info.execution?.workflowId ?? '',
      status: statusName.replace(STATUS_PREFIX, '') as WorkflowExecutionStatusName,
      taskQueue: info.taskQueue ?? '',
      startTime: optionalTsToDate(info.startTime) ?? new Date(0),
      closeTime: optionalTsToDate(info.closeTime) ?? undefined,
      typedSearchAttributes: decodeTypedSearchAttributes(info.searchAttributes?.indexedFields),
      memo,
    });
  }
  return { workflows, nextPageToken: page.nextPageToken?.length ? page.nextPageToken : undefined };
}

/** Every memo of a page through one codec call; undefined (decode one by one) if any cannot be read. */
async function decodePageMemos(
  client: Client,
  executions: temporal.api.workflow.v1.IWorkflowExecutionInfo[],
): Promise<(Record<string, unknown> | undefined)[] | undefined> {
  const { payloadCodecs, payloadConverter } = client.options.loadedDataConverter;
  const fields = executions.map((info) => Object.entries(info.memo?.fields ?? {}));
  let payloads = fields.flat().map(([, payload]) => payload as Payload);
  try {
    for (const codec of [...payloadCodecs].reverse()) payloads = await codec.decode(payloads);
    let next = 0;
    return fields.map((entries) =>
      entries.length ? Object.fromEntries(entries.map(([name]) => [name, payloadConverter.fromPayload(payloads[next++])])) : undefined,
    );
  } catch {
    return undefined;
  }
}

/**
 * The input the workflow's current run was started with, read from the first event of its history
 * alone (a page of one, however long the history); undefined when the start carries none.
 */
export async function startInputOf<T>(client: Client, workflowId: string): Promise<T | undefined> {
  const page = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace,
    execution: { workflowId },
    maximumPageSize: 1,
  });
  const payloads = page.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
  if (!payloads?.length) return undefined;
  const [input] = await decodeArrayFromPayloads(client.options.loadedDataConverter, payloads);
  return input as T;
}
