// Opens the `winmail.dat` (TNEF, [MS-OXTNEF]) in which Outlook and Exchange often wrap a vendor's
// attachments, so the intake keeps the vendor's PDFs themselves instead of one file no officer can
// open. Reads only what the intake needs: each attachment's name and bytes, whether Outlook marks it
// as part of the body (an inline or signature image), and the message's own body, when it has one
// (plain text, HTML, or compressed RTF, decompressed by compressed-rtf.ts). The input is the sender's: every length is checked against what is left, each attribute
// moves the reader forward, and at most `maxFiles` files are read.

/** The first four bytes of every TNEF stream (little-endian). */
export const TNEF_SIGNATURE = 0x223e9f78;

/** Attribute levels ([MS-OXTNEF] 2.1.3.1): the message's, then each attachment's. */
const LEVEL_MESSAGE = 1;
const LEVEL_ATTACHMENT = 2;

import { decompressRtf } from './compressed-rtf';
import { fromCp1252 } from './undeclared-charset';

// Attribute ids (their type in the high word, as the format writes them).
const ATT_BODY = 0x0001800c;
const ATT_OEM_CODEPAGE = 0x00069007;
const ATT_MSG_PROPS = 0x00069003;
const ATT_ATTACH_REND_DATA = 0x00069002;
const ATT_ATTACH_TITLE = 0x00018010;
const ATT_ATTACH_DATA = 0x0006800f;
const ATT_ATTACHMENT = 0x00069005;

// MAPI property ids read from attMsgProps and attAttachment.
const PR_BODY = 0x1000;
const PR_RTF_COMPRESSED = 0x1009;
const PR_HTML = 0x1013;
/** PR_INTERNET_CPID (PidTagInternetCodepage): the code page of the HTML body ([MS-OXPROPS] 2.739). */
const PR_INTERNET_CPID = 0x3fde;
const PR_ATTACH_DATA = 0x3701;
const PR_ATTACH_LONG_FILENAME = 0x3707;
const PR_ATTACH_CONTENT_ID = 0x3712;
const PR_ATTACH_FLAGS = 0x3714;
const PR_ATTACHMENT_HIDDEN = 0x7ffe;
/** PR_ATTACH_FLAGS: the HTML body refers to the attachment (by its Content-ID or location). */
const ATT_MHTML_REF = 0x4;

const PT_LONG = 0x0003;
const PT_BOOLEAN = 0x000b;
const PT_STRING8 = 0x001e;
const PT_UNICODE = 0x001f;
const PT_BINARY = 0x0102;
/** What a message body may hold before it is read as one: far beyond any reply's words. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const MV_FLAG = 0x1000;

/** Bytes of one value of each fixed-size MAPI type as TNEF writes it (2-byte values padded to 4). */
const FIXED_SIZE: Record<number, number> = {
  0x0001: 4, // PtypNull (written as 4 bytes of nothing)
  0x0002: 4, // PtypInteger16, padded
  0x0003: 4, // PtypInteger32
  0x0004: 4, // PtypFloating32
  0x0005: 8, // PtypFloating64
  0x0006: 8, // PtypCurrency
  0x0007: 8, // PtypFloatingTime
  0x000a: 4, // PtypErrorCode
  0x000b: 4, // PtypBoolean, padded
  0x0014: 8, // PtypInteger64
  0x0040: 8, // PtypTime
  0x0048: 16, // PtypGuid
};
/** Types written as a count of values, each a length, its bytes and padding to 4. */
const COUNTED = new Set([PT_STRING8, PT_UNICODE, PT_BINARY, 0x000d /* PtypObject */, 0x00fb /* PtypServerId */]);

export type TnefErrorCode = 'TnefSignature' | 'TnefTruncated' | 'TnefChecksum' | 'TnefLevel';

/** A `winmail.dat` that cannot be read; `code` says why (a string: it crosses process boundaries). */
export class TnefError extends Error {
  constructor(
    readonly code: TnefErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TnefError';
  }
}

export interface TnefFile {
  /** The long file name when the TNEF gives one, else its 8.3 title; undefined when it gives neither. Well formed. */
  name?: string;
  content: Buffer;
  /** PR_ATTACHMENT_HIDDEN: Outlook does not list it as an attachment (an image its body shows). */
  hidden: boolean;
  /** PR_ATTACH_FLAGS has ATT_MHTML_REF: the HTML body refers to it. */
  mhtmlReference: boolean;
  /** PR_ATTACH_CONTENT_ID, the `cid:` the body refers to it by. */
  contentId?: string;
}

