// The PDF layout kit every Dossier document is built on (the open letter, the campaign statement):
// a reproducible pdf-lib document with DejaVu Sans embedded as a subset, so French typography and
// names in Greek, Cyrillic or Polish render; a top-to-bottom text flow with word wrapping, headings,
// paragraphs, bullet lists, automatic page breaks and "Page n / N" footers.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, type PDFFont, type PDFPage, type RGB } from 'pdf-lib';
import { isoInstant } from '../../workflows/time';

/** The TTF files the kit embeds (from the `dejavu-fonts-ttf` package). */
export const FONT_PATHS = {
  regular: join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf', 'DejaVuSans.ttf'),
  bold: join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf', 'DejaVuSans-Bold.ttf'),
} as const;

export type FontWeight = keyof typeof FONT_PATHS;
export type DocumentLanguage = 'en' | 'fr';

export interface DocumentMetadata {
  title: string;
  author: string;
  subject: string;
  keywords?: string[];
  /** Document language: sets /Lang and the words of the page numbers. */
  language: DocumentLanguage;
  /**
   * Creation (and modification) date, from the input — never the clock, so the same input gives
   * the same bytes. An ISO date (`2020-07-21`, read as midnight UTC) or timestamp.
   */
  date: string;
  /** Recorded as the PDF's creator application; defaults to `Dossier`. */
  creator?: string;
}

export interface LayoutOptions {
  /** Page size in points; defaults to A4. */
  pageSize?: [number, number];
  /** Margins in points; defaults to 56 (about 2 cm) on every side. */
  margin?: number;
  /** Body text size in points; defaults to 10.5. */
  fontSize?: number;
  /** Line height as a multiple of the font size; defaults to 1.35. */
  lineHeight?: number;
  /** Small text in every footer's left corner (e.g. a case reference). */
  footerText?: string;
}

export interface TextStyle {
  weight?: FontWeight;
  size?: number;
  align?: 'left' | 'right' | 'center';
  /** Extra left indent in points. */
  indent?: number;
  /** Space after the block, in points; defaults to half a line. */
  spaceAfter?: number;
  color?: RGB;
}

const A4: [number, number] = [595.28, 841.89];
const GREY = rgb(0.35, 0.35, 0.35);
const PAGE_LABEL: Record<DocumentLanguage, (n: number, total: number) => string> = {
  en: (n, total) => `Page ${n} / ${total}`,
  fr: (n, total) => `Page ${n} sur ${total}`,
};

/**
 * fontkit parses a font's tables on every `create`, which pdf-lib calls for every document: 50–75 ms
 * per letter (BENCHMARKS.md). So each font file is parsed once per process, and each document gets a
 * view of it with a glyph cache of its own: fontkit keeps a glyph with the code points of its first
 * use, and a glyph first made while another document's subset was encoded has none, which would drop
 * characters from this document's text layer. Decoded tables (read-only) stay shared.
 */
const parsedFonts = new Map<Uint8Array, object>();
const perDocumentFontkit: typeof fontkit = {
  ...fontkit,
  create(bytes: Uint8Array, postscriptName?: string) {
    if (postscriptName !== undefined) return fontkit.create(bytes, postscriptName);
    let pristine = parsedFonts.get(bytes);
    if (!pristine) {
      pristine = fontkit.create(bytes) as unknown as object;
      parsedFonts.set(bytes, pristine);
    }
    const view = Object.create(pristine) as { _glyphs: Record<number, unknown> };
    view._glyphs = {};
    return view as unknown as ReturnType<typeof fontkit.create>;
  },
};

const fontBytes = new Map<FontWeight, Uint8Array>();
function loadFont(weight: FontWeight): Uint8Array {
  let bytes = fontBytes.get(weight);
  if (!bytes) {
    bytes = readFileSync(FONT_PATHS[weight]);
    fontBytes.set(weight, bytes);
  }
  return bytes;
}

/**
 * A document laid out top to bottom. Blocks are placed in call order; a block that does not fit
 * moves to a new page. Page numbers are drawn by `save()`, once the page count is known.
 *
 * @example
 * const doc = await LayoutDocument.create(
 *   { title: 'Déclaration commune', author: 'Commissariat…', subject: 'Vidéoconférence', language: 'fr', date: '2021-10-27' },
 *   { footerText: 'OPC-2020-VC' },
 * );
 * doc.heading('Observations');
 * doc.paragraph('Les entreprises ont répondu\u202f: « merci ».');
 * doc.bullets(['Sécurité', 'Contrôle par l’utilisateur final']);
 * const bytes = await doc.save(); // same input, same bytes
 */
export class LayoutDocument {
  readonly pdf: PDFDocument;
  readonly fonts: Record<FontWeight, PDFFont>;
  readonly language: DocumentLanguage;
  readonly fontSize: number;
  readonly lineHeight: number;
  readonly margin: number;
  private readonly pageSize: [number, number];
  private readonly footerText?: string;
  private current!: PDFPage;
  /** Baseline position of the next line, from the page's bottom edge. */
  private cursorY = 0;

