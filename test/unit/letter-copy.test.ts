// The check an officer's upload meets before it is filed as a vendor's letter copy
// (client/letter-copy.ts): only the very PDF the ledger keeps the digest of passes.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { letterCopyIsLetterReceived, letterCopyProblem, MAX_LETTER_COPY_BYTES } from '../../client/letter-copy';
import type { DeliveryLedger, DeliveryRecord } from '../../activities/delivery-ledger';
import { messageIdFor } from '../../activities/threading';
import type { PublishedFiles } from '../../store/types';
import { engagementWorkflowId } from '../../workflows/workflow-ids';

const received = Buffer.from('%PDF-1.7\nthe letter the vendor received\n%%EOF\n');
const digest = createHash('sha256').update(received).digest('hex');

describe('letterCopyProblem', () => {
  it('passes the very PDF whose digest the ledger keeps', () => {
    expect(letterCopyProblem(received, { step: 'letter-2', sha256: digest })).toBeUndefined();
    expect(letterCopyProblem(new Uint8Array(received), { step: 'letter-2', sha256: digest })).toBeUndefined();
  });

  it('refuses another PDF, naming both digests and the letter it is not', () => {
    const other = Buffer.from('%PDF-1.7\nthe letter sent before the address was corrected\n%%EOF\n');
    expect(letterCopyProblem(other, { step: 'letter-2', sha256: digest })).toEqual({
      code: 'not-the-letter-received',
      values: { sha256: createHash('sha256').update(other).digest('hex'), expected: digest, step: 'letter-2' },
    });
  });

  it('refuses one byte more or less than the letter received', () => {
    expect(letterCopyProblem(Buffer.concat([received, Buffer.from('\n')]), { step: 'letter', sha256: digest })?.code).toBe('not-the-letter-received');
    expect(letterCopyProblem(received.subarray(0, received.length - 1), { step: 'letter', sha256: digest })?.code).toBe('not-the-letter-received');
  });

  it('refuses any file when the ledger keeps no digest of a letter, or no letter at all', () => {
    expect(letterCopyProblem(received, { step: 'letter-2' })).toEqual({ code: 'no-letter-digest', values: {} });
    expect(letterCopyProblem(received, undefined)).toEqual({ code: 'no-letter-digest', values: {} });
  });

  it('refuses a file that is not a PDF, even one whose digest matches', () => {
    const text = Buffer.from('not a pdf at all');
    expect(letterCopyProblem(text, { step: 'letter', sha256: createHash('sha256').update(text).digest('hex') })).toEqual({ code: 'not-a-pdf', values: {} });
    expect(letterCopyProblem(Buffer.alloc(0), { step: 'letter', sha256: digest })?.code).toBe('not-a-pdf');
  });

  it('refuses a file larger than a letter copy can be, before reading it', () => {
    const large = Buffer.concat([Buffer.from('%PDF-'), Buffer.alloc(MAX_LETTER_COPY_BYTES)]);
    expect(letterCopyProblem(large, { step: 'letter', sha256: digest })).toEqual({ code: 'too-large', values: { size: String(large.length), max: String(MAX_LETTER_COPY_BYTES) } });
  });
});

describe('letterCopyIsLetterReceived', () => {
  // The statement page stops offering an upload for a copy put back since the campaign's last look:
  // a campaign that has ended looks no more, and would list it for good.
  const thread = engagementWorkflowId('vc', 'gone');
  const sent = (step: string, sha256?: string): DeliveryRecord => ({ messageId: messageIdFor(thread, step, 'opc.test'), accepted: ['privacy@gone.test'], rejected: [], deliveredAt: '2026-11-27T10:00:00.000Z', ...(sha256 ? { letterSha256: sha256 } : {}) });
  const ledgerOf = (records: DeliveryRecord[]) =>
    ({ findMany: async (ids: readonly string[]) => new Map(records.filter((r) => ids.includes(r.messageId)).map((r) => [r.messageId, r])) }) as unknown as DeliveryLedger;
  const filesHolding = (files: Record<string, Buffer>) => ({ read: async (path: string) => files[path] }) as unknown as PublishedFiles;
  const target = { campaignId: 'vc', vendor: { id: 'gone', language: 'en' as const }, folder: 'vc' };
  const earlier = Buffer.from('%PDF-1.7\nthe letter sent before the address was corrected\n%%EOF\n');
  const ledger = ledgerOf([sent('letter', createHash('sha256').update(earlier).digest('hex')), sent('letter-2', digest)]);

  it('is true once the copy on file is the PDF of the last letter, where the send files it', async () => {
    expect(await letterCopyIsLetterReceived({ ledger, files: filesHolding({ 'vc/letters/gone.en.pdf': received }), domain: 'opc.test' }, target)).toBe(true);
  });

  it('is false while the folder holds an earlier letter, none, or a copy under the name of earlier releases', async () => {
    expect(await letterCopyIsLetterReceived({ ledger, files: filesHolding({ 'vc/letters/gone.en.pdf': earlier }), domain: 'opc.test' }, target)).toBe(false);
    expect(await letterCopyIsLetterReceived({ ledger, files: filesHolding({}), domain: 'opc.test' }, target)).toBe(false);
    expect(await letterCopyIsLetterReceived({ ledger, files: filesHolding({ 'vc/letters/gone.pdf': received }), domain: 'opc.test' }, target)).toBe(false);
  });

  it('is false when the ledger keeps no digest of the last letter, or the campaign keeps no copies', async () => {
    const files = filesHolding({ 'vc/letters/gone.en.pdf': received });
    expect(await letterCopyIsLetterReceived({ ledger: ledgerOf([sent('letter'), sent('letter-2')]), files, domain: 'opc.test' }, target)).toBe(false);
    expect(await letterCopyIsLetterReceived({ ledger, files, domain: 'opc.test' }, { ...target, folder: undefined })).toBe(false);
  });
});
