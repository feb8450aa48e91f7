// Data keys, one per campaign, wrapped by master keys. Payloads of a campaign's workflows are
// encrypted with the campaign's data key; destroying that key (crypto-shredding) makes every one of
// its histories unreadable while the published statement stays. Master keys come only from the
// environment or a file; several may be listed so that an old one still unwraps during rotation.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { WrappedKey, WrappedKeyStore } from '../store/types';
import { DossierError } from '../workflows/errors';
import { parseWorkflowId } from '../workflows/workflow-ids';

export const GLOBAL_KEY_ID = 'global';

export type KeyErrorCode = 'KeyShredded' | 'KeyNotInStore' | 'MasterKeyMissing' | 'MasterKeyMismatch' | 'MasterKeysInvalid' | 'KeysElsewhere';

export class KeyError extends DossierError<KeyErrorCode> {}

/**
 * A data key a rotation could not rewrap: the master key that wrapped it, why as a code
 * (`MasterKeyMissing`, `MasterKeyMismatch`; `UnwrapFailed` for any other failure), and the English
 * sentence for logs and scripts. The CLI words the code in the officer's language.
 */
export interface RewrapFailure {
  keyId: string;
  masterKeyId: string;
  code: KeyErrorCode | 'UnwrapFailed';
  problem: string;
}

export interface MasterKey {
  id: string;
  key: Buffer;
}

/**
 * Where a keystore reads from, in words for its errors: the store of the wrapped keys (`PostgreSQL
 * db:5432/dossier`, `the local folder .data/keys`) and the source of the master keys
 * (`DOSSIER_MASTER_KEYS`, `DOSSIER_MASTER_KEYS_FILE (.data/master.keys)`).
 */
export interface KeySources {
  store: string;
  masterKeys: string;
}

/**
 * Parses `id:base64,id:base64` (the first one encrypts; all of them decrypt).
 * @example parseMasterKeys('k2:' + key2.toString('base64') + ',k1:' + key1.toString('base64'))
 */
export function parseMasterKeys(spec: string, source = 'DOSSIER_MASTER_KEYS'): MasterKey[] {
  const keys = spec
    .split(/[,\s]+/)
    .filter(Boolean)
    .map((entry, i) => {
      const [id, b64] = entry.split(':');
      const key = Buffer.from(b64 ?? '', 'base64');
      if (!id || !/^[\w.-]{1,40}$/.test(id) || key.length !== 32) {
        throw new KeyError(
          'MasterKeysInvalid',
          `${source}: entry ${i + 1} must be <id>:<base64 of 32 random bytes> (generate one with \`openssl rand -base64 32\`)`,
        );
      }
      return { id, key };
    });
  if (!keys.length) throw new KeyError('MasterKeysInvalid', `${source} is empty`);
  // Two keys under one id: only the first would ever be tried, so keys wrapped under the other would
  // be counted as current by a rotation and then never open again.
  const duplicate = keys.find((k, i) => keys.findIndex((other) => other.id === k.id) !== i);
  if (duplicate) {
    throw new KeyError(
      'MasterKeysInvalid',
      `${source}: master key id "${duplicate.id}" is listed twice; give the new master key an id of its own (a data key records only the id of the master key that wrapped it)`,
    );
  }
  return keys;
}

export function generateMasterKeySpec(id = `k${Date.now().toString(36)}`): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}

export function campaignKeyId(campaignId: string): string {
  return `campaign-${campaignId}`;
}

/** What a key id stands for, in words: `campaign "x"` for a campaign's key. */
function keyOwner(keyId: string): string {
  return keyId.startsWith('campaign-') ? `campaign "${keyId.slice('campaign-'.length)}"` : `data key "${keyId}"`;
}

/**
 * A shredded key stays shredded, so retrying cannot help. Where Temporal sees the error (an
 * activity's result that cannot be encrypted, a send that cannot seal its ledger entry), it is a
 * non-retryable ApplicationFailure of type KeyShredded: the activity fails once, and the workflow
 * waiting on it fails with this message instead of retrying for ever. Other errors pass unchanged.
 */
export function failureIfShredded(err: unknown): unknown {
  if (!(err instanceof KeyError) || err.code !== 'KeyShredded') return err;
  return ApplicationFailure.create({ type: err.code, message: err.message, nonRetryable: true });
}

/**
 * The data key of a workflow's payloads: its campaign's for the engagements and the campaign itself.
 * The retention workflow stays on the global key on purpose: it must still complete after it has
 * destroyed the campaign's key, and its payloads (a campaign id, a duration) are not confidential.
 */
