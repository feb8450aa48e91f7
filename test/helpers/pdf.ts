// Reads PDFs the way a recipient's viewer does, for tests: the text of each page (pdf.js, the engine
// of Firefox's viewer), the fonts and whether each is embedded (pdf-lib's object model), and the
// document information. Nothing here is used by production code.
import {
  decodePDFRawStream,
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFRawStream,
  PDFRef,
  PDFString,
  type PDFObject,
} from 'pdf-lib';

/** The PDF as pdf.js reads it, with no system font standing in for its own. */
async function pdfjsDocument(bytes: Uint8Array) {
  // The legacy build is the one meant for Node; it is an ES module, hence the dynamic import.
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  return pdfjs.getDocument({ data: new Uint8Array(bytes), disableFontFace: true, useSystemFonts: false, verbosity: 0 }).promise;
}

/** The text of every page, in reading order, one string per page. */
export async function pdfPageTexts(bytes: Uint8Array): Promise<string[]> {
  const document = await pdfjsDocument(bytes);
  const pages: string[] = [];
  for (let n = 1; n <= document.numPages; n++) {
    const page = await document.getPage(n);
    // pdf.js reports every space-like character (U+00A0, U+202F) as a plain space; see pdfUnicodeMap.
    const content = await page.getTextContent();
    const lines: string[] = [];
    let line = '';
    for (const item of content.items) {
      if (!('str' in item)) continue;
      line += item.str;
      if (item.hasEOL) {
        lines.push(line);
        line = '';
      }
    }
    if (line) lines.push(line);
    pages.push(lines.join('\n'));
  }
  await document.destroy();
  return pages;
}

export interface PdfFontInfo {
  baseFont: string;
  subtype: string;
  /** True when a TrueType font program is embedded (FontDescriptor /FontFile2). */
  embeddedTrueType: boolean;
  hasToUnicode: boolean;
}

/** Every font the pages use, with whether its program is embedded. */
export async function pdfFonts(bytes: Uint8Array): Promise<PdfFontInfo[]> {
  const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
  const fonts = new Map<string, PdfFontInfo>();
  for (const page of pdf.getPages()) {
    const resources = page.node.Resources();
    const fontDict = resources && lookupDict(pdf, resources.get(PDFName.of('Font')));
    if (!fontDict) continue;
    for (const [, value] of fontDict.entries()) {
      const font = lookupDict(pdf, value);
      if (!font) continue;
      const baseFont = String(font.get(PDFName.of('BaseFont')));
      // A composite (Type0) font keeps its descriptor on its descendant CIDFont.
      const descendants = font.lookupMaybe(PDFName.of('DescendantFonts'), PDFArray);
      const descendant = descendants ? lookupDict(pdf, descendants.get(0)) : undefined;
      const descriptor = lookupDict(pdf, (descendant ?? font).get(PDFName.of('FontDescriptor')));
      fonts.set(baseFont, {
        baseFont,
        subtype: String(font.get(PDFName.of('Subtype'))),
        embeddedTrueType: Boolean(descriptor?.get(PDFName.of('FontFile2'))),
        hasToUnicode: Boolean(font.get(PDFName.of('ToUnicode'))),
      });
    }
  }
  return [...fonts.values()];
}

/**
 * Every character the fonts' ToUnicode maps give back for the glyphs drawn: what copying the text
 * or a screen reader yields, space-like characters included (U+202F stays U+202F).
 */
export async function pdfUnicodeMap(bytes: Uint8Array): Promise<Set<string>> {
  const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
  const chars = new Set<string>();
  for (const [, object] of pdf.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFRawStream)) continue;
    const text = Buffer.from(decodePDFRawStream(object).decode()).toString('latin1');
    if (!text.includes('begincmap')) continue;
    for (const [, hex] of text.matchAll(/<[0-9A-Fa-f]+>\s*<([0-9A-Fa-f]+)>/g)) {
      const units = hex.match(/.{4}/g)!.map((u) => parseInt(u, 16));
      chars.add(String.fromCharCode(...units));
    }
  }
  return chars;
}

export interface PdfInfo {
  title?: string;
  author?: string;
  subject?: string;
  keywords?: string;
  creationDate?: Date;
  /** The catalog's /Lang. */
  language?: string;
  pageCount: number;
}

