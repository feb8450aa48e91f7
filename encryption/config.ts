// Where client and worker get their encryption: master keys from DOSSIER_MASTER_KEYS or
// DOSSIER_MASTER_KEYS_FILE, wrapped data keys in the shared store (PostgreSQL when DATABASE_URL is
// set, else files under DOSSIER_KEYSTORE_DIR). Both sides must point at the same keys; the embedded
// set-up generates a development master key once under .data/, on one host only: with a shared store
// every host must be given the cluster's master keys.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DataConverter } from '@temporalio/common';
import { PROJECT_ROOT } from '../paths';
import { EncryptionCodec } from './codec';
import { namesSharedStore, openStore, storeSettingsFromEnv, type WrappedKeyStore } from '../store';
import { KeyStore, KeyError, generateMasterKeySpec, parseMasterKeys } from './keystore';

export interface Encryption {
  keystore: KeyStore;
  codec: EncryptionCodec;
  dataConverter: DataConverter;
}

export const DEV_MASTER_KEYS_FILE = join(PROJECT_ROOT, '.data', 'master.keys');
export { DEFAULT_KEYSTORE_DIR } from '../store';

/** `keys`: the worker's store's; absent, the store the same variables name (DATABASE_URL…). */
export function loadEncryption(env: NodeJS.ProcessEnv = process.env, keys?: WrappedKeyStore): Encryption {
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
  const file = env.DOSSIER_MASTER_KEYS_FILE ?? (spec ? undefined : DEV_MASTER_KEYS_FILE);
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
  const keystore = new KeyStore(keys ?? openStore(storeSettingsFromEnv(env)).keys, masterKeys);
  const codec = new EncryptionCodec(keystore);
  return { keystore, codec, dataConverter: { payloadCodecs: [codec] } };
}

/**
 * For the embedded set-up only: a development master key, created once and kept out of git. Its id is
 * drawn at random (`dev-…`), so two hosts' development keys are never taken for one another; a file
 * made earlier under the id `dev1` still loads.
 */
export function ensureDevMasterKeys(file = DEV_MASTER_KEYS_FILE): string {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, generateMasterKeySpec(`dev-${randomBytes(6).toString('hex')}`) + '\n', { mode: 0o600 });
  }
  return file;
}
