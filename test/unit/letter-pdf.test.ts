import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { PDFArray, PDFDict, PDFDocument, PDFName, type PDFRawStream, type PDFRef } from 'pdf-lib';
import fontkit from '@pdf-lib/fontkit';
import { describe, expect, it } from 'vitest';
import { openLetterFileName, renderOpenLetter } from '../../activities/letter';
import { createStatementActivities } from '../../activities/statement';
import { LocalPublishedFiles } from '../../store/local';
import { FONT_PATHS, LayoutDocument } from '../../activities/pdf/document';
import { wordOf } from '../../activities/templates';
import { LANGUAGES, type CampaignRef, type Vendor } from '../../workflows/types';
import { testCampaign, testVendor } from '../helpers/fixtures';
import { pdfFonts, pdfInfo, pdfPageTexts, pdfUnicodeMap } from '../helpers/pdf';

const NNBSP = '\u202f';

function frenchCampaign(): CampaignRef {
  const campaign = testCampaign('pdf');
  campaign.letterBody.fr = [
    `Nous vous écrivons au sujet de la «${NNBSP}vie privée${NNBSP}» dans les services de vidéoconférence${NNBSP}; votre réponse est attendue${NNBSP}!`,
    'Les principes : sécurité, protection dès la conception, connaître son public, transparence et équité, contrôle par l’utilisateur final.',
  ];
  return campaign;
}

const vendor: Vendor = testVendor('zoom', {
  name: 'Zoom Video Communications',
  language: 'fr',
  contacts: [
    { name: 'Zoë Łukasiewicz-Παπαδόπουλος', email: 'privacy@zoom.test' },
    { name: 'Дмитрий Жуков', email: 'legal@zoom.test' },
  ],
});

