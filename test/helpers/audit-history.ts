// Histories written by hand for the audit export's unit tests: the events a server would return,
// read through a client that has no server behind it.
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter, WorkflowNotFoundError, type Payload } from '@temporalio/common';
import { loadDataConverter } from '@temporalio/common/lib/internal-non-workflow';
import Long from 'long';

/** An event's time, `seconds` after a fixed moment (so rows sort as the events were written). */
export const at = (seconds: number) => ({ eventTime: { seconds: Long.fromNumber(1_790_000_000 + seconds), nanos: 0 } });

/** `value` as the payloads an event carries, unencrypted. */
export const payloads = (value: unknown) => ({ payloads: [defaultPayloadConverter.toPayload(value)] });

/** An update the server accepted: `name` called with `input`, sent by a process on an officer's desk. */
export const updateAccepted = (eventId: number, seconds: number, updateId: string, name: string, input: object) => ({
  eventId,
  ...at(seconds),
  workflowExecutionUpdateAcceptedEventAttributes: { protocolInstanceId: updateId, acceptedRequest: { meta: { updateId, identity: '4242@desk-12' }, input: { name, args: payloads(input) } } },
});

/** The update accepted as `acceptedEventId` completed, by default with an empty result. */
export const updateCompleted = (eventId: number, seconds: number, updateId: string, acceptedEventId: number, outcome: object = { success: payloads({}) }) => ({
  eventId,
  ...at(seconds),
  workflowExecutionUpdateCompletedEventAttributes: { meta: { updateId }, acceptedEventId: Long.fromNumber(acceptedEventId), outcome },
});

/** A server that keeps the histories named, and lists the engagements among them for visibility. */
export function serverKeeping(histories: Record<string, unknown[]>): Client {
  return {
    options: { namespace: 'default', loadedDataConverter: loadDataConverter() },
    workflowService: {
      listWorkflowExecutions: async () => ({
        executions: Object.keys(histories)
          .filter((id) => id.startsWith('engagement:'))
          .map((workflowId) => ({ execution: { workflowId, runId: 'r' }, status: 2 })),
      }),
    },
    workflow: {
      getHandle: (workflowId: string, runId?: string) => ({
        fetchHistory: async () => {
          const events = histories[workflowId];
          if (!events) throw new WorkflowNotFoundError('workflow execution not found', workflowId, runId);
          return { events };
        },
      }),
    },
  } as unknown as Client;
}

/** A client whose every workflow handle answers `events` as its history. */
export const clientWithHistory = (events: object[]): Client =>
  ({
    options: { loadedDataConverter: loadDataConverter() },
    workflow: { getHandle: () => ({ fetchHistory: async () => ({ events }) }) },
  }) as unknown as Client;

/** A client whose every workflow handle answers `events`, read as after crypto-shredding: no payload opens. */
export const shreddedClientWithHistory = (events: object[], campaignId = 'vc'): Client =>
  ({
    options: {
      loadedDataConverter: loadDataConverter({
        payloadCodecs: [
          {
            encode: async (p: Payload[]) => p,
            decode: async () => {
              throw Object.assign(new Error(`data key "campaign-${campaignId}" does not exist: campaign "${campaignId}" was shredded`), { code: 'KeyShredded' });
            },
          },
        ],
      }),
    },
    workflow: { getHandle: () => ({ fetchHistory: async () => ({ events }) }) },
  }) as unknown as Client;

/** The audit CSV's rows (after its byte order mark), its fields quoted as RFC 4180 quotes them (a sentence holds commas). */
export function csvRows(bytes: Buffer): string[][] {
  const text = bytes.subarray(3).toString('utf8');
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      for (i++; i < text.length && !(text[i] === '"' && text[i + 1] !== '"'); i++) field += text[i] === '"' ? text[++i] : text[i];
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      rows.push([...row, field]);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}
