// A reply the intake could not match waits in the holding pen until an officer assigns it to an
// engagement, vouching for its sender. That is an officer's act like any other: the audit export
// names who did it, beside the email received.
import { describe, expect, it } from 'vitest';
import { collectAuditTrail } from '../../client/audit';
import { auditCsv } from '../../client/audit-report';
import { at, clientWithHistory, payloads } from '../helpers/audit-history';

const officer = 'Léa Tremblay (lea, signed in)';

const inbound = (eventId: number, seconds: number, input: object) => ({
  eventId,
  ...at(seconds),
  workflowExecutionUpdateAcceptedEventAttributes: {
    protocolInstanceId: `u${eventId}`,
    acceptedRequest: { meta: { identity: '4242@intake-host' }, input: { name: 'recordInbound', args: payloads({ from: 'dpo@vendor.test', kind: 'reply', subject: 'Our answer', text: 'Here it is.', ...input }) } },
  },
});

const history = [
  { eventId: 1, ...at(0), workflowExecutionStartedEventAttributes: { workflowType: { name: 'engagement' }, input: payloads({ revision: 3 }) } },
  inbound(2, 10, { messageId: '<matched@vendor.test>', matchedBy: 'token' }),
  inbound(3, 20, { messageId: '<held@vendor.test>', matchedBy: 'officer', assignedBy: officer }),
];
const client = clientWithHistory(history);

describe('a reply an officer assigned from the holding pen', () => {
  it('has a row of the officer’s act, naming them, before the email received', async () => {
    const trail = await collectAuditTrail(client, { campaignId: 'vc', vendorId: 'zoom' });
    const rows = trail.events.filter((e) => e.kind !== 'case-opened').map((e) => [e.kind, e.actor, e.action, e.messageId]);
    expect(rows).toEqual([
      ['email-received', 'dpo@vendor.test', 'reply', '<matched@vendor.test>'],
      ['officer-action', officer, 'assignFromHoldingPen', '<held@vendor.test>'],
      ['email-received', 'dpo@vendor.test', 'reply', '<held@vendor.test>'],
    ]);
  });

  it('says the act in the export’s language', async () => {
    const trail = await collectAuditTrail(client, { campaignId: 'vc', vendorId: 'zoom' });
    expect(auditCsv(trail, { language: 'en' }).toString('utf8')).toContain('message assigned from the holding pen, its sender vouched for by the officer');
    expect(auditCsv(trail, { language: 'fr' }).toString('utf8')).toContain('message rattaché depuis le courrier en attente, l’agent se portant garant de l’expéditeur');
  });
});
