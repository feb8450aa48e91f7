// Reads the words of an Outlook RTF body (a winmail.dat's only body), so the intake records a
// vendor's reply as the text the vendor wrote. HTML that Outlook encapsulated in RTF (\fromhtml1,
// [MS-OXRTFEX]) comes back as that HTML, for the intake's HTML-to-text path; any other RTF as its
// text. One pass over the bytes, groups deeper than MAX_DEPTH share their parent's state: a crafted
// body costs time and memory in proportion to its size, never more.
import { fromCp1252 } from './undeclared-charset';

/** Groups kept on the stack; deeper ones are counted only (Word itself nests a few dozen at most). */
const MAX_DEPTH = 200;

/** Destinations whose text is not the body's: tables, metadata, pictures, objects, field codes. */
const SKIPPED = new Set([
  'fonttbl', 'colortbl', 'stylesheet', 'info', 'pict', 'object', 'objdata', 'themedata', 'colorschememapping',
  'datastore', 'latentstyles', 'listtable', 'listoverridetable', 'rsidtbl', 'generator', 'xmlnstbl', 'filetbl',
  'revtbl', 'fldinst', 'header', 'headerl', 'headerr', 'headerf', 'footer', 'footerl', 'footerr', 'footerf',
  'pgdsctbl', 'mhtmltag', 'nonshppict', 'shpinst', 'bkmkstart', 'bkmkend', 'xe', 'tc', 'private', 'footnote',
]);

/** Control words that stand for a character. */
const CHARACTERS: Record<string, string> = {
  par: '\n', line: '\n', sect: '\n', page: '\n', row: '\n', tab: '\t', cell: '\t',
  emdash: '—', endash: '–', bullet: '•', lquote: '‘', rquote: '’', ldblquote: '“', rdblquote: '”',
  emspace: '\u2003', enspace: '\u2002', qmspace: '\u2005', zwj: '\u200d', zwnj: '\u200c',
};

/**
 * The code page of each `\fcharsetN` a font may declare ([MS-RTF] 1.9.1, \fcharset). 1 (the default)
 * and 2 (Symbol, whose bytes are glyphs, not characters of a code page) are left to \ansicpg.
 */
const CHARSETS: Record<number, number> = {
  0: 1252, 77: 10000, 128: 932, 129: 949, 134: 936, 136: 950, 161: 1253, 162: 1254, 163: 1258, 177: 1255, 178: 1256, 186: 1257, 204: 1251, 222: 874, 238: 1250,
};

/** Code pages whose WHATWG label is not `windows-<n>`. */
const CODEPAGES: Record<number, string> = { 10000: 'macintosh', 65001: 'utf-8', 932: 'shift_jis', 936: 'gbk', 949: 'euc-kr', 950: 'big5', 20866: 'koi8-r', 28591: 'iso-8859-1' };

export type RtfBody = { html: string } | { text: string };

interface Group {
  /** In a destination whose text is not the body's. */
  skip: boolean;
  /** In an encapsulated HTML tag (`{\*\htmltag…}`): its text is HTML. */
  htmltag: boolean;
  /** Between `\htmlrtf` and `\htmlrtf0`: RTF that only renders the HTML, not part of it. */
  htmlrtf: boolean;
  /** `\ucN`: the characters after a `\uN` that stand in for it in older readers. */
  uc: number;
  /** In the font table, where `\fN` declares a font instead of choosing one. */
  fontTable: boolean;
  /** `\fN`: the font its text is in, whose charset gives its bytes' code page; undefined for \deff's. */
  font?: number;
  /** Between `\v` and `\v0`: hidden text, not shown to the reader. */
  hidden: boolean;
}

/**
 * The HTML an HTML-encapsulated RTF carries, or the text of any other RTF.
 *
 * @example
 * rtfBody(Buffer.from('{\\rtf1\\ansi\\ansicpg1252 Caf\\\'e9\\par}')); // { text: 'Café\n' }
 */
