// Decompresses the RTF body Outlook puts in a winmail.dat (PR_RTF_COMPRESSED, [MS-OXRTFCP]), so the
// intake can read a vendor's reply whose only body is that RTF. The stream is the sender's: its CRC
// is checked before anything is read, every reference stays inside the 4,096-byte dictionary, and the
// output stops at the size the header gives, itself at most `MAX_RTF_BYTES`.

/** The most RTF one body may decompress to: a crafted header cannot make the intake hold more. */
export const MAX_RTF_BYTES = 10 * 1024 * 1024;

/** "LZFu": the data after the header is compressed. */
export const COMPRESSED = 0x75465a4c;
/** "MELA": the data after the header is the RTF as it is. */
export const UNCOMPRESSED = 0x414c454d;

export type CompressedRtfErrorCode = 'RtfHeader' | 'RtfType' | 'RtfCrc' | 'RtfTruncated' | 'RtfTooLarge';

/** A PR_RTF_COMPRESSED that cannot be read; `code` says why (a string: it crosses process boundaries). */
export class CompressedRtfError extends Error {
  constructor(
    readonly code: CompressedRtfErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CompressedRtfError';
  }
}

/** [MS-OXRTFCP] 3.1.3.1: the dictionary starts with these 207 bytes, and writing goes on after them. */
const INITIAL_DICTIONARY =
  '{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss \\fmodern \\fscript \\fdecor MS Sans SerifSymbolArialTimes New RomanCourier' +
  '{\\colortbl\\red0\\green0\\blue0\r\n\\par \\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx';
const DICTIONARY_SIZE = 4096;
const HEADER_SIZE = 16;

/** The spec's CRC-32 table (polynomial 0xEDB88320), used without the usual pre- and post-inversion. */
const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** [MS-OXRTFCP] 3.1.3.2: the CRC starts at 0 and is not inverted at the end. */
export function rtfCrc(data: Uint8Array): number {
  let crc = 0;
  for (let i = 0; i < data.length; i++) crc = (CRC_TABLE[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8)) >>> 0;
  return crc;
}

/**
 * The RTF inside a PR_RTF_COMPRESSED value. Throws a CompressedRtfError when the header is wrong,
 * the CRC does not match, the stream ends before its end marker or its size, or the RTF would be
 * larger than `maxBytes`.
 *
 * @example
 * const rtf = decompressRtf(prRtfCompressed).toString('latin1'); // '{\\rtf1\\ansi\\ansicpg1252…'
 */
export function decompressRtf(bytes: Uint8Array, { maxBytes = MAX_RTF_BYTES }: { maxBytes?: number } = {}): Buffer {
  if (bytes.length < HEADER_SIZE) throw new CompressedRtfError('RtfHeader', `a compressed RTF is at least ${HEADER_SIZE} bytes (got ${bytes.length})`);
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // compSize counts the bytes after itself: the other 12 of the header, then the data.
  const compSize = view.readUInt32LE(0);
  const rawSize = view.readUInt32LE(4);
  const compType = view.readUInt32LE(8);
  const crc = view.readUInt32LE(12);
  if (compSize < HEADER_SIZE - 4) throw new CompressedRtfError('RtfHeader', `the compressed RTF's size ${compSize} is smaller than its header`);
  if (compSize - (HEADER_SIZE - 4) > view.length - HEADER_SIZE) {
    throw new CompressedRtfError('RtfTruncated', `the compressed RTF says it holds ${compSize - 12} bytes; ${view.length - HEADER_SIZE} are there`);
  }
  if (rawSize > maxBytes) throw new CompressedRtfError('RtfTooLarge', `the compressed RTF says it holds ${rawSize} bytes of RTF, more than the ${maxBytes} read`);
  const data = view.subarray(HEADER_SIZE, HEADER_SIZE + compSize - (HEADER_SIZE - 4));

  if (compType === UNCOMPRESSED) {
    // [MS-OXRTFCP] 2.1.3.1.1: an uncompressed stream's CRC field is 0; the RTF is rawSize bytes of it.
    if (rawSize > data.length) throw new CompressedRtfError('RtfTruncated', `the uncompressed RTF says it holds ${rawSize} bytes; ${data.length} are there`);
    return Buffer.from(data.subarray(0, rawSize));
  }
  if (compType !== COMPRESSED) throw new CompressedRtfError('RtfType', `the compressed RTF's type is 0x${compType.toString(16)}, neither LZFu nor MELA`);
  if (rtfCrc(data) !== crc) throw new CompressedRtfError('RtfCrc', 'the compressed RTF has a wrong CRC');
  // Eight references of 17 bytes for every 17 bytes read: a size beyond 8 bytes per byte cannot be
  // reached, and is refused before its buffer is allocated.
  if (rawSize > data.length * 8) throw new CompressedRtfError('RtfTruncated', `the compressed RTF's ${data.length} bytes cannot hold the ${rawSize} it says`);

  const dictionary = Buffer.alloc(DICTIONARY_SIZE);
  dictionary.write(INITIAL_DICTIONARY, 'latin1');
  let write = INITIAL_DICTIONARY.length;
  const out = Buffer.alloc(rawSize);
  let length = 0;
  let at = 0;
  // Each control byte, then up to eight runs: a literal byte (flag 0) or a 2-byte reference (flag 1).
  // A reference yields at most 17 bytes and the output stops at rawSize, so the loop is linear.
  while (at < data.length) {
    const control = data[at++]!;
    for (let bit = 0; bit < 8; bit++) {
      if (at >= data.length) break;
      if ((control & (1 << bit)) === 0) {
        const byte = data[at++]!;
        if (length >= rawSize) return out;
        out[length++] = byte;
        dictionary[write] = byte;
        write = (write + 1) % DICTIONARY_SIZE;
        continue;
      }
      if (data.length - at < 2) throw new CompressedRtfError('RtfTruncated', `the compressed RTF's reference at byte ${HEADER_SIZE + at} is cut short`);
      const reference = (data[at]! << 8) | data[at + 1]!;
      at += 2;
      const offset = reference >>> 4;
      // A reference to where the next byte would be written is the end of the stream.
      if (offset === write) return finished(out, length, rawSize);
      const runLength = (reference & 0xf) + 2;
      for (let i = 0; i < runLength; i++) {
        const byte = dictionary[(offset + i) % DICTIONARY_SIZE]!;
        if (length >= rawSize) return out;
        out[length++] = byte;
        dictionary[write] = byte;
        write = (write + 1) % DICTIONARY_SIZE;
      }
    }
  }
  // The data ran out without its end marker.
  return finished(out, length, rawSize);
}

function finished(out: Buffer, length: number, rawSize: number): Buffer {
  if (length < rawSize) throw new CompressedRtfError('RtfTruncated', `the compressed RTF ends after ${length} bytes of the ${rawSize} it says it holds`);
  return out;
}