describe('the open letter PDF', () => {
  it('keeps French accents, guillemets and names in Greek, Cyrillic and Polish readable as text', async () => {
    const bytes = await renderOpenLetter({ campaign: frenchCampaign(), vendor, language: 'fr' });
    // pdf.js turns space-like characters into plain spaces; the ToUnicode map shows they are kept.
    const text = (await pdfPageTexts(bytes)).join('\n');
    expect(text).toContain('Commissariat à la protection de la vie privée du Canada');
    expect(text).toContain('« vie privée »');
    expect(text).toContain('vidéoconférence ;');
    expect(text).toContain('Zoë Łukasiewicz-Παπαδόπουλος');
    expect(text).toContain('Дмитрий Жуков');
    expect(text).toContain('l’utilisateur final');
    const drawn = await pdfUnicodeMap(bytes);
    for (const char of [NNBSP, '\u00a0', '«', '»', 'é', 'Ł', 'Π', 'ό', 'Ж', 'й']) expect(drawn).toContain(char);
  });

  it('shows the letterhead with every signatory, the reference, the date, the addressee and a signature per authority', async () => {
    const campaign = frenchCampaign();
    const text = (await pdfPageTexts(await renderOpenLetter({ campaign, vendor, language: 'fr' }))).join('\n');
    expect(text).toContain('Cosignataires : Préposé fédéral à la protection des données et à la transparence');
    expect(text).toContain(`Référence : ${campaign.reference}`);
    expect(text).toContain('Le 21 juillet 2020');
    expect(text).toContain('Zoom Video Communications');
    expect(text).toContain('Daniel Therrien');
    expect(text).toContain('Adrian Lobsiger');
    expect(text).toMatch(/Page 1 sur 1/);
  });

  it('writes the letter in English for an English-speaking vendor', async () => {
    const text = (await pdfPageTexts(await renderOpenLetter({ campaign: testCampaign('pdf'), vendor: testVendor('cisco'), language: 'en' }))).join('\n');
    expect(text).toContain('Office of the Privacy Commissioner of Canada');
    expect(text).toContain('Reference: TEST-PDF');
    expect(text).toContain('21 July 2020');
    expect(text).toContain('Yours sincerely,');
    expect(text).toMatch(/Page 1 \/ 1/);
  });

  it('embeds its fonts as TrueType subsets, with no standard (non-embedded) font', async () => {
    const fonts = await pdfFonts(await renderOpenLetter({ campaign: frenchCampaign(), vendor, language: 'fr' }));
    expect(fonts.length).toBeGreaterThanOrEqual(2);
    for (const font of fonts) {
      expect(font.subtype).toBe('/Type0');
      expect(font.embeddedTrueType).toBe(true);
      expect(font.hasToUnicode).toBe(true);
      // A subset's name carries a six-letter tag: ABCDEF+DejaVuSans.
      expect(font.baseFont).toMatch(/^\/[A-Z]{6}\+DejaVuSans/);
    }
  });

  it('files each letter copy under a name and a title that say its language, the English copy apart from the French one', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dossier-copies-'));
    const { saveLetterCopy } = createStatementActivities({ files: new LocalPublishedFiles(root) });
    const campaign = frenchCampaign();
    // Two products of one company, one written to in English and one in French.
    const english = testVendor('zoom-us', { name: 'Zoom', language: 'en' });
    const french = testVendor('zoom-ca', { name: 'Zoom', language: 'fr' });
    expect(await saveLetterCopy({ campaign, vendor: english, folder: 'pdf' })).toBe('pdf/letters/zoom-us.en.pdf');
    expect(await saveLetterCopy({ campaign, vendor: french, folder: 'pdf' })).toBe('pdf/letters/zoom-ca.fr.pdf');
    expect(readdirSync(join(root, 'pdf', 'letters')).sort()).toEqual(['zoom-ca.fr.pdf', 'zoom-us.en.pdf']);
    const en = await pdfInfo(readFileSync(join(root, 'pdf', 'letters', 'zoom-us.en.pdf')));
    const fr = await pdfInfo(readFileSync(join(root, 'pdf', 'letters', 'zoom-ca.fr.pdf')));
    expect([en.title, en.language]).toEqual(['Open letter — Video-conferencing privacy — Zoom', 'en']);
    expect([fr.title, fr.language]).toEqual(['Lettre ouverte — Vidéoconférence et vie privée — Zoom', 'fr']);
  });

  it('records title, author, subject, language and the letter date as metadata', async () => {
    const campaign = frenchCampaign();
    const info = await pdfInfo(await renderOpenLetter({ campaign, vendor, language: 'fr' }));
    expect(info.title).toBe('Lettre ouverte — Vidéoconférence et vie privée — Zoom Video Communications');
    expect(info.author).toContain('Commissariat à la protection de la vie privée du Canada');
    expect(info.author).toContain('Préposé fédéral');
    expect(info.subject).toBe('Vidéoconférence et vie privée');
    // Its keywords are in the letter's language too (templates/letter.yaml), one word each: a viewer
    // splits them at spaces, and "Zoom Video Communications" or "lettre ouverte" came out as several.
    expect(info.keywords?.split(' ')).toEqual([campaign.reference, 'zoom', 'lettre-ouverte']);
    expect((await pdfInfo(await renderOpenLetter({ campaign, vendor, language: 'en' }))).keywords?.split(' ')).toEqual([campaign.reference, 'zoom', 'open-letter']);
    expect(info.language).toBe('fr');
    expect(info.creationDate?.toISOString()).toBe('2020-07-21T00:00:00.000Z');
  });

  it('gives the same bytes for the same input, and different bytes for another language', async () => {
    const input = { campaign: frenchCampaign(), vendor, language: 'fr' as const };
    const first = await renderOpenLetter(input);
    await new Promise((r) => setTimeout(r, 1100)); // a clock second later: nothing may depend on it
    const second = await renderOpenLetter(input);
    expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true);
    const english = await renderOpenLetter({ ...input, language: 'en' });
    expect(Buffer.from(english).equals(Buffer.from(first))).toBe(false);
    expect(openLetterFileName(input)).toBe('TEST-PDF-zoom-fr.pdf');
  });

  it('gives each letter a font program of its own glyphs, even when an earlier letter of the campaign is reused', async () => {
    const campaign = frenchCampaign();
    // The same vendor again reuses the program subset for the first letter; another name adds glyphs.
    const first = await renderOpenLetter({ campaign, vendor, language: 'fr' });
    const again = await renderOpenLetter({ campaign, vendor, language: 'fr' });
    const other = await renderOpenLetter({ campaign, vendor: { ...vendor, name: 'Quixotic Wharf Ltd (№ 7)' }, language: 'fr' });
    const [firstPrograms, againPrograms, otherPrograms] = await Promise.all([first, again, other].map(embeddedPrograms));
    expect(againPrograms).toEqual(firstPrograms);
    // Every program holds at least the glyphs its ToUnicode map names, plus .notdef (and the parts
    // of composite glyphs); the other name's new letters are in its program, not the first one's.
    for (const { glyphs, mapped } of [...firstPrograms, ...otherPrograms]) expect(glyphs).toBeGreaterThanOrEqual(mapped + 1);
    const total = (programs: { glyphs: number }[]) => programs.reduce((sum, p) => sum + p.glyphs, 0);
    expect(total(otherPrograms)).toBeGreaterThan(total(firstPrograms));
  });

  it('breaks a long letter over pages and numbers every page', async () => {
    const campaign = frenchCampaign();
    campaign.letterBody.fr = Array.from({ length: 40 }, (_, i) => `Paragraphe ${i + 1} : ${'des mots en français, '.repeat(20)}fin.`);
    const pages = await pdfPageTexts(await renderOpenLetter({ campaign, vendor, language: 'fr' }));
    expect(pages.length).toBeGreaterThan(2);
    pages.forEach((page, i) => expect(page).toContain(`Page ${i + 1} sur ${pages.length}`));
    expect(pages.join('\n')).toContain('Paragraphe 40');
  });
});

