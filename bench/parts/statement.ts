// Part 3: the joint statement PDF for 10, 100 and 1,000 vendors, rendered by activities/statement.ts
// directly from synthetic outcomes (most concluded with findings, questions and a demonstration;
// some without response, a few withdrawn): time and size per document, and how the cost grows.
// Each render is set against a floor measured in the same run, interleaved with it: pdf-lib
// drawing the very lines the statement drew, with its built-in Helvetica, untagged, not PDF/A.
// Also the one-page open letter every engagement renders, since it weighs on the lifecycle.
import { PDFDocument, StandardFonts, type PDFFont } from 'pdf-lib';
import { renderOpenLetter } from '../../activities/letter';
import { recordDrawnLines, type DrawnLine } from '../../activities/pdf/document';
import { renderStatementPdf } from '../../activities/statement';
import { statementEntry } from '../../workflows/statement-text';
import {
  PRINCIPLES,
  type EngagementOutcome,
  type Findings,
  type Language,
  type StatementDraft,
  type StatementVendorEntry,
  type VendorPublicText,
} from '../../workflows/types';
import { testCampaign } from '../../test/helpers/fixtures';
import { profileCall, summarizeProfile, type ProfileSummary } from '../lib/profile';
import { median, round } from '../lib/stats';

export interface StatementOptions {
  sizes: number[];
  /** Runs per size (the median is reported); the largest size runs at least once. */
  runs: number;
  /** Profile one render of the largest size. */
  profile: boolean;
}

export interface StatementSize {
  vendors: number;
  language: Language;
  pages: number;
  ms: number[];
  medianMs: number;
  msPerVendor: number;
  bytes: number;
  /** The floor for the same lines: pdf-lib, built-in Helvetica, no tags, no PDF/A. */
  floorMs: number[];
  floorMedianMs: number;
  /** Median of render ÷ floor, run by run. */
  floorRatio: number;
  lines: number;
}

export interface StatementReport {
  settings: StatementOptions;
  results: StatementSize[];
  /** The floor ratio of the largest statement, the worse of the two languages (target: at most 2). */
  statementFloorRatio: number;
  /** log(time ratio) / log(size ratio) between successive sizes: 1 is linear. */
  growthExponents: { from: number; to: number; exponent: number }[];
  /** The open letter (one page) as each engagement renders it: time per letter over 20 renders. */
  openLetter: { ms: number[]; medianMs: number; bytes: number };
  profile?: ProfileSummary;
}

