// The one activity of crypto-shredding: destroy a campaign's data key in the keystore the worker
// encrypts with. Idempotent: a retry after the key is gone reports that it was already destroyed.
import type { FileKeyStore } from '../encryption/keystore';
import { campaignKeyId } from '../encryption/keystore';

export function createRetentionActivities(keystore: FileKeyStore | undefined) {
  return {
    async shredCampaignKey(campaignId: string): Promise<boolean> {
      if (!keystore) throw new Error('this worker has no keystore: payload encryption is not configured');
      return keystore.shred(campaignKeyId(campaignId));
    },
  };
}
