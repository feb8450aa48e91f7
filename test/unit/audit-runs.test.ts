// The audit export of an engagement whose earlier runs the server no longer keeps (a run that
// continued as new is closed, and deleted once the namespace's retention has passed): what is kept
// is exported, and a row says the rest is gone, instead of the whole export failing.
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter, WorkflowNotFoundError } from '@temporalio/common';
import { loadDataConverter } from '@temporalio/common/lib/internal-non-workflow';
import Long from 'long';
import { describe, expect, it } from 'vitest';
import { collectAuditTrail } from '../../client/audit';
import { auditCsv, auditPdf } from '../../client/audit-report';
import { pdfPageTexts } from '../helpers/pdf';

const started = (seconds: number, continuedExecutionRunId?: string) => ({
  eventId: 1,
  eventTime: { seconds: Long.fromNumber(seconds), nanos: 0 },
  workflowExecutionStartedEventAttributes: { workflowType: { name: 'engagement' }, input: { payloads: [] }, ...(continuedExecutionRunId ? { continuedExecutionRunId } : {}) },
});

/** A client whose server keeps the latest run only: the one before it was deleted. */
function clientKeepingLatestRun(): Client {
  const runs: Record<string, unknown[]> = { latest: [started(1_790_000_000, 'first-run')] };
  return {
    options: { loadedDataConverter: loadDataConverter() },
    workflow: {
      getHandle: (workflowId: string, runId?: string) => ({
        fetchHistory: async () => {
          const events = runs[runId ?? 'latest'];
          if (!events) throw new WorkflowNotFoundError('workflow execution not found', workflowId, runId);
          return { events };
        },
      }),
    },
  } as unknown as Client;
}

/** An upsert of the board's stage, as an engagement's history records it. */
const stageListed = (eventId: number, seconds: number, stage: string) => ({
  eventId,
  eventTime: { seconds: Long.fromNumber(seconds), nanos: 0 },
  upsertWorkflowSearchAttributesEventAttributes: { searchAttributes: { indexedFields: { DossierStage: defaultPayloadConverter.toPayload(stage) } } },
});

describe('audit export across runs', () => {
  it('exports the runs the server keeps and says in a row of its own that the earlier ones are gone', async () => {
    const trail = await collectAuditTrail(clientKeepingLatestRun(), { campaignId: 'vc', vendorId: 'zoom' });
    const gone = trail.events.filter((e) => e.kind === 'history-not-kept');
    expect(gone).toEqual([expect.objectContaining({ workflowId: 'engagement:vc:zoom', at: new Date(1_790_000_000_000).toISOString(), earlierRun: 'first-run' })]);
    const [fr] = await pdfPageTexts(await auditPdf(trail, { language: 'fr', exportedAt: '2026-11-29T10:00:00Z' }));
    expect(auditCsv(trail, { language: 'en' }).toString()).toContain('Earlier history no longer kept by the server');
    expect(auditCsv(trail, { language: 'en' }).toString()).toContain('run first-run and any before it');
    expect(fr.replace(/\s+/g, ' ')).toContain('Historique antérieur que le serveur ne conserve plus');
  });

  it('reports an earlier run gone when the server answers with its bare gRPC NOT_FOUND, as fetchHistory passes it on', async () => {
    const client = {
      options: { loadedDataConverter: loadDataConverter() },
      workflow: {
        getHandle: (workflowId: string, runId?: string) => ({
          fetchHistory: async () => {
            if (!runId) return { events: [started(1_790_000_000, 'first-run')] };
            throw Object.assign(new Error(`5 NOT_FOUND: workflow execution not found for workflow ID: ${workflowId}`), { code: 5, details: 'workflow execution not found' });
          },
        }),
      },
    } as unknown as Client;
    const trail = await collectAuditTrail(client, { campaignId: 'vc', vendorId: 'zoom' });
    expect(trail.events.filter((e) => e.kind === 'history-not-kept')).toEqual([expect.objectContaining({ workflowId: 'engagement:vc:zoom', earlierRun: 'first-run' })]);
  });

  it('lists a stage a continued run publishes again once, as the one change it is', async () => {
    const runs: Record<string, unknown[]> = {
      first: [started(1_790_000_000), stageListed(2, 1_790_000_010, 'follow-up'), { eventId: 3, eventTime: { seconds: Long.fromNumber(1_790_000_020), nanos: 0 }, workflowExecutionContinuedAsNewEventAttributes: {} }],
      latest: [started(1_790_000_021, 'first'), stageListed(2, 1_790_000_022, 'follow-up'), stageListed(3, 1_790_000_030, 'concluded')],
    };
    const client = {
      options: { loadedDataConverter: loadDataConverter() },
      workflow: { getHandle: (_id: string, runId?: string) => ({ fetchHistory: async () => ({ events: runs[runId ?? 'latest'] }) }) },
    } as unknown as Client;
    const trail = await collectAuditTrail(client, { campaignId: 'vc', vendorId: 'zoom' });
    expect(trail.events.filter((e) => e.kind === 'stage').map((e) => e.action)).toEqual(['follow-up', 'continued-as-new', 'concluded']);
  });

  it('still fails, naming the case, when the workflow itself is not found', async () => {
    const client = { workflow: { getHandle: (id: string) => ({ fetchHistory: async () => Promise.reject(new WorkflowNotFoundError('not found', id, undefined)) }) } } as unknown as Client;
    await expect(collectAuditTrail(client, { campaignId: 'vc', vendorId: 'gone' })).rejects.toThrow(/engagement:vc:gone/);
  });
});
