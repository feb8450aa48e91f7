// `keys rewrap` and `campaign shred` speak the officer's language like every other command: their
// labels, what became of each key, what shredding leaves behind, and the refusal of an unconfirmed
// shred, from templates/cli.yaml. `--json` stays as it was, for scripts.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EXIT, runCli } from '../../client/cli';
import { generateMasterKeySpec, KeyStore, parseMasterKeys } from '../../encryption/keystore';
import { openLocalStore } from '../../store/local';

const NBSP = '\u00a0';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

/** Runs the CLI in this process with `env`, capturing what it prints. */
async function run(args: string[], env: Record<string, string>) {
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  const stdout: string[] = [];
  const stderr: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (stdout.push(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (stderr.push(String(chunk)), true));
  vi.spyOn(console, 'error').mockImplementation((...parts) => void stderr.push(parts.join(' ')));
  const code = await runCli(args, { ...process.env });
  vi.restoreAllMocks();
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
}

function keysIn(scratch: string) {
  const dirs = { outputDir: join(scratch, 'out'), stateDir: join(scratch, 'state'), keysDir: join(scratch, 'keys') };
  const env = { TEMPORAL_ADDRESS: '127.0.0.1:1', DOSSIER_OUTPUT_DIR: dirs.outputDir, DOSSIER_STATE_DIR: dirs.stateDir, DOSSIER_KEYSTORE_DIR: dirs.keysDir, LC_ALL: 'C.UTF-8' };
  return { dirs, env };
}

describe('dossier keys rewrap in French', () => {
  it('says where the keys are, which were rewrapped and which not and why, and what to do next', async () => {
    const { dirs, env } = keysIn(mkdtempSync(join(tmpdir(), 'cli-keys-fr-')));
    const older = generateMasterKeySpec('olda');
    const newer = generateMasterKeySpec('newb');
    await new KeyStore(openLocalStore(dirs).keys, parseMasterKeys(older)).encryptionKey('campaign-x');

    const refused = await run(['--lang', 'fr', 'keys', 'rewrap'], { ...env, DOSSIER_MASTER_KEYS: newer });
    expect(refused.code).toBe(EXIT.refused);
    expect(refused.stdout).toContain(`fichiers locaux (état ${dirs.stateDir}`);
    expect(refused.stdout).toContain('non réenveloppées');
    expect(refused.stdout).toContain(`campaign-x${NBSP}: la clé de données «\u202fcampaign-x\u202f» est enveloppée par la clé maîtresse «\u202folda\u202f», qui n’est pas configurée`);
    expect(refused.stdout).toContain('indiquez les clés maîtresses nommées ci-dessus dans DOSSIER_MASTER_KEYS');

    const done = await run(['--lang', 'fr', 'keys', 'rewrap'], { ...env, DOSSIER_MASTER_KEYS: `${newer},${older}` });
    expect(done.code).toBe(EXIT.ok);
    expect(done.stdout).toContain(`1${NBSP}: campaign-x`);
    expect(done.stdout).toContain('retirez les anciennes clés maîtresses de DOSSIER_MASTER_KEYS');
    for (const english of ['local files', 'rewrapped', 'already current', 'none', 'remove the older master keys', 'is wrapped by master key']) {
      expect(refused.stdout + done.stdout).not.toContain(english);
    }
  });

  it('keeps its JSON for scripts, with the code of why a key was not rewrapped', async () => {
    const { dirs, env } = keysIn(mkdtempSync(join(tmpdir(), 'cli-keys-json-')));
    await new KeyStore(openLocalStore(dirs).keys, parseMasterKeys(generateMasterKeySpec('olda'))).encryptionKey('campaign-x');
    const { stdout } = await run(['--lang', 'fr', 'keys', 'rewrap', '--json'], { ...env, DOSSIER_MASTER_KEYS: generateMasterKeySpec('newb') });
    expect(JSON.parse(stdout).failed).toEqual([
      { keyId: 'campaign-x', masterKeyId: 'olda', code: 'MasterKeyMissing', problem: expect.stringMatching(/^data key "campaign-x" is wrapped by master key "olda", which is not configured: this process reads its master keys from DOSSIER_MASTER_KEYS;/) },
    ]);
  });

  it('names the file the master keys were read from, where the missing one is to be listed, in English and French', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'cli-keys-file-'));
    const { dirs, env } = keysIn(scratch);
    await new KeyStore(openLocalStore(dirs).keys, parseMasterKeys(generateMasterKeySpec('olda'))).encryptionKey('campaign-x');
    const file = join(scratch, 'master.keys');
    writeFileSync(file, generateMasterKeySpec('newb'));
    const en = await run(['keys', 'rewrap'], { ...env, DOSSIER_MASTER_KEYS_FILE: file });
    expect(en.stdout).toContain(`data key "campaign-x" is wrapped by master key "olda", which is not configured in DOSSIER_MASTER_KEYS_FILE (${file})`);
    expect(en.stdout).toContain(`list the master keys named above in DOSSIER_MASTER_KEYS_FILE (${file})`);
    const fr = await run(['--lang', 'fr', 'keys', 'rewrap'], { ...env, DOSSIER_MASTER_KEYS_FILE: file });
    expect(fr.stdout).toContain(`qui n’est pas configurée dans DOSSIER_MASTER_KEYS_FILE (${file})`);
    expect(fr.stdout).toContain(`indiquez les clés maîtresses nommées ci-dessus dans DOSSIER_MASTER_KEYS_FILE (${file})`);
  });
});

describe('dossier campaign shred in French', () => {
  it('refuses an unconfirmed shred in French, before it reaches the server', async () => {
    const { env } = keysIn(mkdtempSync(join(tmpdir(), 'cli-shred-fr-')));
    const { code, stderr } = await run(['--lang', 'fr', 'campaign', 'shred', 'vc'], env);
    expect(code).toBe(EXIT.usage);
    expect(stderr).toContain(`non confirmé${NBSP}: tapez l’identifiant de la campagne «\u202fvc\u202f» (ou passez --confirm vc)`);
    expect(stderr).not.toContain('not confirmed');
  });
});
