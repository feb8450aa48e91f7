// The fonts every Dossier PDF draws with, and the cheap text encoder that puts them on the page.
// DejaVu Sans (npm) draws Latin, Greek and Cyrillic; Noto Sans CJK (Debian's fonts-noto-cjk) is the
// fallback for Chinese, Japanese and Korean names, Noto Sans Thai and Devanagari (npm) for those
// scripts. Each character is drawn by the first face that has it; a character no face has is
// refused by name (`undrawableCharacters`), never drawn as a box, and one only a font file missing
// on this worker would draw fails the PDF as the worker's fault (`FontMissingError`, retried). Glyph ids and advances are cached
// per code point for the whole process, so encoding a line is a few map look-ups: fontkit's layout
// of every string cost 7.5x the built-in font (BENCHMARKS.md). Only Thai and Devanagari, whose
// marks and conjuncts need OpenType shaping, go through fontkit's layout, run by run.
// fontkit's Indic shaper (Devanagari) calls a global regeneratorRuntime its build does not bundle.
import 'regenerator-runtime/runtime';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fontkit, { type Font, type Subset } from '@pdf-lib/fontkit';
import { PDFString, type PDFContext, type PDFRef } from 'pdf-lib';
import { DossierError } from '../../workflows/errors';
import { deflated, deflatedStream, flateStreamOf } from './deflate';

export type FontWeight = 'regular' | 'bold';

interface FaceSource {
  /** Where the font file is; for a collection (.ttc), which face of it. */
  path: string;
  postscriptName?: string;
  /** A complex script: runs are shaped by fontkit (reordering, conjuncts, mark positions). */
  shaped?: boolean;
}

const DEJAVU = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
/** The TTF files of the primary face (from the `dejavu-fonts-ttf` package). */
export const FONT_PATHS = {
  regular: join(DEJAVU, 'DejaVuSans.ttf'),
  bold: join(DEJAVU, 'DejaVuSans-Bold.ttf'),
} as const;

/**
 * Debian's fonts-noto-cjk. The Hong Kong face: the traditional forms a Hong Kong authority's names
 * are written in; Hangul and kana are the same in every face of the collection.
 */
export const CJK_FONT_DIR = process.env.DOSSIER_CJK_FONT_DIR ?? '/usr/share/fonts/opentype/noto';
const CJK_SOURCES: Record<FontWeight, FaceSource> = {
  regular: { path: join(CJK_FONT_DIR, 'NotoSansCJK-Regular.ttc'), postscriptName: 'NotoSansCJKhk-Regular' },
  bold: { path: join(CJK_FONT_DIR, 'NotoSansCJK-Bold.ttc'), postscriptName: 'NotoSansCJKhk-Bold' },
};

const googleFont = (pkg: string, file: string) => join(dirname(require.resolve(`@expo-google-fonts/${pkg}/package.json`)), file);
/** Complex scripts from npm (Google Fonts' Noto builds, OFL), drawn with shaping. */
const SHAPED_SOURCES: Record<FontWeight, FaceSource[]> = {
  regular: [
    { path: googleFont('noto-sans-thai', '400Regular/NotoSansThai_400Regular.ttf'), shaped: true },
    { path: googleFont('noto-sans-devanagari', '400Regular/NotoSansDevanagari_400Regular.ttf'), shaped: true },
  ],
  bold: [
    { path: googleFont('noto-sans-thai', '700Bold/NotoSansThai_700Bold.ttf'), shaped: true },
    { path: googleFont('noto-sans-devanagari', '700Bold/NotoSansDevanagari_700Bold.ttf'), shaped: true },
  ],
};

/** One face of a font file, parsed once per process, with its glyph look-ups cached. */
export class FontFace {
  readonly font: Font;
  readonly name: string;
  readonly cff: boolean;
  readonly shaped: boolean;
  /** Font units to the 1/1000 text-space units PDF widths use. */
  readonly scale: number;
  private readonly glyphs = new Map<number, { id: number; width: number } | null>();

  constructor(bytes: Uint8Array, postscriptName?: string, shaped = false) {
    this.shaped = shaped;
    this.font = postscriptName ? fontkit.create(bytes, postscriptName) : fontkit.create(bytes);
    this.name = (this.font.postscriptName ?? 'Font').replace(/[^A-Za-z0-9-]/g, '');
    this.cff = Boolean((this.font as unknown as Record<string, unknown>)['CFF ']);
    this.scale = 1000 / this.font.unitsPerEm;
  }

