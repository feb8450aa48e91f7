// The one activity of crypto-shredding: destroy a campaign's data key in the keystore the worker
// encrypts with. Idempotent: a retry after the key is gone reports that it was already destroyed.
import { Context } from '@temporalio/activity';
import type { KeyStore } from '../encryption/keystore';
import { shredCampaign } from '../documents/document-store';
import type { DocumentStore } from '../store/types';

export function createRetentionActivities(keystore: KeyStore | undefined, documents: DocumentStore) {
  return {
    async shredCampaignKey(campaignId: string): Promise<boolean> {
      if (!keystore) throw new Error('this worker has no keystore: payload encryption is not configured');
      const { destroyed, documentsRemoved } = await shredCampaign(keystore, documents, campaignId);
      if (documentsRemoved) log('info', `${documentsRemoved} document(s) of ${campaignId} removed from the store`);
      // The row is gone either way; clearing its leftovers (VACUUM) is best effort and logged.
      await keystore.purgeShredded().then(
        (done) => log('info', `Data key of ${campaignId} destroyed; ${done}`),
        (err: unknown) => log('warn', `Data key of ${campaignId} destroyed, but its leftovers were not purged: ${(err as Error).message}`),
      );
      return destroyed;
    },
  };
}

function log(level: 'info' | 'warn', message: string): void {
  try {
    Context.current().log[level](message);
  } catch {
    // Called outside an activity (a script): nobody to tell but the console.
    console[level](message);
  }
}
