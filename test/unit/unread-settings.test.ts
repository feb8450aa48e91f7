// DOSSIER_* variables no part of Dossier reads (config/unread-settings.ts): a misspelt setting is
// named with the one it most likely meant, and the names Dossier knows are those its code reads.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { knownSettingNames, unreadSettings, unreadSettingWarnings } from '../../config/unread-settings';
import { loadEncryption } from '../../encryption/config';
import { generateMasterKeySpec } from '../../encryption/keystore';
import { parseIntakeConfig } from '../../intake/config';
import { PROJECT_ROOT } from '../../paths';
import { parseWebConfig } from '../../web/config';
import { parseWorkerConfig, WORKER_SCHEMA_VARIABLES } from '../../worker/config';

const scratch = mkdtempSync(join(tmpdir(), 'dossier-unread-settings-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The DOSSIER_* names `parse` reads from the environment, whatever it makes of them. */
function namesRead(parse: (env: NodeJS.ProcessEnv) => unknown, given: NodeJS.ProcessEnv): string[] {
  const read = new Set<string>();
  const env = new Proxy(given, {
    get(target, name) {
      if (typeof name === 'string') read.add(name);
      return target[name as string];
    },
  });
  try {
    parse(env);
  } catch {
    // A refusal still read the variables it names.
  }
  return [...read].filter((name) => name.startsWith('DOSSIER_'));
}

describe('DOSSIER_* variables no part of Dossier reads', () => {
  it('names a misspelt setting with the one it most likely meant, and only the unread ones', () => {
    const env = {
      DOSSIER_DIGEST_HOURS: '7',
      DOSSIER_CODEC_TOKN: 'secret-value',
      DOSSIER_DIGEST_HOUR: '7',
      DOSSIER_TASK_QUEUE: 'dossier',
      DOSSIER_MASTER_KEYS_FILE: '/run/secrets/keys',
      PATH: '/usr/bin',
    };
    expect(unreadSettings(env)).toEqual([
      { name: 'DOSSIER_CODEC_TOKN', closest: 'DOSSIER_CODEC_TOKEN' },
      { name: 'DOSSIER_DIGEST_HOURS', closest: 'DOSSIER_DIGEST_HOUR' },
    ]);
    const lines = unreadSettingWarnings(env);
    expect(lines).toEqual([
      'Warning: DOSSIER_CODEC_TOKN is set, but no part of Dossier reads it, so it changes nothing: did you mean DOSSIER_CODEC_TOKEN?',
      'Warning: DOSSIER_DIGEST_HOURS is set, but no part of Dossier reads it, so it changes nothing: did you mean DOSSIER_DIGEST_HOUR?',
    ]);
    // The value may be a secret: only the name is said.
    expect(lines.join('\n')).not.toContain('secret-value');
  });

  it('suggests nothing for a name no setting is close to', () => {
    expect(unreadSettings({ DOSSIER_FEATURE_FROM_NEXT_RELEASE: 'on' })).toEqual([{ name: 'DOSSIER_FEATURE_FROM_NEXT_RELEASE' }]);
    expect(unreadSettingWarnings({ DOSSIER_FEATURE_FROM_NEXT_RELEASE: 'on' })[0]).toMatch(/changes nothing \(a setting of another version, or a misspelling\?\)$/);
  });

  it('knows a setting as soon as code that reads it is added, with no list to update', () => {
    const root = join(scratch, 'project');
    mkdirSync(join(root, 'worker'), { recursive: true });
    writeFileSync(join(root, 'worker', 'new-setting.ts'), 'export const lanes = Number(process.env.DOSSIER_NEW_LANES ?? 2);\n');
    expect(knownSettingNames(root)).toEqual(new Set(['DOSSIER_NEW_LANES']));
    expect(unreadSettings({ DOSSIER_NEW_LANES: '3', DOSSIER_NEW_LANE: '3' }, knownSettingNames(root))).toEqual([
      { name: 'DOSSIER_NEW_LANE', closest: 'DOSSIER_NEW_LANES' },
    ]);
  });

  it("knows every DOSSIER_* variable the worker's, the intake's and the workspace's configuration read", () => {
    const dataDir = join(scratch, 'data');
    const full: NodeJS.ProcessEnv = {
      SMTP_URL: 'smtp://127.0.0.1:2525',
      DOSSIER_DATA_DIR: dataDir,
      DOSSIER_MASTER_KEYS: generateMasterKeySpec('s1'),
      DOSSIER_IMAP_URL: 'imap://case@127.0.0.1:143',
      DOSSIER_DIGEST_HOUR: '7',
      DOSSIER_DB_POOL_SIZE: '3',
    };
    const read = new Set([
      ...WORKER_SCHEMA_VARIABLES.filter((name) => name.startsWith('DOSSIER_')),
      ...namesRead((env) => parseWorkerConfig(env).store?.close(), full),
      ...namesRead((env) => parseWorkerConfig(env).store?.close(), { ...full, DOSSIER_IMAP_URL: undefined, DOSSIER_MAILDIR: join(dataDir, 'mail') }),
      ...namesRead((env) => parseIntakeConfig(env), full),
      ...namesRead((env) => parseWebConfig(env), full),
      ...namesRead((env) => loadEncryption(env), full),
    ]);
    // The parsers read the settings this test expects them to, so the check below checks something.
    expect([...read]).toEqual(expect.arrayContaining(['DOSSIER_DIGEST_HOUR', 'DOSSIER_TASK_QUEUE', 'DOSSIER_IMAP_URL', 'DOSSIER_WEB_PORT', 'DOSSIER_MASTER_KEYS_FILE']));
    expect(unreadSettings(Object.fromEntries([...read].map((name) => [name, 'x'])))).toEqual([]);
  });

  it("knows every DOSSIER_* variable the README's configuration tables list", () => {
    const rows = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('| `'));
    const documented = new Set(rows.join('\n').match(/\bDOSSIER_[A-Z0-9_]*[A-Z0-9]\b/g));
    expect(documented.size).toBeGreaterThan(20);
    expect(unreadSettings(Object.fromEntries([...documented].map((name) => [name, 'x'])))).toEqual([]);
  });
});
