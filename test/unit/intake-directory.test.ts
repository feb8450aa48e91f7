// The intake's directory of campaigns by case reference, with its two look-ups stood in for: the
// visibility list of campaigns, and the status query that only campaigns started before the memo
// named their reference still need (the real ones run in test/integration/intake.test.ts).
import { describe, expect, it } from 'vitest';
import type { CampaignSummary, DossierClient, EngagementSummary } from '../../client/api';
import type { CampaignClient } from '../../client/campaign-api';
import { TemporalDirectory } from '../../intake/directory';

const legacyCampaign: CampaignSummary = { workflowId: 'campaign:vc-2020', campaignId: 'vc-2020', executionStatus: 'RUNNING', startedAt: '2020-07-21T09:00:00Z' };

function directoryWith(statusAnswers: boolean[]) {
  const asked: string[] = [];
  const dossier = {
    findCampaigns: async () => [legacyCampaign],
    findEngagements: async () => [{ vendorId: 'zoom' } as EngagementSummary],
  } as unknown as DossierClient;
  const campaigns = {
    status: async (campaignId: string) => {
      asked.push(campaignId);
      if (!statusAnswers[asked.length - 1]) throw new Error('query timed out after 2000 ms');
      return { campaignId, reference: 'OPC-2020-VC' };
    },
  } as unknown as CampaignClient;
  return { directory: new TemporalDirectory(dossier, campaigns, 0), asked };
}

describe('the intake directory of campaigns by case reference', () => {
  it('keeps a campaign started before the memo when its status query misses one refresh', async () => {
    const { directory, asked } = directoryWith([true, false, false]);
    expect(await directory.campaignByReference('opc-2020-vc')).toEqual({ campaignId: 'vc-2020', vendorIds: ['zoom'] });
    // An unknown reference refreshes the directory; the old campaign is busy this time.
    expect(await directory.campaignByReference('OPC-2021-XX')).toBeUndefined();
    expect(asked).toEqual(['vc-2020', 'vc-2020']);
    expect(await directory.campaignByReference('OPC-2020-VC')).toEqual({ campaignId: 'vc-2020', vendorIds: ['zoom'] });
  });

  it('does not match a campaign started before the memo that never answered', async () => {
    const { directory } = directoryWith([false, false]);
    expect(await directory.campaignByReference('OPC-2020-VC')).toBeUndefined();
  });
});
