// The PDF layout kit every Dossier document is built on (the open letter, the campaign statement):
// a reproducible, archival (PDF/A-3b) and tagged pdf-lib document. Text is drawn with DejaVu Sans,
// falling back to Noto Sans CJK, embedded as subsets; a top-to-bottom flow with word wrapping,
// headings, paragraphs, bullet lists, automatic page breaks and numbered footers, whose words come
// from templates/words.yaml like every sentence a reader sees. Every drawn line is marked content of
// a structure element (H1–H3, P, L/LI), footers and rules are artifacts; words in another language
// than the document's are a Span with its /Lang, so a screen reader reads them with their language's rules.
import { createHash, type Hash } from 'node:crypto';
import {
  AFRelationship,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFString,
  rgb,
  type PDFRef,
  type RGB,
} from 'pdf-lib';
import { isDateOnly, isoInstant, localTimeInstant } from '../../workflows/time';
import { fontMissing, invalidMessage } from '../errors';
import { TemplateError, wordOf } from '../templates';
import { documentDates, makeArchival, setDocumentId } from './archive';
import { deflatedStream } from './deflate';
import { DocumentFonts, FontMissingError, UndrawableTextError, widthOfText, type FontWeight } from './fonts';
import { StructureTree, type StructureElement, type StructureType } from './structure';

export { FONT_PATHS, undrawableCharacters, type FontWeight } from './fonts';
export { deflatedStream } from './deflate';
export type DocumentLanguage = 'en' | 'fr';

/** Words of a paragraph written in a given language (a vendor's French subject in an English export). */
export interface TextSpan {
  text: string;
  language: DocumentLanguage;
}

/** A paragraph's text: one string, or runs of it of which some are in a language of their own. */
export type RichText = string | readonly (string | TextSpan)[];

/** A stretch of a wrapped line, and the span of the paragraph (by its index among the runs) it belongs to. */
interface LinePiece {
  text: string;
  span?: { index: number; language: DocumentLanguage };
}

/** A wrapped line: a string, or pieces when a span in another language is on it. */
type Line = string | LinePiece[];

export interface DocumentMetadata {
  title: string;
  /** One author, or several (each a creator of its own in the XMP metadata). */
  author: string | readonly string[];
  subject: string;
  keywords?: string[];
  /** Document language: sets /Lang and the words of the page numbers. */
  language: DocumentLanguage;
  /**
   * Creation (and modification) date, from the input — never the clock, so the same input gives
   * the same bytes. An ISO date (`2020-07-21`, read as midnight in `timeZone`) or timestamp.
   */
  date: string;
  /** The zone the date is a day of (the lead authority's), written with its offset; UTC if absent. */
  timeZone?: string;
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
  /** What the text is, for a refusal of a character no font can draw ("co-signatory name"). */
  field?: string;
  /**
   * Lines of body text that must follow the block on its page: a title, or a sentence ending in a
   * colon, left alone at a page's foot reads as cut off from what it introduces.
   */
  keepWithNext?: number;
}

/** A file carried inside the PDF (PDF/A-3 associated file), e.g. the statement's findings as JSON. */
export interface Attachment {
  fileName: string;
  bytes: Uint8Array;
  mimeType: string;
  description: string;
}

const A4: [number, number] = [595.28, 841.89];
const GREY = rgb(0.35, 0.35, 0.35);

/** "Page 2 sur 5": the footer's page number, in the document's language. */
function pageLabel(language: DocumentLanguage, n: number, total: number): string {
  const label = wordOf(language, 'pageNumber', { n, total });
  if (label === undefined) throw new TemplateError(`templates/words.yaml has no ${language}.pageNumber; add it ("Page {{n}} / {{total}}").`);
  return label;
}

const ELLIPSIS = '…';
const graphemes = new Intl.Segmenter('und', { granularity: 'grapheme' });

