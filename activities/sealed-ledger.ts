// The delivery ledger holds who received each message: personal data, kept on the worker's disk or
// in PostgreSQL. Addresses are therefore written sealed (AES-256-GCM) under a key derived from the
// campaign's data key, so shredding the campaign makes them unreadable there too; Message-IDs and
// times, which the once-only guarantee needs in clear, carry no address.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { BeginOptions, DeliveryLedger, DeliveryRecord, SendTurn } from './delivery-ledger';

const SEALED = 'sealed:';
/** What a sealed address reads as once its campaign's key is gone. */
export const SHREDDED_ADDRESS = '(shredded)';

/** A key of its own for the ledger, so the data key itself is never used for two purposes. */
export function ledgerKeyFrom(dataKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), 'dossier delivery ledger addresses', 32));
}

function seal(address: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const sealed = Buffer.concat([iv, cipher.update(address, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return SEALED + sealed.toString('base64');
}

function open(entry: string, key: Buffer | undefined): string {
  if (!entry.startsWith(SEALED)) return entry; // written before addresses were sealed
  if (!key) return SHREDDED_ADDRESS;
  const data = Buffer.from(entry.slice(SEALED.length), 'base64');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
    decipher.setAuthTag(data.subarray(data.length - 16));
    return Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    return SHREDDED_ADDRESS;
  }
}

function mapAddresses(record: DeliveryRecord, fn: (entry: string) => string): DeliveryRecord {
  return {
    ...record,
    accepted: record.accepted.map(fn),
    rejected: record.rejected.map(fn),
    ...(record.deferred ? { deferred: record.deferred.map(fn) } : {}),
  };
}

/**
 * The same ledger, with every address sealed under `key` on the way in and opened on the way out.
 * Without a key (payload encryption switched off), records pass through as they are.
 */
export function sealedLedger(ledger: DeliveryLedger, key: Buffer | undefined): DeliveryLedger {
  if (!key) return ledger;
  const opened = (record: DeliveryRecord | undefined) => record && mapAddresses(record, (e) => open(e, key));
  return {
    find: async (messageId) => opened(await ledger.find(messageId)),
    findMany: async (messageIds) => new Map([...(await ledger.findMany(messageIds))].map(([id, record]) => [id, opened(record)!])),
    async begin(messageId: string, options?: BeginOptions): Promise<SendTurn> {
      const turn = await ledger.begin(messageId, options);
      if (turn.delivered) return { delivered: opened(turn.delivered)! };
      return turn.partial ? { ...turn, partial: opened(turn.partial) } : turn;
    },
    record: (entry) => ledger.record(mapAddresses(entry, (a) => seal(a, key))),
  };
}