  /** The glyph id and advance (in 1/1000 em) for a code point, or null when the face has none. */
  glyph(codePoint: number): { id: number; width: number } | null {
    let glyph = this.glyphs.get(codePoint);
    if (glyph === undefined) {
      const found = this.font.hasGlyphForCodePoint(codePoint) ? this.font.glyphForCodePoint(codePoint) : undefined;
      glyph = found && found.id !== 0 ? { id: found.id, width: found.advanceWidth * this.scale } : null;
      this.glyphs.set(codePoint, glyph);
    }
    return glyph;
  }
}

/**
 * What each fallback face is there for, to tell a character no face draws from one this worker's
 * missing font file would draw (`missingFontFor`). By script, as the files' coverage is not known
 * without them: a rare ideograph Noto lacks is refused for good once the font is installed.
 */
const FALLBACK_COVERAGE: { covers: RegExp; files: Record<FontWeight, string[]>; install: string }[] = [
  {
    covers: /[\p{Script=Han}\p{Script=Hangul}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Bopomofo}\u3000-\u303f\uff00-\uffef]/u,
    // The bold face falls back to the regular one (faceStack).
    files: { regular: [CJK_SOURCES.regular.path], bold: [CJK_SOURCES.bold.path, CJK_SOURCES.regular.path] },
    install:
      "install Debian's fonts-noto-cjk on this worker (apt-get install fonts-noto-cjk, as scripts/install-system-packages.sh does), or set DOSSIER_CJK_FONT_DIR to the folder holding NotoSansCJK-Regular.ttc and NotoSansCJK-Bold.ttc",
  },
  ...[0, 1].map((i) => ({
    covers: i === 0 ? /\p{Script=Thai}/u : /\p{Script=Devanagari}/u,
    files: { regular: [SHAPED_SOURCES.regular[i].path], bold: [SHAPED_SOURCES.bold[i].path] },
    install: `run npm install (package ${i === 0 ? '@expo-google-fonts/noto-sans-thai' : '@expo-google-fonts/noto-sans-devanagari'})`,
  })),
];

/** A font file this worker lacks, which would draw a character. */
export interface MissingFont {
  file: string;
  /** How to install it. */
  install: string;
}

/** The font file this worker lacks that would draw `char` in either weight; undefined if none. */
export function missingFontFor(char: string): MissingFont | undefined {
  for (const { covers, files, install } of FALLBACK_COVERAGE) {
    if (!covers.test(char)) continue;
    for (const weight of ['regular', 'bold'] as const) {
      if (!files[weight].some((path) => existsSync(path))) return { file: files[weight][0], install };
    }
  }
  return undefined;
}

const faces = new Map<string, FontFace>();
function loadFace(source: FaceSource): FontFace | null {
  const key = `${source.path}#${source.postscriptName ?? ''}`;
  let face = faces.get(key);
  // An absent file is looked for again next time: an operator may install it while the worker runs.
  if (face === undefined && existsSync(source.path)) {
    face = new FontFace(readFileSync(source.path), source.postscriptName, source.shaped);
    faces.set(key, face);
  }
  return face ?? null;
}

/**
 * The faces tried in order for a weight: the primary face, then the fallbacks. A fallback is read
 * only when a character needs it (the CJK collection is 20 MB), and skipped if absent here.
 */
function faceStack(weight: FontWeight): (() => FontFace | null)[] {
  const primary = () => {
    const face = loadFace({ path: FONT_PATHS[weight] });
    if (!face) throw new Error(`The font ${FONT_PATHS[weight]} is missing; run npm install (package dejavu-fonts-ttf).`);
    return face;
  };
  const cjk = () => loadFace(CJK_SOURCES[weight]) ?? loadFace(CJK_SOURCES.regular);
  return [primary, cjk, ...SHAPED_SOURCES[weight].map((source) => () => loadFace(source))];
}

/** Which face draws a code point, at which glyph and advance. */
interface ResolvedGlyph {
  face: number;
  id: number;
  width: number;
}

