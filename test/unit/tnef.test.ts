// The winmail.dat reader against real TNEF files (test/fixtures/tnef, from node-tnef's test files):
// the names and bytes asserted are what Debian's `tnef` tool extracted from them, not what this
// reader says. Damaged copies are made here from the real file, one field at a time.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTnef, TnefError } from '../../intake/tnef';
import { PROJECT_ROOT } from '../../paths';
import { tnefWithBody } from '../helpers/inbound-mail';

const fixture = (name: string) => readFileSync(join(PROJECT_ROOT, 'test', 'fixtures', 'tnef', name));
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** attachments.dat as `tnef -C` extracts it. */
const ZAPPA = { name: 'zappa_av1.jpg', size: 2_937, sha256: 'bea844f30e0fcc20fad419a0d11032a6465da93c1da185a1196949955994409a' };
const BOOKMARK = { name: 'bookmark.htm', size: 85_805, sha256: '1e08d6e23c75ff80ac992eebc24c2943c7843b7dfee235966b37de5eb4362599' };

// Where attachments.dat's attributes start (level byte), as its attribute list reads.
const ZAPPA_DATA = 1_438; // attAttachData of the first attachment
const ZAPPA_MAPI = 7_933; // attAttachment (MAPI properties) of the first attachment

function thrown(bytes: Buffer): TnefError {
  try {
    readTnef(bytes);
  } catch (err) {
    if (err instanceof TnefError) return err;
    throw err;
  }
  throw new Error('read without error');
}

