// Where client and worker get their encryption: master keys from DOSSIER_MASTER_KEYS or
// DOSSIER_MASTER_KEYS_FILE, wrapped data keys in the shared store (PostgreSQL when DATABASE_URL is
// set, else files under DOSSIER_KEYSTORE_DIR). Both sides must point at the same keys; the embedded
// set-up generates a development master key once in its data folder (DOSSIER_DATA_DIR, else .data/),
// on one host only: with a shared store every host must be given the cluster's master keys.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DataConverter } from '@temporalio/common';
import { localFolders, PROJECT_DATA_DIR } from '../config/local-folders';
import { EncryptionCodec } from './codec';
import { maskDatabaseUrl, namesSharedStore, openStore, storeSettingsFromEnv, type StoreSettings, type WrappedKeyStore } from '../store';
import { KeyStore, KeyError, generateMasterKeySpec, parseMasterKeys, type KeySources, type MasterKey } from './keystore';

/** The module of the failure converter that encrypts failures' messages and stack traces (see that file). */
export const FAILURE_CONVERTER_PATH = join(__dirname, 'failure-converter.js');

export interface Encryption {
  keystore: KeyStore;
  codec: EncryptionCodec;
  dataConverter: DataConverter;
}

/** `keys`: the worker's store's; absent, the store the same variables name (DATABASE_URL…). */
export function loadEncryption(env: NodeJS.ProcessEnv = process.env, keys?: WrappedKeyStore): Encryption {
  const masterKeys = loadMasterKeys(env);
  const settings = storeSettingsFromEnv(env);
  const keystore = new KeyStore(keys ?? openStore(settings).keys, masterKeys, keySources(env, settings));
  const codec = new EncryptionCodec(keystore);
  return { keystore, codec, dataConverter: { payloadCodecs: [codec], failureConverterPath: FAILURE_CONVERTER_PATH } };
}

/** Where the variables say the keys are, for the keystore's errors; a database URL's password masked. */
export function keySources(env: NodeJS.ProcessEnv, settings: StoreSettings = storeSettingsFromEnv(env)): KeySources {
  return {
    store: settings.databaseUrl ? `PostgreSQL ${maskDatabaseUrl(settings.databaseUrl)} (DATABASE_URL)` : `the local folder ${settings.keysDir}`,
    masterKeys: masterKeysSource(env),
  };
}

/** Which variable or file the master keys are read from. */
export function masterKeysSource(env: NodeJS.ProcessEnv): string {
  if (env.DOSSIER_MASTER_KEYS) return 'DOSSIER_MASTER_KEYS';
  return `DOSSIER_MASTER_KEYS_FILE (${env.DOSSIER_MASTER_KEYS_FILE ?? localFolders(env).devMasterKeysFile})`;
}

/**
 * The master keys the variables name, checked, without opening a store: a process that opens its
 * store on first use (the workspace) checks them at start with this.
 */
export function loadMasterKeys(env: NodeJS.ProcessEnv = process.env): MasterKey[] {
  let spec = env.DOSSIER_MASTER_KEYS;
  let source = 'DOSSIER_MASTER_KEYS';
  // A key of this host's own would wrap data keys the other hosts cannot open, and fail to open theirs.
  if (!spec && !env.DOSSIER_MASTER_KEYS_FILE && namesSharedStore(env)) {
    throw new KeyError(
      'MasterKeyMissing',
      'No master key: with DATABASE_URL (state shared by several hosts) set DOSSIER_MASTER_KEYS or DOSSIER_MASTER_KEYS_FILE ' +
        'to the cluster\'s master keys, the same on every host; a development key is made only for one host without a database.',
    );
  }
  const file = env.DOSSIER_MASTER_KEYS_FILE ?? (spec ? undefined : localFolders(env).devMasterKeysFile);
  if (!spec && file) {
    source = `DOSSIER_MASTER_KEYS_FILE (${file})`;
    if (!existsSync(file)) {
      throw new KeyError(
        'MasterKeyMissing',
        `No master key: set DOSSIER_MASTER_KEYS or DOSSIER_MASTER_KEYS_FILE (${file} does not exist). ` +
          '`npm start` creates a development key on first run.',
      );
    }
    spec = readFileSync(file, 'utf8');
  }
  const masterKeys = parseMasterKeys(spec ?? '', source);
  refuseKeysLeftBehind(env, masterKeys);
  return masterKeys;
}

/**
 * For the embedded set-up only: a development master key, created once and kept out of git. Its id is
 * drawn at random (`dev-…`), so two hosts' development keys are never taken for one another; a file
 * made earlier under the id `dev1` still loads.
 */
export function ensureDevMasterKeys(file: string): string {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, generateMasterKeySpec(`dev-${randomBytes(6).toString('hex')}`) + '\n', { mode: 0o600 });
  }
  return file;
}

/**
 * Until DOSSIER_DATA_DIR also held the keystore, data keys stayed in the project's .data/keys whatever
 * the data folder. A set-up given its data folder then would now find an empty keystore and make new
 * keys under its old keys' ids (`global`, `campaign-…`), and its cases' histories would no longer
 * decrypt: it is stopped instead, and told where its keys are. Keys are recognised as its own by the
 * master key that wrapped them.
 */
export function refuseKeysLeftBehind(env: NodeJS.ProcessEnv, masterKeys: MasterKey[], earlier = join(PROJECT_DATA_DIR, 'keys')): void {
  if (!env.DOSSIER_DATA_DIR?.trim() || env.DOSSIER_KEYSTORE_DIR?.trim() || namesSharedStore(env)) return;
  const { keysDir } = localFolders(env);
  if (keysDir === earlier || keyFiles(keysDir).length) return;
  const ids = new Set(masterKeys.map((m) => m.id));
  const ours = keyFiles(earlier).filter((name) => ids.has(masterKeyIdOf(join(earlier, name)) ?? ''));
  if (!ours.length) return;
  const named = ours.length > 4 ? `${ours.slice(0, 3).join(', ')} and ${ours.length - 3} more` : ours.join(', ');
  throw new KeyError(
    'KeysElsewhere',
    `This set-up's data keys (${named}, wrapped by master key "${[...ids].join('", "')}") are in ${earlier}, where they were kept ` +
      `before DOSSIER_DATA_DIR held the keystore too; its keystore is now ${keysDir}, which has none. Move those files there ` +
      `(with the .shredded file of any campaign this set-up shredded), or set DOSSIER_KEYSTORE_DIR=${earlier} to keep using them where they are ` +
      `(DOSSIER_KEYSTORE_DIR=${keysDir} if they belong to another set-up under the same master key id).`,
  );
}

function keyFiles(folder: string): string[] {
  try {
    return readdirSync(folder).filter((name) => name.endsWith('.json'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

function masterKeyIdOf(file: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { masterKeyId?: string }).masterKeyId;
  } catch {
    return undefined;
  }
}
