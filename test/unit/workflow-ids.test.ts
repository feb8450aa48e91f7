// Workflow ids are built and read in one module; the payload codec picks a campaign's data key from
// them, so crypto-shredding a campaign must make every one of its workflows' payloads unreadable.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRetentionActivities } from '../../activities/retention';
import { EncryptionCodec } from '../../encryption/codec';
import { CaseDocuments } from '../../documents/document-store';
import { LocalWrappedKeys, openLocalStore } from '../../store/local';
import { KeyStore, GLOBAL_KEY_ID, campaignKeyId, generateMasterKeySpec, keyIdForWorkflow, parseMasterKeys } from '../../encryption/keystore';
import {
  campaignWorkflowId,
  engagementWorkflowId,
  parseWorkflowId,
  retentionWorkflowId,
  workflowIdOf,
  type WorkflowRef,
} from '../../workflows/workflow-ids';

/** Every workflow a campaign runs: one engagement per vendor, the campaign, its retention timer. */
function workflowsOf(campaignId: string, vendorIds: string[]): WorkflowRef[] {
  return [
    ...vendorIds.map((vendorId) => ({ kind: 'engagement' as const, campaignId, vendorId })),
    { kind: 'campaign', campaignId },
    { kind: 'retention', campaignId },
  ];
}

describe('workflow ids', () => {
  it('reads back what every builder wrote', () => {
    for (const ref of workflowsOf('vc-2020', ['zoom', 'house-party'])) {
      expect(parseWorkflowId(workflowIdOf(ref))).toEqual(ref);
    }
    expect(engagementWorkflowId('vc-2020', 'zoom')).toBe('engagement:vc-2020:zoom');
    expect(campaignWorkflowId('vc-2020')).toBe('campaign:vc-2020');
    expect(retentionWorkflowId('vc-2020')).toBe('retention:vc-2020');
  });

  it('names no campaign for ids that are not Dossier business ids', () => {
    for (const id of [undefined, '', 'wf-3f2a', 'engagement:vc-2020', 'engagement:vc-2020:zoom:extra', 'campaign:VC', 'campaign:', 'floor:c:v']) {
      expect(parseWorkflowId(id)).toBeUndefined();
      expect(keyIdForWorkflow(id)).toBe(GLOBAL_KEY_ID);
    }
  });

  it('puts the engagements and the campaign under the campaign key, and the retention timer outside it', () => {
    const keyIds = workflowsOf('vc-2020', ['zoom']).map((ref) => [ref.kind, keyIdForWorkflow(workflowIdOf(ref))]);
    expect(keyIds).toEqual([
      ['engagement', campaignKeyId('vc-2020')],
      ['campaign', campaignKeyId('vc-2020')],
      ['retention', GLOBAL_KEY_ID],
    ]);
  });
});

describe('crypto-shredding a campaign', () => {
  it('makes the payloads of every engagement and of the campaign unreadable, and nothing of another campaign', async () => {
    const keystore = new KeyStore(new LocalWrappedKeys(mkdtempSync(join(tmpdir(), 'dossier-keys-'))), parseMasterKeys(generateMasterKeySpec('test')));
    const codec = new EncryptionCodec(keystore);
    const secret = (id: string) => ({ metadata: { encoding: new TextEncoder().encode('json/plain') }, data: new TextEncoder().encode(`"confidential ${id}"`) });
    const encrypted = async (ref: WorkflowRef) => {
      const workflowId = workflowIdOf(ref);
      return { ref, payloads: await codec.encode([secret(workflowId)], { workflowId, namespace: 'default' } as never) };
    };
    const shredded = await Promise.all(workflowsOf('expiring', ['zoom', 'cisco']).map(encrypted));
    const kept = await Promise.all(workflowsOf('kept', ['zoom']).map(encrypted));
    const scratch = mkdtempSync(join(tmpdir(), 'dossier-shred-'));
    const { documents } = openLocalStore({ outputDir: join(scratch, 'out'), stateDir: join(scratch, 'state'), keysDir: join(scratch, 'keys') });
    const caseDocuments = new CaseDocuments(documents, keystore);
    for (const campaignId of ['expiring', 'kept']) {
      await caseDocuments.save(campaignId, { name: 'answers.pdf', type: 'application/pdf', content: Buffer.from(`%PDF answers of ${campaignId}`) });
    }
    // A document kept before names left the metadata: its vendor's file name in plaintext.
    await documents.put('expiring', 'older', Buffer.from('sealed bytes'), { name: 'breach-report-2020.pdf', type: 'application/pdf' });

    // What the retention workflow runs once the period has passed.
    expect(await createRetentionActivities(keystore, documents).shredCampaignKey('expiring')).toBe(true);
    expect(await documents.list('expiring')).toEqual([]);
    expect(await documents.list('kept')).toHaveLength(1);

    for (const { ref, payloads } of shredded) {
      if (ref.kind === 'retention') {
        // Its own payloads (a campaign id and a duration) stay readable so that it can complete.
        await expect(codec.decode(payloads)).resolves.toHaveLength(1);
      } else {
        await expect(codec.decode(payloads), `${ref.kind} payloads`).rejects.toThrow(/does not exist/);
      }
    }
    for (const { payloads } of kept) await expect(codec.decode(payloads)).resolves.toHaveLength(1);
  });
});
