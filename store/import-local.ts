// Moving a set-up from local files (`npm start` on one host) into PostgreSQL (several hosts): copies
// the wrapped data keys and the shreddings' tombstones, the published files, the stored documents and
// the delivery ledger's records, as they are (keys stay wrapped, documents and addresses sealed), so
// the same master keys open them there. Idempotent: what the target already holds the same is left;
// anything it holds different refuses the whole copy before a byte is written.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeliveryRecord, SharedStore } from './types';
import { DossierError } from '../workflows/errors';

export type ImportPart = 'keys' | 'shredded' | 'files' | 'documents' | 'deliveries';

export interface ImportReport {
  /** Copied now, per part. */
  copied: Record<ImportPart, number>;
  /** Already in the target, the same, per part. */
  same: Record<ImportPart, number>;
}

export class ImportRefused extends DossierError<'ImportRefused'> {}

/** The local folders the copy reads: the ones `openLocalStore` was given. */
export interface LocalFolders {
  stateDir: string;
  keysDir: string;
}

const PARTS: ImportPart[] = ['keys', 'shredded', 'files', 'documents', 'deliveries'];

/**
 * Copies `local` into `target`, refusing (ImportRefused, naming each) if the target holds anything
 * under the same name that differs: a campaign key made there meanwhile, another statement under the
 * same path. Nothing is written then.
 */
export async function importLocalStore(local: SharedStore, folders: LocalFolders, target: SharedStore): Promise<ImportReport> {
  await target.ready();
  const copied = Object.fromEntries(PARTS.map((p) => [p, 0])) as Record<ImportPart, number>;
  const same = { ...copied };
  const conflicts: string[] = [];
  const writes: { part: ImportPart; write: () => Promise<unknown> }[] = [];

  for (const keyId of await local.keys.list()) {
    const key = (await local.keys.get(keyId))!;
    const there = await target.keys.get(keyId);
    if (there) {
      if (there.masterKeyId === key.masterKeyId && there.wrapped === key.wrapped && there.iv === key.iv && there.tag === key.tag) same.keys++;
      else conflicts.push(`data key "${keyId}": the target holds another key under this id`);
    } else if (await target.keys.shreddedAt(keyId)) {
      conflicts.push(`data key "${keyId}": the target records it as shredded`);
    } else {
      writes.push({ part: 'keys', write: () => target.keys.putIfAbsent(key) });
    }
  }
  // Tombstones: a campaign shredded here must not get a fresh key there.
  for (const keyId of tombstonesIn(folders)) {
    if (await target.keys.shreddedAt(keyId)) same.shredded++;
    else if (await target.keys.get(keyId)) conflicts.push(`data key "${keyId}": shredded here, but the target holds a key under this id`);
    else {
      const shreddedAt = await local.keys.shreddedAt(keyId);
      writes.push({ part: 'shredded', write: () => target.keys.delete(keyId, shreddedAt) });
    }
  }

  for (const path of await local.files.list('')) {
    const bytes = (await local.files.read(path))!;
    const there = await target.files.read(path);
    if (!there) writes.push({ part: 'files', write: () => target.files.claim(path, bytes) });
    else if (there.equals(bytes)) same.files++;
    else conflicts.push(`published file "${path}": the target holds other bytes under this path`);
  }

  for (const campaignId of foldersIn(join(folders.stateDir, 'documents'))) {
    for (const document of await local.documents.list(campaignId)) {
      const there = (await target.documents.list(campaignId)).find((d) => d.key === document.key);
      if (there) {
        if (there.sha256 === document.sha256) same.documents++;
        else conflicts.push(`document "${document.key}" of campaign "${campaignId}": the target holds other bytes under this key`);
        continue;
      }
      const { bytes } = (await local.documents.get(campaignId, document.key))!;
      writes.push({ part: 'documents', write: () => target.documents.put(campaignId, document.key, bytes, { name: document.name, type: document.type }) });
    }
  }

  for (const record of deliveryRecordsIn(folders)) {
    const there = await target.ledger.find(record.messageId);
    if (!there) writes.push({ part: 'deliveries', write: () => target.ledger.record(record) });
    else if (JSON.stringify(sorted(there)) === JSON.stringify(sorted(record))) same.deliveries++;
    else conflicts.push(`delivery record of ${record.messageId}: the target records this message otherwise`);
  }

  if (conflicts.length) {
    throw new ImportRefused(
      'ImportRefused',
      `nothing was copied: ${target.describe()} already holds, under the same names, records that differ from ${local.describe()}: ${conflicts.join('; ')}. ` +
        'Copy into a database no host has used yet, or remove those records there first',
    );
  }
  for (const { part, write } of writes) {
    await write();
    copied[part]++;
  }
  return { copied, same };
}

function foldersIn(folder: string): string[] {
  try {
    return readdirSync(folder, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

function filesIn(folder: string, suffix: string): string[] {
  try {
    return readdirSync(folder).filter((name) => name.endsWith(suffix)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Tombstones are not listed by WrappedKeyStore: `<id>.shredded` files of the keystore folder (LocalWrappedKeys). */
function tombstonesIn(folders: LocalFolders): string[] {
  return filesIn(folders.keysDir, '.shredded').map((name) => name.slice(0, -'.shredded'.length));
}

/** The ledger's records: one JSON file a message in `state/deliveries` (activities/delivery-ledger.ts). */
function deliveryRecordsIn(folders: LocalFolders): DeliveryRecord[] {
  const folder = join(folders.stateDir, 'deliveries');
  return filesIn(folder, '.json').map((name) => JSON.parse(readFileSync(join(folder, name), 'utf8')) as DeliveryRecord);
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, sorted(v)]));
  return value;
}
