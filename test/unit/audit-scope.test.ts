// What `dossier audit <campaign>` reads: the campaign's workflow and every engagement visibility
// finds for it. Engagements started one by one (`dossier engagement start --campaign-file`) have no
// campaign workflow; their campaign's export is theirs, not a "does not exist".
import Long from 'long';
import { describe, expect, it } from 'vitest';
import { collectAuditTrail } from '../../client/audit';
import { serverKeeping } from '../helpers/audit-history';

const opened = { eventId: 1, eventTime: { seconds: Long.fromNumber(1_790_000_000), nanos: 0 }, workflowExecutionStartedEventAttributes: { workflowType: { name: 'engagement' }, input: { payloads: [] } } };

describe('the audit export of a whole campaign', () => {
  it('exports the engagements of a campaign started one engagement at a time, which has no campaign workflow', async () => {
    const trail = await collectAuditTrail(serverKeeping({ 'engagement:vc:zoom': [opened], 'engagement:vc:acme': [opened] }), { campaignId: 'vc' });
    expect(trail.workflowIds).toEqual(['engagement:vc:acme', 'engagement:vc:zoom']);
    expect(trail.events.filter((e) => e.kind === 'case-opened').map((e) => e.workflowId)).toEqual(['engagement:vc:acme', 'engagement:vc:zoom']);
  });

  it('still says the campaign does not exist when neither its workflow nor any engagement does', async () => {
    await expect(collectAuditTrail(serverKeeping({}), { campaignId: 'vc' })).rejects.toThrow('campaign:vc does not exist (check the campaign and vendor ids)');
  });

  it('reads the campaign workflow first when there is one', async () => {
    const trail = await collectAuditTrail(serverKeeping({ 'campaign:vc': [opened], 'engagement:vc:zoom': [opened] }), { campaignId: 'vc' });
    expect(trail.workflowIds).toEqual(['campaign:vc', 'engagement:vc:zoom']);
  });
});