describe('reading a winmail.dat (TNEF)', () => {
  it('takes out each attachment under its long file name, with the bytes the tnef tool extracts', () => {
    const tnef = readTnef(fixture('attachments.dat'));
    expect(tnef.files.map((f) => ({ name: f.name, size: f.content.length, sha256: sha256(f.content) }))).toEqual([ZAPPA, BOOKMARK]);
    expect(tnef).toMatchObject({ more: false, unread: 0, hasBody: true });
  });

  it('reads no more files than it is asked to, and says there were more', () => {
    const tnef = readTnef(fixture('attachments.dat'), { maxFiles: 1 });
    expect(tnef.files.map((f) => f.name)).toEqual([ZAPPA.name]);
    expect(tnef.more).toBe(true);
  });

  it('falls back to the 8.3 title when the MAPI properties cannot be walked (a property count beyond the block)', () => {
    const bytes = Buffer.from(fixture('attachments.dat'));
    const start = ZAPPA_MAPI + 9;
    const length = bytes.readUInt32LE(ZAPPA_MAPI + 5);
    bytes.writeUInt32LE(0xffffffff, start);
    let sum = 0;
    for (const b of bytes.subarray(start, start + length)) sum = (sum + b) & 0xffff;
    bytes.writeUInt16LE(sum, start + length);
    expect(readTnef(bytes).files.map((f) => f.name)).toEqual(['ZAPPA_~2.JPG', BOOKMARK.name]);
  });

  it('reads the attachments of panic.dat before its damage, under the UTF-16 long names Outlook wrote in their MAPI properties', () => {
    // Its first 49,862 bytes end where the damaged attribute starts: `tnef -C` extracts these three from them.
    const intact = Buffer.from(fixture('panic.dat').subarray(0, 49_862));
    expect(readTnef(intact).files.map((f) => ({ name: f.name, size: f.content.length, sha256: sha256(f.content) }))).toEqual([
      { name: 'image001.jpg', size: 11_250, sha256: 'ee9bec688ebc6b535fa1c06b3c7f388510f501509a2d6ae17e964a3eda92f8db' },
      { name: 'image002.jpg', size: 9_583, sha256: 'a497dd22b4a1f2de15da0929f17429edb502f94d767a0fa2ce67da35162cc62f' },
      { name: 'image003.png', size: 7_147, sha256: '7c65885b27f3cd66501fdb7a4711c22ba8b6f64e51ea6c2a3ec9db6fa968a7b8' },
    ]);
    // The long name (PT_UNICODE) wins over the 8.3 title, here rewritten with its checksum to tell them apart.
    const titled = Buffer.from(intact);
    const title = 20_348; // attAttachTitle of image001.jpg
    titled.write('IMAGE0~1.JPG', title + 9, 'latin1');
    let sum = 0;
    for (const b of titled.subarray(title + 9, title + 9 + 13)) sum = (sum + b) & 0xffff;
    titled.writeUInt16LE(sum, title + 9 + 13);
    expect(readTnef(titled).files[0]!.name).toBe('image001.jpg');
  });

  it('reads whether Outlook marks each attachment part of its body (hidden, MHTML-referenced, with a Content-ID), as panic.dat’s three images are', () => {
    const intact = Buffer.from(fixture('panic.dat').subarray(0, 49_862));
    expect(readTnef(intact).files.map((f) => ({ name: f.name, hidden: f.hidden, mhtmlReference: f.mhtmlReference, contentId: f.contentId }))).toEqual(
      ['image001.jpg', 'image002.jpg', 'image003.png'].map((name) => ({ name, hidden: true, mhtmlReference: true, contentId: `${name}@01D139A1.76DB0C80` })),
    );
    // attachments.dat's two files are attachments proper: none of these properties is set.
    expect(readTnef(fixture('attachments.dat')).files.map((f) => [f.hidden, f.mhtmlReference, f.contentId])).toEqual([
      [false, false, undefined],
      [false, false, undefined],
    ]);
  });

  it('replaces a lone UTF-16 surrogate in a long file name, so every name it gives is well formed', () => {
    // image001.jpg's long name (PT_UNICODE, 26 bytes from byte 31,836 inside the attAttachment at
    // byte 31,683) rewritten as "\ud800.pdf" and NULs, with that attribute's checksum.
    const bytes = Buffer.from(fixture('panic.dat').subarray(0, 49_862));
    const attribute = 31_683;
    const length = bytes.readUInt32LE(attribute + 5);
    Buffer.concat([Buffer.from([0x00, 0xd8, 0x2e, 0x00, 0x70, 0x00, 0x64, 0x00, 0x66, 0x00]), Buffer.alloc(16)]).copy(bytes, 31_836);
    let sum = 0;
    for (const b of bytes.subarray(attribute + 9, attribute + 9 + length)) sum = (sum + b) & 0xffff;
    bytes.writeUInt16LE(sum, attribute + 9 + length);
    const name = readTnef(bytes).files[0]!.name!;
    expect(name).toBe('\ufffd.pdf');
    expect(() => encodeURIComponent(name)).not.toThrow();
  });

  it('refuses a file that is not TNEF (badchecksum.dat: its signature is changed)', () => {
    expect(thrown(fixture('badchecksum.dat'))).toMatchObject({ code: 'TnefSignature' });
    expect(thrown(Buffer.from('%PDF-1.7\n'))).toMatchObject({ code: 'TnefSignature' });
  });

  it('refuses a file damaged after its third attachment (panic.dat: an attribute of level 75)', () => {
    expect(thrown(fixture('panic.dat'))).toMatchObject({ code: 'TnefLevel', message: expect.stringContaining('byte 49862') });
  });

  it('refuses an attribute whose checksum does not match its bytes', () => {
    const bytes = Buffer.from(fixture('attachments.dat'));
    bytes[ZAPPA_DATA + 9 + 100] ^= 0x01;
    expect(thrown(bytes)).toMatchObject({ code: 'TnefChecksum' });
  });

  it('refuses a file cut short, wherever it is cut inside an attribute', () => {
    const whole = fixture('attachments.dat');
    expect(thrown(whole.subarray(0, 50_000))).toMatchObject({ code: 'TnefTruncated' });
    expect(thrown(whole.subarray(0, 3))).toMatchObject({ code: 'TnefTruncated' });
    expect(thrown(whole.subarray(0, ZAPPA_DATA + 4))).toMatchObject({ code: 'TnefTruncated' });
    expect(thrown(Buffer.alloc(0))).toMatchObject({ code: 'TnefTruncated' });
    // Cut anywhere: an error of its own kind or, at an attribute's end, the files read so far.
    for (let end = 6; end < whole.length; end += 101) {
      try {
        expect(readTnef(whole.subarray(0, end)).files.length).toBeLessThanOrEqual(2);
      } catch (err) {
        expect(err, `cut at ${end}`).toBeInstanceOf(TnefError);
      }
    }
  });

  it('refuses an attribute whose length is absurd, or zero where data follows', () => {
    const absurd = Buffer.from(fixture('attachments.dat'));
    absurd.writeUInt32LE(0xfffffff0, ZAPPA_DATA + 5);
    expect(thrown(absurd)).toMatchObject({ code: 'TnefTruncated', message: expect.stringContaining('4294967280 bytes') });
    const zero = Buffer.from(fixture('attachments.dat'));
    zero.writeUInt32LE(0, ZAPPA_DATA + 5);
    // The JPEG's first bytes are then read as the checksum of nothing.
    expect(thrown(zero)).toMatchObject({ code: 'TnefChecksum' });
  });
});