describe('the PDF layout kit', () => {
  const meta = { title: 'T', author: 'A', subject: 'S', language: 'fr' as const, date: '2021-10-27' };

  it('wraps only at ordinary spaces, never at a no-break or narrow no-break space', async () => {
    const doc = await LayoutDocument.create(meta);
    const words = Array.from({ length: 60 }, (_, i) => `mot${i}${NNBSP}:`).join(' ');
    const lines = doc.wrap(words, 'regular', 10.5, 200);
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) {
      expect(doc.widthOf(line)).toBeLessThanOrEqual(200 + 1e-6);
      expect(line.startsWith(':')).toBe(false);
    }
    expect(lines.join(' ')).toBe(words);
  });

  it('cuts a word longer than the line where it overflows', async () => {
    const doc = await LayoutDocument.create(meta);
    const url = `https://example.test/${'x'.repeat(200)}`;
    const lines = doc.wrap(url, 'regular', 10.5, 150);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.join('')).toBe(url);
  });

  it('measures text as it draws it, one glyph per character and no ligature, so the text copies as typed', async () => {
    const doc = await LayoutDocument.create(meta);
    const face = fontkit.create(readFileSync(FONT_PATHS.regular));
    const advances = (text: string) => Array.from(text).reduce((sum, c) => sum + face.glyphForCodePoint(c.codePointAt(0)!).advanceWidth, 0);
    for (const text of ['office fiancé affiche', `«${NNBSP}Παπαδόπουλος${NNBSP}»  Жуков  `, 'a', '']) {
      expect(doc.widthOf(text, 'regular', 12)).toBeCloseTo((advances(text) * 12) / face.unitsPerEm, 6);
    }
    doc.paragraph('office fiancé affiche');
    expect((await pdfPageTexts(await doc.save())).join('\n')).toContain('office fiancé affiche');
  });

  it('lays out headings, paragraphs and bullet lists, numbering pages in the document language', async () => {
    const doc = await LayoutDocument.create({ ...meta, language: 'en' }, { footerText: 'REF-1' });
    doc.heading('Observations', 1);
    for (let i = 0; i < 30; i++) {
      doc.heading(`Vendor ${i}`, 3);
      doc.paragraph('A paragraph of findings. '.repeat(8));
      doc.bullets(['Security', 'End-user control']);
    }
    const pages = await pdfPageTexts(await doc.save());
    expect(pages.length).toBeGreaterThan(1);
    expect(pages[0]).toContain('Observations');
    expect(pages.at(-1)).toContain('Vendor 29');
    pages.forEach((page, i) => {
      expect(page).toContain(`Page ${i + 1} / ${pages.length}`);
      expect(page).toContain('REF-1');
    });
  });

  it('numbers pages with the words templates/words.yaml gives each language, as every sentence a reader sees', async () => {
    for (const language of LANGUAGES) {
      const doc = await LayoutDocument.create({ ...meta, language });
      doc.paragraph('Texte. '.repeat(20));
      doc.newPage();
      doc.paragraph('Texte. '.repeat(20));
      const pages = await pdfPageTexts(await doc.save());
      const labels = pages.map((_, i) => wordOf(language, 'pageNumber', { n: i + 1, total: pages.length }));
      expect(labels, `templates/words.yaml ${language}.pageNumber`).not.toContain(undefined);
      pages.forEach((page, i) => expect(page, language).toContain(labels[i]));
    }
    expect(wordOf('fr', 'pageNumber', { n: 2, total: 5 })).toBe('Page 2 sur 5');
    expect(wordOf('en', 'pageNumber', { n: 2, total: 5 })).toBe('Page 2 / 5');
  });
});

/** Each embedded TrueType program's glyph count, and how many glyphs its font's ToUnicode map names. */
async function embeddedPrograms(bytes: Uint8Array): Promise<{ glyphs: number; mapped: number }[]> {
  const pdf = await PDFDocument.load(bytes);
  const decoded = (ref: unknown) => inflateSync((pdf.context.lookup(ref as PDFRef) as PDFRawStream).contents);
  const programs: { glyphs: number; mapped: number }[] = [];
  for (const [, object] of pdf.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFDict) || object.get(PDFName.of('Subtype'))?.toString() !== '/Type0') continue;
    const cidFont = pdf.context.lookup((object.get(PDFName.of('DescendantFonts')) as PDFArray).get(0), PDFDict);
    const descriptor = pdf.context.lookup(cidFont.get(PDFName.of('FontDescriptor')), PDFDict);
    const program = fontkit.create(decoded(descriptor.get(PDFName.of('FontFile2'))));
    const cmap = decoded(object.get(PDFName.of('ToUnicode'))).toString('latin1');
    programs.push({ glyphs: program.numGlyphs, mapped: (cmap.match(/^<[0-9a-f]{4}> </gm) ?? []).length });
  }
  return programs.sort((a, b) => a.glyphs - b.glyphs);
}