const stacks = new Map<FontWeight, { faces: (() => FontFace | null)[]; resolved: Map<number, ResolvedGlyph | null> }>();
function stackOf(weight: FontWeight) {
  let stack = stacks.get(weight);
  if (!stack) {
    stack = { faces: faceStack(weight), resolved: new Map() };
    stacks.set(weight, stack);
  }
  return stack;
}

function resolve(weight: FontWeight, codePoint: number): ResolvedGlyph | null {
  const stack = stackOf(weight);
  let resolved = stack.resolved.get(codePoint);
  if (resolved === undefined) {
    resolved = null;
    // Control characters have glyphs in some fonts but are never text a reader should see; DejaVu
    // has Hebrew and Arabic letters, but without bidirectional layout and Arabic joining they would
    // print reversed and unjoined, so right-to-left scripts are refused too.
    if (codePoint >= 0x20 && !(codePoint >= 0x7f && codePoint < 0xa0) && !isRightToLeft(codePoint)) {
      for (let i = 0; i < stack.faces.length && !resolved; i++) {
        const glyph = stack.faces[i]()?.glyph(codePoint);
        if (glyph) resolved = { face: i, ...glyph };
      }
    }
    // Not remembered while a missing font file would draw it: the file may be installed yet.
    if (resolved || !missingFontFor(String.fromCodePoint(codePoint))) stack.resolved.set(codePoint, resolved);
  }
  return resolved;
}

/** Hebrew, Arabic, Syriac, Thaana, N'Ko, Samaritan, Mandaic and their presentation forms. */
function isRightToLeft(codePoint: number): boolean {
  return (
    (codePoint >= 0x0590 && codePoint <= 0x08ff) ||
    (codePoint >= 0xfb1d && codePoint <= 0xfdff) ||
    (codePoint >= 0xfe70 && codePoint <= 0xfeff) ||
    (codePoint >= 0x10800 && codePoint <= 0x10fff) ||
    (codePoint >= 0x1e800 && codePoint <= 0x1efff)
  );
}

/**
 * The characters of `text` (each once, in order of first appearance) that no font Dossier embeds
 * can draw in either weight; line breaks are fine. A character only a font file missing on this
 * machine would draw is not one of them (see `missingFontFor`): the text is fine, the machine is
 * not. Front ends call it where text enters, to refuse a name before anything is recorded; the PDF
 * kit calls it again before drawing.
 *
 * @example
 * undrawableCharacters('陳大文 김민준'); // []
 * undrawableCharacters('Team 🦄 שלום');  // ['🦄', 'ש', 'ל', 'ו', 'ם']: emoji, right-to-left
 */
export function undrawableCharacters(text: string): string[] {
  const missing = new Set<string>();
  for (const char of text) {
    if (char === '\n') continue;
    const codePoint = char.codePointAt(0)!;
    if ((!resolve('regular', codePoint) || !resolve('bold', codePoint)) && !missingFontFor(char)) missing.add(char);
  }
  return [...missing];
}

/** The characters of `text` this machine cannot draw only because it lacks a font file, with the files. */
function charactersOfMissingFonts(text: string): { characters: string[]; fonts: MissingFont[] } {
  const characters = new Set<string>();
  const fonts = new Map<string, MissingFont>();
  for (const char of text) {
    const codePoint = char.codePointAt(0)!;
    if (resolve('regular', codePoint) && resolve('bold', codePoint)) continue;
    const font = missingFontFor(char);
    if (!font) continue;
    characters.add(char);
    fonts.set(font.file, font);
  }
  return { characters: [...characters], fonts: [...fonts.values()] };
}

/** `U+1F984 "🦄"`: how a refusal names a character, readable even where the character is not. */
export function describeCharacter(char: string): string {
  const hex = char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
  return /\p{L}|\p{N}|\p{P}|\p{S}/u.test(char) ? `U+${hex} "${char}"` : `U+${hex}`;
}

/** Width of text in 1/1000 em, as it will be drawn (advances summed, no kerning). */
export function widthOfText(text: string, weight: FontWeight): number {
  let width = 0;
  for (let i = 0; i < text.length; i++) {
    let codePoint = text.charCodeAt(i);
    if (codePoint >= 0xd800 && codePoint < 0xdc00 && i + 1 < text.length) codePoint = text.codePointAt(i++)!;
    width += resolve(weight, codePoint)?.width ?? 0;
  }
  return width;
}

