// A command that prints its result but did not do all it was asked exits non-zero, so a rotation
// script stops before it destroys a master key some campaign still needs.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EXIT, runCli } from '../../client/cli';
import { generateMasterKeySpec, KeyStore, parseMasterKeys } from '../../encryption/keystore';
import { openLocalStore } from '../../store/local';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('dossier keys rewrap', () => {
  it('exits refused when a data key could not be rewrapped, and 0 once every key is', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'cli-exit-'));
    const dirs = { outputDir: join(scratch, 'out'), stateDir: join(scratch, 'state'), keysDir: join(scratch, 'keys') };
    const older = generateMasterKeySpec('olda');
    const newer = generateMasterKeySpec('newb');
    await new KeyStore(openLocalStore(dirs).keys, parseMasterKeys(older)).encryptionKey('campaign-x');

    const env = { TEMPORAL_ADDRESS: '127.0.0.1:1', DOSSIER_OUTPUT_DIR: dirs.outputDir, DOSSIER_STATE_DIR: dirs.stateDir, DOSSIER_KEYSTORE_DIR: dirs.keysDir };
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    const printed: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (printed.push(String(chunk)), true));

    // Only the new master key listed: the campaign's key, wrapped under the older one, cannot be rewrapped.
    vi.stubEnv('DOSSIER_MASTER_KEYS', newer);
    expect(await runCli(['keys', 'rewrap', '--json'], { ...process.env })).toBe(EXIT.refused);
    expect(JSON.parse(printed.join('')).failed).toEqual([expect.objectContaining({ keyId: 'campaign-x' })]);

    printed.length = 0;
    vi.stubEnv('DOSSIER_MASTER_KEYS', `${newer},${older}`);
    expect(await runCli(['keys', 'rewrap', '--json'], { ...process.env })).toBe(EXIT.ok);
    expect(JSON.parse(printed.join('')).rewrapped).toEqual(['campaign-x']);
  });
});