/** Numbers as content-stream operands: two decimals are finer than any printer, and stable. */
const num = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));
const colorOperands = (color: RGB | undefined) => (color ? `${num(color.red)} ${num(color.green)} ${num(color.blue)}` : '0 0 0');

/** A line as drawn, for `recordDrawnLines`. */
export interface DrawnLine {
  page: number;
  text: string;
  x: number;
  y: number;
  size: number;
  weight: FontWeight;
}

let recorder: DrawnLine[] | undefined;
/**
 * Runs `render` and returns, with its result, every line of text it drew. For the benchmark's
 * floor (the same lines drawn with pdf-lib's built-in Helvetica); not for concurrent use.
 */
export async function recordDrawnLines<T>(render: () => Promise<T>): Promise<{ result: T; lines: DrawnLine[] }> {
  const lines: DrawnLine[] = [];
  recorder = lines;
  try {
    return { result: await render(), lines };
  } finally {
    recorder = undefined;
  }
}

interface PageContent {
  /** Content-stream operators, joined when the document is saved. */
  ops: string[];
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
 * const bytes = await doc.save(); // same input, same bytes; PDF/A-3b, tagged
 */
export class LayoutDocument {
  readonly pdf: PDFDocument;
  readonly language: DocumentLanguage;
  readonly fontSize: number;
  readonly lineHeight: number;
  readonly margin: number;
  private readonly fonts: DocumentFonts;
  private readonly structure = new StructureTree();
  private readonly pageSize: [number, number];
  private readonly footerText?: string;
  private readonly pages: PageContent[] = [];
  private readonly attachments: Attachment[] = [];
  /** The document's date as the Info dictionary writes it, for its attachments too. */
  private readonly date: string;
  private current!: PageContent;
  /** Baseline position of the next line, from the page's bottom edge. */
  private cursorY = 0;

  private constructor(pdf: PDFDocument, meta: DocumentMetadata, layout: LayoutOptions, date: Date) {
    this.pdf = pdf;
    this.fonts = new DocumentFonts(pdf.context);
    this.language = meta.language;
    this.date = documentDates(date, meta.timeZone).info;
    this.pageSize = layout.pageSize ?? A4;
    this.margin = layout.margin ?? 56;
    this.fontSize = layout.fontSize ?? 10.5;
    this.lineHeight = layout.lineHeight ?? 1.35;
    this.footerText = layout.footerText;
    this.newPage();
  }

  static async create(meta: DocumentMetadata, layout: LayoutOptions = {}): Promise<LayoutDocument> {
    const date = parseDate(meta.date, meta.timeZone);
    // updateMetadata: false keeps pdf-lib from stamping the clock and its own producer string.
    const pdf = await PDFDocument.create({ updateMetadata: false });
    makeArchival(pdf, {
      title: meta.title,
      author: meta.author,
      subject: meta.subject,
      keywords: meta.keywords ?? [],
      language: meta.language,
      creator: meta.creator ?? 'Dossier',
      producer: 'Dossier (pdf-lib)',
      date,
      ...(meta.timeZone ? { timeZone: meta.timeZone } : {}),
    });
    return new LayoutDocument(pdf, meta, layout, date);
  }

  /** Width available to text between the margins. */
  get contentWidth(): number {
    return this.pageSize[0] - 2 * this.margin;
  }

  /** Number of pages so far. */
  get pageCount(): number {
    return this.pages.length;
  }

