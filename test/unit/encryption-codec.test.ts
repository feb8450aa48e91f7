// The payload codec reads each data key from the store once per decode call: a board decoding a
// page of 1,000 memos of one campaign must not read that campaign's key 1,000 times. A key
// shredded between two calls still fails the next one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EncryptionCodec } from '../../encryption/codec';
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
});