describe('reading the body of the message inside a winmail.dat', () => {
  it('reads no body when asked not to (the message has its text already), and still says it has one', () => {
    const tnef = readTnef(fixture('attachments.dat'), { readBody: false });
    expect([tnef.hasBody, tnef.body]).toEqual([true, undefined]);
  });

  it('gives attachments.dat’s compressed RTF decompressed, the 443 bytes `tnef --save-body` writes', () => {
    const body = readTnef(fixture('attachments.dat')).body;
    expect(body && 'rtf' in body ? sha256(body.rtf) : body).toBe('5dcd1bdee036cc1c7639bca7f7e96355d80a18f9e366b3be672a3112019d4356');
  });

  it('gives panic.dat’s HTML body (PR_HTML) in its code page, the bytes `tnef --save-body` writes', () => {
    const body = readTnef(Buffer.from(fixture('panic.dat').subarray(0, 49_862))).body;
    expect(body && 'html' in body ? sha256(Buffer.from(body.html, 'latin1')) : body).toBe('4827810231cf06061e129e0082f7e922137bc75409915d95a1d64907fa0bae00');
  });

  it('gives a plain-text body (PR_BODY) before the others: UTF-16, or in the TNEF’s code page', () => {
    const unicode = Buffer.from('Réponse ci-jointe\0', 'utf16le');
    expect(readTnef(tnefWithBody([{ id: 0x1013, type: 0x0102, value: Buffer.from('<p>HTML</p>') }, { id: 0x1000, type: 0x001f, value: unicode }])).body).toEqual({ text: 'Réponse ci-jointe' });
    expect(readTnef(tnefWithBody([{ id: 0x1000, type: 0x001e, value: Buffer.from('Co\xfbt : 80 \x80\0', 'latin1') }])).body).toEqual({ text: 'Coût : 80 €' });
    expect(readTnef(tnefWithBody([{ id: 0x1000, type: 0x001e, value: Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]) }], 1251)).body).toEqual({ text: 'Привет' });
  });

  it('gives no body, still saying it has one, when its compressed RTF cannot be read (a wrong CRC)', () => {
    const rtf = Buffer.from(fixture('attachments.dat').subarray(346, 346 + 217));
    rtf[20] ^= 0x01;
    const tnef = readTnef(tnefWithBody([{ id: 0x1009, type: 0x0102, value: rtf }]));
    expect(tnef.hasBody).toBe(true);
    expect(tnef.body).toBeUndefined();
  });
});

describe('the code page of the HTML body inside a winmail.dat', () => {
  /** attMsgProps with PR_HTML (binary) and, when given, PR_INTERNET_CPID (PT_LONG), under attOemCodepage 1252 as Outlook writes it. */
  const tnefWithHtml = (html: Buffer, internetCpid?: number) =>
    tnefWithBody([...(internetCpid === undefined ? [] : [{ id: 0x3fde, type: 0x0003, value: Buffer.from(new Uint32Array([internetCpid]).buffer) }]), { id: 0x1013, type: 0x0102, value: html }]);
  const html = (charset: string) => `<html><head>${charset}</head><body><p>Réponse à votre courrier — 2€</p></body></html>`;

  it('reads PR_HTML in the code page PR_INTERNET_CPID gives (65001, UTF-8), not in attOemCodepage', () => {
    const body = html('');
    expect(readTnef(tnefWithHtml(Buffer.from(body, 'utf8'), 65001)).body).toEqual({ html: body });
  });

  it('reads it in windows-1252 and ISO-8859-1 as PR_INTERNET_CPID says', () => {
    expect(readTnef(tnefWithHtml(Buffer.from([0x3c, 0x70, 0x3e, 0xe9, 0x80]), 1252)).body).toEqual({ html: '<p>é€' });
    expect(readTnef(tnefWithHtml(Buffer.from([0x3c, 0x70, 0x3e, 0xe9, 0x80]), 28591)).body).toEqual({ html: '<p>é\u0080' });
  });

  it('reads it in the charset its <meta> declares when there is no PR_INTERNET_CPID, else in attOemCodepage', () => {
    const declared = html('<meta http-equiv="Content-Type" content="text/html; charset=utf-8">');
    expect(readTnef(tnefWithHtml(Buffer.from(declared, 'utf8'))).body).toEqual({ html: declared });
    const html5 = html('<meta charset="UTF-8">');
    expect(readTnef(tnefWithHtml(Buffer.from(html5, 'utf8'))).body).toEqual({ html: html5 });
    expect(readTnef(tnefWithHtml(Buffer.from('<p>caf\xe9 2\x80</p>', 'latin1'))).body).toEqual({ html: '<p>café 2€</p>' });
  });

});
