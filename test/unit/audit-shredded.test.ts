// The audit export of a case whose campaign key was destroyed (crypto-shredding): every payload is
// unreadable, yet what the history records in plaintext (the stages, who sent a signal) still says
// how the case ended and who acted, and the export counts every row whose content is gone.
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import Long from 'long';
import { describe, expect, it } from 'vitest';
import { collectAuditTrail } from '../../client/audit';
import { auditCsv } from '../../client/audit-report';
import { shreddedClientWithHistory } from '../helpers/audit-history';

const at = (seconds: number) => ({ eventTime: { seconds: Long.fromNumber(1_790_000_000 + seconds), nanos: 0 } });
/** A payload as the codec wrote it: encrypted under a key that no longer exists. */
const sealed = { payloads: [{ metadata: { encoding: Buffer.from('binary/encrypted') }, data: Buffer.from('sealed') }] };
const stage = (eventId: number, seconds: number, value: string) => ({
  eventId,
  ...at(seconds),
  upsertWorkflowSearchAttributesEventAttributes: { searchAttributes: { indexedFields: { DossierStage: defaultPayloadConverter.toPayload(value) } } },
});

/** An engagement the campaign withdrew (the lead withdrew the vendor), then shredded. */
const history = [
  { eventId: 1, ...at(0), workflowExecutionStartedEventAttributes: { workflowType: { name: 'engagement' }, input: sealed } },
  stage(2, 1, 'awaiting-response'),
  {
    eventId: 3,
    ...at(2),
    workflowExecutionSignaledEventAttributes: { signalName: 'withdrawFromCampaign', identity: 'history-service', externalWorkflowExecution: { workflowId: 'campaign:vc', runId: 'r1' }, input: sealed },
  },
  stage(4, 3, 'withdrawn'),
  { eventId: 5, ...at(4), workflowExecutionCompletedEventAttributes: { result: sealed } },
];

const shredded = shreddedClientWithHistory(history);

describe('audit export after crypto-shredding', () => {
  it('says how the case ended, from the stage it ended in, when the workflow result can no longer be read', async () => {
    const { events } = await collectAuditTrail(shredded, { campaignId: 'vc', vendorId: 'zoom' });
    expect(events.filter((e) => e.kind === 'case-closed').map((e) => e.action)).toEqual(['withdrawn']);
  });

  it('names the workflow that sent a signal, not the server’s internal identity, when its content is gone', async () => {
    const { events } = await collectAuditTrail(shredded, { campaignId: 'vc', vendorId: 'zoom' });
    expect(events.filter((e) => e.kind === 'signal').map((e) => [e.action, e.actor])).toEqual([['withdrawFromCampaign', 'campaign:vc']]);
  });

  it('counts every row whose content can no longer be read, the case opened and closed included', async () => {
    const trail = await collectAuditTrail(shredded, { campaignId: 'vc', vendorId: 'zoom' });
    expect(trail.events.filter((e) => e.unreadableError !== undefined).map((e) => e.kind)).toEqual(['case-opened', 'signal', 'case-closed']);
    expect(trail.unreadable).toBe(3);
  });

  it('says in words what each unreadable officer request, email and message received was, not by its code', async () => {
    const sealedUpdate = (eventId: number, seconds: number, name: string) => ({
      eventId,
      ...at(seconds),
      workflowExecutionUpdateAcceptedEventAttributes: { protocolInstanceId: `u${eventId}`, acceptedRequest: { meta: { identity: 'Officer (o@desk, CLI)' }, input: { name, args: sealed } } },
    });
    const events = [
      ...history.slice(0, 2),
      sealedUpdate(10, 10, 'withdraw'),
      sealedUpdate(11, 11, 'recordInbound'),
      { eventId: 12, ...at(12), activityTaskScheduledEventAttributes: { activityType: { name: 'sendMessage' }, input: sealed } },
      { eventId: 13, ...at(13), activityTaskCompletedEventAttributes: { scheduledEventId: 12, result: sealed } },
    ];
    const client = { ...shredded, workflow: { getHandle: () => ({ fetchHistory: async () => ({ events }) }) } } as unknown as Client;
    const trail = await collectAuditTrail(client, { campaignId: 'vc', vendorId: 'zoom' });
    const rows = (language: 'en' | 'fr') =>
      auditCsv(trail, { language })
        .toString('utf8')
        .split('\r\n')
        .filter((line) => /^2026-\d\d-\d\dT\S+,engagement:vc:zoom,(Unreadable|Illisible)/.test(line));
    // Action (in words), before the revision and the received message's language.
    expect(rows('en').map((line) => line.split(',').at(-3))).toEqual(['engagement withdrawn', 'email received', 'email']);
    expect(rows('fr').map((line) => line.split(',').at(-3))).toEqual(['dossier retiré', 'courriel reçu', 'courriel']);
  });
});
