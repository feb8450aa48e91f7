// The compressed-RTF reader ([MS-OXRTFCP]) against the spec's own examples (section 4) and the RTF
// body of test/fixtures/tnef/attachments.dat, whose bytes are what Debian's `tnef --save-body`
// wrote. Damaged and hostile streams are made here, one field at a time.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CompressedRtfError, decompressRtf, MAX_RTF_BYTES, rtfCrc } from '../../intake/compressed-rtf';
import { PROJECT_ROOT } from '../../paths';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** [MS-OXRTFCP] 4.1 and 4.2: a string with no run, and one whose run refers to bytes it is still writing. */
const SPEC_SIMPLE = hex('2d000000 2b000000 4c5a4675 f1c5c7a7 03000a00 72637067 31323542 320af320 68656c09 00206277 05b06c64 7d0a800f a0');
const SPEC_RUN = hex('1a000000 1c000000 4c5a4675 e2d44b51 41000420 5758595a 0d6e7d01 0eb0');

/** attachments.dat's PR_RTF_COMPRESSED: 217 bytes from byte 346, inside its attMsgProps. */
const fixtureRtf = () => readFileSync(join(PROJECT_ROOT, 'test', 'fixtures', 'tnef', 'attachments.dat')).subarray(346, 346 + 217);

/** A header and data, with compSize and (for LZFu) the CRC the data has. */
function stream(data: Buffer, { rawSize, type = 'LZFu', crc }: { rawSize: number; type?: 'LZFu' | 'MELA'; crc?: number }): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt32LE(data.length + 12, 0);
  header.writeUInt32LE(rawSize, 4);
  header.write(type, 8, 'latin1');
  header.writeUInt32LE(crc ?? (type === 'MELA' ? 0 : rtfCrc(data)), 12);
  return Buffer.concat([header, data]);
}

function thrown(bytes: Buffer, options?: { maxBytes?: number }): CompressedRtfError {
  try {
    decompressRtf(bytes, options);
  } catch (err) {
    if (err instanceof CompressedRtfError) return err;
    throw err;
  }
  throw new Error('read without error');
}

describe('decompressing a compressed RTF body (PR_RTF_COMPRESSED)', () => {
  it('reads the spec’s examples, a run that copies bytes it is still writing included', () => {
    expect(decompressRtf(SPEC_SIMPLE).toString('latin1')).toBe('{\\rtf1\\ansi\\ansicpg1252\\pard hello world}\r\n');
    expect(decompressRtf(SPEC_RUN).toString('latin1')).toBe('{\\rtf1 WXYZWXYZWXYZWXYZWXYZ}');
  });

  it('gives the 443 bytes of attachments.dat’s body that the tnef tool saves', () => {
    const rtf = decompressRtf(fixtureRtf());
    expect(rtf.length).toBe(443);
    expect(sha256(rtf)).toBe('5dcd1bdee036cc1c7639bca7f7e96355d80a18f9e366b3be672a3112019d4356');
  });

  it('takes an uncompressed (MELA) body as it is, up to its size', () => {
    const rtf = Buffer.from('{\\rtf1\\ansi Caf\\\'e9}', 'latin1');
    expect(decompressRtf(stream(Buffer.concat([rtf, Buffer.from([0, 0, 0])]), { rawSize: rtf.length, type: 'MELA' })).equals(rtf)).toBe(true);
    expect(thrown(stream(rtf, { rawSize: rtf.length + 1, type: 'MELA' })).code).toBe('RtfTruncated');
  });

  it('refuses a stream whose CRC is wrong, or whose type is neither LZFu nor MELA', () => {
    const bytes = Buffer.from(SPEC_SIMPLE);
    bytes.writeUInt32LE((bytes.readUInt32LE(12) ^ 0x100) >>> 0, 12);
    expect(thrown(bytes).code).toBe('RtfCrc');
    const typed = Buffer.from(SPEC_SIMPLE);
    typed.write('LZFV', 8, 'latin1');
    expect(thrown(typed).code).toBe('RtfType');
    expect(thrown(SPEC_SIMPLE.subarray(0, 15)).code).toBe('RtfHeader');
  });

  it('refuses a cut stream: shorter than its header says, or ending before its size without its end marker', () => {
    expect(thrown(fixtureRtf().subarray(0, 200)).code).toBe('RtfTruncated');
    // The first 40 bytes of the fixture's data with a header that fits them: the CRC is right, the RTF cut.
    const data = fixtureRtf().subarray(16, 56);
    expect(thrown(stream(Buffer.from(data), { rawSize: 443 })).code).toBe('RtfTruncated');
    // A reference whose second byte is missing.
    expect(thrown(stream(Buffer.from([0x01, 0x00]), { rawSize: 10 })).code).toBe('RtfTruncated');
  });

  it('stops at the size the header gives when references repeat without end, and refuses a size beyond its limit', () => {
    // 100 control bytes, each with eight references of 17 bytes to the dictionary's start, never to the write position.
    const loop = Buffer.concat(Array.from({ length: 100 }, () => Buffer.from([0xff, ...Array.from({ length: 8 }, () => [0x00, 0x0f]).flat()])));
    const rtf = decompressRtf(stream(loop, { rawSize: 1_000 }));
    expect(rtf.length).toBe(1_000);
    expect(rtf.subarray(0, 17).toString('latin1')).toBe('{\\rtf1\\ansi\\mac\\d');
    expect(thrown(stream(loop, { rawSize: MAX_RTF_BYTES + 1 })).code).toBe('RtfTooLarge');
    expect(thrown(stream(loop, { rawSize: 5_000 }), { maxBytes: 4_096 }).code).toBe('RtfTooLarge');
    // Within the limit, but more than 1,700 bytes of references can give (eight bytes out for each in).
    expect(thrown(stream(loop, { rawSize: loop.length * 8 + 1 })).message).toContain('cannot hold');
    expect(decompressRtf(stream(loop, { rawSize: loop.length * 8 })).length).toBe(loop.length * 8);
  });
});
