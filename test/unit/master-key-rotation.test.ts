// Master-key rotation must never report success while leaving data keys that no configured master
// key opens: a second master key under an id already listed is refused, and a key counted as
// "unchanged" is one that was actually unwrapped under the current master key.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateMasterKeySpec, KeyStore, parseMasterKeys } from '../../encryption/keystore';
import { openLocalStore } from '../../store/local';

const scratch = mkdtempSync(join(tmpdir(), 'dossier-rotation-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function keysIn(name: string) {
  return openLocalStore({ outputDir: join(scratch, name, 'out'), stateDir: join(scratch, name, 'state'), keysDir: join(scratch, name, 'keys') }).keys;
}

describe('master-key rotation', () => {
  it('refuses two master keys with the same id, naming the variable and the id', () => {
    const [oldSpec, newSpec] = [generateMasterKeySpec('m1'), generateMasterKeySpec('m1')];
    expect(() => parseMasterKeys(`${newSpec},${oldSpec}`)).toThrow(/DOSSIER_MASTER_KEYS.*"m1"/);
    expect(() => parseMasterKeys(`${newSpec},${oldSpec}`, 'DOSSIER_MASTER_KEYS_FILE')).toThrow(/DOSSIER_MASTER_KEYS_FILE/);
    expect(() => parseMasterKeys(`${newSpec},${oldSpec}`)).toThrow(expect.objectContaining({ code: 'MasterKeysInvalid' }));
  });

  it('reports as failed a key under the current master key id that this master key does not unwrap', async () => {
    const keys = keysIn('same-id');
    const [oldMaster] = parseMasterKeys(generateMasterKeySpec('m1'));
    const dataKey = await new KeyStore(keys, [oldMaster]).encryptionKey('campaign-lost');
    // The master key "m1" was replaced by new bytes under the same id.
    const [newMaster] = parseMasterKeys(generateMasterKeySpec('m1'));
    const result = await new KeyStore(keys, [newMaster]).rewrapAll();
    expect(result.unchanged).toBe(0);
    expect(result.rewrapped).toEqual([]);
    expect(result.failed).toEqual([{ keyId: 'campaign-lost', masterKeyId: 'm1', code: 'MasterKeyMismatch', problem: expect.stringMatching(/campaign-lost.*master key "m1"/) }]);
    // Nothing was rewritten: the right master key still opens it.
    expect(await new KeyStore(keys, [oldMaster]).decryptionKey('campaign-lost')).toEqual(dataKey);
  });

  it('counts as unchanged a key the current master key unwraps', async () => {
    const keys = keysIn('unchanged');
    const [master] = parseMasterKeys(generateMasterKeySpec('m2'));
    await new KeyStore(keys, [master]).encryptionKey('campaign-kept');
    expect(await new KeyStore(keys, [master]).rewrapAll()).toEqual({ rewrapped: [], unchanged: 1, failed: [] });
  });
});
