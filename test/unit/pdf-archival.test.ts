// Letters and statements as archival, accessible PDFs, checked by the real tools a records office
// would use: veraPDF (PDF/A-3b, PDF/UA-1), poppler (pdfinfo, pdffonts, pdftotext, pdfdetach) and
// qpdf; the structure tree and the associated findings file read back with pdf-lib.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFNumber, PDFRawStream, PDFRef, decodePDFRawStream } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderOpenLetter } from '../../activities/letter';
import { undrawableCharacters } from '../../activities/pdf/document';
import { renderStatementPdf } from '../../activities/statement';
import { statementFindings } from '../../activities/statement-findings';
import { PRINCIPLES, type CampaignRef, type Findings, type StatementDraft, type StatementVendorEntry } from '../../workflows/types';
import { testCampaign, testVendor } from '../helpers/fixtures';
import { pdfTool, veraPdf } from '../helpers/verapdf';

const HONG_KONG = '鍾麗玲';
const KOREAN = '김민준';
const THAI = 'ปิ่นแก้ว สุขสำราญ';
const HINDI = 'प्रिया शर्मा';

/** A campaign co-signed by authorities of Hong Kong, Korea, Thailand and India, whose people sign in their own scripts. */
function asianCampaign(): CampaignRef {
  const campaign = testCampaign('archival');
  const [lead, cosigner] = campaign.authorities;
  return {
    ...campaign,
    authorities: [
      lead,
      { ...cosigner, id: 'pcpd', name: { en: 'Privacy Commissioner for Personal Data, Hong Kong', fr: 'Commissaire à la protection des données personnelles, Hong Kong' }, contact: { name: `${HONG_KONG} (Ada Chung)`, email: 'pcpd@test' } },
      { ...cosigner, id: 'pipc', name: { en: 'Personal Information Protection Commission, Korea', fr: 'Commission de protection des informations personnelles, Corée' }, contact: { name: KOREAN, email: 'pipc@test' } },
      { ...cosigner, id: 'pdpc', name: { en: 'Personal Data Protection Committee, Thailand', fr: 'Comité de protection des données personnelles, Thaïlande' }, contact: { name: THAI, email: 'pdpc@test' } },
      { ...cosigner, id: 'dpb', name: { en: 'Data Protection Board of India', fr: 'Conseil indien de protection des données' }, contact: { name: HINDI, email: 'dpb@test' } },
    ],
  };
}

function concluded(id: string): StatementVendorEntry {
  const findings = Object.fromEntries(
    PRINCIPLES.map((p) => [p, { assessment: { en: `${id}: ${p} assessed.`, fr: `${id} : ${p} évalué.` }, goodPractices: [{ en: `${id} practice`, fr: `${id} pratique` }] }]),
  ) as Findings;
  return {
    vendorId: id,
    vendorName: `Vendor ${id}`,
    stage: 'concluded',
    summary: { en: `Vendor ${id} explained its measures.`, fr: `Vendor ${id} a expliqué ses mesures.` },
    findings,
    demonstrations: [{ id: 'd1', at: '2020-10-01T14:00:00Z', result: 'validated' }],
    endedAt: '2020-12-01T00:00:00Z',
  };
}

function statement(vendors = ['zoom', 'cisco']): StatementDraft {
  const campaign = asianCampaign();
  return {
    campaign,
    version: 2,
    date: '2021-10-27',
    vendors: vendors.map(concluded),
    conclusions: { en: ['Most companies met the principles.'], fr: ['La plupart des entreprises respectent les principes.'] },
    lessonsLearned: { en: ['Demonstrations matter.'], fr: ['Les démonstrations comptent.'] },
    signatories: campaign.authorities,
  };
}

const catalogOf = async (bytes: Uint8Array) => {
  const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
  return { pdf, catalog: pdf.catalog };
};

