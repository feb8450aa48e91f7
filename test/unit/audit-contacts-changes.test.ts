// Two contact changes close together: both may be done in the engagement before the campaign records
// the first one's signal. Each campaign row must still read as its own change (who, how, which
// addresses), not as the other one's (found by review8 with this history).
import { describe, expect, it } from 'vitest';
import { collectAuditTrail } from '../../client/audit';
import { auditCsv } from '../../client/audit-report';
import { at, csvRows, payloads, serverKeeping, updateAccepted, updateCompleted } from '../helpers/audit-history';

const campaignOpened = { eventId: 1, ...at(0), workflowExecutionStartedEventAttributes: { workflowType: { name: 'campaign' }, input: payloads({ campaign: { id: 'vc' } }) } };
const engagementOpened = { eventId: 1, ...at(1), workflowExecutionStartedEventAttributes: { workflowType: { name: 'engagement' }, input: payloads({ revision: 3 }) } };
const changed = (eventId: number, seconds: number, updateId: string, by: string, input: object) => [
  updateAccepted(eventId, seconds, updateId, 'changeContacts', { by, ...input }),
  updateCompleted(eventId + 1, seconds, updateId, eventId, { success: payloads({ stage: 'awaiting-response' }) }),
];
const told = (eventId: number, seconds: number, contacts: object[]) => ({
  eventId,
  ...at(seconds),
  workflowExecutionSignaledEventAttributes: {
    signalName: 'vendorContactsChanged',
    identity: 'history-service',
    externalWorkflowExecution: { workflowId: 'engagement:vc:zoom' },
    input: payloads({ vendorId: 'zoom', contacts }),
  },
});
const privacy = { name: 'Privacy', email: 'privacy@zoom.test' };
const dpo = { name: 'DPO', email: 'dpo@zoom.test' };
const legal = { name: 'Legal', email: 'legal@zoom.test' };

async function campaignRows(histories: Record<string, object[]>): Promise<string[][]> {
  const trail = await collectAuditTrail(serverKeeping(histories), { campaignId: 'vc' });
  const [header, ...rows] = csvRows(auditCsv(trail, { language: 'en' }));
  const col = (n: string) => header!.indexOf(n);
  return rows.filter((r) => r[col('Case')] === 'campaign:vc' && r[col('Action')] === 'vendorContactsChanged').map((r) => [r[col('Who')]!, r[col('Detail')]!]);
}

describe('the campaign audit of contact changes made close together', () => {
  it('gives each campaign row the change whose contacts its signal carried', async () => {
    const rows = await campaignRows({
      // A done at 30 s, B at 31 s; the campaign records A's signal at 32 s, B's at 33 s.
      'campaign:vc': [campaignOpened, told(2, 32, [dpo]), told(3, 33, [legal])],
      'engagement:vc:zoom': [
        engagementOpened,
        ...changed(2, 30, 'u1', 'Alice', { mode: 'replace', contacts: [dpo], reason: 'A' }),
        ...changed(4, 31, 'u2', 'Bob', { mode: 'replace', contacts: [legal], reason: 'B' }),
      ],
    });
    expect(rows.map(([who]) => who)).toEqual(['Alice', 'Bob']);
    expect(rows[0]![1]).toContain('dpo@zoom.test');
    expect(rows[0]![1]).toContain('reason: A');
    expect(rows[1]![1]).toContain('legal@zoom.test');
  });

  it('matches an addition by the contacts it added, which the signal carries last', async () => {
    const rows = await campaignRows({
      'campaign:vc': [campaignOpened, told(2, 32, [privacy, dpo]), told(3, 33, [privacy, dpo, legal])],
      'engagement:vc:zoom': [
        engagementOpened,
        ...changed(2, 30, 'u1', 'Alice', { mode: 'add', contacts: [dpo], reason: 'A' }),
        ...changed(4, 31, 'u2', 'Bob', { mode: 'add', contacts: [legal], reason: 'B' }),
      ],
    });
    expect(rows.map(([who]) => who)).toEqual(['Alice', 'Bob']);
  });
});