  private constructor(pdf: PDFDocument, fonts: Record<FontWeight, PDFFont>, meta: DocumentMetadata, layout: LayoutOptions) {
    this.pdf = pdf;
    this.fonts = fonts;
    this.language = meta.language;
    this.pageSize = layout.pageSize ?? A4;
    this.margin = layout.margin ?? 56;
    this.fontSize = layout.fontSize ?? 10.5;
    this.lineHeight = layout.lineHeight ?? 1.35;
    this.footerText = layout.footerText;
    this.newPage();
  }

  static async create(meta: DocumentMetadata, layout: LayoutOptions = {}): Promise<LayoutDocument> {
    const date = parseDate(meta.date);
    // updateMetadata: false keeps pdf-lib from stamping the clock and its own producer string.
    const pdf = await PDFDocument.create({ updateMetadata: false });
    pdf.registerFontkit(perDocumentFontkit);
    pdf.setTitle(meta.title, { showInWindowTitleBar: true });
    pdf.setAuthor(meta.author);
    pdf.setSubject(meta.subject);
    if (meta.keywords?.length) pdf.setKeywords(meta.keywords);
    pdf.setLanguage(meta.language);
    pdf.setCreator(meta.creator ?? 'Dossier');
    pdf.setProducer('Dossier (pdf-lib)');
    pdf.setCreationDate(date);
    pdf.setModificationDate(date);
    // A subset's name carries a six-letter tag (PDF 32000 §9.6.4), which viewers and PDF/A checkers
    // look for; fixed tags keep the bytes reproducible and differ between the two subsets.
    const [regular, bold] = await Promise.all([
      pdf.embedFont(loadFont('regular'), { subset: true, customName: 'DOSREG+DejaVuSans' }),
      pdf.embedFont(loadFont('bold'), { subset: true, customName: 'DOSBLD+DejaVuSans-Bold' }),
    ]);
    memoizeLayoutByWord(regular);
    memoizeLayoutByWord(bold);
    return new LayoutDocument(pdf, { regular, bold }, meta, layout);
  }

  /** Width available to text between the margins. */
  get contentWidth(): number {
    return this.pageSize[0] - 2 * this.margin;
  }

  get page(): PDFPage {
    return this.current;
  }

  newPage(): void {
    this.current = this.pdf.addPage(this.pageSize);
    this.cursorY = this.pageSize[1] - this.margin;
  }

  /** Moves to a new page unless `points` of height are left above the bottom margin. */
  ensureSpace(points: number): void {
    if (this.cursorY - points < this.bottomLimit()) this.newPage();
  }

  space(points: number): void {
    this.cursorY -= points;
    if (this.cursorY < this.bottomLimit()) this.newPage();
  }

  heading(text: string, level: 1 | 2 | 3 = 2): void {
    const size = this.fontSize * ({ 1: 1.6, 2: 1.3, 3: 1.1 } as const)[level];
    // Keep a heading with at least two lines of what follows it.
    this.ensureSpace(size * this.lineHeight + 2 * this.fontSize * this.lineHeight);
    this.text(text, { weight: 'bold', size, spaceAfter: size * 0.5 });
  }

  paragraph(text: string, style: TextStyle = {}): void {
    this.text(text, style);
  }

  bullets(items: string[], style: TextStyle = {}): void {
    const size = style.size ?? this.fontSize;
    const indent = (style.indent ?? 0) + size * 1.4;
    items.forEach((item, i) => {
      const last = i === items.length - 1;
      const lines = this.wrap(item, style.weight ?? 'regular', size, this.contentWidth - indent);
      const step = size * this.lineHeight;
      this.ensureSpace(step);
      this.current.drawText('•', {
        x: this.margin + indent - size * 1.1,
        // On the baseline of the item's first line (see drawLines).
        y: this.cursorY - (step + size) / 2,
        size,
        font: this.fonts.regular,
        color: style.color,
      });
      this.drawLines(lines, { ...style, indent, spaceAfter: last ? style.spaceAfter : size * 0.2 });
    });
  }

  /** A block of text, wrapped to the content width; `\n` starts a new line. */
  text(text: string, style: TextStyle = {}): void {
    const size = style.size ?? this.fontSize;
    const lines = this.wrap(text, style.weight ?? 'regular', size, this.contentWidth - (style.indent ?? 0));
    this.drawLines(lines, style);
  }

  /** A thin horizontal line across the content width. */
  rule(spaceAfter = this.fontSize): void {
    this.ensureSpace(spaceAfter);
    this.current.drawLine({
      start: { x: this.margin, y: this.cursorY },
      end: { x: this.pageSize[0] - this.margin, y: this.cursorY },
      thickness: 0.6,
      color: GREY,
    });
    this.space(spaceAfter);
  }

  widthOf(text: string, weight: FontWeight = 'regular', size = this.fontSize): number {
    return this.fonts[weight].widthOfTextAtSize(text, size);
  }