/** A run of text drawn with one font: its resource name and the operators that show its glyphs. */
export interface EncodedRun {
  font: string;
  /** `<hex> Tj`, or for a shaped run a TJ sequence with its positions, inside an ActualText span. */
  show: string;
}

/** The glyphs one document uses from one face: becomes an embedded subset when the document is saved. */
class DocumentSubset {
  readonly resource: string;
  readonly ref: PDFRef;
  private readonly subset: Subset;
  /** Code points of each subset glyph (index = subset glyph id), for the ToUnicode map. */
  private readonly text: string[] = [''];
  private readonly widths: number[] = [0];
  private readonly glyphIds: number[] = [0];
  private readonly hexById = new Map<number, string>();

  constructor(
    readonly face: FontFace,
    resource: string,
    ref: PDFRef,
  ) {
    this.resource = resource;
    this.ref = ref;
    this.subset = face.font.createSubset();
    if (face.cff) fixCffSubset(this.subset);
  }

  hexOf(glyph: { id: number; width: number }, chars: string): string {
    let hex = this.hexById.get(glyph.id);
    if (hex === undefined) {
      const id = this.subset.includeGlyph(glyph.id);
      this.text[id] = chars;
      this.widths[id] = glyph.width;
      this.glyphIds[id] = glyph.id;
      hex = id.toString(16).padStart(4, '0');
      this.hexById.set(glyph.id, hex);
    }
    return hex;
  }

  /**
   * fontkit caches each glyph with the characters of its first layout in the process, so a glyph
   * this document shapes could carry another document's characters into its ToUnicode map, and the
   * bytes would depend on what the worker rendered before. A view of the font with a glyph cache of
   * its own keeps each document to its own text (decoded tables stay shared).
   */
  private layoutFont(): Font {
    if (!this.shapingView) {
      const view = Object.create(this.face.font) as Font & { _glyphs: Record<number, unknown> };
      view._glyphs = {};
      this.shapingView = view;
    }
    return this.shapingView;
  }
  private shapingView?: Font;

  /**
   * Characters for a glyph shaping produced from none of its own (Thai SARA AM splits into NIKHAHIT
   * and SARA AA): the characters the font maps to it, else a zero-width space. PDF/UA wants every
   * glyph mapped; what a reader extracts is the run's ActualText anyway.
   */
  private cmapCodePoints(glyphId: number): number[] {
    const cmap = (this.face.font as unknown as { _cmapProcessor?: { codePointsForGlyph(id: number): number[] } })._cmapProcessor;
    const codePoints = cmap?.codePointsForGlyph(glyphId) ?? [];
    return codePoints.length ? codePoints.slice(0, 1) : [0x200b];
  }

  /**
   * A run of a complex script, shaped by fontkit: glyphs in visual order, with the offsets of
   * marks (TJ adjustments, text rise) and the run's characters as ActualText, since a reordered
   * vowel or a conjunct glyph alone would extract in the wrong order.
   */
  shapedShow(text: string, size: number): string {
    const { glyphs, positions } = this.layoutFont().layout(text);
    const scale = this.face.scale;
    const segments: { rise: number; items: string[] }[] = [];
    glyphs.forEach((glyph, i) => {
      const { xOffset, yOffset, xAdvance } = positions[i];
      const chars = String.fromCodePoint(...(glyph.codePoints.length ? glyph.codePoints : this.cmapCodePoints(glyph.id)));
      const hex = this.hexOf({ id: glyph.id, width: glyph.advanceWidth * scale }, chars);
      const rise = (yOffset * size) / this.face.font.unitsPerEm;
      let segment = segments.at(-1);
      if (!segment || segment.rise !== rise) segments.push((segment = { rise, items: [] }));
      // TJ numbers move the next glyph left by n/1000 em: shift by the mark's offset, then make the
      // total advance the shaped one rather than the glyph's own.
      if (xOffset) segment.items.push(formatNumber(-xOffset * scale));
      segment.items.push(`<${hex}>`);
      const after = (xOffset + glyph.advanceWidth - xAdvance) * scale;
      if (after) segment.items.push(formatNumber(after));
    });
    const shows = segments.map(({ rise, items }) => (rise ? `${formatNumber(rise)} Ts [${items.join(' ')}] TJ 0 Ts` : `[${items.join(' ')}] TJ`));
    return `/Span <</ActualText <feff${utf16Hex(text)}>>> BDC ${shows.join(' ')} EMC`;
  }