export function keyIdForWorkflow(workflowId: string | undefined): string {
  const ref = parseWorkflowId(workflowId);
  return ref && ref.kind !== 'retention' ? campaignKeyId(ref.campaignId) : GLOBAL_KEY_ID;
}

/**
 * Wraps and unwraps the campaigns' data keys; where the wrapped keys live (files, PostgreSQL) is the
 * store's business (store/). Every use reads the stored key, so a key shredded by another process
 * or host stops working here too; only the unwrapping is cached.
 */
export class KeyStore {
  private readonly cache = new Map<string, { wrapped: string; key: Buffer }>();

  constructor(
    private readonly keys: WrappedKeyStore,
    private readonly masterKeys: MasterKey[],
    readonly sources: KeySources = { store: 'this keystore', masterKeys: 'the master keys configured here' },
  ) {}

  /**
   * The data key to encrypt with, created on first use. Once the key was shredded it is never made
   * again: throws KeyShredded, naming the campaign and when it was shredded, so whatever was about
   * to be written for the campaign fails instead of being written under a fresh, readable key.
   */
  async encryptionKey(keyId: string): Promise<Buffer> {
    const existing = await this.find(keyId);
    if (existing) return existing;
    await this.refuseIfShredded(keyId);
    const key = randomBytes(32);
    // Of two workers creating the same key at once, the store keeps one: both use that one.
    const stored = await this.keys.putIfAbsent({ ...this.wrap(keyId, key), createdAt: new Date().toISOString() });
    // A shredding between the check above and the put: its tombstone was written before its delete,
    // so either the delete removed this key or this read sees the tombstone and removes it here.
    if (!stored || (await this.keys.shreddedAt(keyId))) {
      if (stored) await this.keys.delete(keyId);
      this.cache.delete(keyId);
      await this.refuseIfShredded(keyId);
      throw new KeyError('KeyShredded', `data key "${keyId}" was removed while it was being made; try again`);
    }
    return this.unwrap(stored);
  }

  /**
   * The data key to decrypt with; throws KeyShredded when the store recorded its shredding, and
   * KeyNotInStore when it is absent with no such record: then this host reads another store than
   * the one the campaign was started with (a configuration to fix, so retried, not failed for good).
   */
  async decryptionKey(keyId: string): Promise<Buffer> {
    const key = await this.find(keyId);
    if (key) return key;
    const shreddedAt = await this.keys.shreddedAt(keyId);
    if (shreddedAt) throw new KeyError('KeyShredded', `data key "${keyId}" does not exist: ${keyOwner(keyId)} was shredded at ${shreddedAt}`);
    throw new KeyError(
      'KeyNotInStore',
      `data key "${keyId}" (${keyOwner(keyId)}) is not in the keystore this host reads, ${this.sources.store}, and no shredding of it is recorded there: ` +
        'it was made in another store (local files of `npm start` on one host, PostgreSQL on another?). Point this host at the store that holds it ' +
        '(the same DATABASE_URL, or DOSSIER_KEYSTORE_DIR/DOSSIER_DATA_DIR), or copy the local store into PostgreSQL (`npm run store:import-local`): README, "Workers on several hosts"',
    );
  }

  /**
   * The data key to encrypt with when it must exist already (a failure of a task of the campaign):
   * never made here, since a key made by a host that reads another store than the campaign's would
   * differ from the campaign's own. Throws KeyShredded as encryptionKey does, else KeyNotInStore.
   */
  async existingKey(keyId: string): Promise<Buffer> {
    const key = await this.find(keyId);
    if (key) return key;
    await this.refuseIfShredded(keyId);
    return this.decryptionKey(keyId);
  }

  private async refuseIfShredded(keyId: string): Promise<void> {
    const shreddedAt = await this.keys.shreddedAt(keyId);
    if (!shreddedAt) return;
    throw new KeyError(
      'KeyShredded',
      `${keyOwner(keyId)} was shredded at ${shreddedAt}: its data key was destroyed and is never made again, so nothing more can be encrypted or recorded for it`,
    );
  }

  private async find(keyId: string): Promise<Buffer | undefined> {
    checkKeyId(keyId);
    const stored = await this.keys.get(keyId);
    if (!stored) {
      this.cache.delete(keyId);
      return undefined;
    }
    return this.unwrap(stored);
  }

