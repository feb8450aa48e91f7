// No personal data on the Temporal server, even when delivery fails: a contact address refused or
// deferred by the mail server (whose reply quotes it, as real relays do) must appear nowhere in the
// server's SQLite file nor in `temporal workflow show`, before and after the campaign is shredded.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CampaignClient } from '../../client/campaign-api';
import { resolveTemporalCli } from '../../infra/temporal-cli';
import { engagementStatusQuery } from '../../workflows/messages';
import { patientPolicy, testCampaign, testVendor } from '../helpers/fixtures';
import { useDossier } from '../helpers/harness';
import { runDossier } from '../helpers/cli';
import { engagementWorkflowId, campaignWorkflowId } from '../../workflows/workflow-ids';

const run = promisify(execFile);

describe('personal data and the Temporal server', () => {
  const env = useDossier({ ownServer: true });

  function sqliteFiles(): Buffer[] {
    const folder = dirname(env.serverDbFile!);
    // SQLite's rollback journal comes and goes with each write transaction: one listed may be gone when read.
    return readdirSync(folder)
      .filter((f) => f.startsWith('temporal.sqlite'))
      .flatMap((f) => {
        try {
          return [readFileSync(join(folder, f))];
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT' && f !== 'temporal.sqlite') return [];
          throw err;
        }
      });
  }

  async function workflowShow(workflowId: string): Promise<string> {
    const args = ['workflow', 'show', '--workflow-id', workflowId, '--address', env.server!.address, '--namespace', env.server!.namespace];
    const [text, json] = await Promise.all([run(resolveTemporalCli(), args), run(resolveTemporalCli(), [...args, '--output', 'json'])]);
    return `${text.stdout}\n${json.stdout}`;
  }

  it('keeps refused and deferred contact addresses out of the server, before and after shredding', { timeout: 120_000 }, async () => {
    const marker = `pd${randomUUID().replace(/-/g, '')}`;
    const refused = `refused.${marker}@cisco.test`;
    const deferred = `deferred.${marker}@zoom.test`;
    const alone = `alone.${marker}@cisco.test`;
    let deferrals = 0;
    // Postfix-style replies that quote the address they refuse.
    env.sink.recipientPolicy = (address) => {
      if (address === refused || address === alone) return { code: 550, message: `5.1.1 <${address}>: Recipient address rejected: User unknown` };
      if (address === deferred && deferrals++ < 2) return { code: 451, message: `4.2.0 <${address}>: Recipient address rejected: Greylisted` };
      return undefined;
    };
    const id = env.uniqueId('pd');
    const campaigns = new CampaignClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    await campaigns.start({
      campaign: testCampaign(id),
      vendors: [
        testVendor('zoom', { contacts: [{ name: 'Privacy', email: 'privacy@zoom.test' }, { name: 'Legal', email: deferred }, { name: 'Gone', email: refused }] }),
        testVendor('cisco', { contacts: [{ name: 'Alone', email: alone }] }),
      ],
      policy: patientPolicy(),
      approval: { kind: 'all' },
      publication: { folder: id, notifyVendors: false },
    });
    const workflowIds = [campaignWorkflowId(id), engagementWorkflowId(id, 'zoom'), engagementWorkflowId(id, 'cisco')];

    // Both refusals reach the officers (by encrypted payloads), and the deferred contact gets the letter.
    await env.sink.waitFor(1, (m) => m.to.includes(deferred));
    await env.sink.waitFor(2, (m) => m.to.includes('office@opc.test') && (m.messageId?.includes(id) ?? false));
    const zoom = await env.client.workflow.getHandle(workflowIds[1]).query(engagementStatusQuery);
    expect(zoom.deliveryFailures.map((f) => f.reason).join()).toContain(refused);
    expect(deferrals).toBeGreaterThanOrEqual(2);

    const onServer = async () => {
      const shown = (await Promise.all(workflowIds.map(workflowShow))).join('\n');
      expect(shown).toContain(workflowIds[1]); // the right output
      return [shown, ...sqliteFiles().map((b) => b.toString('latin1'))].some((text) => text.toLowerCase().includes(marker));
    };
    await expect.poll(() => sqliteFiles().some((b) => b.includes(workflowIds[1])), { timeout: 20_000 }).toBe(true);
    expect(await onServer()).toBe(false);

    await campaigns.handle(id).terminate('ended for the personal-data test');
    const shred = await runDossier(env.childEnv, 'Officer Tremblay', ['campaign', 'shred', id, '--confirm', id, '--json']);
    expect(shred.code).toBe(0);
    expect(await onServer()).toBe(false);
  });
});