  get used(): boolean {
    return this.text.length > 1;
  }

  async embed(context: PDFContext): Promise<void> {
    const program = await compressedProgram(this.face, this.glyphIds, this.subset);
    // The six-letter subset tag (PDF 32000 §9.6.4) derives from the glyphs kept, so the same
    // text gives the same name and two different subsets of one face never share one.
    const digest = createHash('sha256').update(this.face.name).update(this.glyphIds.join(',')).digest();
    const tag = Array.from(digest.subarray(0, 6), (b) => String.fromCharCode(65 + (b % 26))).join('');
    const baseFont = `${tag}+${this.face.name}`;
    const { font, scale } = this.face;
    const fontFile = flateStreamOf(context, program.compressed, this.face.cff ? { Subtype: 'CIDFontType0C' } : { Length1: program.length });
    const descriptor = context.obj({
      Type: 'FontDescriptor',
      FontName: baseFont,
      // Symbolic: the glyphs are addressed by id, not through a standard encoding.
      Flags: 4,
      FontBBox: [font.bbox.minX * scale, font.bbox.minY * scale, font.bbox.maxX * scale, font.bbox.maxY * scale].map(Math.round),
      ItalicAngle: font.italicAngle,
      Ascent: Math.round(font.ascent * scale),
      Descent: Math.round(font.descent * scale),
      CapHeight: Math.round((font.capHeight || font.ascent) * scale),
      XHeight: Math.round((font.xHeight || 0) * scale),
      StemV: 80,
      [this.face.cff ? 'FontFile3' : 'FontFile2']: context.register(fontFile),
    });
    const widths = this.widths.slice(1).map((w) => Math.round(w * 1000) / 1000);
    const cidFont = context.obj({
      Type: 'Font',
      Subtype: this.face.cff ? 'CIDFontType0' : 'CIDFontType2',
      BaseFont: baseFont,
      CIDSystemInfo: { Registry: PDFString.of('Adobe'), Ordering: PDFString.of('Identity'), Supplement: 0 },
      FontDescriptor: context.register(descriptor),
      W: [1, widths],
      ...(this.face.cff ? {} : { CIDToGIDMap: 'Identity' }),
    });
    const type0 = context.obj({
      Type: 'Font',
      Subtype: 'Type0',
      BaseFont: baseFont,
      Encoding: 'Identity-H',
      DescendantFonts: [context.register(cidFont)],
      ToUnicode: context.register(deflatedStream(context, toUnicodeCMap(this.text))),
    });
    context.assign(this.ref, type0);
  }
}

/**
 * The fonts of one document: the subsets it draws with and the encoder of its lines. Fallback
 * subsets are created on first use, so a document in Latin script embeds DejaVu only.
 */
export class DocumentFonts {
  private readonly subsets: DocumentSubset[] = [];
  private readonly byFace = new Map<FontFace, DocumentSubset>();
  /** Per weight, per code point: the subset drawing it and its hex glyph code. */
  private readonly encoded: Record<FontWeight, Map<number, { subset: DocumentSubset; hex: string }>> = {
    regular: new Map(),
    bold: new Map(),
  };

  constructor(private readonly context: PDFContext) {}

  /**
   * Encodes a line as runs of one font each. `field` names the text in a refusal.
   * @throws UndrawableTextError for a character no font draws
   * @throws FontMissingError for a character only a font file this worker lacks would draw
   */
  encode(text: string, weight: FontWeight, size: number, field: string): EncodedRun[] {
    const runs: EncodedRun[] = [];
    const cache = this.encoded[weight];
    let current: DocumentSubset | undefined;
    // For a plain face, the glyphs' hex codes; for a shaped one, the characters, shaped at the end.
    let pending = '';
    const flush = () => {
      if (!current || !pending) return;
      runs.push({ font: current.resource, show: current.face.shaped ? current.shapedShow(pending, size) : `<${pending}> Tj` });
    };
    for (let i = 0; i < text.length; i++) {
      const start = i;
      let codePoint = text.charCodeAt(i);
      if (codePoint >= 0xd800 && codePoint < 0xdc00 && i + 1 < text.length) codePoint = text.codePointAt(i++)!;
      let entry = cache.get(codePoint);
      if (!entry) {
        const glyph = resolve(weight, codePoint);
        if (!glyph) {
          // A character no font draws is the text's fault; one a missing font file would draw is the worker's.
          const undrawable = undrawableCharacters(text);
          if (undrawable.length) throw new UndrawableTextError(field, text, undrawable);
          const { characters, fonts } = charactersOfMissingFonts(text);
          throw new FontMissingError(field, characters, fonts);
        }
        const subset = this.subsetFor(stackOf(weight).faces[glyph.face]()!);
        entry = { subset, hex: subset.face.shaped ? '' : subset.hexOf(glyph, String.fromCodePoint(codePoint)) };
        cache.set(codePoint, entry);
      }
      if (entry.subset !== current) {
        flush();
        current = entry.subset;
        pending = '';
      }
      pending += current.face.shaped ? text.slice(start, i + 1) : entry.hex;
    }
    flush();
    return runs;
  }