  private wrap(keyId: string, key: Buffer): Omit<WrappedKey, 'createdAt'> {
    const master = this.masterKeys[0];
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', master.key, iv);
    const wrapped = Buffer.concat([cipher.update(key), cipher.final()]);
    return { id: keyId, masterKeyId: master.id, iv: iv.toString('base64'), wrapped: wrapped.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
  }

  private unwrap(stored: WrappedKey): Buffer {
    const cached = this.cache.get(stored.id);
    if (cached?.wrapped === stored.wrapped) return cached.key;
    const master = this.masterKeys.find((m) => m.id === stored.masterKeyId);
    if (!master) {
      throw new KeyError(
        'MasterKeyMissing',
        `data key "${stored.id}" is wrapped by master key "${stored.masterKeyId}", which is not configured: this process reads its master keys from ` +
          `${this.sources.masterKeys}; add "${stored.masterKeyId}" there (the newest master key first, the older ones after it: ` +
          '`<new id>:<base64>,<older id>:<base64>`) and restart this process (README, "Rotating the master key")',
      );
    }
    const decipher = createDecipheriv('aes-256-gcm', master.key, Buffer.from(stored.iv, 'base64'));
    decipher.setAuthTag(Buffer.from(stored.tag, 'base64'));
    let key: Buffer;
    try {
      key = Buffer.concat([decipher.update(Buffer.from(stored.wrapped, 'base64')), decipher.final()]);
    } catch {
      // GCM's own words ("unable to authenticate data") do not say which key, nor that the keys differ.
      throw new KeyError(
        'MasterKeyMismatch',
        `data key "${stored.id}" does not unwrap under the master key "${master.id}" configured here: it was wrapped by another master key ` +
          `under the same id, so this host's master keys differ from the ones that wrapped it; give every host the same DOSSIER_MASTER_KEYS`,
      );
    }
    this.cache.set(stored.id, { wrapped: stored.wrapped, key });
    return key;
  }

  /**
   * Crypto-shredding: destroys the data key for good, and remembers it was (a tombstone in the
   * store), so no later encryption for the campaign makes a new key. Returns false when it was
   * already gone.
   */
  async shred(keyId: string): Promise<boolean> {
    checkKeyId(keyId);
    this.cache.delete(keyId);
    return this.keys.delete(keyId);
  }

  /**
   * Clears what destroyed keys left in the store's own files (PostgreSQL: VACUUM FULL of the key
   * table). Copies elsewhere (WAL, backups, replicas) stay until the master key is retired: README.
   */
  purgeShredded(): Promise<string> {
    return this.keys.purgeDeleted();
  }

  /**
   * Master-key rotation: rewraps every data key not yet under the first (current) master key. Once
   * it returns, the older master keys can be removed from DOSSIER_MASTER_KEYS and destroyed; then
   * no copy of a key wrapped under them (a backup, WAL, a deleted row) can be unwrapped again.
   * A key that cannot be unwrapped (its master key is not listed, or the master key listed under its
   * id is not the one that wrapped it) is reported, not skipped silently; "unchanged" counts only keys
   * the current master key was seen to unwrap.
   */
  async rewrapAll(): Promise<{ rewrapped: string[]; unchanged: number; failed: RewrapFailure[] }> {
    const current = this.masterKeys[0].id;
    const rewrapped: string[] = [];
    const failed: RewrapFailure[] = [];
    let unchanged = 0;
    for (const keyId of await this.keys.list()) {
      const stored = await this.keys.get(keyId);
      if (!stored) continue;
      let key: Buffer;
      try {
        key = this.unwrap(stored);
      } catch (err) {
        const problem = err instanceof KeyError ? err.message : `data key "${keyId}" does not unwrap under the configured master key "${stored.masterKeyId}" (${(err as Error).message}): is the right key listed under that id?`;
        failed.push({ keyId, masterKeyId: stored.masterKeyId, code: err instanceof KeyError ? err.code : 'UnwrapFailed', problem });
        continue;
      }
      if (stored.masterKeyId === current) {
        unchanged++;
        continue;
      }
      if (await this.keys.replace({ ...this.wrap(keyId, key), createdAt: stored.createdAt }, stored.masterKeyId)) rewrapped.push(keyId);
    }
    return { rewrapped, unchanged, failed };
  }

  list(): Promise<string[]> {
    return this.keys.list();
  }
}

/** Refused before the store sees it, with the error shredding and decryption already report. */
function checkKeyId(keyId: string): void {
  if (!/^[\w-][\w.-]{0,99}$/.test(keyId)) throw new KeyError('KeyShredded', `invalid data key id "${keyId}"`);
}
