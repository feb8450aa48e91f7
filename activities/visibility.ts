// Listing workflows through Temporal visibility, one workflow at a time robust to what it cannot
// read. The SDK's `client.workflow.list` decodes every memo of a page as it goes, so one campaign
// whose key was destroyed (crypto-shredding) would fail every listing that meets it: the officers'
// list, the board, the intake's directory, the digest. Here each memo is decoded on its own, and an
// unreadable one is left out; search attributes are never encrypted.
import type { Client, WorkflowExecutionStatusName } from '@temporalio/client';
import type { TypedSearchAttributes } from '@temporalio/common';
import { decodeTypedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import { decodeMapFromPayloads } from '@temporalio/common/lib/internal-non-workflow';
import { optionalTsToDate } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';

export interface ListedWorkflow {
  workflowId: string;
  status: WorkflowExecutionStatusName;
  startTime: Date;
  closeTime?: Date;
  typedSearchAttributes: TypedSearchAttributes;
  /** Undefined when the workflow has none, or its key no longer exists. */
  memo?: Record<string, unknown>;
}

const STATUS_PREFIX = 'WORKFLOW_EXECUTION_STATUS_';

/** Every workflow matching a visibility query, newest first, page by page. */
export async function* listWorkflows(client: Client, query: string): AsyncGenerator<ListedWorkflow> {
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await client.workflowService.listWorkflowExecutions({ namespace: client.options.namespace, query, nextPageToken });
    for (const info of page.executions ?? []) {
      const statusName = temporal.api.enums.v1.WorkflowExecutionStatus[info.status ?? 0] ?? 'UNKNOWN';
      let memo: Record<string, unknown> | undefined;
      try {
        memo = (await decodeMapFromPayloads(client.options.loadedDataConverter, info.memo?.fields)) ?? undefined;
      } catch {
        memo = undefined;
      }
      yield {
        workflowId: info.execution?.workflowId ?? '',
        status: statusName.replace(STATUS_PREFIX, '') as WorkflowExecutionStatusName,
        startTime: optionalTsToDate(info.startTime) ?? new Date(0),
        closeTime: optionalTsToDate(info.closeTime) ?? undefined,
        typedSearchAttributes: decodeTypedSearchAttributes(info.searchAttributes?.indexedFields),
        memo,
      };
    }
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
}
