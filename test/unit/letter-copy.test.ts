// The check an officer's upload meets before it is filed as a vendor's letter copy
// (client/letter-copy.ts): only the very PDF the ledger keeps the digest of passes.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { letterCopyProblem, MAX_LETTER_COPY_BYTES } from '../../client/letter-copy';

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
