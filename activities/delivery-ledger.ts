// Remembers which Message-IDs the mail server has accepted, so an activity retried after a crash or
// a timeout does not deliver a second copy. One small file per message under the state folder;
// the Message-ID is deterministic (thread + step), so every attempt of a send looks up the same key.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DeliveryRecord {
  messageId: string;
  accepted: string[];
  rejected: string[];
  deliveredAt: string;
}

export interface DeliveryLedger {
  find(messageId: string): DeliveryRecord | undefined;
  record(entry: DeliveryRecord): void;
}

export class FileDeliveryLedger implements DeliveryLedger {
  constructor(private readonly folder: string) {
    mkdirSync(folder, { recursive: true });
  }

  private pathOf(messageId: string): string {
    return join(this.folder, `${createHash('sha256').update(messageId).digest('hex')}.json`);
  }

  find(messageId: string): DeliveryRecord | undefined {
    try {
      return JSON.parse(readFileSync(this.pathOf(messageId), 'utf8')) as DeliveryRecord;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  record(entry: DeliveryRecord): void {
    writeFileSync(this.pathOf(entry.messageId), JSON.stringify(entry));
  }
}
