// The audit export of an engagement whose earlier runs the server no longer keeps (a run that
// continued as new is closed, and deleted once the namespace's retention has passed): what is kept
// is exported, and a row says the rest is gone, instead of the whole export failing.
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
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

describe('audit export across runs', () => {
  it('exports the runs the server keeps and says in a row of its own that the earlier ones are gone', async () => {
    const trail = await collectAuditTrail(clientKeepingLatestRun(), { campaignId: 'vc', vendorId: 'zoom' });
    const gone = trail.events.filter((e) => e.kind === 'history-not-kept');
    expect(gone).toEqual([expect.objectContaining({ workflowId: 'engagement:vc:zoom', at: new Date(1_790_000_000_000).toISOString(), detail: 'run first-run and any before it' })]);
    const [fr] = await pdfPageTexts(await auditPdf(trail, { language: 'fr', exportedAt: '2026-11-29T10:00:00Z' }));
    expect(auditCsv(trail, { language: 'en' }).toString()).toContain('Earlier history no longer kept by the server');
    expect(fr.replace(/\s+/g, ' ')).toContain('Historique antérieur que le serveur ne conserve plus');
  });

  it('still fails, naming the case, when the workflow itself is not found', async () => {
    const client = { workflow: { getHandle: (id: string) => ({ fetchHistory: async () => Promise.reject(new WorkflowNotFoundError('not found', id, undefined)) }) } } as unknown as Client;
    await expect(collectAuditTrail(client, { campaignId: 'vc', vendorId: 'gone' })).rejects.toThrow(/engagement:vc:gone/);
  });
});
