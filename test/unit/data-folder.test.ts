// DOSSIER_DATA_DIR holds all of a host's local state, so state moved to another disk, or two
// embedded set-ups side by side, never share a keystore, a ledger or a mailbox; unset, every folder
// stays where it always was. Checked through the functions that read the variables (store, intake,
// worker, CLI, embedded profile), not a table of their own.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { Session } from '../../client/commands/context';
import { profilePath } from '../../config/embedded-profile';
import { localFolders } from '../../config/local-folders';
import { ensureDevMasterKeys, refuseKeysLeftBehind } from '../../encryption/config';
import { generateMasterKeySpec, parseMasterKeys } from '../../encryption/keystore';
import { parseIntakeConfig } from '../../intake/config';
import { PROJECT_ROOT } from '../../paths';
import { storeSettingsFromEnv } from '../../store';
import { parseWorkerConfig } from '../../worker/config';

const scratch = mkdtempSync(join(tmpdir(), 'dossier-data-folder-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** What a worker needs besides its folders; no folder variable among them. */
const server = { TEMPORAL_ADDRESS: 'temporal.internal:7233', SMTP_URL: 'smtp://relay.example.org:587', MAIL_FROM: 'dossier@regulator.example', TEMPORAL_CONFIG_FILE: join(scratch, 'absent.toml') };

function cliContext(env: NodeJS.ProcessEnv) {
  return new Session(env).context(new Command('dossier'));
}

describe('the data folder (DOSSIER_DATA_DIR)', () => {
  it('holds every local store when no other folder variable is set', async () => {
    const data = join(scratch, 'data');
    const env = { DOSSIER_DATA_DIR: data };
    const folders: Record<string, string> = {};
    const settings = storeSettingsFromEnv(env);
    folders['store: ledger and documents'] = settings.stateDir;
    folders['store: data keys'] = settings.keysDir;
    folders['store: published files'] = settings.outputDir;
    const intake = parseIntakeConfig(env).mailbox;
    folders['intake: case Maildir'] = intake.kind === 'maildir' ? intake.root : '(IMAP)';
    folders['embedded.json'] = profilePath(env);
    folders['CLI: published files'] = cliContext(env).outputDir;
    folders['development master key'] = localFolders(env).devMasterKeysFile;
    const outside = (found: Record<string, string>) => Object.entries(found).filter(([, path]) => !path.startsWith(data + sep)).map(([what, path]) => `${what}: ${path}`);
    expect(outside(folders)).toEqual([]);
    // The worker, with the development master key `npm start` makes in the data folder.
    ensureDevMasterKeys(join(data, 'master.keys'));
    const config = parseWorkerConfig({ ...server, ...env });
    expect(outside({ 'worker: output': config.outputDir, 'worker: state': config.stateDir })).toEqual([]);
    await config.encryption!.keystore.encryptionKey('campaign-alpha');
    expect(existsSync(join(data, 'keys', 'campaign-alpha.json'))).toBe(true);
  });

  it('leaves every folder where it was when DOSSIER_DATA_DIR is unset', () => {
    const projectData = join(PROJECT_ROOT, '.data');
    expect(storeSettingsFromEnv({})).toEqual({
      databaseUrl: undefined,
      outputDir: resolve('out'),
      stateDir: resolve('.data', 'state'),
      keysDir: join(projectData, 'keys'),
    });
    expect(parseIntakeConfig({}).mailbox).toEqual({ kind: 'maildir', root: join(projectData, 'mailbox') });
    expect(profilePath({})).toBe(join(projectData, 'embedded.json'));
    expect(cliContext({}).outputDir).toBe(join(PROJECT_ROOT, 'out'));
    // What `npm start` uses: the project's .data/ and out/, whatever the working folder.
    expect(localFolders({}, { fromProject: true })).toEqual({
      dataDir: projectData,
      stateDir: join(projectData, 'state'),
      keysDir: join(projectData, 'keys'),
      outputDir: join(PROJECT_ROOT, 'out'),
      maildir: join(projectData, 'mailbox'),
      devMasterKeysFile: join(projectData, 'master.keys'),
    });
  });

  it('gives the CLI the project\'s state folder, as the worker and workspace use, whatever folder it runs from', () => {
    const elsewhere = join(scratch, 'elsewhere');
    mkdirSync(elsewhere, { recursive: true });
    const before = process.cwd();
    process.chdir(elsewhere);
    try {
      const context = cliContext({});
      // Every store the CLI opens (documents for respond --attach, keys, published files) reads these.
      expect(storeSettingsFromEnv(context.env)).toMatchObject({
        stateDir: join(PROJECT_ROOT, '.data', 'state'),
        keysDir: join(PROJECT_ROOT, '.data', 'keys'),
        outputDir: join(PROJECT_ROOT, 'out'),
      });
      expect(context.store().describe()).not.toContain(elsewhere);
    } finally {
      process.chdir(before);
    }
  });

  it('gives way to a variable that names one folder', () => {
    const named = {
      DOSSIER_STATE_DIR: join(scratch, 'named', 'state'),
      DOSSIER_KEYSTORE_DIR: join(scratch, 'named', 'keys'),
      DOSSIER_OUTPUT_DIR: join(scratch, 'named', 'out'),
      DOSSIER_MAILDIR: join(scratch, 'named', 'mailbox'),
    };
    const env = { DOSSIER_DATA_DIR: join(scratch, 'data'), ...named };
    expect(localFolders(env)).toMatchObject({
      stateDir: named.DOSSIER_STATE_DIR,
      keysDir: named.DOSSIER_KEYSTORE_DIR,
      outputDir: named.DOSSIER_OUTPUT_DIR,
      maildir: named.DOSSIER_MAILDIR,
    });
    expect(storeSettingsFromEnv(env)).toMatchObject({ stateDir: named.DOSSIER_STATE_DIR, keysDir: named.DOSSIER_KEYSTORE_DIR, outputDir: named.DOSSIER_OUTPUT_DIR });
    expect(parseIntakeConfig(env).mailbox).toEqual({ kind: 'maildir', root: named.DOSSIER_MAILDIR });
  });
});

describe('data keys an earlier version kept in the project folder', () => {
  // Until the data folder held the keystore, a set-up given DOSSIER_DATA_DIR kept its keys in .data/keys.
  const earlier = join(scratch, 'project-keys');
  const [ours, theirs] = [parseMasterKeys(generateMasterKeySpec('dev-0123456789ab'))[0], parseMasterKeys(generateMasterKeySpec('dev-ba9876543210'))[0]];
  mkdirSync(earlier, { recursive: true });
  writeFileSync(join(earlier, 'campaign-alpha.json'), JSON.stringify({ id: 'campaign-alpha', masterKeyId: ours.id }));
  writeFileSync(join(earlier, 'global.json'), JSON.stringify({ id: 'global', masterKeyId: ours.id }));

  it('stops a set-up whose keys are still there, saying where they are and how to move them', () => {
    const env = { DOSSIER_DATA_DIR: join(scratch, 'upgraded') };
    expect(() => refuseKeysLeftBehind(env, [ours], earlier)).toThrow(
      expect.objectContaining({
        code: 'KeysElsewhere',
        message: expect.stringMatching(new RegExp(`campaign-alpha\\.json, global\\.json.* are in ${earlier}.*keystore is now ${join(scratch, 'upgraded', 'keys')}.*DOSSIER_KEYSTORE_DIR=${earlier}`)),
      }),
    );
  });

  it('lets a set-up start once its keystore holds keys, when they are another master key\'s, or when DOSSIER_KEYSTORE_DIR is named', () => {
    const moved = join(scratch, 'moved');
    mkdirSync(join(moved, 'keys'), { recursive: true });
    writeFileSync(join(moved, 'keys', 'global.json'), '{}');
    expect(() => refuseKeysLeftBehind({ DOSSIER_DATA_DIR: moved }, [ours], earlier)).not.toThrow();
    expect(() => refuseKeysLeftBehind({ DOSSIER_DATA_DIR: join(scratch, 'other') }, [theirs], earlier)).not.toThrow();
    expect(() => refuseKeysLeftBehind({ DOSSIER_DATA_DIR: join(scratch, 'kept'), DOSSIER_KEYSTORE_DIR: earlier }, [ours], earlier)).not.toThrow();
    expect(() => refuseKeysLeftBehind({}, [ours], earlier)).not.toThrow();
  });
});
