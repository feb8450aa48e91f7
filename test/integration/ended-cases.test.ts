// The unsorted pen's list of ended cases (DossierClient.endedCases), on the real server: every
// campaign's engagements that ended, named as the campaign named its vendors (a vendor added late
// too), the cases still in progress left out, and a campaign shredded since left out while the
// others stay listed. Its own server: a shredded campaign stays unreadable in every later list.
import { describe, expect, it } from 'vitest';
import { CampaignClient } from '../../client/campaign-api';
import { DossierClient, type CampaignEndedCases } from '../../client/api';
import { keyIdForWorkflow } from '../../encryption/keystore';
import { campaignWorkflowId } from '../../workflows/workflow-ids';
import { patientPolicy, testCampaign, testVendor } from '../helpers/fixtures';
import { useDossier } from '../helpers/harness';

const env = useDossier({ ownServer: true });
const officer = 'Officer Tremblay';

describe('every campaign’s ended cases, from one visibility list', () => {
  it('names each ended case by its vendor’s name under its campaign, and leaves out a shredded campaign, not the list', { timeout: 180_000 }, async () => {
    const campaigns = new CampaignClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    const dossier = new DossierClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    const start = (id: string, vendors: ReturnType<typeof testVendor>[]) =>
      campaigns.start({ campaign: testCampaign(id), vendors, policy: patientPolicy(), approval: { kind: 'all' }, publication: { folder: id, notifyVendors: false } });
    const [kept, shredded] = [env.uniqueId('kept'), env.uniqueId('gone')];
    await start(kept, [testVendor('alpha', { name: 'Alpha Inc.' }), testVendor('beta', { name: 'Bêta SA' })]);
    await start(shredded, [testVendor('delta', { name: 'Delta AG' })]);
    // Every letter out: each engagement has started, so withdrawing ends a workflow that exists.
    await env.sink.waitFor(3, (m) => (m.messageId ?? '').startsWith('<letter.') && [kept, shredded].some((id) => m.messageId!.includes(id)), 60_000);
    await campaigns.addVendor(kept, { by: officer, vendor: testVendor('gamma', { name: 'Gamma GmbH' }) });
    await env.sink.waitFor(4, (m) => (m.messageId ?? '').startsWith('<letter.') && [kept, shredded].some((id) => m.messageId!.includes(id)), 60_000);
    await campaigns.withdrawVendor(kept, { by: officer, vendorId: 'alpha', reason: 'Alpha left the market.' });
    await campaigns.withdrawVendor(kept, { by: officer, vendorId: 'gamma', reason: 'Gamma was added by mistake.' });
    await campaigns.withdrawVendor(shredded, { by: officer, vendorId: 'delta', reason: 'Delta left the market.' });

    const title = testCampaign(kept).title;
    const sorted = (groups: CampaignEndedCases[]) => groups.map((g) => ({ ...g, cases: [...g.cases].sort((a, b) => a.vendorId.localeCompare(b.vendorId)) }));
    const keptCases = { campaignId: kept, title, cases: [{ vendorId: 'alpha', vendorName: 'Alpha Inc.' }, { vendorId: 'gamma', vendorName: 'Gamma GmbH' }] };
    // Visibility trails the workflows by a moment. Newest campaign first, as the campaigns list.
    await expect
      .poll(async () => sorted(await dossier.endedCases({ timeoutMs: 5_000 })), { timeout: 60_000, interval: 500 })
      .toEqual([{ campaignId: shredded, title: testCampaign(shredded).title, cases: [{ vendorId: 'delta', vendorName: 'Delta AG' }] }, keptCases]);

    // Crypto-shredding, once the campaign has ended: its names cannot be read, so it is left out.
    await campaigns.handle(shredded).terminate('ended for the shredding test');
    expect(await env.encryption!.keystore.shred(keyIdForWorkflow(campaignWorkflowId(shredded)))).toBe(true);
    expect(sorted(await dossier.endedCases({ timeoutMs: 5_000 }))).toEqual([keptCases]);
    // Beta's case is still in progress, and not listed.
    expect((await campaigns.status(kept)).engagements.find((e) => e.vendorId === 'beta')?.state).toBe('in-progress');
  });
});