  /** Resource names and references of the fonts used so far, for the pages' /Font dictionaries. */
  resources(): [string, PDFRef][] {
    return this.subsets.filter((s) => s.used).map((s) => [s.resource, s.ref]);
  }

  /** Names of the embedded faces (for tests and reports). */
  faceNames(): string[] {
    return this.subsets.filter((s) => s.used).map((s) => s.face.name);
  }

  async embed(): Promise<void> {
    for (const subset of this.subsets) if (subset.used) await subset.embed(this.context);
  }

  private subsetFor(face: FontFace): DocumentSubset {
    let subset = this.byFace.get(face);
    if (!subset) {
      subset = new DocumentSubset(face, `F${this.subsets.length + 1}`, this.context.nextRef());
      this.subsets.push(subset);
      this.byFace.set(face, subset);
    }
    return subset;
  }
}

/** Refusal of text no embedded font can draw; names the field and each character. */
export class UndrawableTextError extends DossierError<'UndrawableText'> {
  constructor(
    readonly field: string,
    readonly text: string,
    readonly characters: string[],
  ) {
    super(
      'UndrawableText',
      `${field} contains ${characters.map(describeCharacter).join(', ')}, which no embedded font can draw ` +
        `(fonts: DejaVu Sans, Noto Sans Thai and Devanagari, and Noto Sans CJK from Debian's fonts-noto-cjk, ${existsSync(CJK_SOURCES.regular.path) ? 'present' : `missing in ${CJK_FONT_DIR}`}); ` +
        'write it in a supported script or leave the character out.',
    );
  }
}

/**
 * A character only a font file this worker lacks would draw: the worker is at fault, not the text,
 * so the PDF is retried until an operator installs the font.
 */
export class FontMissingError extends DossierError<'FontMissing'> {
  constructor(
    readonly field: string,
    readonly characters: string[],
    readonly fonts: MissingFont[],
  ) {
    super(
      'FontMissing',
      `${field} contains ${characters.map(describeCharacter).join(', ')}, drawn by ${fonts.map((f) => f.file).join(' and ')}, ` +
        `which this worker lacks: ${fonts.map((f) => f.install).join('; ')}. The PDF is retried until the font is there.`,
    );
  }
}

const formatNumber = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));
const utf16Hex = (text: string) => Array.from({ length: text.length }, (_, k) => text.charCodeAt(k).toString(16).padStart(4, '0')).join('');

/**
 * Subset font programs, compressed, by face and glyph list (in subset order). The open letters of
 * a campaign draw their glyphs in the same order (letterhead and body come first), so a vendor whose
 * name and contacts add no glyph gets the program subset and compressed for an earlier letter:
 * encoding a subset and compressing it were most of a letter's cost. Bounded, oldest out first.
 */
const programs = new Map<string, { compressed: Uint8Array; length: number }>();
const PROGRAMS_KEPT = 32;

async function compressedProgram(face: FontFace, glyphIds: number[], subset: Subset): Promise<{ compressed: Uint8Array; length: number }> {
  const key = `${face.name}:${glyphIds.join(',')}`;
  const known = programs.get(key);
  if (known) return known;
  const program = await serialize(subset);
  const entry = { compressed: deflated(program), length: program.length };
  programs.set(key, entry);
  if (programs.size > PROGRAMS_KEPT) programs.delete(programs.keys().next().value!);
  return entry;
}