  /** Splits text into lines no wider than `width`; only ordinary spaces break (U+00A0 and U+202F do not). */
  wrap(text: string, weight: FontWeight, size: number, width: number): string[] {
    const lines: string[] = [];
    // Widths add up word by word (pdf-lib sums advance widths), so each word is measured once.
    const space = this.widthOf(' ', weight, size);
    for (const hardLine of text.split('\n')) {
      let line = '';
      let lineWidth = 0;
      for (const word of hardLine.split(' ').filter((w) => w !== '')) {
        const wordWidth = this.widthOf(word, weight, size);
        const candidateWidth = line === '' ? wordWidth : lineWidth + space + wordWidth;
        if (candidateWidth <= width) {
          line = line === '' ? word : `${line} ${word}`;
          lineWidth = candidateWidth;
          continue;
        }
        if (line !== '') lines.push(line);
        line = word;
        lineWidth = wordWidth;
        // A word wider than the page (a long URL) is cut where it overflows.
        while (this.widthOf(line, weight, size) > width) {
          const cut = this.longestFittingPrefix(line, weight, size, width);
          lines.push(line.slice(0, cut));
          line = line.slice(cut);
          lineWidth = this.widthOf(line, weight, size);
        }
      }
      lines.push(line);
    }
    return lines;
  }

  /** Draws page numbers (and the footer text) on every page, then returns the file's bytes. */
  async save(): Promise<Uint8Array> {
    const pages = this.pdf.getPages();
    const size = this.fontSize * 0.8;
    const label = PAGE_LABEL[this.language];
    pages.forEach((page, i) => {
      const y = this.margin / 2;
      const number = label(i + 1, pages.length);
      page.drawText(number, {
        x: this.pageSize[0] - this.margin - this.widthOf(number, 'regular', size),
        y,
        size,
        font: this.fonts.regular,
        color: GREY,
      });
      if (this.footerText) page.drawText(this.footerText, { x: this.margin, y, size, font: this.fonts.regular, color: GREY });
    });
    // Without object streams the output is byte-for-byte stable for the same input.
    return this.pdf.save({ useObjectStreams: false });
  }

  private drawLines(lines: string[], style: TextStyle): void {
    const size = style.size ?? this.fontSize;
    const font = this.fonts[style.weight ?? 'regular'];
    const step = size * this.lineHeight;
    const indent = style.indent ?? 0;
    for (const line of lines) {
      this.ensureSpace(step);
      this.cursorY -= step;
      const width = style.align && style.align !== 'left' ? font.widthOfTextAtSize(line, size) : 0;
      const free = this.contentWidth - indent - width;
      const x = this.margin + indent + (style.align === 'right' ? free : style.align === 'center' ? free / 2 : 0);
      if (line !== '') this.current.drawText(line, { x, y: this.cursorY + (step - size) / 2, size, font, color: style.color });
    }
    this.space(style.spaceAfter ?? step / 2);
  }

  private longestFittingPrefix(word: string, weight: FontWeight, size: number, width: number): number {
    const chars = Array.from(word);
    let fit = 1;
    while (fit < chars.length && this.widthOf(chars.slice(0, fit + 1).join(''), weight, size) <= width) fit++;
    return chars.slice(0, fit).join('').length;
  }

  private bottomLimit(): number {
    // Leave room for the footer line.
    return this.margin;
  }
}

function parseDate(value: string): Date {
  const time = isoInstant(value);
  if (time === undefined) {
    throw new Error(`The document date "${value}" is not an ISO date; give it as YYYY-MM-DD or a full ISO timestamp.`);
  }
  return new Date(time);
}

interface GlyphLike {
  id: number;
  advanceWidth: number;
}
interface LayoutFont {
  layout(text: string, features?: unknown): { glyphs: GlyphLike[] };
}

/**
 * fontkit lays out every string pdf-lib measures or draws, which dominates the time of large
 * documents. Glyph runs do not interact across an ordinary space in DejaVu (ligatures and
 * substitutions stay inside a word; pdf-lib sums plain advance widths), so laying out each word once
 * and joining the runs gives the same glyphs, and the same bytes, much faster.
 */
function memoizeLayoutByWord(font: PDFFont): void {
  const fontkitFont = (font as unknown as { embedder?: { font?: LayoutFont } }).embedder?.font;
  if (!fontkitFont || typeof fontkitFont.layout !== 'function') return;
  const layoutOnce = fontkitFont.layout.bind(fontkitFont);
  const cache = new Map<string, GlyphLike[]>();
  const glyphsOf = (piece: string, features: unknown): GlyphLike[] => {
    let glyphs = cache.get(piece);
    if (!glyphs) {
      glyphs = layoutOnce(piece, features).glyphs;
      cache.set(piece, glyphs);
    }
    return glyphs;
  };
  fontkitFont.layout = (text: string, features?: unknown) => {
    const words = text.split(' ');
    if (words.length === 1) return { glyphs: glyphsOf(text, features) };
    const space = glyphsOf(' ', features);
    const glyphs: GlyphLike[] = [];
    words.forEach((word, i) => {
      if (i > 0) glyphs.push(...space);
      if (word !== '') glyphs.push(...glyphsOf(word, features));
    });
    return { glyphs };
  };
}