export async function measureStatement(options: StatementOptions, log: (line: string) => void): Promise<StatementReport> {
  const results: StatementSize[] = [];
  // One render first: loads fonts and warms pdf-lib and fontkit, as a running worker would be.
  await renderStatementPdf(syntheticStatement(5), 'en', false);
  for (const vendors of options.sizes) {
    for (const language of ['en', 'fr'] as const) {
      const statement = syntheticStatement(vendors);
      const { lines } = await recordDrawnLines(() => renderStatementPdf(statement, language, false));
      const ms: number[] = [];
      const floorMs: number[] = [];
      const ratios: number[] = [];
      let bytes: Uint8Array = new Uint8Array();
      // Floor and render alternate, so a busy moment on a shared machine weighs on both.
      for (let i = 0; i < options.runs; i++) {
        let started = performance.now();
        await drawFloor(lines);
        floorMs.push(round(performance.now() - started));
        started = performance.now();
        bytes = await renderStatementPdf(statement, language, false);
        ms.push(round(performance.now() - started));
        ratios.push(ms[i] / floorMs[i]);
      }
      const result: StatementSize = {
        vendors,
        language,
        pages: countPages(bytes),
        ms,
        medianMs: median(ms),
        msPerVendor: round(median(ms) / vendors, 2),
        bytes: bytes.length,
        floorMs,
        floorMedianMs: median(floorMs),
        floorRatio: round(median(ratios), 2),
        lines: lines.length,
      };
      results.push(result);
      log(
        `[statement] ${vendors} vendors (${language}): ${result.medianMs} ms, ${result.pages} pages, ${round(bytes.length / 1024)} KiB; ` +
          `floor ${result.floorMedianMs} ms for the same ${lines.length} lines; ratio ${result.floorRatio}`,
      );
    }
  }
  const largest = Math.max(...options.sizes);
  const statementFloorRatio = Math.max(...results.filter((r) => r.vendors === largest).map((r) => r.floorRatio));
  log(`statement-floor-ratio: ${statementFloorRatio}`);
  const en = results.filter((r) => r.language === 'en');
  const growthExponents = en.slice(1).map((r, i) => ({
    from: en[i].vendors,
    to: r.vendors,
    exponent: round(Math.log(r.medianMs / en[i].medianMs) / Math.log(r.vendors / en[i].vendors), 2),
  }));
  const letterMs: number[] = [];
  let letterBytes = 0;
  for (let i = 0; i < 20; i++) {
    const vendor = { id: `v${i}`, name: `Vendor ${i}`, language: 'en' as const, contacts: [{ name: 'Zoë Łukasiewicz', email: `privacy@v${i}.test` }] };
    const started = performance.now();
    letterBytes = (await renderOpenLetter({ campaign: testCampaign('letter-bench'), vendor, language: 'en' })).length;
    letterMs.push(round(performance.now() - started));
  }
  const openLetter = { ms: letterMs, medianMs: median(letterMs), bytes: letterBytes };
  log(`[statement] open letter: ${openLetter.medianMs} ms per letter (median of 20), ${round(letterBytes / 1024)} KiB`);
  let profile: ProfileSummary | undefined;
  if (options.profile) {
    const largest = Math.max(...options.sizes);
    const { profile: cpu } = await profileCall(() => renderStatementPdf(syntheticStatement(largest), 'en', false));
    profile = summarizeProfile(cpu);
    log(`[statement] profile of ${largest} vendors: ${profile.byPackage.slice(0, 5).map((p) => `${p.name} ${p.percent}%`).join(', ')}`);
  }
  return { settings: options, results, statementFloorRatio, growthExponents, openLetter, profile };
}

/**
 * The floor: the same lines at the same places with pdf-lib's built-in Helvetica (regular and
 * bold), untagged. Helvetica is WinAnsi only, so characters it cannot encode (U+202F in French)
 * are drawn as spaces: the floor measures drawing, not typography.
 */
async function drawFloor(lines: DrawnLine[]): Promise<Uint8Array> {
  const pdf = await PDFDocument.create({ updateMetadata: false });
  const fonts = { regular: await pdf.embedFont(StandardFonts.Helvetica), bold: await pdf.embedFont(StandardFonts.HelveticaBold) };
  const pages = Array.from({ length: Math.max(...lines.map((l) => l.page)) + 1 }, () => pdf.addPage([595.28, 841.89]));
  for (const line of lines) {
    pages[line.page].drawText(winAnsi(fonts.regular, line.text), { x: line.x, y: line.y, size: line.size, font: fonts[line.weight] });
  }
  return pdf.save({ useObjectStreams: false });
}

const encodable = new Map<string, boolean>();
function winAnsi(font: PDFFont, text: string): string {
  let out = '';
  for (const char of text) {
    let ok = encodable.get(char);
    if (ok === undefined) {
      try {
        font.encodeText(char);
        ok = true;
      } catch {
        ok = false;
      }
      encodable.set(char, ok);
    }
    out += ok ? char : ' ';
  }
  return out;
}

/** Page count from the document's page tree (`/Type /Pages ... /Count n`). */
function countPages(bytes: Uint8Array): number {
  const text = Buffer.from(bytes).toString('latin1');
  const match = /\/Type\s*\/Pages[^>]*?\/Count\s+(\d+)|\/Count\s+(\d+)[^>]*?\/Type\s*\/Pages/.exec(text);
  return Number(match?.[1] ?? match?.[2] ?? NaN);
}