export interface Tnef {
  /** The attachments that carry their bytes, in the order the TNEF holds them. */
  files: TnefFile[];
  /** It holds more attachments than `maxFiles`: the ones after those were not read. */
  more: boolean;
  /** Attachments whose bytes are not plain data (an embedded Outlook message, an OLE object): not in `files`. */
  unread: number;
  /** The message inside has a body of its own (plain text, RTF or HTML). */
  hasBody: boolean;
  /**
   * That body, when it could be read: its plain text (PR_BODY, or attBody), else its HTML (PR_HTML),
   * else its RTF (PR_RTF_COMPRESSED, decompressed). Undefined when it has none, or when none of them
   * could be read (a compressed RTF with a wrong CRC, or cut short), or when `readBody` was false.
   */
  body?: TnefBody;
}

export type TnefBody = { text: string } | { html: string } | { rtf: Buffer };

/**
 * The files inside a TNEF stream. Throws a TnefError when the stream is not TNEF, is cut short,
 * or an attribute's checksum or level is wrong: then nothing of it can be trusted.
 *
 * @example
 * const { files } = readTnef(winmailDat, { maxFiles: 100 }); // [{ name: 'response.pdf', content }]
 */
export function readTnef(bytes: Buffer, { maxFiles = 100, readBody = true }: { maxFiles?: number; readBody?: boolean } = {}): Tnef {
  if (bytes.length < 6) throw new TnefError('TnefTruncated', `a TNEF stream is at least 6 bytes (got ${bytes.length})`);
  if (bytes.readUInt32LE(0) !== TNEF_SIGNATURE) {
    throw new TnefError('TnefSignature', `not a TNEF stream: it starts with 0x${bytes.readUInt32LE(0).toString(16)}, not 0x${TNEF_SIGNATURE.toString(16)}`);
  }
  const attachments: { title?: Buffer; long?: string; data?: Buffer; contentId?: string; hidden?: boolean; mhtmlReference?: boolean }[] = [];
  let codepage = 1252;
  let hasBody = false;
  let more = false;
  let attBody: Buffer | undefined;
  let bodyProps: Map<number, { type: number; value: Buffer }> | undefined;
  // Each attribute is at least 11 bytes (level, id, length, checksum), so the loop ends with the stream.
  for (let offset = 6; offset < bytes.length; ) {
    if (bytes.length - offset < 9) throw new TnefError('TnefTruncated', `the attribute at byte ${offset} is cut short`);
    const level = bytes[offset]!;
    const id = bytes.readUInt32LE(offset + 1);
    const length = bytes.readUInt32LE(offset + 5);
    if (level !== LEVEL_MESSAGE && level !== LEVEL_ATTACHMENT) throw new TnefError('TnefLevel', `the attribute at byte ${offset} has level ${level}, neither 1 (message) nor 2 (attachment)`);
    const start = offset + 9;
    if (length > bytes.length - start - 2) {
      throw new TnefError('TnefTruncated', `the attribute at byte ${offset} says it holds ${length} bytes; ${Math.max(0, bytes.length - start - 2)} are left`);
    }
    const data = bytes.subarray(start, start + length);
    const checksum = bytes.readUInt16LE(start + length);
    if (sumOf(data) !== checksum) throw new TnefError('TnefChecksum', `the attribute at byte ${offset} has a wrong checksum`);
    offset = start + length + 2;

    if (level === LEVEL_MESSAGE) {
      if (id === ATT_OEM_CODEPAGE && length >= 4) codepage = data.readUInt32LE(0);
      else if (id === ATT_BODY && length > 0) {
        hasBody = true;
        attBody = data;
      } else if (id === ATT_MSG_PROPS) {
        // Properties that cannot be walked are taken as a body, so the intake keeps the winmail.dat.
        const props = propertiesOf(data, (propId) => propId === PR_BODY || propId === PR_RTF_COMPRESSED || propId === PR_HTML || propId === PR_INTERNET_CPID);
        hasBody ||= props === undefined || props.has(PR_BODY) || props.has(PR_RTF_COMPRESSED) || props.has(PR_HTML);
        if (props) bodyProps = props;
      }
      continue;
    }
    if (id === ATT_ATTACH_REND_DATA) {
      if (attachments.length === maxFiles) {
        more = true;
        break;
      }
      attachments.push({});
      continue;
    }
    // An attribute before any attachment's first one belongs to none.
    const current = attachments[attachments.length - 1];
    if (!current) continue;
    if (id === ATT_ATTACH_TITLE) current.title = data;
    else if (id === ATT_ATTACH_DATA) current.data = data;
    else if (id === ATT_ATTACHMENT) {
      const props = propertiesOf(
        data,
        (propId, type) =>
          ((propId === PR_ATTACH_LONG_FILENAME || propId === PR_ATTACH_CONTENT_ID) && (type === PT_STRING8 || type === PT_UNICODE)) ||
          (propId === PR_ATTACH_DATA && type === PT_BINARY) ||
          (propId === PR_ATTACH_FLAGS && type === PT_LONG) ||
          (propId === PR_ATTACHMENT_HIDDEN && type === PT_BOOLEAN),
      );
      const text = (prop: { type: number; value: Buffer }) => (prop.type === PT_UNICODE ? decoded(prop.value, 1200) : decoded(prop.value, codepage));
      const long = props?.get(PR_ATTACH_LONG_FILENAME);
      if (long) current.long = text(long);
      const contentId = props?.get(PR_ATTACH_CONTENT_ID);
      if (contentId) current.contentId = text(contentId);
      const flags = props?.get(PR_ATTACH_FLAGS);
      if (flags) current.mhtmlReference = (flags.value.readUInt32LE(0) & ATT_MHTML_REF) !== 0;
      const hidden = props?.get(PR_ATTACHMENT_HIDDEN);
      // A PT_BOOLEAN is written as 4 bytes, of which the first two hold it.
      if (hidden) current.hidden = hidden.value.readUInt16LE(0) !== 0;
      // Some writers put the bytes here rather than in attAttachData.
      const bin = props?.get(PR_ATTACH_DATA);
      if (bin && current.data === undefined) current.data = bin.value;
    }
  }
  const files: TnefFile[] = [];
  for (const a of attachments) {
    if (a.data === undefined) continue;
    const name = a.long || (a.title ? decoded(a.title, codepage) : '');
    files.push({
      ...(name ? { name } : {}),
      content: Buffer.from(a.data),
      hidden: a.hidden ?? false,
      mhtmlReference: a.mhtmlReference ?? false,
      ...(a.contentId ? { contentId: a.contentId } : {}),
    });
  }
  // Not read when its words are not wanted (the message has a text part, or another winmail.dat gave them):
  // decompressing and decoding up to MAX_BODY_BYTES for nothing.
  const body = hasBody && readBody ? bodyOf(bodyProps, attBody, codepage) : undefined;
  return { files, more, unread: attachments.length - files.length, hasBody, ...(body ? { body } : {}) };
}

