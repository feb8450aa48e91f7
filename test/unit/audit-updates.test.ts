// An officer's request the case accepted can still be refused while it is carried out (a deadline
// extension checked again once the calendar answered, the case having moved meanwhile). The audit
// export keeps the request, with who made it, and says it was not done and why.
import type { Client } from '@temporalio/client';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import Long from 'long';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectAuditTrail } from '../../client/audit';
import { auditCsv } from '../../client/audit-report';
import { at, clientWithHistory, payloads } from '../helpers/audit-history';

const officer = 'Marie Leclerc (marie@desk-12, CLI)';

const accepted = (eventId: number, seconds: number, updateId: string, name: string, input: object) => ({
  eventId,
  ...at(seconds),
  workflowExecutionUpdateAcceptedEventAttributes: { protocolInstanceId: updateId, acceptedRequest: { meta: { updateId, identity: '4242@desk-12' }, input: { name, args: payloads({ by: officer, ...input }) } } },
});
const completed = (eventId: number, seconds: number, updateId: string, acceptedEventId: number, outcome: object) => ({
  eventId,
  ...at(seconds),
  workflowExecutionUpdateCompletedEventAttributes: { meta: { updateId }, acceptedEventId: Long.fromNumber(acceptedEventId), outcome },
});

const history = [
  { eventId: 1, ...at(0), workflowExecutionStartedEventAttributes: { workflowType: { name: 'engagement' }, input: payloads({ revision: 3 }) } },
  accepted(2, 10, 'u-refused', 'extendDeadline', { extendBy: '10 working days' }),
  completed(3, 11, 'u-refused', 2, { failure: { message: 'the response is already recorded: there is no deadline to extend', applicationFailureInfo: { type: 'ExtensionRefused', nonRetryable: true } } }),
  accepted(4, 20, 'u-done', 'extendDeadline', { extendBy: '5 working days' }),
  completed(5, 21, 'u-done', 4, { success: payloads({ stage: 'awaiting-response' }) }),
];
const client = clientWithHistory(history);

describe('an officer action the case accepted, then refused while carrying it out', () => {
  it('is kept with who asked, marked as not done with the case’s reason; one carried out is not marked', async () => {
    const trail = await collectAuditTrail(client, { campaignId: 'vc', vendorId: 'zoom' });
    const actions = trail.events.filter((e) => e.kind === 'officer-action');
    expect(actions.map((e) => [e.actor, e.detail, e.notDone])).toEqual([
      [officer, 'extendBy: 10 working days', 'the response is already recorded: there is no deadline to extend'],
      [officer, 'extendBy: 5 working days', undefined],
    ]);
  });

  it('is marked in a history the worker recorded, where a reply arrived while the calendar answered an extension', async () => {
    const file = join(__dirname, '..', 'replay', 'histories', 'engagement-before-patch-extension-reply-race-2026-11-29.json');
    // As the client gives them: times in Long seconds (the JSON reader leaves them numbers).
    const events = historyFromJSON(JSON.parse(readFileSync(file, 'utf8'))).events!.map((e) => ({ ...e, eventTime: { seconds: Long.fromValue(e.eventTime!.seconds as Long), nanos: e.eventTime!.nanos } }));
    const recorded = { ...client, workflow: { getHandle: () => ({ fetchHistory: async () => ({ events }) }) } } as unknown as Client;
    const trail = await collectAuditTrail(recorded, { campaignId: 'vc', vendorId: 'zoom' });
    const extensions = trail.events.filter((e) => e.action === 'extendDeadline');
    expect(extensions).toHaveLength(1);
    expect(extensions[0]!.notDone).toMatch(/^there is nothing to extend/);
  });

  it('says it was not done, in the export’s language', async () => {
    const trail = await collectAuditTrail(client, { campaignId: 'vc', vendorId: 'zoom' });
    expect(auditCsv(trail, { language: 'en' }).toString('utf8')).toContain('extendBy: 10 working days; not done: the case refused it (the response is already recorded: there is no deadline to extend)');
    expect(auditCsv(trail, { language: 'fr' }).toString('utf8')).toContain('non effectué\u00a0: le dossier l’a refusé (the response is already recorded: there is no deadline to extend)');
  });
});
