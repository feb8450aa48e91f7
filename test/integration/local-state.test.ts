// What the worker keeps on its own disk: the delivery ledger, the wrapped keys, drafts and letters,
// the embedded mail sink's copies. All owner-only; no contact address in plaintext in the ledger
// (sealed under the campaign's key); and shredding says what it does not reach.
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CampaignClient } from '../../client/campaign-api';
import { engagementStatusQuery } from '../../workflows/messages';
import { engagementWorkflowId } from '../../workflows/workflow-ids';
import { runDossier } from '../helpers/cli';
import { patientPolicy, testCampaign, testVendor } from '../helpers/fixtures';
import { useDossier } from '../helpers/harness';

function walk(folder: string): { path: string; dir: boolean }[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    return entry.isDirectory() ? [{ path, dir: true }, ...walk(path)] : [{ path, dir: false }];
  });
}

describe('local state', () => {
  const env = useDossier();

  it('keeps the ledger free of plaintext addresses, every file owner-only, and says what shredding leaves', { timeout: 120_000 }, async () => {
    const marker = `ls${randomUUID().replace(/-/g, '')}`;
    const [first, second] = [`first.${marker}@zoom.test`, `second.${marker}@zoom.test`];
    let deferrals = 0;
    // One recipient deferred once: the ledger records a partial delivery, then the complete one.
    env.sink.recipientPolicy = (address) => (address === second && deferrals++ < 1 ? { code: 451, message: 'Try later' } : undefined);
    const id = env.uniqueId('local');
    const campaigns = new CampaignClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    await campaigns.start({
      campaign: testCampaign(id),
      vendors: [testVendor('zoom', { contacts: [{ name: 'First', email: first }, { name: 'Second', email: second }] })],
      policy: patientPolicy(),
      approval: { kind: 'all' },
      publication: { folder: id, notifyVendors: false },
    });
    await env.sink.waitFor(2, (m) => m.messageId?.includes(id) ?? false);
    const engagement = env.client.workflow.getHandle(engagementWorkflowId(id, 'zoom'));
    await expect.poll(async () => (await engagement.query(engagementStatusQuery)).stage, { timeout: 20_000 }).toBe('awaiting-response');
    expect(deferrals).toBeGreaterThanOrEqual(2);

    const stateFiles = walk(env.config.stateDir).filter((e) => !e.dir);
    expect(stateFiles.length).toBeGreaterThan(0);
    for (const { path } of stateFiles) expect(readFileSync(path, 'latin1').toLowerCase(), path).not.toContain(marker);

    const local = [env.config.stateDir, env.childEnv.DOSSIER_KEYSTORE_DIR!, join(env.scratch, 'mail')].flatMap(walk);
    expect(local.some((e) => e.path.endsWith('.eml'))).toBe(true);
    for (const { path, dir } of local) expect((statSync(path).mode & 0o777).toString(8), path).toBe(dir ? '700' : '600');

    await campaigns.handle(id).terminate('ended for the local-state test');
    const shred = await runDossier(env.childEnv, 'Officer Tremblay', ['campaign', 'shred', id, '--confirm', id]);
    expect(shred.code, shred.stderr).toBe(0);
    expect(shred.stdout).toMatch(/Shredding leaves/);
    expect(shred.stdout).toMatch(/publication folder/);
    expect(shred.stdout).toMatch(/\.eml/);
    expect(shred.stdout).toMatch(/search attributes/);
  });
});