export async function pdfInfo(bytes: Uint8Array): Promise<PdfInfo> {
  const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
  const lang = pdf.catalog.get(PDFName.of('Lang'));
  return {
    title: pdf.getTitle(),
    author: pdf.getAuthor(),
    subject: pdf.getSubject(),
    keywords: pdf.getKeywords(),
    creationDate: pdf.getCreationDate(),
    language: lang instanceof PDFString || lang instanceof PDFHexString ? lang.decodeText() : undefined,
    pageCount: pdf.getPageCount(),
  };
}

function lookupDict(pdf: PDFDocument, value: PDFObject | undefined): PDFDict | undefined {
  const resolved = value instanceof PDFRef ? pdf.context.lookup(value) : value;
  return resolved instanceof PDFDict ? resolved : undefined;
}

export interface PdfTextItem {
  str: string;
  /** Left edge and baseline, in points from the page's bottom-left corner. */
  x: number;
  y: number;
  width: number;
}

/** Every run of text on each page with where pdf.js places it: to check that two never overlap. */
export async function pdfTextItems(bytes: Uint8Array): Promise<PdfTextItem[][]> {
  const document = await pdfjsDocument(bytes);
  const pages: PdfTextItem[][] = [];
  for (let n = 1; n <= document.numPages; n++) {
    const content = await (await document.getPage(n)).getTextContent();
    pages.push(
      content.items.flatMap((item) => ('str' in item && item.str.trim() ? [{ str: item.str, x: item.transform[4], y: item.transform[5], width: item.width }] : [])),
    );
  }
  await document.destroy();
  return pages;
}

/** A stretch of text as the structure tree gives it to a screen reader: its words and the language it is read in. */
export interface PdfTextInLanguage {
  /** The nearest structure element's /Lang, up to the root; the catalog's /Lang when none has its own. */
  language: string | undefined;
  /** Whether a structure element of its own says the language, rather than the document. */
  marked: boolean;
  text: string;
}

/**
 * The text of each structure element that draws text, with the language a screen reader reads it
 * in (pdf.js's structure tree, as Firefox's viewer exposes it): its own /Lang or its ancestors',
 * else the document's. One entry per element, its marked-content sequences joined by a space.
 */
export async function pdfTextLanguages(bytes: Uint8Array): Promise<PdfTextInLanguage[]> {
  const { language: documentLanguage } = await pdfInfo(bytes);
  const document = await pdfjsDocument(bytes);
  const found: PdfTextInLanguage[] = [];
  for (let n = 1; n <= document.numPages; n++) {
    const page = await document.getPage(n);
    // Text by the id of the marked-content sequence drawing it (nested sequences without an MCID, as a shaped run's ActualText, belong to theirs).
    const textOf = new Map<string, string>();
    const open: (string | null)[] = [];
    for (const item of (await page.getTextContent({ includeMarkedContent: true })).items) {
      if ('type' in item && item.type === 'beginMarkedContentProps') open.push(item.id ?? null);
      else if ('type' in item && item.type === 'beginMarkedContent') open.push(null);
      else if ('type' in item && item.type === 'endMarkedContent') open.pop();
      else if ('str' in item) {
        const id = [...open].reverse().find((o) => o !== null);
        if (id) textOf.set(id, (textOf.get(id) ?? '') + item.str);
      }
    }
    type Node = { role?: string; lang?: string; type?: string; id?: string; children?: Node[] };
    const walk = (node: Node, inherited: string | undefined, marked: boolean) => {
      const language = node.lang ?? inherited;
      const own = marked || node.lang !== undefined;
      const texts = (node.children ?? []).filter((c) => c.type === 'content' && c.id && textOf.has(c.id)).map((c) => textOf.get(c.id!)!);
      if (texts.length) found.push({ language, marked: own, text: texts.join(' ') });
      for (const child of node.children ?? []) if (child.type !== 'content') walk(child, language, own);
    };
    const tree = (await page.getStructTree()) as Node | null;
    if (tree) walk(tree, documentLanguage, false);
  }
  await document.destroy();
  return found;
}