describe('archival and accessible PDFs', () => {
  let letter: Uint8Array;
  let statementFr: Uint8Array;
  beforeAll(async () => {
    // As sent: with the day a response is due (a paragraph of its own, in bold).
    letter = await renderOpenLetter({ campaign: asianCampaign(), vendor: testVendor('zoom'), language: 'en', dueDate: '2020-08-20T15:59:59.999Z', timeZone: 'Asia/Hong_Kong' });
    statementFr = await renderStatementPdf(statement(), 'fr', false);
  });

  it('names each signing authority as a creator of its own in the XMP metadata (dc:creator is a sequence), not all in one', async () => {
    const { catalog, pdf } = await catalogOf(statementFr);
    const xmp = new TextDecoder().decode(decodePDFRawStream(pdf.context.lookup(catalog.get(PDFName.of('Metadata'))) as PDFRawStream).decode());
    const creators = [.../<dc:creator><rdf:Seq>(.*?)<\/rdf:Seq><\/dc:creator>/s.exec(xmp)![1]!.matchAll(/<rdf:li>(.*?)<\/rdf:li>/g)].map((m) => m[1]);
    expect(creators).toEqual(asianCampaign().authorities.map((a) => a.name.fr));
  });

  it('passes veraPDF as PDF/A-3b, letter and statement', { timeout: 120_000 }, async () => {
    const results = await veraPdf({ letter, statement: statementFr }, '3b');
    for (const name of ['letter', 'statement']) {
      expect(results[name].failures, name).toEqual([]);
      expect(results[name].compliant, name).toBe(true);
      expect(results[name].profile).toMatch(/PDF\/A-3B/);
    }
  });

  it('passes veraPDF as PDF/UA-1, letter and statement', { timeout: 120_000 }, async () => {
    const results = await veraPdf({ letter, statement: statementFr }, 'ua1');
    for (const name of ['letter', 'statement']) {
      expect(results[name].failures, name).toEqual([]);
      expect(results[name].compliant, name).toBe(true);
    }
  });

  it('is tagged for pdfinfo and clean for qpdf --check', async () => {
    for (const bytes of [letter, statementFr]) {
      const info = await pdfTool('pdfinfo', ['{}'], bytes);
      expect(info.stdout).toMatch(/^Tagged:\s+yes$/m);
      expect(info.stdout).toMatch(/^Metadata Stream:\s+yes$/m);
      const check = await pdfTool('qpdf', ['--check', '{}'], bytes);
      expect(check.code).toBe(0);
      expect(check.stdout).toContain('No syntax or stream encoding errors found');
      expect(check.stderr).toBe('');
    }
  });

  it('gives headings, paragraphs and lists a structure element each, every drawn line one marked-content sequence', async () => {
    const { pdf, catalog } = await catalogOf(statementFr);
    expect(String(catalog.lookup(PDFName.of('Lang')))).toContain('fr');
    expect(String(catalog.lookup(PDFName.of('MarkInfo'), PDFDict).get(PDFName.of('Marked')))).toBe('true');
    expect(String(catalog.lookup(PDFName.of('ViewerPreferences'), PDFDict).get(PDFName.of('DisplayDocTitle')))).toBe('true');
    const root = catalog.lookup(PDFName.of('StructTreeRoot'), PDFDict);
    const types = new Map<string, number>();
    const walk = (element: PDFDict) => {
      const type = String(element.get(PDFName.of('S')));
      types.set(type, (types.get(type) ?? 0) + 1);
      const kids = element.lookup(PDFName.of('K'));
      for (const kid of kids instanceof PDFArray ? kids.asArray() : [kids]) {
        const resolved = kid instanceof PDFRef ? pdf.context.lookup(kid) : kid;
        if (resolved instanceof PDFDict && resolved.get(PDFName.of('S'))) walk(resolved);
      }
    };
    walk(root.lookup(PDFName.of('K'), PDFDict));
    for (const type of ['/Document', '/H1', '/H2', '/H3', '/P', '/L', '/LI', '/Lbl', '/LBody']) expect(types.get(type), type).toBeGreaterThan(0);
    // The parent tree leads from every MCID of a page back to an element.
    const nums = root.lookup(PDFName.of('ParentTree'), PDFDict).lookup(PDFName.of('Nums'), PDFArray);
    const pages = pdf.getPages();
    expect(nums.size()).toBe(2 * pages.length);
    pages.forEach((page, i) => {
      expect(page.node.get(PDFName.of('StructParents'))).toEqual(PDFNumber.of(i));
      const content = Buffer.from(decodePDFRawStream(page.node.lookup(PDFName.of('Contents')) as PDFRawStream).decode()).toString('latin1');
      const mcids = [...content.matchAll(/<<\/MCID (\d+)>> BDC/g)].map((m) => Number(m[1]));
      expect(mcids).toEqual(mcids.map((_, k) => k));
      expect(nums.lookup(2 * i + 1, PDFArray).size()).toBe(mcids.length);
      // Page numbers are furniture, not text to read.
      expect(content).toMatch(/\/Artifact <<\/Type \/Pagination \/Subtype \/Footer>> BDC/);
    });
  });

  it('carries the findings as an associated JSON file (relationship Data) that pdfdetach extracts', async () => {
    const list = await pdfTool('pdfdetach', ['-list', '{}'], statementFr);
    expect(list.stdout).toContain('findings.json');
    const saved = await pdfTool('sh', ['-c', 'pdfdetach -save 1 -o out.json "$0" && cat out.json', '{}'], statementFr);
    const findings = JSON.parse(saved.stdout);
    expect(findings).toEqual(JSON.parse(JSON.stringify(statementFindings(statement()))));
    expect(findings.vendors.map((v: { vendorId: string }) => v.vendorId)).toEqual(['zoom', 'cisco']);
    expect(findings.vendors[0].findings.security.assessment).toEqual({ en: 'zoom: security assessed.', fr: 'zoom : security évalué.' });
    const { pdf, catalog } = await catalogOf(statementFr);
    const spec = pdf.context.lookup(catalog.lookup(PDFName.of('AF'), PDFArray).get(0), PDFDict);
    expect(String(spec.get(PDFName.of('AFRelationship')))).toBe('/Data');
  });

  it('repeats the document information in XMP (PDF/A-3b) and derives the file identifier from the content', async () => {
    const { pdf, catalog } = await catalogOf(statementFr);
    expect(pdf.getCreationDate()?.toISOString()).toBe('2021-10-27T00:00:00.000Z');
    expect(pdf.getModificationDate()?.toISOString()).toBe('2021-10-27T00:00:00.000Z');
    const metadata = Buffer.from((catalog.lookup(PDFName.of('Metadata')) as PDFRawStream).contents).toString('utf8');
    expect(metadata).toContain('<pdfaid:part>3</pdfaid:part>');
    expect(metadata).toContain('<pdfaid:conformance>B</pdfaid:conformance>');
    expect(metadata).toContain('<xmp:CreateDate>2021-10-27T00:00:00Z</xmp:CreateDate>');
    expect(metadata).toContain('<xmp:ModifyDate>2021-10-27T00:00:00Z</xmp:ModifyDate>');
    expect(metadata).toContain(`<rdf:li xml:lang="x-default">${pdf.getTitle()}</rdf:li>`);
    const id = (bytes: Uint8Array) => /\/ID \[ <([0-9A-F]+)> <([0-9A-F]+)> \]/i.exec(Buffer.from(bytes).toString('latin1'))?.[1];
    const again = await renderStatementPdf(statement(), 'fr', false);
    expect(id(statementFr)).toMatch(/^[0-9A-F]{32}$/i);
    expect(id(again)).toBe(id(statementFr));
    expect(Buffer.from(again).equals(Buffer.from(statementFr))).toBe(true);
    expect(id(await renderStatementPdf(statement(['zoom']), 'fr', false))).not.toBe(id(statementFr));
  });
});

