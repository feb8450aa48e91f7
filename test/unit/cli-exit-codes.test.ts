// A command that prints its result but did not do all it was asked exits non-zero, so a rotation
// script stops before it destroys a master key some campaign still needs.
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EXIT, runCli } from '../../client/cli';
import { writeProfile } from '../../config/embedded-profile';
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

describe('the CLI beside a running npm start', () => {
  it('reads its master keys from the set-up it finds, not from the project folder', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'cli-profile-'));
    const dirs = { outputDir: join(scratch, 'out'), stateDir: join(scratch, 'state'), keysDir: join(scratch, 'keys') };
    const spec = generateMasterKeySpec('dev1');
    const keysFile = join(scratch, 'master.keys');
    writeFileSync(keysFile, `${spec}\n`);
    await new KeyStore(openLocalStore(dirs).keys, parseMasterKeys(spec)).encryptionKey('campaign-x');
    // What `npm start` writes while it runs: a live pid, a server that answers, its folders and key file.
    const server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const dataDir = join(scratch, 'data');
    writeProfile({ pid: process.pid, temporalAddress: `127.0.0.1:${port}`, namespace: 'default', outputDir: dirs.outputDir, stateDir: dirs.stateDir, masterKeysFile: keysFile }, { DOSSIER_DATA_DIR: dataDir });
    try {
      const printed: string[] = [];
      vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (printed.push(String(chunk)), true));
      const env = { PATH: process.env.PATH, HOME: process.env.HOME, DOSSIER_DATA_DIR: dataDir, DOSSIER_KEYSTORE_DIR: dirs.keysDir };
      expect(await runCli(['keys', 'rewrap', '--json'], env)).toBe(EXIT.ok);
      expect(JSON.parse(printed.join(''))).toMatchObject({ unchanged: 1, failed: [] });
    } finally {
      server.close();
    }
  });
});