function serialize(subset: Subset): Promise<Uint8Array> {
  return new Promise((resolvePromise, reject) => {
    const parts: Uint8Array[] = [];
    const stream = subset.encodeStream() as unknown as NodeJS.EventEmitter;
    stream.on('data', (bytes: Uint8Array) => parts.push(bytes));
    stream.on('end', () => resolvePromise(Buffer.concat(parts)));
    stream.on('error', reject);
  });
}

/** A ToUnicode CMap: what copying, searching and screen readers get for each glyph. */
function toUnicodeCMap(text: string[]): string {
  const lines: string[] = [];
  const entries = text.map((chars, id) => [id, chars] as const).filter(([id, chars]) => id > 0 && chars);
  for (let i = 0; i < entries.length; i += 100) {
    const chunk = entries.slice(i, i + 100);
    lines.push(`${chunk.length} beginbfchar`);
    for (const [id, chars] of chunk) {
      lines.push(`<${id.toString(16).padStart(4, '0')}> <${utf16Hex(chars)}>`);
    }
    lines.push('endbfchar');
  }
  return [
    '/CIDInit /ProcSet findresource begin',
    '12 dict begin',
    'begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def',
    '/CMapType 2 def',
    '1 begincodespacerange',
    '<0000> <ffff>',
    'endcodespacerange',
    ...lines,
    'endcmap',
    'CMapName currentdict /CMap defineresource pop',
    'end',
    'end',
  ].join('\n');
}

interface CffSubsetInternals {
  glyphs: number[];
  font: { getGlyph(id: number): { path: unknown; _usedSubrs: Record<string, boolean> } };
  cff: {
    length: number;
    topDict: { FDArray: { Private?: { Subrs?: unknown[] } & Record<string, unknown> }[] };
    fdForGlyph(gid: number): number | null;
  };
  subsetSubrs(subrs: unknown[], used: Record<string, boolean>): unknown[];
  encode(stream: unknown): void;
}

/**
 * @pdf-lib/fontkit 1.1.1 writes a broken subset of a CID-keyed CFF font (all of Noto CJK), which
 * poppler and Acrobat refuse: (1) the header's offSize takes the CFF table's length (27 for Noto),
 * where CFF allows 1–4; (2) each glyph's font dict and local subroutines are those of the last font
 * dict seen rather than its own, so glyphs of a second script (hanzi after Hangul) draw garbage.
 * These two fixes are applied to the subset's prototype once.
 */
function fixCffSubset(subset: Subset): void {
  const proto = Object.getPrototypeOf(subset) as CffSubsetInternals & { dossierFixed?: boolean };
  if (proto.dossierFixed) return;
  proto.dossierFixed = true;
  const encode = proto.encode;
  proto.encode = function (this: CffSubsetInternals, stream: unknown) {
    const saved = this.cff.length;
    this.cff.length = 4;
    try {
      encode.call(this, stream);
    } finally {
      this.cff.length = saved;
    }
  };
  (proto as unknown as Record<string, unknown>).subsetFontdict = function (this: CffSubsetInternals, topDict: Record<string, unknown>) {
    const fdArray: { Private?: Record<string, unknown> & { Subrs?: unknown[] } }[] = [];
    const fds: number[] = [];
    const newIndex = new Map<number, number>();
    const usedSubrs: Record<string, boolean>[] = [];
    for (const gid of this.glyphs) {
      const fd = this.cff.fdForGlyph(gid);
      if (fd == null) continue;
      let index = newIndex.get(fd);
      if (index === undefined) {
        index = fdArray.length;
        newIndex.set(fd, index);
        fdArray.push({ ...this.cff.topDict.FDArray[fd] });
        usedSubrs.push({});
      }
      fds.push(index);
      const glyph = this.font.getGlyph(gid);
      void glyph.path; // parsing the outline records the subroutines it calls
      for (const subr in glyph._usedSubrs) usedSubrs[index][subr] = true;
    }
    fdArray.forEach((dict, i) => {
      delete (dict as Record<string, unknown>).FontName;
      if (dict.Private?.Subrs) dict.Private = { ...dict.Private, Subrs: this.subsetSubrs(dict.Private.Subrs, usedSubrs[i]) };
    });
    topDict.FDArray = fdArray;
    topDict.FDSelect = { version: 0, fds };
  };
}
