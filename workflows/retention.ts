// Crypto-shredding on a schedule: once a campaign's statement is published, its histories are kept
// readable for the retention period, then the campaign's data key is destroyed. The published
// statement (files under the output folder) stays. This workflow's own ID is outside the campaign's
// key (see encryption/keystore.ts), so it can still complete after the key is gone.
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { Duration } from './types';

const { shredCampaignKey } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumInterval: '10 minutes' },
});

export interface RetentionInput {
  campaignId: string;
  /** How long after publication the histories stay readable, e.g. `'2 years'`. */
  retainFor: Duration;
}

export interface RetentionOutcome {
  campaignId: string;
  shreddedAt: string;
  /** False when the key had already been destroyed (on demand, by the CLI). */
  destroyedNow: boolean;
}

export async function campaignRetention({ campaignId, retainFor }: RetentionInput): Promise<RetentionOutcome> {
  await sleep(retainFor);
  const destroyedNow = await shredCampaignKey(campaignId);
  return { campaignId, shreddedAt: new Date(Date.now()).toISOString(), destroyedNow };
}
