import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WorkflowFailedError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createActivities } from '../../activities';
import { createSmtpTransport } from '../../activities/email';
import { createCodecServer } from '../../encryption/codec-server';
import { campaignKeyId, keyIdForWorkflow } from '../../encryption/keystore';
import { campaignRetention, engagement } from '../../workflows';
import { BOARD_MEMO_KEY, engagementStatusQuery, recordResponseUpdate } from '../../workflows/messages';
import { listWorkflows, type ListedWorkflow } from '../../activities/visibility';
import { CampaignClient } from '../../client/campaign-api';
import { resolveTemporalCli } from '../../infra/temporal-cli';
import { openLocalStore } from '../../store/local';
import { runDossier } from '../helpers/cli';
import { startEngagement } from '../helpers/engagement-driver';
import { engagementInput, patientPolicy, testCampaign, testVendor } from '../helpers/fixtures';
import { useDossier } from '../helpers/harness';
import { until } from '../helpers/until';
import { engagementWorkflowId, campaignWorkflowId, retentionWorkflowId } from '../../workflows/workflow-ids';

const fromBase64 = (p: { metadata: Record<string, string>; data: string }) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data, 'base64'),
});

describe('confidential by design', () => {
  const env = useDossier({ ownServer: true });
  const servers: { close(): void }[] = [];
  afterAll(() => servers.forEach((s) => s.close()));

  async function codecServer() {
    const server = createCodecServer({ codec: env.encryption!.codec, token: 'secret-token-of-this-test' });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    servers.push(server);
    const { port } = server.address() as AddressInfo;
    return async (payloads: unknown[], token = 'secret-token-of-this-test') =>
      fetch(`http://127.0.0.1:${port}/decode`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify({ payloads }),
      });
  }

  /** Every payload of the history as the server returns it, without any codec. */
  async function rawPayloads(workflowId: string) {
    const { history } = await env.client.workflowService.getWorkflowExecutionHistory({
      namespace: env.client.options.namespace,
      execution: { workflowId },
    });
    const found: { metadata: Record<string, string>; data: string }[] = [];
    const visit = (node: unknown) => {
      if (!node || typeof node !== 'object') return;
      const maybe = node as { metadata?: Record<string, Uint8Array>; data?: Uint8Array };
      if (maybe.metadata && maybe.data instanceof Uint8Array) {
        found.push({
          metadata: Object.fromEntries(Object.entries(maybe.metadata).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
          data: Buffer.from(maybe.data).toString('base64'),
        });
        return;
      }
      for (const [key, value] of Object.entries(node)) {
        // Search attributes are indexed by the server, so they stay plaintext by design: they hold
        // only stage, deadline, campaign and vendor ids, never what a vendor or officer wrote.
        if (key === 'searchAttributes') plainSearchAttributes.push(value);
        // The SDK records a patch's name in plain JSON (core_patch markers, not through the codec):
        // they name a code change, never a case's content, and are checked apart below.
        else if (key === 'markerRecordedEventAttributes' && (value as { markerName?: string }).markerName === 'core_patch') patchMarkers.push(value);
        else visit(value);
      }
    };
    const plainSearchAttributes: unknown[] = [];
    const patchMarkers: unknown[] = [];
    visit(history);
    return { history, found, plainSearchAttributes, patchMarkers };
  }

  function sqliteContains(needle: string): boolean {
    const folder = dirname(env.serverDbFile!);
    return readdirSync(folder)
      .filter((f) => f.startsWith('temporal.sqlite'))
      .some((f) => readFileSync(`${folder}/${f}`).includes(needle));
  }

  it('keeps responses and contact addresses out of the server, readable only through the codec, until shredded', async () => {
    const marker = `CONFIDENTIAL-${randomUUID()}`;
    const campaignId = env.uniqueId('conf');
    const input = engagementInput(campaignId, 'zoom');
    input.vendor.contacts = [{ name: 'Privacy lead', email: `${marker.toLowerCase()}@zoom.test` }];
    const { handle, waitForStatus } = await startEngagement(env, input);
    const workflowId = handle.workflowId;
    await waitForStatus((s) => s.stage === 'awaiting-response');
    await handle.executeUpdate(recordResponseUpdate, {
      args: [{ by: 'Officer Tremblay', receivedAt: new Date().toISOString(), summary: `Zoom answered. ${marker}`, attachments: [] }],
    });
    expect((await handle.query(engagementStatusQuery)).response?.summary).toContain(marker);

    // What the server stores and serves: neither the response nor the contact address.
    const { history, found, plainSearchAttributes, patchMarkers } = await rawPayloads(workflowId);
    expect(plainSearchAttributes.length).toBeGreaterThan(0);
    for (const marker of patchMarkers) {
      const [{ data }] = Object.values((marker as { details: Record<string, { payloads: { data: Uint8Array }[] }> }).details).map((d) => d.payloads[0]);
      expect(Object.keys(JSON.parse(Buffer.from(data).toString())).sort()).toEqual(['deprecated', 'id']);
    }
    expect(found.length).toBeGreaterThan(2);
    expect(found.every((p) => Buffer.from(p.metadata.encoding, 'base64').toString() === 'binary/encrypted')).toBe(true);
    const served = JSON.stringify(history, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v));
    expect(served).not.toContain(marker);
    expect(served).not.toContain(marker.toLowerCase());
    await expect.poll(() => sqliteContains(workflowId), { timeout: 20_000 }).toBe(true); // the right file
    expect(sqliteContains(marker)).toBe(false);
    expect(sqliteContains(marker.toLowerCase())).toBe(false);

    // Whoever holds the key reads it through the codec server; nobody else does.
    const decode = await codecServer();
    expect((await decode(found, 'wrong-token')).status).toBe(401);
    const decoded = (await (await decode(found)).json()) as { payloads: { data: string }[] };
    const plain = decoded.payloads.map((p) => Buffer.from(p.data, 'base64').toString('utf8')).join('\n');
    expect(plain).toContain(marker);

    // Crypto-shredding: the campaign's key is destroyed; its history can no longer be read.
    // Terminated once idle, so the case ends here; a send completing after the shredding is the
    // next test's case.
    const { status } = await until(() => handle.describe(), (d) => !d.raw.pendingActivities?.length, 'the engagement to be idle');
    if (status.name === 'RUNNING') await handle.terminate('confidentiality test over');
    expect(await env.encryption!.keystore.shred(keyIdForWorkflow(workflowId))).toBe(true);
    const after = await decode(found);
    expect(after.status).toBe(400);
    expect(await after.text()).toMatch(/does not exist/);
    await expect(env.encryption!.codec.decode(found.map(fromBase64))).rejects.toThrow(/does not exist/);
  });

  it('shows the cluster no campaign title, vendor name, officer or contact in describe, list, memos or the Temporal CLI', { timeout: 120_000 }, async () => {
    const marker = `clear${randomUUID().replace(/-/g, '')}`;
    const id = env.uniqueId('in-clear');
    const campaign = testCampaign(id);
    campaign.title = { en: `Title ${marker}`, fr: `Titre ${marker}` };
    campaign.authorities[0]!.contact = { name: `Officer ${marker}`, email: `lead.${marker}@opc.test` };
    const campaigns = new CampaignClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    await campaigns.start(
      {
        campaign,
        vendors: [testVendor('zoom', { name: `Vendor ${marker}`, contacts: [{ name: `Contact ${marker}`, email: `c.${marker}@zoom.test` }] })],
        policy: patientPolicy(),
        approval: { kind: 'all' },
        publication: { folder: id, notifyVendors: false },
      },
      { by: `Starter ${marker}` },
    );
    const workflowIds = [campaignWorkflowId(id), engagementWorkflowId(id, 'zoom')];
    const handle = env.client.workflow.getHandle(workflowIds[1]!);
    await until(() => handle.query(engagementStatusQuery).catch(() => undefined), (s) => s?.stage === 'awaiting-response', 'the letter to go out');
    await handle.executeUpdate(recordResponseUpdate, { args: [{ by: `Officer ${marker}`, receivedAt: new Date().toISOString(), summary: `Answer ${marker}`, attachments: [] }] });

    const { namespace } = env.client.options;
    const asText = (value: unknown) => JSON.stringify(value, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v));
    const cli = (args: string[]) => promisify(execFile)(resolveTemporalCli(), [...args, '--address', env.server!.address, '--namespace', env.server!.namespace, '--output', 'json']).then((r) => r.stdout);
    const served: string[] = [asText(await env.client.workflowService.listWorkflowExecutions({ namespace, query: `DossierCampaign = '${id}'` })), await cli(['workflow', 'list', '--query', `DossierCampaign = '${id}'`])];
    for (const workflowId of workflowIds) {
      served.push(asText(await env.client.workflowService.describeWorkflowExecution({ namespace, execution: { workflowId } })));
      served.push(asText((await env.client.workflowService.getWorkflowExecutionHistory({ namespace, execution: { workflowId } })).history));
      served.push(await cli(['workflow', 'describe', '--workflow-id', workflowId]), await cli(['workflow', 'show', '--workflow-id', workflowId]));
    }
    expect(served.join('\n')).toContain(workflowIds[0]); // the right output, both workflows
    expect(served.join('\n')).toContain(workflowIds[1]);
    expect(served.filter((text) => text.includes(marker))).toEqual([]);
    await expect.poll(() => sqliteContains(workflowIds[1]!), { timeout: 20_000 }).toBe(true);
    expect(sqliteContains(marker)).toBe(false);
    // Whoever holds the key reads the title from the memo, as the board does.
    expect(await campaigns.title(id)).toEqual(campaign.title);
    await campaigns.handle(id).terminate('ended for the in-clear test');
  });

  it('keeps a campaign shredded when a letter being sent completes after its key was destroyed: no new key, the engagement fails at once', { timeout: 120_000 }, async () => {
    const campaignId = env.uniqueId('late-send');
    const keyId = campaignKeyId(campaignId);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    // A worker of this test's own, whose send of this campaign's letter waits, once the mail server
    // accepted it, until the key is destroyed: the activity completes after the shredding.
    const taskQueue = `${env.taskQueue}-late-send`;
    const connection = await NativeConnection.connect(env.config.temporal.connectionOptions);
    // Closed with the worker: the mail sink stops only once its clients hang up (30 s otherwise).
    const transport = createSmtpTransport(env.config.smtpUrl);
    const worker = await Worker.create({
      connection,
      namespace: env.config.temporal.namespace,
      taskQueue,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      dataConverter: env.encryption!.dataConverter,
      activities: createActivities({
        ...env.config,
        transport,
        keystore: env.encryption!.keystore,
        emailHooks: { afterAccepted: (messageId) => (messageId.includes(campaignId) ? released : Promise.resolve()) },
      }),
    });
    const running = worker.run();
    const describeRaw = (workflowId: string) =>
      env.client.workflowService.describeWorkflowExecution({ namespace: env.client.options.namespace, execution: { workflowId } });
    try {
      const handle = await env.client.workflow.start(engagement, {
        taskQueue,
        workflowId: engagementWorkflowId(campaignId, 'zoom'),
        args: [engagementInput(campaignId, 'zoom', patientPolicy())],
      });
      await env.sink.waitFor(1, (m) => m.messageId?.includes(campaignId) ?? false);
      expect((await describeRaw(handle.workflowId)).pendingActivities).toHaveLength(1);
      expect(await env.encryption!.keystore.shred(keyId)).toBe(true);
      release();

      await until(() => describeRaw(handle.workflowId), (d) => !d.pendingActivities?.length, 'the letter activity to complete');
      expect(await env.encryption!.keystore.list()).not.toContain(keyId);

      // Its result could not be encrypted: the activity failed without a retry, and so did the engagement.
      const failure = await handle.result().then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(failure).toBeInstanceOf(WorkflowFailedError);
      const cause = (failure as WorkflowFailedError).cause?.cause as { type?: string; message?: string; nonRetryable?: boolean } | undefined;
      expect(cause).toMatchObject({ type: 'KeyShredded', nonRetryable: true, message: expect.stringMatching(new RegExp(`campaign "${campaignId}" was shredded at \\d{4}-`)) });
      const { history } = await rawPayloads(handle.workflowId);
      const started = history!.events!.filter((e) => e.activityTaskStartedEventAttributes);
      expect(started.map((e) => e.activityTaskStartedEventAttributes!.attempt)).toEqual([1]);
      const failed = history!.events!.find((e) => e.activityTaskFailedEventAttributes)!.activityTaskFailedEventAttributes!;
      expect(failed.retryState).toBe(temporal.api.enums.v1.RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE);

      // Nothing later gets a key for the campaign either: its next engagement is refused at the client.
      await expect(
        env.client.workflow.start(engagement, { taskQueue, workflowId: engagementWorkflowId(campaignId, 'cisco'), args: [engagementInput(campaignId, 'cisco', patientPolicy())] }),
      ).rejects.toThrow(/was shredded at/);
      expect(await env.encryption!.keystore.list()).not.toContain(keyId);
    } finally {
      release();
      worker.shutdown();
      await running;
      transport.close();
      await connection.close();
    }
  });

  it('destroys a campaign key once its retention period has passed, leaving other campaigns readable', async () => {
    const [expiring, kept] = [env.uniqueId('expiring'), env.uniqueId('kept')];
    const handles = await Promise.all(
      [expiring, kept].map((campaignId) =>
        env.client.workflow.start(engagement, {
          taskQueue: env.taskQueue,
          workflowId: engagementWorkflowId(campaignId, 'cisco'),
          args: [engagementInput(campaignId, 'cisco')],
        }),
      ),
    );
    await env.sink.waitFor(2);
    // The board memo is published on the workflow task after the letter's: terminating before it
    // would leave nothing for the listing below to decode.
    await Promise.all(handles.map((h) => until(() => h.describe(), (d) => d.memo?.[BOARD_MEMO_KEY] !== undefined, `${h.workflowId}'s board memo`)));
    await Promise.all(handles.map((h) => h.terminate('letters sent; only their payloads matter here')));
    const payloadsOf = async (workflowId: string) => (await rawPayloads(workflowId)).found.map(fromBase64);

    const retention = await env.client.workflow.execute(campaignRetention, {
      taskQueue: env.taskQueue,
      workflowId: retentionWorkflowId(expiring),
      args: [{ campaignId: expiring, retainFor: '1s' }],
    });
    expect(retention).toMatchObject({ campaignId: expiring, destroyedNow: true });
    await expect(env.encryption!.codec.decode(await payloadsOf(handles[0].workflowId))).rejects.toThrow(/does not exist/);
    const readable = await env.encryption!.codec.decode(await payloadsOf(handles[1].workflowId));
    expect(readable.map((p) => Buffer.from(p.data!).toString()).join()).toContain('privacy@cisco.test');

    // A visibility page holding both: the kept campaign's memo is still read (memos are decoded a
    // page at a time, and one by one once a destroyed key fails the page), the other is left out.
    const query = `WorkflowType = 'engagement' AND DossierCampaign IN ('${expiring}', '${kept}')`;
    for (const batchMemos of [true, false]) {
      let listed: ListedWorkflow[] = [];
      for (let tries = 0; listed.length < 2 && tries < 40; tries++) {
        listed = [];
        for await (const w of listWorkflows(env.client, query, { batchMemos })) listed.push(w);
        if (listed.length < 2) await new Promise((r) => setTimeout(r, 250));
      }
      const memoOf = (campaignId: string) => listed.find((w) => w.workflowId === engagementWorkflowId(campaignId, 'cisco'))?.memo;
      expect(memoOf(kept)).toHaveProperty(BOARD_MEMO_KEY);
      expect(memoOf(expiring)).toBeUndefined();
    }
  });

  it('destroys a campaign key on demand from the CLI, only once the campaign has ended and the officer confirmed', { timeout: 120_000 }, async () => {
    const id = env.uniqueId('shred');
    const campaigns = new CampaignClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    await campaigns.start({
      campaign: testCampaign(id),
      vendors: [testVendor('zoom')],
      policy: patientPolicy(),
      approval: { kind: 'all' },
      publication: { folder: id, notifyVendors: false },
    });
    await env.sink.waitFor(1, (m) => m.messageId?.includes(id) ?? false);
    // The CLI on the worker's state, as hosts sharing one store are.
    const shred = (...extra: string[]) => runDossier({ ...env.childEnv, DOSSIER_STATE_DIR: env.config.stateDir }, 'Officer Tremblay', ['campaign', 'shred', id, ...extra]);
    const { documents } = openLocalStore({ outputDir: env.config.outputDir, stateDir: env.config.stateDir, keysDir: join(env.scratch, 'keys') });

    const running = await shred('--confirm', id);
    expect(running.code).not.toBe(0);
    expect(running.stderr.trim()).toMatch(/still running; its key can be destroyed once it has ended$/);

    await campaigns.handle(id).terminate('ended for the shredding test');
    const unconfirmed = await shred();
    expect(unconfirmed.code).not.toBe(0);
    expect(unconfirmed.stderr.trim()).toMatch(/not confirmed: type the campaign id/);
    const payloads = (await rawPayloads(campaignWorkflowId(id))).found.map(fromBase64);
    await expect(env.encryption!.codec.decode(payloads)).resolves.toHaveLength(payloads.length);
    // The sealed copy of the letter the worker kept.
    const kept = (await documents.list(id)).length;
    expect(kept).toBeGreaterThan(0);

    const confirmed = await shred('--confirm', id, '--json');
    expect(confirmed.code).toBe(0);
    expect(JSON.parse(confirmed.stdout)).toMatchObject({ campaignId: id, destroyed: true, documentsRemoved: kept, purged: expect.stringMatching(/^local files: .*overwritten/) });
    await expect(env.encryption!.codec.decode(payloads)).rejects.toThrow(/does not exist/);
    expect(await documents.list(id)).toEqual([]);
  });

  it('shreds a campaign whose engagements were started one by one, once each of them has ended and the officer confirmed', { timeout: 120_000 }, async () => {
    const id = env.uniqueId('shred-one-by-one');
    const zoom = await startEngagement(env, engagementInput(id, 'zoom', patientPolicy()));
    const cisco = await startEngagement(env, engagementInput(id, 'cisco', patientPolicy()));
    await zoom.waitForMail('letter');
    await cisco.waitForMail('letter');
    const shred = (...extra: string[]) => runDossier({ ...env.childEnv, DOSSIER_STATE_DIR: env.config.stateDir }, 'Officer Tremblay', ['campaign', 'shred', id, ...extra]);
    const { documents } = openLocalStore({ outputDir: env.config.outputDir, stateDir: env.config.stateDir, keysDir: join(env.scratch, 'keys') });

    await zoom.handle.terminate('ended for the shredding test');
    const oneRunning = await shred('--confirm', id);
    expect(oneRunning.code).not.toBe(0);
    expect(oneRunning.stderr.trim()).toMatch(new RegExp(`its engagements ${engagementWorkflowId(id, 'cisco')} are still running; its key can be destroyed once they have ended$`));

    await cisco.handle.terminate('ended for the shredding test');
    const unconfirmed = await shred();
    expect(unconfirmed.code).not.toBe(0);
    expect(unconfirmed.stderr.trim()).toMatch(/not confirmed: type the campaign id/);
    const payloads = (await rawPayloads(engagementWorkflowId(id, 'zoom'))).found.map(fromBase64);
    await expect(env.encryption!.codec.decode(payloads)).resolves.toHaveLength(payloads.length);
    const kept = (await documents.list(id)).length;
    expect(kept).toBeGreaterThan(0);

    const confirmed = await shred('--confirm', id, '--json');
    expect(confirmed.code).toBe(0);
    expect(JSON.parse(confirmed.stdout)).toMatchObject({ campaignId: id, destroyed: true, documentsRemoved: kept });
    await expect(env.encryption!.codec.decode(payloads)).rejects.toThrow(/does not exist/);
    expect(await documents.list(id)).toEqual([]);
    // The key is destroyed once: a second shred finds it gone.
    const again = await shred('--confirm', id, '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ destroyed: false });

    const nowhere = env.uniqueId('shred-nowhere');
    const noSuch = await runDossier(env.childEnv, 'Officer Tremblay', ['campaign', 'shred', nowhere, '--confirm', nowhere]);
    expect(noSuch.code).not.toBe(0);
    expect(noSuch.stderr).toContain(`campaign:${nowhere} does not exist`);
  });
});