describe('names in scripts DejaVu cannot draw', () => {
  it('draws Thai and Devanagari names shaped (marks placed, conjuncts formed) and they copy as typed', async () => {
    const letter = await renderOpenLetter({ campaign: asianCampaign(), vendor: testVendor('zoom'), language: 'en' });
    const text = await pdfTool('pdftotext', ['{}', '-'], letter);
    expect(text.stdout).toContain(THAI);
    expect(text.stdout).toContain(HINDI);
    const fonts = await pdfTool('pdffonts', ['{}'], letter);
    expect(fonts.stdout).toMatch(/^[A-Z]{6}\+NotoSansThai-Bold\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/m);
    expect(fonts.stdout).toMatch(/^[A-Z]{6}\+NotoSansDevanagari-Bold\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/m);
    const { pdf } = await catalogOf(letter);
    const content = Buffer.from(decodePDFRawStream(pdf.getPages()[0].node.lookup(PDFName.of('Contents')) as PDFRawStream).decode()).toString('latin1');
    // The tone mark above the vowel of ปิ่ is raised (text rise) and shifted; the shaped run carries its text.
    expect(content).toMatch(/\/Span <<\/ActualText <feff[0-9a-f]+>>> BDC .*TJ.* EMC/);
    expect(content).toMatch(/ Ts \[/);
  });

  it('draws a Hong Kong and a Korean co-signatory in their own script, with Noto Sans CJK embedded', async () => {
    const letter = await renderOpenLetter({ campaign: asianCampaign(), vendor: testVendor('zoom'), language: 'fr' });
    const text = await pdfTool('pdftotext', ['{}', '-'], letter);
    expect(text.stdout).toContain(`${HONG_KONG} (Ada Chung)`);
    expect(text.stdout).toContain(KOREAN);
    const fonts = await pdfTool('pdffonts', ['{}'], letter);
    const cjk = fonts.stdout.split('\n').filter((line) => /^[A-Z]{6}\+NotoSansCJK/.test(line));
    expect(cjk.length).toBeGreaterThan(0);
    // name, type, encoding, then emb / sub / uni: embedded, subset, with a ToUnicode map.
    for (const line of cjk) expect(line).toMatch(/CID Type 0C\s+Identity-H\s+yes\s+yes\s+yes/);
    // poppler renders it without complaining about the embedded font program.
    const render = await pdfTool('pdftoppm', ['-r', '20', '-png', '{}', 'page'], letter);
    expect(render.stderr).toBe('');
  });

  it('finds every character no embedded font can draw, once each', () => {
    expect(undrawableCharacters(`${HONG_KONG} ${KOREAN} ${THAI} ${HINDI} Zoë Łukasiewicz Παπαδόπουλος Жуков\nらくらく`)).toEqual([]);
    expect(undrawableCharacters('Team 🦄🦄 שלום 👍🏽')).toEqual(['🦄', 'ש', 'ל', 'ו', 'ם', '👍', '🏽']);
    expect(undrawableCharacters('tab\there')).toEqual(['\t']);
  });

  it('refuses a letter whose vendor contact has a character no font can draw, naming the field and the character, for good', async () => {
    const vendor = testVendor('zoom', { contacts: [{ name: 'Unicorn 🦄 Team', email: 'u@zoom.test' }] });
    const refusal = renderOpenLetter({ campaign: testCampaign('archival'), vendor, language: 'en' });
    await expect(refusal).rejects.toThrow(
      /^(The salutation to vendor zoom's contacts|A contact name of vendor zoom) contains U\+1F984 "🦄", which no embedded font can draw/,
    );
    await expect(refusal).rejects.toMatchObject({ type: 'InvalidMessage', nonRetryable: true });
  });

  it('retries, naming the package, a letter in Korean on a worker without Debian’s Noto CJK font, and prints it once the font is installed', { timeout: 60_000 }, async () => {
    const fontDir = mkdtempSync(join(tmpdir(), 'dossier-no-cjk-'));
    try {
      // A worker process of its own: the font folder is read when the PDF kit loads.
      const script = `
        const { symlinkSync } = require('node:fs');
        const { undrawableCharacters } = require('./activities/pdf/fonts');
        const { renderOpenLetter } = require('./activities/letter');
        const { testCampaign, testVendor } = require('./test/helpers/fixtures');
        const vendor = testVendor('zoom', { contacts: [{ name: '${KOREAN}', email: 'k@zoom.test' }] });
        const render = () => renderOpenLetter({ campaign: testCampaign('x'), vendor, language: 'en' }).then(
          (bytes) => ({ bytes: bytes.length }),
          (err) => ({ error: err.message, type: err.type, nonRetryable: err.nonRetryable }),
        );
        (async () => {
          const before = await render();
          // The operator installs the package; the activity's next attempt, in the same worker, succeeds.
          for (const file of ['NotoSansCJK-Regular.ttc', 'NotoSansCJK-Bold.ttc']) symlinkSync('/usr/share/fonts/opentype/noto/' + file, '${fontDir}/' + file);
          const after = await render();
          console.log(JSON.stringify({ missing: undrawableCharacters('${KOREAN} 🦄'), before, after }));
        })();`;
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '-e', script], {
        cwd: `${__dirname}/../..`,
        env: { ...process.env, DOSSIER_CJK_FONT_DIR: fontDir },
      });
      const result = JSON.parse(stdout.trim().split('\n').at(-1)!);
      expect(result.before).toMatchObject({ type: 'FontMissing', nonRetryable: false });
      expect(result.before.error).toContain(`${fontDir}/NotoSansCJK-Regular.ttc`);
      expect(result.before.error).toContain('fonts-noto-cjk');
      expect(result.before.error).toContain('U+AE40 "김"');
      expect(result.after.bytes).toBeGreaterThan(1000);
      // Korean is text Dossier prints; only the unicorn is refused wherever the check runs.
      expect(result.missing).toEqual(['🦄']);
    } finally {
      rmSync(fontDir, { recursive: true, force: true });
    }
  });
});
