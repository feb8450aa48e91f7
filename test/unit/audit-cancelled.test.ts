// An engagement can be cancelled from outside it: an operator (`temporal workflow cancel`, the Web
// UI) or its campaign ending early. The engagement then withdraws itself; the audit export must say
// who asked for the cancellation, and how a case that ended cancelled or timed out ended.
import type { Client } from '@temporalio/client';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { loadDataConverter } from '@temporalio/common/lib/internal-non-workflow';
import Long from 'long';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectAuditTrail } from '../../client/audit';
import { auditCsv } from '../../client/audit-report';

const at = (seconds: number) => ({ eventTime: { seconds: Long.fromNumber(1_790_000_000 + seconds), nanos: 0 } });
const clientOf = (events: unknown[]) =>
  ({ options: { loadedDataConverter: loadDataConverter() }, workflow: { getHandle: () => ({ fetchHistory: async () => ({ events }) }) } }) as unknown as Client;

describe('a case cancelled from outside', () => {
  it('has a row naming who asked for the cancellation, before the withdrawal it led to, in a history the worker recorded', async () => {
    const file = join(__dirname, '..', 'replay', 'histories', 'engagement-demonstration-cancelled-on-cancellation-2026-11-29.json');
    // As the client gives them: times in Long seconds (the JSON reader leaves them numbers).
    const events = historyFromJSON(JSON.parse(readFileSync(file, 'utf8'))).events!.map((e) => ({ ...e, eventTime: { seconds: Long.fromValue(e.eventTime!.seconds as Long), nanos: e.eventTime!.nanos } }));
    const trail = await collectAuditTrail(clientOf(events), { campaignId: 'record-demo-case-cancel', vendorId: 'zoom' });
    const rows = trail.events.filter((e) => e.action === 'cancelRequested' || e.kind === 'case-closed').map((e) => [e.kind, e.action, e.actor]);
    expect(rows).toEqual([
      ['signal', 'cancelRequested', '17667@vm'],
      ['case-closed', 'withdrawn', 'dossier'],
    ]);
  });

  it('names the campaign that cancelled it, and says a case ended cancelled or timed out, in the export’s language', async () => {
    const opened = { eventId: 1, ...at(0), workflowExecutionStartedEventAttributes: { workflowType: { name: 'engagement' }, input: { payloads: [] } } };
    const cancelled = clientOf([
      opened,
      { eventId: 2, ...at(5), workflowExecutionCancelRequestedEventAttributes: { cause: '', identity: 'history-service', externalWorkflowExecution: { workflowId: 'campaign:vc', runId: 'r' } } },
      { eventId: 3, ...at(6), workflowExecutionCanceledEventAttributes: {} },
    ]);
    const trail = await collectAuditTrail(cancelled, { campaignId: 'vc', vendorId: 'zoom' });
    expect(trail.events.slice(1).map((e) => [e.kind, e.action, e.actor])).toEqual([
      ['signal', 'cancelRequested', 'campaign:vc'],
      ['case-closed', 'cancelled', 'campaign:vc'],
    ]);
    const timedOut = await collectAuditTrail(clientOf([opened, { eventId: 2, ...at(9), workflowExecutionTimedOutEventAttributes: {} }]), { campaignId: 'vc', vendorId: 'zoom' });
    expect(timedOut.events.slice(1).map((e) => [e.kind, e.action])).toEqual([['case-closed', 'timed-out']]);
    const en = auditCsv(trail, { language: 'en' }).toString('utf8');
    expect(en).toContain('cancellation requested');
    expect(en).toContain(',cancelled by an operator or its campaign,');
    expect(auditCsv(timedOut, { language: 'fr' }).toString('utf8')).toContain('arrêté\u00a0: sa durée d’exécution maximale était atteinte');
  });
});

describe('a case an operator reset', () => {
  it('has a row naming who reset it and saying what the export no longer holds', async () => {
    const opened = { eventId: 1, ...at(0), workflowExecutionStartedEventAttributes: { workflowType: { name: 'engagement' }, input: { payloads: [] } } };
    const reset = { eventId: 2, ...at(30), workflowTaskFailedEventAttributes: { cause: 20, failure: { message: 'reset to fix a stuck task' }, identity: 'admin@ops-01', baseRunId: 'run-1', newRunId: 'run-2' } };
    const trail = await collectAuditTrail(clientOf([opened, reset]), { campaignId: 'vc', vendorId: 'zoom' });
    expect(trail.events.slice(1).map((e) => [e.kind, e.action, e.actor, e.detail])).toEqual([['signal', 'reset', 'admin@ops-01', 'reset to fix a stuck task']]);
    expect(auditCsv(trail, { language: 'en' }).toString('utf8')).toContain('what the run before it did after this point is not in this export');
    expect(auditCsv(trail, { language: 'fr' }).toString('utf8')).toContain('ce que l’exécution précédente a fait après ce point n’est pas dans cet export');
  });
});