export function rtfBody(rtf: Buffer): RtfBody {
  // Each byte as one char, so the scan sees the bytes, and \'hh and 8-bit text go to the code page's decoder.
  const source = rtf.toString('latin1');
  const pieces: string[] = [];
  // The bytes not yet decoded, in one buffer the size of the source (no body has more): an array of
  // numbers cost a 10 MB body some 300 MB.
  const bytes = Buffer.allocUnsafe(source.length);
  let pending = 0;
  // The document's code page (\ansicpg), and the one each font's charset gives (Riched20 and Word write
  // Cyrillic or Greek in a font of that charset under \ansicpg1252).
  let ansiCodepage = 1252;
  const fonts = new Map<number, number>();
  let defaultFont: number | undefined;
  let declaring: number | undefined; // the font the font table is declaring
  let codepage = 1252;
  let decoder = decoderOf(codepage);
  const flush = () => {
    if (pending === 0) return;
    pieces.push(decoder.decode(bytes.subarray(0, pending)));
    pending = 0;
  };
  let fromHtml = false;
  const stack: Group[] = [];
  let group: Group = { skip: false, htmltag: false, htmlrtf: false, uc: 1, fontTable: false, hidden: false };
  let uncounted = 0; // groups deeper than MAX_DEPTH
  let starred = false; // the group began with \*: an optional destination, skipped unless known
  let first = false; // the next control word is the group's first
  let toSkip = 0; // characters still to skip after a \uN
  const shown = () => !group.skip && !group.hidden && (!fromHtml || group.htmltag || !group.htmlrtf);
  const emitByte = (byte: number) => {
    if (toSkip > 0) return void toSkip--;
    if (!shown()) return;
    // The code page of the group's font, looked up as each byte comes: a group's end restores its parent's font.
    const font = group.font ?? defaultFont;
    const wanted = (font !== undefined ? fonts.get(font) : undefined) ?? ansiCodepage;
    if (wanted !== codepage) {
      flush();
      codepage = wanted;
      decoder = decoderOf(codepage);
    }
    bytes[pending++] = byte;
  };
  const emit = (text: string) => {
    if (toSkip > 0) return void toSkip--;
    if (!shown()) return;
    flush();
    pieces.push(text);
  };

  // A control word: letters, an optional signed number, and one space that only ends it.
  const word = /\\([a-zA-Z]{1,32})(-?\d{1,10})? ?/y;
  for (let i = 0; i < source.length; ) {
    const c = source[i]!;
    if (c === '{') {
      i++;
      toSkip = 0;
      if (stack.length < MAX_DEPTH) {
        stack.push(group);
        group = { ...group };
      } else uncounted++;
      starred = false;
      first = true;
      continue;
    }
    if (c === '}') {
      i++;
      toSkip = 0;
      if (uncounted > 0) uncounted--;
      else if (stack.length > 0) group = stack.pop()!;
      first = false;
      continue;
    }
    if (c === '\r' || c === '\n' || c === '\0') {
      i++;
      continue;
    }
    if (c !== '\\') {
      i++;
      first = false;
      emitByte(c.charCodeAt(0));
      continue;
    }
    word.lastIndex = i;
    const match = word.exec(source) ?? undefined;
    if (match === undefined) {
      // A control symbol: a backslash and one character.
      const symbol = source[i + 1];
      i += 2;
      const wasFirst: boolean = first;
      first = false;
      if (symbol === '*') {
        starred = wasFirst;
        first = wasFirst;
      } else if (symbol === "'") {
        const hex = source.slice(i, i + 2);
        if (/^[0-9a-fA-F]{2}$/.test(hex)) {
          i += 2;
          emitByte(parseInt(hex, 16));
        }
      } else if (symbol === '~') emit('\u00a0');
      else if (symbol === '_') emit('\u2011');
      else if (symbol === '-') emit('');
      else if (symbol === '\r' || symbol === '\n') emit('\n');
      else if (symbol !== undefined) emitByte(symbol.charCodeAt(0));
      continue;
    }
    i = word.lastIndex;
    const name = match[1]!;
    const param = match[2] === undefined ? undefined : Number(match[2]);
    const wasFirst = first;
    const wasStarred = starred;
    first = false;
    starred = false;
    if (name === 'bin') {
      // Binary data of the given length, not text: skipped whole.
      i += Math.max(0, Math.min(param ?? 0, source.length - i));
      continue;
    }
    if (wasFirst && fromHtml && (name === 'htmltag' || name === 'htmlbase')) {
      group.htmltag = name === 'htmltag';
      group.skip = name === 'htmlbase';
      continue;
    }
    if (name === 'fonttbl') group.fontTable = true;
    if (SKIPPED.has(name) || (wasStarred && wasFirst)) {
      group.skip = true;
      continue;
    }
    if (toSkip > 0 && name !== 'u') {
      // A control word counts as one of the characters a \uN's stand-in is made of.
      toSkip--;
      continue;
    }
    switch (name) {
      case 'fromhtml':
        fromHtml = param === 1;
        break;
      case 'htmlrtf':
        group.htmlrtf = param !== 0;
        break;
      case 'ansicpg':
        ansiCodepage = param ?? 1252;
        break;
      case 'mac':
        ansiCodepage = 10000;
        break;
      case 'deff':
        defaultFont = param;
        break;
      case 'f':
        if (group.fontTable) declaring = param;
        else group.font = param;
        break;
      case 'fcharset':
        if (group.fontTable && declaring !== undefined && param !== undefined && Object.hasOwn(CHARSETS, param)) fonts.set(declaring, CHARSETS[param]!);
        break;
      case 'plain':
        group.font = undefined;
        group.hidden = false;
        break;
      case 'v':
        group.hidden = param !== 0;
        break;
      case 'uc':
        group.uc = Math.max(0, Math.min(param ?? 1, 16));
        break;
      case 'u':
        if (param !== undefined) {
          toSkip = 0;
          emit(String.fromCharCode(param < 0 ? param + 65536 : param & 0xffff));
          toSkip = group.uc;
        }
        break;
      default:
        if (Object.hasOwn(CHARACTERS, name)) emit(fromHtml && (name === 'par' || name === 'line') ? '\r\n' : CHARACTERS[name]!);
    }
  }
  flush();
  const result = pieces.join('');
  // As htmlAsText leaves an HTML body: no spaces at a line's end, at most one empty line in a row. Matched
  // only from a run's first space: from each of them, a long run that ends no line costs its square.
  return fromHtml ? { html: result } : { text: result.replace(/(?<![ \t])[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n') };
}

/** A decoder for the code page; windows-1252 (and any Node cannot read) by hand, as Node's reads it as Latin-1. */
function decoderOf(codepage: number): { decode(bytes: Uint8Array): string } {
  const cp1252 = { decode: (bytes: Uint8Array) => fromCp1252(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1')) };
  if (codepage === 1252) return cp1252;
  try {
    return new TextDecoder(CODEPAGES[codepage] ?? `windows-${codepage}`);
  } catch {
    return cp1252;
  }
}