  newPage(): void {
    this.pdf.addPage(this.pageSize);
    this.current = { ops: [] };
    this.pages.push(this.current);
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

  heading(text: string, level: 1 | 2 | 3 = 2, style: Pick<TextStyle, 'field'> = {}): void {
    const size = this.fontSize * ({ 1: 1.6, 2: 1.3, 3: 1.1 } as const)[level];
    // Keep a heading with at least two lines of what follows it.
    this.ensureSpace(size * this.lineHeight + 2 * this.fontSize * this.lineHeight);
    this.block(`H${level}`, text, { weight: 'bold', size, spaceAfter: size * 0.5, field: style.field });
  }

  /**
   * A paragraph; its runs in another language than the document's are each a Span carrying /Lang
   * (a change of natural language, PDF/UA-1 §7.2). A run in the document's own language is plain text.
   */
  paragraph(text: RichText, style: TextStyle = {}): void {
    this.block('P', text, style);
  }

  bullets(items: string[], style: TextStyle = {}): void {
    const size = style.size ?? this.fontSize;
    const indent = (style.indent ?? 0) + size * 1.4;
    const list = this.structure.root.child('L');
    items.forEach((item, i) => {
      const last = i === items.length - 1;
      const lines = this.wrap(item, style.weight ?? 'regular', size, this.contentWidth - indent);
      const step = size * this.lineHeight;
      this.ensureSpace(step);
      const listItem = list.child('LI');
      // On the baseline of the item's first line (see drawLines).
      this.drawText(listItem.child('Lbl'), '•', this.margin + indent - size * 1.1, this.cursorY - (step + size) / 2, size, 'regular', style.color, 'list bullet');
      this.drawLines(listItem.child('LBody'), lines, { ...style, indent, spaceAfter: last ? style.spaceAfter : size * 0.2 });
    });
  }

  /** A block of text, wrapped to the content width; `\n` starts a new line. */
  text(text: string, style: TextStyle = {}): void {
    this.block('P', text, style);
  }

  /** A thin horizontal line across the content width: decoration, so an artifact. */
  rule(spaceAfter = this.fontSize): void {
    this.ensureSpace(spaceAfter);
    const y = num(this.cursorY);
    this.current.ops.push(
      `/Artifact BMC q ${colorOperands(GREY)} RG 0.6 w ${num(this.margin)} ${y} m ${num(this.pageSize[0] - this.margin)} ${y} l S Q EMC`,
    );
    this.space(spaceAfter);
  }

  /** Carries a file inside the PDF as a PDF/A-3 associated file (relationship: Data). */
  attach(attachment: Attachment): void {
    this.attachments.push(attachment);
  }

  widthOf(text: string, weight: FontWeight = 'regular', size = this.fontSize): number {
    return (widthOfText(text, weight) * size) / 1000;
  }

  /** Splits text into lines no wider than `width`; only ordinary spaces break (U+00A0 and U+202F do not). */
  wrap(text: string, weight: FontWeight, size: number, width: number): string[] {
    const lines: string[] = [];
    const space = this.widthOf(' ', weight, size);
    for (const hardLine of text.split('\n')) {
      let line = '';
      let lineWidth = 0;
      for (const word of hardLine.split(' ')) {
        if (word === '') continue;
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

  /**
   * `wrap` for runs, some in a language of their own: the same breaks (ordinary spaces only, a word
   * wider than the page cut where it overflows), each line as pieces that keep their run's span. A
   * word may straddle two runs (`«\u202f` then a vendor's words); the space between two words belongs
   * to their span only when both are in it.
   */
  private wrapRuns(runs: readonly (string | TextSpan)[], weight: FontWeight, size: number, width: number): LinePiece[][] {
    type Word = LinePiece[];
    const hardLines: Word[][] = [[]];
    let word: Word = [];
    const endWord = () => {
      if (word.length) hardLines[hardLines.length - 1]!.push(word);
      word = [];
    };
    runs.forEach((run, index) => {
      const text = typeof run === 'string' ? run : run.text;
      const span = typeof run === 'string' || run.language === this.language ? undefined : { index, language: run.language };
      text.split('\n').forEach((hardLine, h) => {
        if (h > 0) {
          endWord();
          hardLines.push([]);
        }
        hardLine.split(' ').forEach((part, p) => {
          if (p > 0) endWord();
          if (part !== '') word.push(span ? { text: part, span } : { text: part });
        });
      });
    });
    endWord();
    const append = (line: LinePiece[], piece: LinePiece) => {
      const last = line[line.length - 1];
      if (last && last.span?.index === piece.span?.index) line[line.length - 1] = { ...last, text: last.text + piece.text };
      else line.push(piece);
    };
    const space = this.widthOf(' ', weight, size);
    const lines: LinePiece[][] = [];
    for (const words of hardLines) {
      let line: LinePiece[] = [];
      let lineWidth = 0;
      for (let current of words) {
        const wordWidth = this.widthOfPieces(current, weight, size);
        const candidateWidth = line.length === 0 ? wordWidth : lineWidth + space + wordWidth;
        if (candidateWidth <= width) {
          if (line.length) {
            const before = line[line.length - 1]!.span;
            append(line, before && before.index === current[0]!.span?.index ? { text: ' ', span: before } : { text: ' ' });
          }
          for (const piece of current) append(line, piece);
          lineWidth = candidateWidth;
          continue;
        }
        if (line.length) lines.push(line);
        // A word wider than the page (a long URL) is cut where it overflows.
        while (this.widthOfPieces(current, weight, size) > width) {
          const cut = this.longestFittingPrefix(current.map((p) => p.text).join(''), weight, size, width);
          const [head, tail] = splitPieces(current, cut);
          lines.push(head);
          current = tail;
        }
        line = [];
        for (const piece of current) append(line, piece);
        lineWidth = this.widthOfPieces(current, weight, size);
      }
      lines.push(line);
    }
    return lines;
  }

  private widthOfPieces(pieces: readonly LinePiece[], weight: FontWeight, size: number): number {
    return pieces.reduce((sum, piece) => sum + this.widthOf(piece.text, weight, size), 0);
  }

  /** Draws page numbers and footers, embeds fonts, structure and attachments, then returns the bytes. */
  async save(): Promise<Uint8Array> {
    const size = this.fontSize * 0.8;
    const y = this.margin / 2;
    const numbers = this.pages.map((_, i) => pageLabel(this.language, i + 1, this.pages.length));
    // The footer ends an em before the widest page number, so the two never run into each other.
    const footerWidth = this.contentWidth - Math.max(...numbers.map((n) => this.widthOf(n, 'regular', size))) - size;
    const footer = this.footerText && this.fitted(this.footerText, 'regular', size, footerWidth);
    this.pages.forEach((page, i) => {
      const x = this.pageSize[0] - this.margin - this.widthOf(numbers[i], 'regular', size);
      page.ops.push(this.artifactText(i, numbers[i], x, y, size));
      if (footer) page.ops.push(this.artifactText(i, footer, this.margin, y, size));
    });
    const { context } = this.pdf;
    const digest = createHash('sha256');
    const pages = this.pdf.getPages();
    const pageRefs: PDFRef[] = pages.map((p) => p.ref);
    const fontDict = context.register(context.obj(Object.fromEntries(this.fonts.resources())));
    pages.forEach((page, i) => {
      const content = this.pages[i].ops.join('\n');
      digest.update(content);
      page.node.set(PDFName.of('Contents'), context.register(deflatedStream(context, content)));
      page.node.Resources()!.set(PDFName.of('Font'), fontDict);
    });
    await this.fonts.embed();
    this.structure.write(this.pdf, pageRefs);
    this.embedAttachments(digest);
    digest.update(this.pdf.getTitle() ?? '').update(this.pdf.getAuthor() ?? '').update(this.pdf.getKeywords() ?? '');
    setDocumentId(this.pdf, digest.digest());
    // Without object streams the output is byte-for-byte stable for the same input. pdf-lib
    // yields to the event loop every 50 objects by default, which for the tens of thousands of
    // structure elements of a large statement cost more than writing them.
    return this.pdf.save({ useObjectStreams: false, objectsPerTick: Number.POSITIVE_INFINITY });
  }

  /**
   * Associated files (PDF/A-3 §6.8): each listed in the catalog's /AF and its EmbeddedFiles name
   * tree, with MIME type, dates and relationship. pdf-lib's `attach` would compress with pako,
   * slow for the JSON of a 1,000-vendor statement.
   */
  private embedAttachments(digest: Hash): void {
    if (!this.attachments.length) return;
    const { context, catalog } = this.pdf;
    const date = PDFString.of(this.date);
    const names: (PDFHexString | PDFRef)[] = [];
    const specs: PDFRef[] = [];
    for (const { fileName, bytes, mimeType, description } of [...this.attachments].sort((a, b) => (a.fileName < b.fileName ? -1 : 1))) {
      digest.update(fileName).update(bytes);
      const file = deflatedStream(context, bytes, {
        Type: 'EmbeddedFile',
        Subtype: PDFName.of(mimeType),
        Params: context.obj({ Size: bytes.length, CreationDate: date, ModDate: date }),
      });
      const spec = context.register(
        context.obj({
          Type: 'Filespec',
          F: PDFString.of(fileName),
          UF: PDFHexString.fromText(fileName),
          EF: { F: context.register(file) },
          Desc: PDFHexString.fromText(description),
          AFRelationship: AFRelationship.Data,
        }),
      );
      names.push(PDFHexString.fromText(fileName), spec);
      specs.push(spec);
    }
    catalog.set(PDFName.of('Names'), context.obj({ EmbeddedFiles: { Names: names } }));
    catalog.set(PDFName.of('AF'), context.obj(specs));
  }

  private block(type: StructureType, text: RichText, style: TextStyle): void {
    const size = style.size ?? this.fontSize;
    const width = this.contentWidth - (style.indent ?? 0);
    const lines: Line[] = typeof text === 'string' ? this.wrap(text, style.weight ?? 'regular', size, width) : this.wrapRuns(text, style.weight ?? 'regular', size, width);
    if (style.keepWithNext) {
      const step = size * this.lineHeight;
      const needed = lines.length * step + (style.spaceAfter ?? step / 2) + style.keepWithNext * this.fontSize * this.lineHeight;
      // A block taller than a page breaks where it must.
      if (needed < this.pageSize[1] - 2 * this.margin) this.ensureSpace(needed);
    }
    this.drawLines(this.structure.root.child(type), lines, style, true);
  }

  /**
   * `breakWhole`: a paragraph's first line is not left alone at a page's foot, nor its last line
   * carried alone to the next page (a bullet's label is already drawn, so its lines break anywhere).
   */
  private drawLines(element: StructureElement, lines: Line[], style: TextStyle, breakWhole = false): void {
    const size = style.size ?? this.fontSize;
    const weight = style.weight ?? 'regular';
    const step = size * this.lineHeight;
    const indent = style.indent ?? 0;
    // One Span per run in another language, made when its first piece is drawn so that it stands
    // among the paragraph's marked content in reading order; a run wrapped over lines stays one Span.
    const spans = new Map<number, StructureElement>();
    const elementOf = (piece: LinePiece) => {
      if (!piece.span) return element;
      let span = spans.get(piece.span.index);
      if (!span) spans.set(piece.span.index, (span = element.child('Span', piece.span.language)));
      return span;
    };
    let onThisPage = 0;
    for (const [i, line] of lines.entries()) {
      const page = this.pages.length;
      const fit = (n: number) => this.cursorY - n * step >= this.bottomLimit();
      // Three lines split either way leave one alone: they move together.
      const orphan = i === 0 && ((lines.length >= 2 && !fit(2)) || (lines.length === 3 && !fit(3)));
      const widow = i === lines.length - 2 && onThisPage >= 2 && !fit(2);
      if (breakWhole && (orphan || widow)) this.newPage();
      else this.ensureSpace(step);
      if (this.pages.length !== page) onThisPage = 0;
      onThisPage += 1;
      this.cursorY -= step;
      const pieces = typeof line === 'string' ? [{ text: line }] : line;
      const width = style.align && style.align !== 'left' ? this.widthOfPieces(pieces, weight, size) : 0;
      const free = this.contentWidth - indent - width;
      let x = this.margin + indent + (style.align === 'right' ? free : style.align === 'center' ? free / 2 : 0);
      for (const piece of pieces) {
        if (piece.text === '') continue;
        this.drawText(elementOf(piece), piece.text, x, this.cursorY + (step - size) / 2, size, weight, style.color, style.field);
        x += this.widthOf(piece.text, weight, size);
      }
    }
    this.space(style.spaceAfter ?? step / 2);
  }

  /** One line of text as a marked-content sequence of `element`. */
  private drawText(element: StructureElement, text: string, x: number, y: number, size: number, weight: FontWeight, color: RGB | undefined, field?: string): void {
    recorder?.push({ page: this.pages.length - 1, text, x, y, size, weight });
    const mcid = this.structure.mark(element, this.pages.length - 1);
    this.current.ops.push(`/${element.type} <</MCID ${mcid}>> BDC BT ${colorOperands(color)} rg ${num(x)} ${num(y)} Td ${this.show(text, weight, size, field)} ET EMC`);
  }

  /** Page furniture (numbers, footer): an artifact, not part of the text a reader follows. */
  private artifactText(page: number, text: string, x: number, y: number, size: number): string {
    recorder?.push({ page, text, x, y, size, weight: 'regular' });
    return `/Artifact <</Type /Pagination /Subtype /Footer>> BDC BT ${colorOperands(GREY)} rg ${num(x)} ${num(y)} Td ${this.show(text, 'regular', size, 'footer')} ET EMC`;
  }

  /** The text-showing operators for a line: one `Tf … Tj` per run of one font. */
  private show(text: string, weight: FontWeight, size: number, field: string | undefined): string {
    try {
      return this.fonts
        .encode(text, weight, size, field ?? `The text "${text.length > 60 ? `${text.slice(0, 60)}…` : text}"`)
        .map((run) => `/${run.font} ${num(size)} Tf ${run.show}`)
        .join(' ');
    } catch (err) {
      if (err instanceof UndrawableTextError) throw invalidMessage(err.message);
      if (err instanceof FontMissingError) throw fontMissing(err.message);
      throw err;
    }
  }

  /**
   * The text, or as much of it as fits in `width` followed by "…". Cut between graphemes, so never
   * inside a surrogate pair nor between a letter and its marks.
   */
  fitted(text: string, weight: FontWeight, size: number, width: number): string {
    if (this.widthOf(text, weight, size) <= width) return text;
    const room = width - this.widthOf(ELLIPSIS, weight, size);
    let kept = '';
    for (const { segment } of graphemes.segment(text)) {
      if (this.widthOf(kept + segment, weight, size) > room) break;
      kept += segment;
    }
    return `${kept.trimEnd()}${ELLIPSIS}`;
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

/** The pieces of a word split `at` a UTF-16 offset of its text, each side keeping its pieces' spans. */
function splitPieces(pieces: readonly LinePiece[], at: number): [LinePiece[], LinePiece[]] {
  const head: LinePiece[] = [];
  const tail: LinePiece[] = [];
  let offset = 0;
  for (const piece of pieces) {
    const cut = Math.max(0, Math.min(piece.text.length, at - offset));
    if (cut > 0) head.push({ ...piece, text: piece.text.slice(0, cut) });
    if (cut < piece.text.length) tail.push({ ...piece, text: piece.text.slice(cut) });
    offset += piece.text.length;
  }
  return [head, tail];
}

function parseDate(value: string, timeZone: string | undefined): Date {
  const time = timeZone && isDateOnly(value) ? localTimeInstant(`${value}T00:00`, timeZone) : isoInstant(value);
  if (time === undefined) {
    throw new Error(`The document date "${value}" is not an ISO date; give it as YYYY-MM-DD or a full ISO timestamp.`);
  }
  return new Date(time);
}
