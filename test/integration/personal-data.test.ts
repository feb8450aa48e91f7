// No personal data on the Temporal server, even when delivery fails: a contact address refused or
// deferred by the mail server (whose reply quotes it, as real relays do) must appear nowhere in the
// server's SQLite file nor in `temporal workflow show`, before and after the campaign is shredded.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { collectAuditTrail } from '../../client/audit';
import { DossierClient } from '../../client/api';
import { CampaignClient } from '../../client/campaign-api';
import { resolveTemporalCli } from '../../infra/temporal-cli';
import { engagementStatusQuery } from '../../workflows/messages';
import { patientPolicy, testCampaign, testVendor } from '../helpers/fixtures';
import { useDossier } from '../helpers/harness';
import { until } from '../helpers/until';
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
  it('keeps a mail server\'s reply that names the recipient without an address out of the server, while the officer and the audit read it', { timeout: 120_000 }, async () => {
    // Sendmail names a local recipient by user name ("jane.doe... User unknown"): no @ for the
    // redaction to find, so only the failure message's encryption keeps it from the server.
    const marker = `pd${randomUUID().replace(/-/g, '')}`;
    const user = `jane.${marker}`;
    env.sink.recipientPolicy = (address) => (address.startsWith(`${user}@`) ? { code: 550, message: `5.1.1 ${user}... User unknown` } : undefined);
    const id = env.uniqueId('pd-local');
    const campaigns = new CampaignClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    await campaigns.start({
      campaign: testCampaign(id),
      vendors: [testVendor('zoom', { contacts: [{ name: 'Jane', email: `${user}@zoom.test` }] })],
      policy: patientPolicy(),
      approval: { kind: 'all' },
      publication: { folder: id, notifyVendors: false },
    });
    const workflowId = engagementWorkflowId(id, 'zoom');
    const handle = env.client.workflow.getHandle(workflowId);
    const status = await until(() => handle.query(engagementStatusQuery).catch(() => undefined), (s) => (s?.deliveryFailures.length ?? 0) > 0, 'the refusal to be recorded');
    expect(status!.deliveryFailures.map((f) => f.reason).join()).toContain(user);

    const { history } = await env.client.workflowService.getWorkflowExecutionHistory({ namespace: env.client.options.namespace, execution: { workflowId } });
    const failed = history!.events!.find((e) => e.activityTaskFailedEventAttributes)!.activityTaskFailedEventAttributes!.failure!;
    expect(failed.applicationFailureInfo?.type).toBe('RecipientRejected'); // the right event
    const served = JSON.stringify(history, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v));
    expect(served).not.toContain(marker);
    const shown = await workflowShow(workflowId);
    expect(shown).toContain(workflowId);
    expect(shown).not.toContain(marker);
    await expect.poll(() => sqliteFiles().some((b) => b.includes(workflowId)), { timeout: 20_000 }).toBe(true);
    expect(sqliteFiles().some((b) => b.toString('latin1').includes(marker))).toBe(false);

    // Whoever holds the key still reads the server's reply in the audit export.
    const trail = await collectAuditTrail(env.client, { campaignId: id, vendorId: 'zoom' });
    expect(trail.events.find((e) => e.kind === 'email-refused')?.detail).toMatch(new RegExp(`refused recipient 1 of 1 for good \\(SMTP 550\\): 550 5\\.1\\.1 ${user}\\.\\.\\. User unknown`));
    env.sink.recipientPolicy = () => undefined;
  });
  it('refuses mail from a stranger without the server reading who sent it: the refusal names the sender only under the campaign key', { timeout: 120_000 }, async () => {
    const marker = `pd${randomUUID().replace(/-/g, '')}`;
    const stranger = `someone.${marker}@elsewhere.test`;
    const id = env.uniqueId('pd-refusal');
    const campaigns = new CampaignClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    await campaigns.start({ campaign: testCampaign(id), vendors: [testVendor('zoom')], policy: patientPolicy(), approval: { kind: 'all' }, publication: { folder: id, notifyVendors: false } });
    const workflowId = engagementWorkflowId(id, 'zoom');
    await until(() => env.client.workflow.getHandle(workflowId).query(engagementStatusQuery).catch(() => undefined), (s) => s?.stage === 'awaiting-response', 'the letter to go out');

    // What the server relays back to whoever asked, read as the server gives it (no codec).
    const mail = { messageId: `<${marker}@elsewhere.test>`, from: stranger, subject: 'Hello', receivedAt: new Date().toISOString(), kind: 'reply', matchedBy: 'token', text: 'Hi', documents: [], notes: [] };
    const { outcome } = await env.client.workflowService.updateWorkflowExecution({
      namespace: env.client.options.namespace,
      workflowExecution: { workflowId },
      waitPolicy: { lifecycleStage: temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED },
      request: { meta: { updateId: `u-${marker}`, identity: 'personal-data test' }, input: { name: 'recordInbound', args: { payloads: [defaultPayloadConverter.toPayload(mail)] } } },
    });
    expect(outcome?.failure?.applicationFailureInfo?.type).toBe('InvalidRequest'); // refused, as a stranger's mail is
    const relayed = JSON.stringify(outcome, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v));
    expect(relayed).not.toContain(marker);
    // The same refusal through a client with the keys says who sent it.
    const refused = await env.client.workflow.getHandle(workflowId).executeUpdate('recordInbound', { args: [mail], updateId: `v-${marker}` }).then(() => undefined, (err: Error) => (err.cause as Error | undefined)?.message);
    expect(refused).toContain(stranger);
  });
  it('records a reply whose Message-ID names its sender without the server keeping that Message-ID, and records it once', { timeout: 120_000 }, async () => {
    // Some mail systems write the sender's address into the Message-ID; the update id is kept in clear.
    const marker = `pd${randomUUID().replace(/-/g, '')}`;
    const id = env.uniqueId('pd-msgid');
    const engagements = new DossierClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    const ref = await engagements.startEngagement({ campaign: testCampaign(id), vendor: testVendor('zoom'), policy: patientPolicy() });
    const handle = env.client.workflow.getHandle(ref.workflowId);
    await until(() => handle.query(engagementStatusQuery), (s) => s.stage === 'awaiting-response', 'the letter to go out');
    const reply = { messageId: `<jane.${marker}=zoom.test@mailer.zoom.test>`, from: 'privacy@zoom.test', subject: 'Re: your letter', receivedAt: new Date().toISOString(), kind: 'reply' as const, matchedBy: 'token' as const, text: 'Our answer.', documents: [], notes: [] };
    const [first, second] = [await engagements.recordInbound(ref, reply), await engagements.recordInbound(ref, reply)];
    expect(second).toEqual(first);
    expect((await handle.query(engagementStatusQuery)).inbox?.map((m) => m.messageId)).toEqual([reply.messageId]);

    const { history } = await env.client.workflowService.getWorkflowExecutionHistory({ namespace: env.client.options.namespace, execution: { workflowId: ref.workflowId } });
    expect(history!.events!.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toHaveLength(1); // the right history, the reply in it once
    const served = JSON.stringify(history, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v));
    expect(served).not.toContain(marker);
    await expect.poll(() => sqliteFiles().some((b) => b.includes(ref.workflowId)), { timeout: 20_000 }).toBe(true);
    expect(sqliteFiles().some((b) => b.toString('latin1').includes(marker))).toBe(false);
    await handle.terminate('ended for the personal-data test');
  });
});
