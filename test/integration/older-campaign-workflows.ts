// A campaign as a worker from before the `campaignBoard` query runs it, as far as the workspace's
// board can tell: it answers the status query and no other. A rolling deployment can leave such a
// worker serving running campaigns while the new workspace already asks for the board.
import { condition, setHandler } from '@temporalio/workflow';
import { campaignStatusQuery, type CampaignStatus } from '../../workflows/messages';
import type { CampaignInput } from '../../workflows/types';
import { campaignWorkflowId, engagementWorkflowId } from '../../workflows/workflow-ids';

export async function campaign(input: CampaignInput): Promise<void> {
  const status: CampaignStatus = {
    workflowId: campaignWorkflowId(input.campaign.id),
    campaignId: input.campaign.id,
    reference: input.campaign.reference,
    phase: 'engaging',
    engagements: input.vendors.map((vendor) => ({
      vendorId: vendor.id,
      vendorName: vendor.name,
      workflowId: engagementWorkflowId(input.campaign.id, vendor.id),
      state: 'in-progress',
      addedLate: false,
    })),
    conclusionsSet: false,
    changeRequests: [],
    deliveryFailures: [],
  };
  setHandler(campaignStatusQuery, () => status);
  await condition(() => false);
}
