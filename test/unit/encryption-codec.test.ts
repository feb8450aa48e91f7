// The payload codec reads each data key from the store once per decode call: a board decoding a
// page of 1,000 memos of one campaign must not read that campaign's key 1,000 times. A key
// shredded between two calls still fails the next one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApplicationFailure, DefaultPayloadConverter } from '@temporalio/common';
import { decodeFailure, encodeErrorToFailure } from '@temporalio/common/lib/internal-non-workflow';
import { EncryptionCodec } from '../../encryption/codec';
import { failureConverter, FAILURE_PART_METADATA } from '../../encryption/failure-converter.js';
import { campaignKeyId, generateMasterKeySpec, KeyStore, parseMasterKeys } from '../../encryption/keystore';
import { openLocalStore } from '../../store/local';
import type { WrappedKeyStore } from '../../store/types';

const scratch = mkdtempSync(join(tmpdir(), 'dossier-codec-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the payload codec', () => {
  it('reads each campaign key once per decode call, and fails the call after the key is shredded', async () => {
    const keys = openLocalStore({ outputDir: join(scratch, 'out'), stateDir: join(scratch, 'state'), keysDir: join(scratch, 'keys') }).keys;
    const reads: string[] = [];
    const counting: WrappedKeyStore = {
      ...keys,
      get: (keyId) => {
        reads.push(keyId);
        return keys.get(keyId);
      },
      putIfAbsent: (k) => keys.putIfAbsent(k),
      delete: (keyId) => keys.delete(keyId),
      shreddedAt: (keyId) => keys.shreddedAt(keyId),
    };
    const keystore = new KeyStore(counting, parseMasterKeys(generateMasterKeySpec('m1')));
    const codec = new EncryptionCodec(keystore);
    const payload = (n: number) => ({ metadata: { encoding: new TextEncoder().encode('json/plain') }, data: new TextEncoder().encode(String(n)) });
    const [a, b] = await Promise.all(
      ['alpha', 'beta'].map((campaign) =>
        codec.encode(Array.from({ length: 50 }, (_, i) => payload(i)), { workflowId: `engagement:${campaign}:zoom` } as never),
      ),
    );
    reads.length = 0;
    const decoded = await codec.decode([...a, ...b]);
    expect(decoded.map((p) => new TextDecoder().decode(p.data!))).toEqual([...a, ...b].map((_, i) => String(i % 50)));
    expect(reads.sort()).toEqual([campaignKeyId('alpha'), campaignKeyId('beta')]);

    await keystore.shred(campaignKeyId('alpha'));
    await expect(codec.decode(a)).rejects.toThrow(/does not exist/);
    expect(await codec.decode(b)).toHaveLength(50);
  });

  it('withholds a failure of a shredded campaign in clear, saying why, instead of throwing; anything else of it is still refused', async () => {
    const keys = openLocalStore({ outputDir: join(scratch, 'out2'), stateDir: join(scratch, 'state2'), keysDir: join(scratch, 'keys2') }).keys;
    const keystore = new KeyStore(keys, parseMasterKeys(generateMasterKeySpec('m1')));
    const codec = new EncryptionCodec(keystore);
    const dataConverter = { payloadConverter: new DefaultPayloadConverter(), failureConverter, payloadCodecs: [codec] };
    const context = { type: 'activity', workflowId: 'engagement:gamma:zoom' } as never;
    const failure = ApplicationFailure.create({ message: 'relay said 550 for privacy@zoom.test', details: [{ contact: 'privacy@zoom.test' }] });
    // The campaign's key is made as it starts (its input is encrypted), before any failure of it.
    await keystore.encryptionKey(campaignKeyId('gamma'));

    // While the key lives, the failure's parts are encrypted, and the mark is not kept inside them.
    const sealed = await encodeErrorToFailure(dataConverter, failure, context);
    expect(new TextDecoder().decode(sealed.encodedAttributes!.metadata!.encoding)).toBe('binary/encrypted');
    expect(Buffer.from(sealed.encodedAttributes!.data!).toString()).not.toContain('privacy@zoom.test');
    const opened = await decodeFailure([codec], sealed);
    expect(opened.encodedAttributes!.metadata![FAILURE_PART_METADATA]).toBeUndefined();
    expect(failureConverter.failureToError(opened, dataConverter.payloadConverter).message).toBe('relay said 550 for privacy@zoom.test');

    await keystore.shred(campaignKeyId('gamma'));
    const withheld = await encodeErrorToFailure(dataConverter, failure, context);
    const clear = JSON.stringify(withheld, (_, v) => (v instanceof Uint8Array ? Buffer.from(v).toString() : v));
    expect(clear).not.toContain('privacy@zoom.test');
    const read = failureConverter.failureToError(await decodeFailure([codec], withheld), dataConverter.payloadConverter);
    expect(read.message).toMatch(/^campaign "gamma" was shredded at \d{4}-.*\(the failure's own message was withheld\)$/);
    expect((read as ApplicationFailure).details).toEqual([undefined]);
    // A result, unlike a failure, is refused: the activity then fails saying the campaign was shredded.
    await expect(codec.encode([new DefaultPayloadConverter().toPayload({ sent: true })], context)).rejects.toMatchObject({ type: 'KeyShredded' });
  });
});
