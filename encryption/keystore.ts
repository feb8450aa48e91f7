// Data keys, one per campaign, wrapped by master keys. Payloads of a campaign's workflows are
// encrypted with the campaign's data key; destroying that key (crypto-shredding) makes every one of
// its histories unreadable while the published statement stays. Master keys come only from the
// environment or a file; several may be listed so that an old one still unwraps during rotation.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WrappedKey } from '../store/types';
import { DossierError } from '../workflows/errors';
import { parseWorkflowId } from '../workflows/workflow-ids';

export const GLOBAL_KEY_ID = 'global';

export type KeyErrorCode = 'KeyShredded' | 'MasterKeyMissing' | 'MasterKeysInvalid';

export class KeyError extends DossierError<KeyErrorCode> {}

export interface MasterKey {
  id: string;
  key: Buffer;
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
  return keys;
}

export function generateMasterKeySpec(id = `k${Date.now().toString(36)}`): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}

export function campaignKeyId(campaignId: string): string {
  return `campaign-${campaignId}`;
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

export class FileKeyStore {
  private readonly cache = new Map<string, Buffer>();

  constructor(
    private readonly folder: string,
    private readonly masterKeys: MasterKey[],
  ) {
    mkdirSync(folder, { recursive: true });
  }

  private pathOf(keyId: string): string {
    if (!/^[\w.-]{1,100}$/.test(keyId)) throw new KeyError('KeyShredded', `invalid data key id "${keyId}"`);
    return join(this.folder, `${keyId}.json`);
  }

  /** The data key to encrypt with, created on first use. */
  encryptionKey(keyId: string): Buffer {
    const existing = this.find(keyId);
    if (existing) return existing;
    const key = randomBytes(32);
    const master = this.masterKeys[0];
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', master.key, iv);
    const wrapped = Buffer.concat([cipher.update(key), cipher.final()]);
    const file: WrappedKey = {
      id: keyId,
      masterKeyId: master.id,
      iv: iv.toString('base64'),
      wrapped: wrapped.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      createdAt: new Date().toISOString(),
    };
    // Written under a temporary name and renamed, so a concurrent reader never sees half a key;
    // if two workers race, both keys are valid until the later rename wins, and the loser re-reads.
    const tmp = `${this.pathOf(keyId)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(tmp, JSON.stringify(file), { mode: 0o600 });
    if (existsSync(this.pathOf(keyId))) rmSync(tmp);
    else renameSync(tmp, this.pathOf(keyId));
    return this.find(keyId) ?? key;
  }

  /** The data key to decrypt with; throws KeyShredded when it was destroyed. */
  decryptionKey(keyId: string): Buffer {
    const key = this.find(keyId);
    if (!key) throw new KeyError('KeyShredded', `data key "${keyId}" does not exist (destroyed by crypto-shredding?)`);
    return key;
  }

  private find(keyId: string): Buffer | undefined {
    const path = this.pathOf(keyId);
    // The file is checked on every use so that a key shredded by another process stops working here too.
    if (!existsSync(path)) {
      this.cache.delete(keyId);
      return undefined;
    }
    const cached = this.cache.get(keyId);
    if (cached) return cached;
    const file = JSON.parse(readFileSync(path, 'utf8')) as WrappedKey;
    const master = this.masterKeys.find((m) => m.id === file.masterKeyId);
    if (!master) {
      throw new KeyError('MasterKeyMissing', `data key "${keyId}" is wrapped by master key "${file.masterKeyId}", which is not configured`);
    }
    const decipher = createDecipheriv('aes-256-gcm', master.key, Buffer.from(file.iv, 'base64'));
    decipher.setAuthTag(Buffer.from(file.tag, 'base64'));
    const key = Buffer.concat([decipher.update(Buffer.from(file.wrapped, 'base64')), decipher.final()]);
    this.cache.set(keyId, key);
    return key;
  }

  /** Crypto-shredding: destroys the data key for good. Returns false when it was already gone. */
  shred(keyId: string): boolean {
    const path = this.pathOf(keyId);
    this.cache.delete(keyId);
    if (!existsSync(path)) return false;
    // Overwrite before unlinking: a best effort on file systems that write in place.
    writeFileSync(path, randomBytes(512));
    rmSync(path);
    return true;
  }

  list(): string[] {
    return readdirSync(this.folder)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -'.json'.length));
  }
}
