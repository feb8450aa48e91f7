// The codec server holds the keys to every payload, so it is closed by default: the embedded set-up
// generates a token and hands the Web UI an endpoint that carries it; anything else gets 401. Its
// requests are bounded, so one huge POST cannot exhaust the process (the worker's) it runs in.
import { once } from 'node:events';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadEncryption } from '../../encryption/config';
import { CODEC_LIMITS, createCodecServer } from '../../encryption/codec-server';
import { generateMasterKeySpec } from '../../encryption/keystore';
import { startEmbedded, type Embedded } from '../../infra/embedded';
import { freePort } from '../../infra/ports';

const scratch = mkdtempSync(join(tmpdir(), 'dossier-codec-'));
const stops: (() => unknown)[] = [];
afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
  rmSync(scratch, { recursive: true, force: true });
});

const keysEnv = { DOSSIER_MASTER_KEYS: generateMasterKeySpec('c1'), DOSSIER_KEYSTORE_DIR: join(scratch, 'keys') };

async function encrypted(workflowId: string): Promise<unknown[]> {
  const { codec } = loadEncryption(keysEnv);
  const [payload] = await codec.encode([{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('"privacy@zoom.test"') }], {
    workflowId,
  } as never);
  const b64 = (b: Uint8Array | null | undefined) => Buffer.from(b ?? []).toString('base64');
  return [{ metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, b64(v)])), data: b64(payload.data) }];
}

const post = (url: string, payloads: unknown[], headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify({ payloads }) });

