// One vendor engagement, from the open letter to its conclusion. Deterministic: every wait is a
// timer or condition, every side effect an activity, every duration from the input's policy.
import { proxyActivities, condition, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { NON_RETRYABLE_ERROR_TYPES } from '../activities/errors';
import { engagementStatusQuery, recordResponseUpdate, type EngagementStatus } from './messages';
import type { EngagementInput, EngagementStage, TimelineEntry, VendorResponse } from './types';
import { engagementWorkflowId } from './types';

const email = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5 minutes', nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES },
});

export async function engagement(input: EngagementInput): Promise<EngagementStatus> {
  const { campaign, vendor } = input;
  const workflowId = engagementWorkflowId(campaign.id, vendor.id);
  let stage: EngagementStage = 'sending-letter';
  let response: VendorResponse | undefined;
  const timeline: TimelineEntry[] = [];
  const status = (): EngagementStatus => ({
    workflowId,
    campaignId: campaign.id,
    vendorId: vendor.id,
    vendorName: vendor.name,
    stage,
    timeline,
    openQuestions: [],
    questions: [],
    demonstrations: [],
    remindersSent: [],
    response,
    deliveryFailures: [],
  });
  setHandler(engagementStatusQuery, status);
  setHandler(recordResponseUpdate, (input) => {
    response = { receivedAt: input.receivedAt, summary: input.summary, attachments: input.attachments };
    stage = 'responded';
    return status();
  });
  await email.sendMessage({
    threadId: workflowId,
    step: 'letter',
    kind: 'open-letter',
    language: vendor.language,
    to: vendor.contacts,
    campaign,
    vendor,
    details: {},
  });
  timeline.push({ at: new Date().toISOString(), by: 'dossier', what: 'letter sent' });
  stage = 'awaiting-response';
  await condition(() => response !== undefined, input.policy.responseDue);
  return status();
}