const day = (n: number) => new Date(Date.UTC(2020, 7, 1) + n * 86_400_000).toISOString();

function findings(vendor: number): Findings {
  const entries = PRINCIPLES.map((p, i) => [
    p,
    {
      assessment: {
        en: `Vendor ${vendor} explained how it applies the ${p} principle; the measures described were ${i % 2 ? 'documented and tested' : 'partly documented'}.`,
        fr: `Vendor ${vendor} a expliqué comment il applique le principe ${p}\u202f; les mesures décrites étaient ${i % 2 ? 'documentées et testées' : 'en partie documentées'}.`,
      },
      goodPractices: [
        { en: `Annual audit of ${p} controls`, fr: `Audit annuel des contrôles ${p}` },
        { en: `Published ${p} report`, fr: `Rapport ${p} publié` },
      ],
    },
  ]);
  return Object.fromEntries(entries) as Findings;
}

/** The statement's part for an ended engagement, as the campaign builds it. */
function publicEntry(outcome: EngagementOutcome, text?: VendorPublicText): StatementVendorEntry {
  const { vendorId, vendorName } = outcome;
  return statementEntry({ vendorId, vendorName, workflowId: `engagement:bench:${vendorId}`, state: 'ended', addedLate: false }, outcome, text);
}

export function syntheticStatement(vendors: number): StatementDraft {
  const entries: StatementVendorEntry[] = Array.from({ length: vendors }, (_, i) => {
    const vendorId = `v${i + 1}`;
    const vendorName = `Vendor ${i + 1} Communications`;
    const base: Pick<EngagementOutcome, 'vendorId' | 'vendorName' | 'demonstrations' | 'remindersSent'> = {
      vendorId,
      vendorName,
      demonstrations: [],
      remindersSent: [],
    };
    if (i % 20 === 19) {
      const outcome: EngagementOutcome = { ...base, stage: 'withdrawn', withdrawalReason: 'Service discontinued.', endedAt: day(40) };
      return publicEntry(outcome);
    }
    if (i % 7 === 6) {
      const outcome: EngagementOutcome = {
        ...base,
        stage: 'closed-no-response',
        remindersSent: [
          { at: day(44), about: 'response', kind: 'reminder', number: 1 },
          { at: day(51), about: 'response', kind: 'reminder', number: 2 },
          { at: day(58), about: 'response', kind: 'final-notice', number: 1 },
        ],
        endedAt: day(72),
      };
      return publicEntry(outcome);
    }
    const outcome: EngagementOutcome = {
      ...base,
      stage: 'concluded',
      response: { receivedAt: day(20 + (i % 10)), summary: `Detailed answers on all five principles from ${vendorName}.`, attachments: [] },
      findings: findings(i + 1),
      demonstrations: [{ id: 'd1', at: day(60 + (i % 30)), result: i % 3 ? 'validated' : 'partly-validated', notes: 'Key rotation shown.' }],
      questions: [
        { id: 'q1', round: 1, text: 'How are meeting IDs generated?', dueDate: day(50), answer: 'Randomly.', answeredAt: day(48) },
        { id: 'q2', round: 1, text: 'Who can see the attendee list?', dueDate: day(50) },
      ],
      endedAt: day(100),
    };
    return publicEntry(outcome, {
      summary: { en: `${vendorName} answered on all five principles.`, fr: `${vendorName} a répondu sur les cinq principes.` },
      demonstrations: { d1: { en: 'Key rotation shown.', fr: 'Rotation des clés montrée.' } },
    });
  });
  return {
    campaign: testCampaign('statement-bench'),
    version: 1,
    date: '2021-10-27',
    vendors: entries,
    conclusions: { en: ['The companies engaged constructively.'], fr: ['Les entreprises ont collaboré de manière constructive.'] },
    lessonsLearned: { en: ['Privacy by default matters.'], fr: ['La protection par défaut compte.'] },
    signatories: testCampaign('statement-bench').authorities,
  };
}
