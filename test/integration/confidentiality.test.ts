import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createCodecServer } from '../../encryption/codec-server';
import { keyIdForWorkflow } from '../../encryption/keystore';
import { engagement } from '../../workflows';
import { engagementStatusQuery, recordResponseUpdate } from '../../workflows/messages';
import { engagementWorkflowId } from '../../workflows/types';
import { engagementInput } from '../helpers/fixtures';
import { useDossier } from '../helpers/harness';

const fromBase64 = (p: { metadata: Record<string, string>; data: string }) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data, 'base64'),
});

describe('confidential by design', () => {
  const env = useDossier({ encrypted: true, ownServer: true });
  const servers: { close(): void }[] = [];
  afterAll(() => servers.forEach((s) => s.close()));

  async function codecServer() {
    const server = createCodecServer({ codec: env.encryption!.codec, token: 'secret-token' });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    servers.push(server);
    const { port } = server.address() as AddressInfo;
    return async (payloads: unknown[], token = 'secret-token') =>
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
      for (const value of Object.values(node)) visit(value);
    };
    visit(history);
    return { history, found };
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
    const workflowId = engagementWorkflowId(campaignId, 'zoom');
    const handle = await env.client.workflow.start(engagement, { taskQueue: env.taskQueue, workflowId, args: [input] });
    await env.sink.waitFor(1);
    await handle.executeUpdate(recordResponseUpdate, {
      args: [{ by: 'Officer Tremblay', receivedAt: '2020-09-15', summary: `Zoom answered. ${marker}`, attachments: [] }],
    });
    expect((await handle.query(engagementStatusQuery)).response?.summary).toContain(marker);

    // What the server stores and serves: neither the response nor the contact address.
    const { history, found } = await rawPayloads(workflowId);
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
    const { status } = await handle.describe();
    if (status.name === 'RUNNING') await handle.terminate('confidentiality test over');
    expect(env.encryption!.keystore.shred(keyIdForWorkflow(workflowId))).toBe(true);
    const after = await decode(found);
    expect(after.status).toBe(400);
    expect(await after.text()).toMatch(/does not exist/);
    await expect(env.encryption!.codec.decode(found.map(fromBase64))).rejects.toThrow(/does not exist/);
  });
});