/** Streams `megabytes` of body without holding it; resolves with the status, or the socket error. */
function hugePost(url: string, token: string, megabytes: number): Promise<number | string> {
  return new Promise((resolve) => {
    const chunk = Buffer.alloc(1024 * 1024, 'a');
    const req = request(url, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    req.write('{"payloads":[{"data":"');
    let sent = 0;
    const pump = () => {
      while (sent < megabytes) {
        sent++;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end('"}]}');
    };
    pump();
  });
}

describe('the codec server', () => {
  let embedded: Embedded;

  it('requires a token in the embedded set-up, and hands the Web UI an endpoint that carries it', { timeout: 120_000 }, async () => {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      ...keysEnv,
      DOSSIER_DEV_SERVER_PORT: String(await freePort()),
      DOSSIER_UI_PORT: String(await freePort()),
      DOSSIER_CODEC_PORT: String(await freePort()),
      DOSSIER_SINK_PORT: String(await freePort()),
    };
    embedded = await startEmbedded({ env, dataDir: join(scratch, 'data'), outputDir: join(scratch, 'out'), log: () => undefined });
    stops.push(() => embedded.stop());
    const { url, token } = embedded.codec!;
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(statSync(join(scratch, 'data', 'codec.token')).mode & 0o777).toBe(0o600);

    const settings = (await (await fetch(`${embedded.server!.uiUrl}/api/v1/settings`)).json()) as { Codec?: { Endpoint?: string } };
    expect(settings.Codec?.Endpoint).toBe(`${url}/${token}`);

    const payloads = await encrypted('engagement:codec:zoom');
    expect((await post(`${url}/decode`, payloads)).status).toBe(401);
    expect((await post(`${url}/decode`, payloads, { Authorization: 'Bearer anything-at-all-goes-here' })).status).toBe(401);
    expect((await post(`${url}/not-the-token-at-all-1234567890/decode`, payloads)).status).toBe(401);
    const viaUi = await post(`${settings.Codec!.Endpoint}/decode`, payloads);
    expect(viaUi.status).toBe(200);
    const [plain] = ((await viaUi.json()) as { payloads: { data: string }[] }).payloads;
    expect(Buffer.from(plain.data, 'base64').toString()).toBe('"privacy@zoom.test"');
    expect((await post(`${url}/decode`, payloads, { Authorization: `Bearer ${token}` })).status).toBe(200);
  });

  it('refuses a DOSSIER_CODEC_TOKEN too short or with characters that would change the endpoint path, naming it', { timeout: 120_000 }, async () => {
    for (const [n, token] of ['short-token', 'abc+def/ghi+jkl/mno=', 'abcdefgh%2Fijklmnop'].entries()) {
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        ...keysEnv,
        DOSSIER_CODEC_TOKEN: token,
        DOSSIER_DEV_SERVER_PORT: String(await freePort()),
        DOSSIER_UI_PORT: String(await freePort()),
        DOSSIER_CODEC_PORT: String(await freePort()),
        DOSSIER_SINK_PORT: String(await freePort()),
      };
      const started = startEmbedded({ env, dataDir: join(scratch, `bad-token-${n}`), outputDir: join(scratch, `bad-token-out-${n}`), log: () => undefined });
      started.then((e) => stops.push(() => e.stop()), () => undefined);
      await expect(started, token).rejects.toThrow(/^DOSSIER_CODEC_TOKEN must be at least 16 characters of A-Z, a-z, 0-9, "-" and "_"/);
    }
  });

  it('refuses to encrypt a payload it cannot place in a campaign, so nothing escapes crypto-shredding under the global key', { timeout: 120_000 }, async () => {
    const token = 'a-token-for-the-encode-test';
    const server = createCodecServer({ codec: loadEncryption(keysEnv).codec, token });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    stops.push(() => server.close());
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const auth = { Authorization: `Bearer ${token}`, 'X-Namespace': 'default' };

    // What the Web UI or `temporal workflow signal --codec-endpoint` sends: the payload, never the workflow.
    const plain = [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"Zoom answered: confidential"').toString('base64') }];
    const refused = await post(`${url}/encode`, plain, auth);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/cannot tell which campaign.*dossier CLI or the workspace/);
    // Nothing to encrypt is no request for a key.
    expect((await post(`${url}/encode`, [], auth)).status).toBe(200);
    expect((await post(`${url}/decode`, await encrypted('engagement:codec:zoom'), auth)).status).toBe(200);
  });

  it('answers a browser of the Web UI only, and tells caches its answer depends on the Origin', { timeout: 120_000 }, async () => {
    const token = 'a-token-for-the-origin-test';
    const webUi = 'https://temporal-ui.regulator.example';
    const server = createCodecServer({ codec: loadEncryption(keysEnv).codec, token, allowedOrigins: [webUi] });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    stops.push(() => server.close());
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const auth = { Authorization: `Bearer ${token}`, 'X-Namespace': 'default' };
    const allowed = await post(`${url}/decode`, await encrypted('engagement:codec:zoom'), { ...auth, Origin: webUi });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(webUi);
    // A shared cache between the Web UI and another page must not hand one the other's permission.
    expect(allowed.headers.get('vary')).toMatch(/\bOrigin\b/);
    const other = await post(`${url}/decode`, await encrypted('engagement:codec:zoom'), { ...auth, Origin: 'https://elsewhere.example' });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(other.headers.get('vary')).toMatch(/\bOrigin\b/);
  });

  it('refuses a 120 MB request and too many payloads, without holding them, and keeps serving', { timeout: 120_000 }, async () => {
    const token = 'a-token-for-the-limits-test';
    const server = createCodecServer({ codec: loadEncryption(keysEnv).codec, token });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    stops.push(() => server.close());
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const before = process.memoryUsage().rss;
    const outcome = await hugePost(`${url}/decode`, token, 120);
    expect([413, 'EPIPE', 'ECONNRESET']).toContain(outcome);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);

    const payloads = await encrypted('engagement:codec:cisco');
    const many = Array.from({ length: CODEC_LIMITS.maxPayloads + 1 }, () => payloads[0]);
    const tooMany = await post(`${url}/decode`, many, { Authorization: `Bearer ${token}` });
    expect(tooMany.status).toBe(413);
    expect(await tooMany.text()).toMatch(/at most 1000 payloads/);

    const fine = await post(`${url}/decode`, payloads, { Authorization: `Bearer ${token}` });
    expect(fine.status).toBe(200);
  });
});
