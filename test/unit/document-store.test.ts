import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CaseDocuments, MAX_DOCUMENT_BYTES, shredCampaign } from '../../documents/document-store';
import type { LateReply } from '../../workflows/types';
import { openLocalStore } from '../../store/local';
import { campaignKeyId, KeyStore, generateMasterKeySpec, parseMasterKeys } from '../../encryption/keystore';

const scratch = mkdtempSync(join(tmpdir(), 'dossier-docs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const shared = openLocalStore({ outputDir: join(scratch, 'out'), stateDir: join(scratch, 'state'), keysDir: join(scratch, 'keys') });
const keystore = new KeyStore(shared.keys, parseMasterKeys(generateMasterKeySpec('m1')));
const store = new CaseDocuments(shared.documents, keystore);
const pdf = Buffer.from('%PDF-1.7\nConfidential response of Zoom, unique marker 7f3a9\n');

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('the document store', () => {
  it('keeps a document encrypted and gives it back byte for byte with its name, type, size and SHA-256', async () => {
    const ref = await store.save('video-2020', { name: 'response.pdf', type: 'application/pdf', content: pdf });
    expect(ref).toMatchObject({ name: 'response.pdf', type: 'application/pdf', size: pdf.length, sha256: createHash('sha256').update(pdf).digest('hex') });
    expect(await store.read('video-2020', ref)).toEqual(pdf);
    for (const file of filesUnder(join(scratch, 'state', 'documents'))) expect(readFileSync(file).includes('unique marker 7f3a9')).toBe(false);
  });

  it('leaves the vendor’s file name out of the store, so it is sealed with the bytes and shredded with them', async () => {
    const name = 'Zoom breach of 2020-03 — unique name 9c1d0.pdf';
    const ref = await store.save('names-2020', { name, type: 'application/pdf', content: Buffer.from('%PDF-1.7\nbody\n') });
    expect(ref.name).toBe(name);
    const files = filesUnder(join(scratch, 'state', 'documents', 'names-2020'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(readFileSync(file, 'latin1'), file).not.toMatch(/unique name 9c1d0|breach/);
    expect((await shared.documents.list('names-2020')).map((d) => d.name)).toEqual([ref.id]);
  });

  it('stores the same file once, and under different ids in different campaigns', async () => {
    const a = await store.save('video-2020', { name: 'a.pdf', type: 'application/pdf', content: pdf });
    const b = await store.save('video-2020', { name: 'b.pdf', type: 'application/pdf', content: pdf });
    const other = await store.save('other-2021', { name: 'a.pdf', type: 'application/pdf', content: pdf });
    expect(b.id).toBe(a.id);
    expect(other.id).not.toBe(a.id);
  });

  it('keeps a sealed copy of a sent message by its thread and step, once, and has none for a step never kept', async () => {
    const raw = Buffer.from('Subject: letter\r\n\r\nSent text, unique marker 41c2e\r\n');
    await store.saveSentCopy('sent-2020', 'engagement:sent-2020:zoom', 'letter', raw);
    await store.saveSentCopy('sent-2020', 'engagement:sent-2020:zoom', 'letter', Buffer.from('a retried send'));
    expect(await store.readSentCopy('sent-2020', 'engagement:sent-2020:zoom', 'letter')).toEqual(raw);
    expect(await store.readSentCopy('sent-2020', 'engagement:sent-2020:zoom', 'reminder-1')).toBeUndefined();
    expect(await store.readSentCopy('sent-2020', 'engagement:sent-2020:cisco', 'letter')).toBeUndefined();
    for (const file of filesUnder(join(scratch, 'state', 'documents', 'sent-2020'))) expect(readFileSync(file).includes('unique marker 41c2e')).toBe(false);
    await keystore.shred(campaignKeyId('sent-2020'));
    await expect(store.readSentCopy('sent-2020', 'engagement:sent-2020:zoom', 'letter')).rejects.toMatchObject({ code: 'DocumentShredded' });
  });

  it('refuses a tampered file instead of returning other bytes', async () => {
    const ref = await store.save('tamper', { name: 't.txt', type: 'text/plain', content: Buffer.from('original') });
    const [file] = filesUnder(join(scratch, 'state', 'documents', 'tamper')).filter((f) => f.endsWith('.bin'));
    const bytes = readFileSync(file);
    bytes[bytes.length - 1] ^= 1;
    writeFileSync(file, bytes);
    await expect(store.read('tamper', ref)).rejects.toMatchObject({ code: 'DocumentCorrupt' });
  });

  it('refuses a file larger than the limit, naming it and the limit', async () => {
    await expect(store.save('video-2020', { name: 'huge.bin', type: 'application/octet-stream', content: Buffer.alloc(MAX_DOCUMENT_BYTES + 1) })).rejects.toMatchObject({
      code: 'DocumentTooLarge',
      message: expect.stringMatching(/^huge\.bin is 25\.0 MB; documents may be at most 25\.0 MB\.$/),
    });
  });

  it('keeps a late reply on one engagement’s record, sealed, once however often it is attached, and none after shredding', async () => {
    const reply = (messageId: string, attachedAt: string): LateReply => ({
      messageId,
      from: 'privacy@houseparty.test',
      subject: 'Re: Open letter — unique subject 5e2b1',
      receivedAt: '2026-12-01T09:00:00.000Z',
      text: 'Our late response.',
      documents: [],
      notes: [],
      attachedBy: 'Officer Tremblay',
      attachedAt,
      stage: 'closed-no-response',
    });
    await store.saveLateReply('late-2020', 'houseparty', reply('<b@houseparty.test>', '2026-12-02T10:00:00.000Z'));
    await store.saveLateReply('late-2020', 'houseparty', reply('<a@houseparty.test>', '2026-12-01T10:00:00.000Z'));
    await store.saveLateReply('late-2020', 'houseparty', reply('<a@houseparty.test>', '2026-12-01T10:00:00.000Z'));
    await store.saveLateReply('late-2020', 'zoom', reply('<c@zoom.test>', '2026-12-03T10:00:00.000Z'));
    await store.save('late-2020', { name: 'other.pdf', type: 'application/pdf', content: pdf });
    expect((await store.lateReplies('late-2020', 'houseparty')).map((r) => r.messageId)).toEqual(['<a@houseparty.test>', '<b@houseparty.test>']);
    expect((await store.lateReplies('late-2020', 'zoom')).map((r) => r.messageId)).toEqual(['<c@zoom.test>']);
    // Several engagements' at once, as a statement draft asks: only those named, each as its own record reads them.
    const several = await store.lateRepliesOf('late-2020', ['houseparty', 'cisco']);
    expect([...several.keys()]).toEqual(['houseparty']);
    expect(several.get('houseparty')).toEqual(await store.lateReplies('late-2020', 'houseparty'));
    expect((await store.lateRepliesOf('late-2020', ['zoom', 'houseparty'])).get('zoom')!.map((r) => r.messageId)).toEqual(['<c@zoom.test>']);
    for (const file of filesUnder(join(scratch, 'state', 'documents', 'late-2020'))) expect(readFileSync(file, 'latin1'), file).not.toMatch(/unique subject 5e2b1|houseparty/);
    expect(await shredCampaign(keystore, shared.documents, 'late-2020')).toEqual({ destroyed: true, documentsRemoved: 4 });
    expect(await store.lateReplies('late-2020', 'houseparty')).toEqual([]);
    expect((await store.lateRepliesOf('late-2020', ['houseparty'])).size).toBe(0);
  });

  it('makes a campaign’s documents unreadable once its data key is shredded', async () => {
    const ref = await store.save('shredded-2020', { name: 'response.pdf', type: 'application/pdf', content: pdf });
    expect(await keystore.shred(campaignKeyId('shredded-2020'))).toBe(true);
    await expect(store.read('shredded-2020', ref)).rejects.toMatchObject({ code: 'DocumentShredded' });
  });
});