/** The message's body in the first form that can be read: plain text, HTML, then RTF. */
function bodyOf(props: Map<number, { type: number; value: Buffer }> | undefined, attBody: Buffer | undefined, codepage: number): TnefBody | undefined {
  const text = (prop: { type: number; value: Buffer }) => (prop.type === PT_UNICODE ? decoded(prop.value, 1200) : decoded(prop.value, codepage));
  const plain = props?.get(PR_BODY);
  if (plain && (plain.type === PT_STRING8 || plain.type === PT_UNICODE) && plain.value.length <= MAX_BODY_BYTES) {
    const words = text(plain);
    if (words.trim()) return { text: words };
  }
  if (attBody && attBody.length <= MAX_BODY_BYTES) {
    const words = decoded(attBody, codepage);
    if (words.trim()) return { text: words };
  }
  const html = props?.get(PR_HTML);
  // PR_HTML is binary (the bytes of the HTML in the message's code page), or a string as some writers give it.
  if (html && (html.type === PT_BINARY || html.type === PT_STRING8 || html.type === PT_UNICODE) && html.value.length <= MAX_BODY_BYTES) {
    const markup = html.type === PT_UNICODE ? decoded(html.value, 1200) : htmlDecoded(html.value, props?.get(PR_INTERNET_CPID), codepage);
    if (markup.trim()) return { html: markup };
  }
  const rtf = props?.get(PR_RTF_COMPRESSED);
  if (rtf && rtf.type === PT_BINARY) {
    try {
      return { rtf: decompressRtf(rtf.value) };
    } catch {
      // A CompressedRtfError: the body cannot be read, and the winmail.dat is kept for it.
      return undefined;
    }
  }
  return undefined;
}

/**
 * PR_HTML's bytes as text: in the code page PR_INTERNET_CPID gives (65001 for UTF-8, as Outlook writes
 * it), else the one its `<meta charset>` declares, else the TNEF's (attOemCodepage). attOemCodepage is
 * the code page of the message's strings, not of its HTML: a UTF-8 body read in it is garbled.
 */
