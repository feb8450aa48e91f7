// Moving from local files (`npm start`) into PostgreSQL: a campaign started on local files must read
// the same on a PostgreSQL host once its store is copied (keys still wrapped, documents and ledger
// addresses still sealed), a shredded campaign must stay shredded there, a second copy must change
// nothing, and a database holding something else under the same names must be refused untouched.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { loadEncryption } from '../../encryption/config';
import { campaignKeyId, generateMasterKeySpec, GLOBAL_KEY_ID } from '../../encryption/keystore';
import { createDatabase } from '../../infra/postgres';
import { importLocalStore } from '../../store/import-local';
import { openLocalStore } from '../../store/local';
import { openPostgresStore } from '../../store/postgres';

const scratch = mkdtempSync(join(tmpdir(), 'dossier-import-local-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('copying a local store into PostgreSQL', () => {
  it('copies keys, tombstones, published files, documents and delivery records; again copies nothing; refuses a differing target untouched', { timeout: 60_000 }, async () => {
    const folders = { outputDir: join(scratch, 'out'), stateDir: join(scratch, 'state'), keysDir: join(scratch, 'keys') };
    const master = generateMasterKeySpec('dev-abc');
    const local = openLocalStore(folders);
    const here = loadEncryption({ DOSSIER_MASTER_KEYS: master }, local.keys).keystore;
    const dataKey = await here.encryptionKey(campaignKeyId('vc'));
    await here.encryptionKey(GLOBAL_KEY_ID);
    await here.encryptionKey(campaignKeyId('gone'));
    await here.shred(campaignKeyId('gone'));
    const shreddedHere = await local.keys.shreddedAt(campaignKeyId('gone'));
    // A second apart, so a copy stamped with its own time would show.
    await new Promise((r) => setTimeout(r, 1_100));
    await local.files.write('vc/statement-1.en.pdf', Buffer.from('%PDF statement'));
    await local.documents.put('vc', 'reply-1/answers.pdf', Buffer.from('sealed bytes'), { name: 'answers.pdf', type: 'application/pdf' });
    await local.ledger.record({ messageId: '<letter@dossier>', accepted: ['sealed:abc'], rejected: [], deliveredAt: '2026-12-01T10:00:00.000Z' });

    const url = await createDatabase(inject('postgresUrl'));
    const target = openPostgresStore(url);
    try {
      const first = await importLocalStore(local, folders, target);
      expect(first.copied).toEqual({ keys: 2, shredded: 1, files: 1, documents: 1, deliveries: 1 });
      // The PostgreSQL host, given the same master keys, opens the campaign's key: the same key.
      const there = loadEncryption({ DOSSIER_MASTER_KEYS: master, DATABASE_URL: url }, target.keys).keystore;
      expect(await there.decryptionKey(campaignKeyId('vc'))).toEqual(dataKey);
      await expect(there.decryptionKey(campaignKeyId('gone'))).rejects.toMatchObject({ code: 'KeyShredded' });
      await expect(there.encryptionKey(campaignKeyId('gone'))).rejects.toMatchObject({ code: 'KeyShredded' });
      // The shredding keeps its own time, not the copy's: an audit reads when the campaign was shredded.
      expect(shreddedHere).toBeDefined();
      expect(await target.keys.shreddedAt(campaignKeyId('gone'))).toBe(shreddedHere);
      expect((await target.files.read('vc/statement-1.en.pdf'))?.toString()).toBe('%PDF statement');
      expect((await target.documents.get('vc', 'reply-1/answers.pdf'))?.bytes.toString()).toBe('sealed bytes');
      expect(await target.ledger.find('<letter@dossier>')).toMatchObject({ accepted: ['sealed:abc'] });

      const again = await importLocalStore(local, folders, target);
      expect(again.copied).toEqual({ keys: 0, shredded: 0, files: 0, documents: 0, deliveries: 0 });
      expect(again.same).toEqual({ keys: 2, shredded: 1, files: 1, documents: 1, deliveries: 1 });

      // A database where a host made its own key for the campaign meanwhile: refused, nothing written.
      const other = openPostgresStore(await createDatabase(inject('postgresUrl')));
      try {
        await loadEncryption({ DOSSIER_MASTER_KEYS: master }, other.keys).keystore.encryptionKey(campaignKeyId('vc'));
        await expect(importLocalStore(local, folders, other)).rejects.toMatchObject({ code: 'ImportRefused', message: expect.stringMatching(/nothing was copied.*data key "campaign-vc": the target holds another key/) });
        expect(await other.files.read('vc/statement-1.en.pdf')).toBeUndefined();
        expect(await other.keys.get(GLOBAL_KEY_ID)).toBeUndefined();
      } finally {
        await other.close();
      }
    } finally {
      await Promise.all([target.close(), local.close()]);
    }
  });
});
