// Flate compression for every stream of a Dossier PDF, by Node's zlib (native) rather than pdf-lib's
// pako (JavaScript): pako took a third of a large statement's time and, per open letter, the
// compression of its font program, ToUnicode map and ICC profile. Same zlib, same input: same bytes.
import { deflateSync } from 'node:zlib';
import type { PDFContext, PDFObject, PDFRawStream } from 'pdf-lib';

/** The bytes of a Flate-compressed stream; a string is taken byte per character, as pdf-lib does. */
export function deflated(content: string | Uint8Array): Uint8Array {
  return deflateSync(typeof content === 'string' ? Buffer.from(content, 'latin1') : content, { level: 6 });
}

/** A stream of bytes already compressed by `deflated` (shared between documents: pdf-lib never changes them). */
export function flateStreamOf(context: PDFContext, compressed: Uint8Array, dict: Record<string, PDFObject | string | number> = {}): PDFRawStream {
  return context.stream(compressed, { ...dict, Filter: 'FlateDecode' });
}

/** A Flate-compressed stream of `content`. */
export function deflatedStream(context: PDFContext, content: string | Uint8Array, dict: Record<string, PDFObject | string | number> = {}): PDFRawStream {
  return flateStreamOf(context, deflated(content), dict);
}