function htmlDecoded(bytes: Buffer, internetCpid: { type: number; value: Buffer } | undefined, codepage: number): string {
  if (internetCpid && internetCpid.type === PT_LONG && internetCpid.value.length >= 4) {
    const cpid = internetCpid.value.readUInt32LE(0);
    if (cpid === 1252 || cpid === 28591 || canDecode(cpid)) return decoded(bytes, cpid);
  }
  // The declaration is in ASCII, within the head: the first 1024 bytes, as browsers look (HTML's prescan).
  const declared = /<meta\b[^>]{0,512}?charset\s*=\s*["']?([A-Za-z0-9_:.-]{1,40})/i.exec(bytes.subarray(0, 1024).toString('latin1'))?.[1];
  if (declared !== undefined) {
    try {
      const label = new TextDecoder(declared).encoding;
      if (label === 'windows-1252') return decoded(bytes, 1252);
      return withoutNul(new TextDecoder(label).decode(bytes));
    } catch {
      // A label no decoder knows: the TNEF's code page, as without one.
    }
  }
  return decoded(bytes, codepage);
}

/** Whether TextDecoder has a decoder for the code page. */
function canDecode(codepage: number): boolean {
  try {
    new TextDecoder(CODEPAGES[codepage] ?? `windows-${codepage}`);
    return true;
  } catch {
    return false;
  }
}

/** The sum of the bytes modulo 65536: every attribute's checksum ([MS-OXTNEF] 2.1.3.1). */
function sumOf(data: Buffer): number {
  let sum = 0;
  for (let i = 0; i < data.length; i++) sum = (sum + data[i]!) & 0xffff;
  return sum;
}

/**
 * The wanted properties of an attMsgProps or attAttachment attribute ([MS-OXTNEF] 2.1.3.4): a count,
 * then each property's tag, its name when it is a named one, and its values. Undefined when the block
 * cannot be walked (an unknown type, a length beyond the end): what it holds is then not known.
 */
function propertiesOf(data: Buffer, wanted: (id: number, type: number) => boolean): Map<number, { type: number; value: Buffer }> | undefined {
  const found = new Map<number, { type: number; value: Buffer }>();
  let at = 0;
  const take = (n: number) => {
    if (n < 0 || n > data.length - at) throw new RangeError('past the end');
    const part = data.subarray(at, at + n);
    at += n;
    return part;
  };
  const u32 = () => take(4).readUInt32LE(0);
  const padded = (n: number) => n + ((4 - (n % 4)) % 4);
  try {
    const count = u32();
    // Each property takes at least 8 bytes: a count beyond that is a lie, not a loop to run.
    if (count > data.length / 8) return undefined;
    for (let i = 0; i < count; i++) {
      const tag = u32();
      const type = tag & 0xffff;
      const id = tag >>> 16;
      if (id >= 0x8000) {
        take(16); // the property set's GUID
        const kind = u32();
        if (kind === 0) take(4);
        else if (kind === 1) take(padded(u32()));
        else return undefined;
      }
      const base = type & ~MV_FLAG;
      if (COUNTED.has(base)) {
        const values = u32();
        if (values > data.length / 4) return undefined;
        for (let v = 0; v < values; v++) {
          const size = u32();
          const value = take(size);
          take(padded(size) - size);
          if (v === 0 && wanted(id, type)) found.set(id, { type, value });
        }
      } else if (FIXED_SIZE[base] !== undefined) {
        const values = type & MV_FLAG ? u32() : 1;
        if (values > data.length / 4) return undefined;
        const value = take(values * FIXED_SIZE[base]!);
        if (!(type & MV_FLAG) && wanted(id, type)) found.set(id, { type, value });
      } else {
        return undefined;
      }
    }
  } catch {
    return undefined;
  }
  return found;
}

/**
 * A PT_STRING8 or title in the TNEF's code page (attOemCodepage), or a PT_UNICODE (1200), up to its
 * NUL. TextDecoder replaces what its encoding cannot hold, a lone UTF-16 surrogate included (Buffer's
 * utf16le keeps one), so every name is well formed and can go in a download's header.
 */
function decoded(bytes: Buffer, codepage: number): string {
  const label = CODEPAGES[codepage] ?? `windows-${codepage}`;
  // Node's TextDecoder reads windows-1252 as Latin-1 (0x80 as U+0080, not €).
  if (codepage === 1252) return withoutNul(fromCp1252(bytes.toString('latin1')));
  // ISO-8859-1 itself: TextDecoder reads that label as windows-1252.
  if (codepage === 28591) return withoutNul(bytes.toString('latin1'));
  try {
    return withoutNul(new TextDecoder(label).decode(bytes));
  } catch {
    return withoutNul(bytes.toString('latin1'));
  }
}

/** Code pages whose WHATWG label is not `windows-<n>`. */
const CODEPAGES: Record<number, string> = { 65001: 'utf-8', 1200: 'utf-16le', 932: 'shift_jis', 936: 'gbk', 949: 'euc-kr', 950: 'big5', 20866: 'koi8-r', 28591: 'iso-8859-1' };

function withoutNul(text: string): string {
  const end = text.indexOf('\0');
  return end >= 0 ? text.slice(0, end) : text;
}
