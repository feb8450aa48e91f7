// The joint statement as PDFs: both languages complete and alike in structure, the same bytes for
// the same input, drafts marked as such, and a 1,000-vendor campaign rendered in reasonable time.
import { describe, expect, it } from 'vitest';
import { renderStatementPdf } from '../../activities/statement';
import { PRINCIPLES, type Findings, type StatementDraft, type StatementVendorEntry } from '../../workflows/types';
import { testCampaign } from '../helpers/fixtures';
import { pdfInfo, pdfPageTexts } from '../helpers/pdf';

function findings(vendor: string): Findings {
  return Object.fromEntries(
    PRINCIPLES.map((p) => [p, { assessment: `${vendor} — ${p} assessed.`, goodPractices: [`${vendor} practice ${p}`] }]),
  ) as Findings;
}

function concluded(id: string, name = `Vendor ${id}`): StatementVendorEntry {
  return {
    vendorId: id,
    vendorName: name,
    stage: 'concluded',
    outcome: {
      vendorId: id,
      vendorName: name,
      stage: 'concluded',
      response: { receivedAt: '2020-08-20', summary: `${name} answered every question.`, attachments: [] },
      findings: findings(name),
      demonstrations: [{ id: 'd1', at: '2020-10-01T14:00:00Z', result: 'partly-validated', notes: `${name} showed its console.` }],
      remindersSent: [],
      endedAt: '2020-12-01T00:00:00Z',
    },
  };
}

const silent: StatementVendorEntry = {
  vendorId: 'houseparty',
  vendorName: 'Houseparty',
  stage: 'closed-no-response',
  outcome: {
    vendorId: 'houseparty',
    vendorName: 'Houseparty',
    stage: 'closed-no-response',
    demonstrations: [],
    remindersSent: [
      { at: '2020-09-04T00:00:00Z', about: 'response', kind: 'reminder', number: 1 },
      { at: '2020-09-18T00:00:00Z', about: 'response', kind: 'final-notice', number: 1 },
    ],
    endedAt: '2020-10-02T00:00:00Z',
  },
};

function statement(vendors: StatementVendorEntry[], signed = true): StatementDraft {
  const campaign = testCampaign('vc-2020');
  return {
    campaign,
    version: 3,
    date: '2021-10-27',
    vendors,
    conclusions: { en: ['Most companies met the principles.'], fr: ['La plupart des entreprises respectent les principes.'] },
    lessonsLearned: { en: ['Demonstrations matter.'], fr: ['Les démonstrations comptent.'] },
    signatories: signed ? campaign.authorities : [],
  };
}

const text = async (bytes: Uint8Array) => (await pdfPageTexts(bytes)).join('\n');

describe('statement PDF', () => {
  it('reports each outcome in English and in French, with the same sections', async () => {
    const input = statement([concluded('zoom', 'Zoom'), silent]);
    const [en, fr] = await Promise.all([text(await renderStatementPdf(input, 'en', false)), text(await renderStatementPdf(input, 'fr', false))]);
    for (const body of [en, fr].map((b) => b.replace(/\s+/g, ' '))) {
      expect(body).toContain('Zoom answered every question.');
      expect(body).toContain('Zoom — security assessed.');
      expect(body).toContain('Zoom practice end-user-control');
      expect(body).toContain('Zoom showed its console.');
      expect(body).toContain('Daniel Therrien');
    }
    expect(en).toContain('Zoom — Engagement concluded');
    expect(en).toContain('Houseparty — No response');
    expect(en).toContain('Reminder 1, 4 September 2020');
    expect(en).toContain('Final notice, 18 September 2020');
    expect(en).toContain('measures partly validated');
    expect(fr).toContain('Zoom — Dossier conclu');
    expect(fr).toContain('Houseparty — Aucune réponse');
    expect(fr).toContain('Rappel 1, 4 septembre 2020');
    expect(fr).toContain('Dernier avis, 18 septembre 2020');
    expect(fr).toContain('mesures partiellement validées');
    const sections = { en: ['Background', 'Summary', 'Outcomes by company', 'Conclusions', 'Lessons learned', 'Signatories'], fr: ['Contexte', 'Synthèse', 'Résultats par entreprise', 'Conclusions', 'Leçons apprises', 'Signataires'] };
    const order = (body: string, titles: string[]) => titles.map((t) => body.split('\n').indexOf(t));
    for (const [language, body] of [['en', en], ['fr', fr]] as const) {
      const at = order(body, sections[language]);
      expect(at.every((i) => i >= 0)).toBe(true);
      expect([...at].sort((a, b) => a - b)).toEqual(at);
    }
    expect((await pdfInfo(await renderStatementPdf(input, 'fr', false))).language).toBe('fr');
  });

  it('gives the same bytes for the same input', async () => {
    const input = statement([concluded('zoom'), silent]);
    expect(Buffer.from(await renderStatementPdf(input, 'en', false)).equals(Buffer.from(await renderStatementPdf(input, 'en', false)))).toBe(true);
  });

  it('marks a draft and lists who is to sign it', async () => {
    const body = await text(await renderStatementPdf(statement([concluded('zoom')], false), 'en', true));
    expect(body).toContain('DRAFT version 3');
    expect(body).toContain('To be signed, once approved, by:');
  });

  it('renders a 1,000-vendor statement', { timeout: 60_000 }, async () => {
    const vendors = Array.from({ length: 1000 }, (_, i) => (i % 5 === 4 ? { ...silent, vendorId: `v${i}`, vendorName: `Vendor ${i}` } : concluded(`v${i}`)));
    const started = performance.now();
    const bytes = await renderStatementPdf(statement(vendors), 'en', false);
    const elapsed = performance.now() - started;
    const pages = await pdfPageTexts(bytes);
    expect(pages.join('\n')).toContain('Vendor 999 — No response');
    // Target: < 2 s on an idle two-core machine; the bound here only catches a gross regression
    // on a machine shared with other test runs.
    expect(elapsed).toBeLessThan(20_000);
    console.log(`1,000-vendor statement: ${pages.length} pages, ${bytes.length} bytes, ${elapsed.toFixed(0)} ms`);
  });
});
