// The campaign's looks at the letter copies and at who was written to (activities/email.ts:
// letterCopiesMissing, fileLetterCopies, lettersNotAccepted) walk each vendor's letters in the
// delivery ledger. Read one Message-ID at a time that was about twenty-one reads a vendor, 42,000 for
// a campaign of 2,000 (issue 16); read in batches, several vendors share a read.
import { describe, expect, it } from 'vitest';
import type { DeliveryLedger, DeliveryRecord } from '../../activities/delivery-ledger';
import { createEmailActivities } from '../../activities/email';
import { letterCopyPath } from '../../activities/published-paths';
import { messageIdFor } from '../../activities/threading';
import type { PublishedFiles } from '../../store/types';
import type { Vendor } from '../../workflows/types';
import { engagementWorkflowId } from '../../workflows/workflow-ids';
import { testCampaign, testVendor } from '../helpers/fixtures';

const DOMAIN = 'regulator.test';
const VENDORS = 200;
const campaign = { ...testCampaign('looked-at'), letterCopyFolder: 'looked-at' };
const folder = campaign.letterCopyFolder;

/**
 * A ledger in memory counting every read, one Message-ID or many: each counts as one, as each is one
 * query to PostgreSQL. Only reads are asked of it here.
 */
function countingLedger(records: Map<string, DeliveryRecord>) {
  const counts = { reads: 0 };
  const ledger = {
    async find(messageId: string) {
      counts.reads++;
      return records.get(messageId);
    },
    async findMany(messageIds: readonly string[]) {
      counts.reads++;
      return new Map(messageIds.flatMap((id) => (records.has(id) ? [[id, records.get(id)!] as const] : [])));
    },
    begin: () => Promise.reject(new Error('nothing is sent here')),
    record: () => Promise.reject(new Error('nothing is sent here')),
  };
  return { ledger: ledger as unknown as DeliveryLedger, counts };
}

function filesHolding(paths: string[]): PublishedFiles {
  const bytes = new Map(paths.map((p) => [p, Buffer.from('%PDF-1.7\nthe letter\n%%EOF\n')]));
  return {
    write: async (path, data) => void bytes.set(path, Buffer.from(data)),
    read: async (path) => bytes.get(path),
    list: async (prefix = '') => [...bytes.keys()].filter((p) => p.startsWith(prefix)).sort(),
    delete: async (path) => bytes.delete(path),
    claim: async (path) => bytes.get(path)!,
    locate: (path) => path,
  };
}

/**
 * A campaign's vendors as the ledger holds them: a fifth never sent a letter the server took, a fifth
 * sent a second letter to a corrected address after the first was refused, a tenth the third letter
 * past a gap, the rest their first letter only. Copies are on file for the vendors sent one letter.
 */
function campaignOfVendors() {
  const records = new Map<string, DeliveryRecord>();
  const put = (vendor: Vendor, step: string, accepted = [`privacy@${vendor.id}.test`]) => {
    const messageId = messageIdFor(engagementWorkflowId(campaign.id, vendor.id), step, DOMAIN);
    records.set(messageId, { messageId, accepted, rejected: [], deliveredAt: '2026-11-29T12:00:00Z' });
  };
  const vendors = Array.from({ length: VENDORS }, (_, i) => testVendor(`v${i}`));
  const lastSent = new Map<string, number>();
  vendors.forEach((vendor, i) => {
    if (i % 5 === 0) return;
    if (i % 5 === 1) {
      put(vendor, 'officer-notice-letter', ['office@regulator.test']);
      put(vendor, 'letter-2');
      lastSent.set(vendor.id, 2);
    } else if (i % 10 === 2) {
      put(vendor, 'letter');
      put(vendor, 'letter-3');
      lastSent.set(vendor.id, 3);
    } else {
      put(vendor, 'letter');
      lastSent.set(vendor.id, 1);
    }
  });
  const filed = vendors.filter((v) => lastSent.get(v.id) === 1).map((v) => letterCopyPath(folder, v));
  return { records, vendors, lastSent, filed };
}

describe("the campaign's look at the letter copies, as the delivery ledger is read", () => {
  it('shares a read of the ledger among several vendors in each look, with the same answers', async () => {
    const { records, vendors, lastSent, filed } = campaignOfVendors();
    const { ledger, counts } = countingLedger(records);
    const activities = createEmailActivities({ transport: {} as never, mailFrom: `Dossier <dossier@${DOMAIN}>`, ledger, files: filesHolding(filed) });
    const keys = vendors.map((v) => ({ id: v.id, language: v.language }));

    counts.reads = 0;
    const notAccepted = await activities.lettersNotAccepted({ campaignId: campaign.id, vendorIds: vendors.map((v) => v.id) });
    expect(notAccepted).toEqual(vendors.filter((v) => !lastSent.has(v.id)).map((v) => v.id));
    expect.soft(counts.reads, `lettersNotAccepted: ${counts.reads} ledger reads for ${VENDORS} vendors`).toBeLessThanOrEqual(VENDORS / 10);

    counts.reads = 0;
    const missing = await activities.letterCopiesMissing({ campaignId: campaign.id, folder, vendors: keys });
    // Sent again and holding no digest of the PDF: the copy is listed for fileLetterCopies to compare.
    expect(missing).toEqual(vendors.filter((v) => (lastSent.get(v.id) ?? 1) > 1).map((v) => v.id));
    expect.soft(counts.reads, `letterCopiesMissing: ${counts.reads} ledger reads for ${VENDORS} vendors`).toBeLessThanOrEqual(VENDORS / 10);

    counts.reads = 0;
    const keep = vendors.filter((v) => lastSent.get(v.id) !== undefined && lastSent.get(v.id) === 1);
    expect(await activities.fileLetterCopies({ campaign, folder, keep })).toEqual([]);
    expect.soft(counts.reads, `fileLetterCopies: ${counts.reads} ledger reads for ${keep.length} vendors`).toBeLessThanOrEqual(keep.length / 10);
  });
});
