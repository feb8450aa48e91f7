// The joint statement as PDFs: both languages complete and alike in structure, the same bytes for
// the same input, drafts marked as such, and a 1,000-vendor campaign rendered in reasonable time.
import { describe, expect, it } from 'vitest';
import { renderOpenLetter } from '../../activities/letter';
import { principleTitle } from '../../activities/format';
import { renderStatementPdf } from '../../activities/statement';
import { statementFindings } from '../../activities/statement-findings';
import { PRINCIPLES, type Findings, type StatementDraft, type StatementVendorEntry } from '../../workflows/types';
import { testCampaign, testVendor } from '../helpers/fixtures';
import { pdfInfo, pdfPageTexts, pdfTextItems } from '../helpers/pdf';
import { pdfTool, veraPdf } from '../helpers/verapdf';

const both = (en: string, fr: string) => ({ en, fr });

function findings(vendor: string): Findings {
  return Object.fromEntries(
    PRINCIPLES.map((p) => [
      p,
      { assessment: both(`${vendor} — ${p} assessed.`, `${vendor} — ${p} évalué.`), goodPractices: [both(`${vendor} practice ${p}`, `${vendor} pratique ${p}`)] },
    ]),
  ) as Findings;
}

function concluded(id: string, name = `Vendor ${id}`): StatementVendorEntry {
  return {
    vendorId: id,
    vendorName: name,
    stage: 'concluded',
    respondedAt: '2020-08-20',
    endedAt: '2020-12-01T00:00:00Z',
    summary: both(`${name} described its safeguards in detail.`, `${name} a décrit ses mesures en détail.`),
    findings: findings(name),
    questionsAsked: 2,
    questionsAnswered: 2,
    demonstrations: [
      { id: 'd1', at: '2020-10-01T14:00:00Z', result: 'partly-validated', observation: both(`${name} showed its console.`, `${name} a montré sa console.`) },
    ],
  };
}

const silent: StatementVendorEntry = {
  vendorId: 'houseparty',
  vendorName: 'Houseparty',
  stage: 'closed-no-response',
  remindersSent: [
    { at: '2020-09-04T00:00:00Z', about: 'response', kind: 'reminder', number: 1 },
    { at: '2020-09-18T00:00:00Z', about: 'response', kind: 'final-notice', number: 1 },
  ],
  endedAt: '2020-10-02T00:00:00Z',
};

function statement(vendors: StatementVendorEntry[], signed = true, campaign = testCampaign('vc-2020')): StatementDraft {
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

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const text = async (bytes: Uint8Array) => (await pdfPageTexts(bytes)).join('\n');

describe('statement PDF', () => {
  it('reports each outcome in English and in French, with the same sections and only the text of each language', async () => {
    const input = statement([concluded('zoom', 'Zoom'), silent]);
    const [en, fr] = await Promise.all([text(await renderStatementPdf(input, 'en', false)), text(await renderStatementPdf(input, 'fr', false))]);
    const flat = { en: en.replace(/\s+/g, ' '), fr: fr.replace(/\s+/g, ' ') };
    expect(flat.en).toContain('Zoom described its safeguards in detail.');
    expect(flat.en).toContain('Zoom — security assessed.');
    expect(flat.en).toContain('Zoom practice end-user-control');
    expect(flat.en).toContain('Zoom showed its console.');
    expect(flat.fr).toContain('Zoom a décrit ses mesures en détail.');
    expect(flat.fr).toContain('Zoom — security évalué.');
    expect(flat.fr).toContain('Zoom pratique end-user-control');
    expect(flat.fr).toContain('Zoom a montré sa console.');
    // Not a word of one language's public text in the other's document.
    expect(flat.fr).not.toMatch(/described its safeguards|assessed\.|Zoom practice|showed its console/);
    expect(flat.en).not.toMatch(/a décrit|évalué|Zoom pratique|a montré/);
    for (const body of [flat.en, flat.fr]) expect(body).toContain('Daniel Therrien');
    expect(flat.en).toContain('Zoom responded to the open letter on 20 August 2020.');
    expect(flat.en).toContain('Houseparty did not respond to the open letter.');
    expect(flat.en).toContain('The authorities sent Houseparty a reminder on 4 September 2020 and a final notice on 18 September 2020.');
    expect(flat.en).toContain('Zoom demonstrated its measures on 1 October 2020; the authorities validated them in part.');
    expect(flat.fr).toContain('Zoom a répondu à la lettre ouverte le 20 août 2020.');
    expect(flat.fr).toContain('Houseparty n’a pas répondu à la lettre ouverte.');
    expect(flat.fr).toContain('Les autorités ont adressé à Houseparty un rappel le 4 septembre 2020 et un dernier avis le 18 septembre 2020.');
    expect(flat.fr).toMatch(/Zoom a fait la démonstration de ses mesures le 1er octobre 2020 ?; les autorités les ont validées en partie\./);
    const sections = { en: ['Background', 'Summary', 'Outcomes by company', 'Conclusions', 'Lessons learned', 'Signatories'], fr: ['Contexte', 'Synthèse', 'Résultats par entreprise', 'Conclusions', 'Enseignements tirés', 'Signataires'] };
    const order = (body: string, titles: string[]) => titles.map((t) => body.split('\n').indexOf(t));
    for (const [language, body] of [['en', en], ['fr', fr]] as const) {
      const at = order(body, sections[language]);
      expect(at.every((i) => i >= 0)).toBe(true);
      expect([...at].sort((a, b) => a - b)).toEqual(at);
    }
    expect((await pdfInfo(await renderStatementPdf(input, 'fr', false))).language).toBe('fr');
  });

  it('says, in both languages, that a vendor which never responded in time replied late, and on which day; its findings file says so too', async () => {
    const late: StatementVendorEntry = { ...silent, repliedLateAt: '2021-03-01T14:30:00Z' };
    const input = statement([concluded('zoom', 'Zoom'), late]);
    const [en, fr] = (await Promise.all([text(await renderStatementPdf(input, 'en', false)), text(await renderStatementPdf(input, 'fr', false))])).map((b) => b.replace(/\s+/g, ' '));
    expect(en).toContain('Houseparty did not respond to the open letter within the time given; its reply arrived late, on 1 March 2021.');
    expect(en).not.toContain('Houseparty did not respond to the open letter.');
    // French typography: a narrow no-break space before the semicolon, "1er" for the first of the month.
    expect(fr).toMatch(/Houseparty n’a pas répondu à la lettre ouverte dans le délai imparti ?; sa réponse est parvenue tardivement, le 1er mars 2021\./);
    expect(fr).not.toContain('Houseparty n’a pas répondu à la lettre ouverte.');
    // The summary's count agrees with the sentence: not "did not respond" of a company that did, late.
    expect(en).toContain('One company did not respond within the time given');
    expect(fr).toContain('Une entreprise n’a pas répondu dans le délai imparti');
    // The reminders it was sent are still told.
    expect(en).toContain('The authorities sent Houseparty a reminder on 4 September 2020 and a final notice on 18 September 2020.');
    expect(statementFindings(input).vendors.find((v) => v.vendorId === 'houseparty')).toMatchObject({ stage: 'closed-no-response', repliedLateAt: '2021-03-01T14:30:00Z' });
    expect(statementFindings(statement([silent])).vendors[0]).not.toHaveProperty('repliedLateAt');
  });

  it('says, in both languages, that a vendor whose reply came in time but was recorded after its case closed did reply, and does not count it among those that did not', async () => {
    const inTime: StatementVendorEntry = { ...silent, repliedInTimeAt: '2020-10-01T14:30:00Z' };
    const other: StatementVendorEntry = { ...silent, vendorId: 'gamma', vendorName: 'Gamma' };
    const input = statement([concluded('zoom', 'Zoom'), inTime, other]);
    const [en, fr] = (await Promise.all([text(await renderStatementPdf(input, 'en', false)), text(await renderStatementPdf(input, 'fr', false))])).map((b) => b.replace(/\s+/g, ' '));
    expect(en).toContain('Houseparty replied to the open letter on 1 October 2020, within the time given; its reply was recorded only after the authorities had closed their review.');
    expect(en).not.toContain('Houseparty did not respond');
    expect(fr).toMatch(/Houseparty a répondu à la lettre ouverte le 1er octobre 2020, dans le délai imparti ?; sa réponse n’a été versée au dossier qu’après la clôture de l’examen par les autorités\./);
    expect(fr).not.toContain('Houseparty n’a pas répondu');
    // The facts below it stay: the reminders sent while no reply was on the record, and when the review closed.
    expect(en).toContain('The authorities sent Houseparty a reminder on 4 September 2020 and a final notice on 18 September 2020.');
    expect(en).toContain('The authorities closed their review on 2 October 2020.');
    expect(fr).toContain('Les autorités ont clos leur examen le 2 octobre 2020.');
    // Counted apart: the company that did not respond is one, not two.
    expect(en).toContain('One company did not respond');
    expect(en).not.toContain('Two companies did not respond');
    expect(en).toContain('One company replied within the time given; its reply was recorded after its review closed');
    expect(fr).toContain('Une entreprise n’a pas répondu');
    expect(fr).not.toContain('Deux entreprises n’ont pas répondu');
    expect(fr).toMatch(/Une entreprise a répondu dans le délai imparti ?; sa réponse a été versée au dossier après la clôture de son examen/);
    const two = (await text(await renderStatementPdf(statement([inTime, { ...inTime, vendorId: 'gamma', vendorName: 'Gamma' }]), 'fr', false))).replace(/\s+/g, ' ');
    expect(two).toMatch(/Deux entreprises ont répondu dans le délai imparti ?; leurs réponses ont été versées au dossier après la clôture de leur examen/);
    expect(statementFindings(input).vendors.find((v) => v.vendorId === 'houseparty')).toMatchObject({ stage: 'closed-no-response', repliedInTimeAt: '2020-10-01T14:30:00Z' });
    expect(statementFindings(input).vendors.find((v) => v.vendorId === 'houseparty')).not.toHaveProperty('repliedLateAt');
    expect(statementFindings(statement([silent])).vendors[0]).not.toHaveProperty('repliedInTimeAt');
  });

  it('says, in both languages, that a vendor whose review the lead closed had responded, and counts it among those that responded', async () => {
    const reason = both('The review was closed before follow-up questions.', 'L’examen a été clos avant les questions complémentaires.');
    const closed = (id: string, name: string, respondedAt?: string): StatementVendorEntry => ({ vendorId: id, vendorName: name, stage: 'closed-by-lead', reason, ...(respondedAt ? { respondedAt } : {}) });
    const input = statement([closed('microsoft', 'Microsoft', '2020-08-14T12:00:00Z'), closed('cisco', 'Cisco', '2020-08-20T12:00:00Z'), concluded('zoom', 'Zoom'), closed('houseparty', 'Houseparty')]);
    const [en, fr] = (await Promise.all([text(await renderStatementPdf(input, 'en', false)), text(await renderStatementPdf(input, 'fr', false))])).map((b) => b.replace(/\s+/g, ' '));
    expect(en).toContain('Microsoft responded to the open letter on 14 August 2020; the authorities closed their review before it was complete, for the following reason:');
    expect(fr).toMatch(/Microsoft a répondu à la lettre ouverte le 14 août 2020 ?; les autorités ont clos leur examen avant son terme, pour le motif suivant ?:/);
    // Houseparty never responded: the sentence stays as it was.
    expect(en).toContain('The authorities closed their review of Houseparty before it was complete, for the following reason:');
    // The summary no longer says that only one company responded.
    expect(en).toContain('One company responded and was assessed');
    expect(en).toContain('Two companies responded; their reviews were closed before they were complete');
    expect(en).toContain('One review closed before it was complete');
    expect(fr).toMatch(/Deux entreprises ont répondu ?; leurs examens ont été clos avant leur terme/);
    expect(fr).toContain('Un examen clos avant son terme');
    expect(fr).not.toContain('Trois examens clos avant leur terme');
    const one = (await text(await renderStatementPdf(statement([closed('cisco', 'Cisco', '2020-08-20T12:00:00Z')]), 'fr', false))).replace(/\s+/g, ' ');
    expect(one).toMatch(/Une entreprise a répondu ?; son examen a été clos avant son terme/);
    expect(statementFindings(input).vendors.find((v) => v.vendorId === 'microsoft')).toMatchObject({ stage: 'closed-by-lead', respondedAt: '2020-08-14T12:00:00Z' });
  });

  it('writes counts with their plurals and without internal jargon', async () => {
    const withdrawn: StatementVendorEntry = { vendorId: 'gamma', vendorName: 'Gamma', stage: 'withdrawn', endedAt: '2020-09-01T00:00:00Z' };
    const input = statement([concluded('zoom', 'Zoom'), concluded('cisco', 'Cisco'), silent, withdrawn]);
    const [en, fr] = (await Promise.all([text(await renderStatementPdf(input, 'en', false)), text(await renderStatementPdf(input, 'fr', false))])).map((b) =>
      b.replace(/\s+/g, ' '),
    );
    expect(fr).toContain('Un examen interrompu par les autorités');
    expect(fr).toContain('Deux entreprises ont répondu et ont été évaluées');
    expect(fr).toContain('Une entreprise n’a pas répondu');
    expect(en).toContain('One review ended early by the authorities');
    expect(en).toContain('Two companies responded and were assessed');
    expect(en).toContain('One company did not respond');
    expect(fr).not.toMatch(/\b1 retirés|1 dossiers/);
    for (const body of [en, fr]) {
      expect(body).not.toMatch(/Engagement concluded|Dossier conclu|Follow-up questions: \d+ asked|Questions de suivi ?: \d+ posée/);
    }
    // Two questions are both answered, or neither: "all" and "none" count three or more.
    expect(en).toContain('The authorities asked Zoom two further questions, both of which it answered.');
    expect(fr).toContain('Les autorités ont posé deux questions complémentaires à Zoom, qui a répondu aux deux.');
    const three = { ...concluded('zoom', 'Zoom'), questionsAsked: 3, questionsAnswered: 3 };
    const unanswered = { ...concluded('cisco', 'Cisco'), questionsAsked: 2, questionsAnswered: 0 };
    const more = statement([three, unanswered]);
    const [en3, fr3] = (await Promise.all([text(await renderStatementPdf(more, 'en', false)), text(await renderStatementPdf(more, 'fr', false))])).map((b) => b.replace(/\s+/g, ' '));
    expect(en3).toContain('The authorities asked Zoom three further questions, all of which it answered.');
    expect(en3).toContain('The authorities asked Cisco two further questions, neither of which it answered.');
    expect(fr3).toContain('Les autorités ont posé trois questions complémentaires à Zoom, qui a répondu à chacune.');
    expect(fr3).toContain('Les autorités ont posé deux questions complémentaires à Cisco, qui n’a répondu à aucune des deux.');
  });

  it('lists the summary\'s counts in one order, whichever company comes first: those that responded first', async () => {
    const excluded: StatementVendorEntry = { vendorId: 'beta', vendorName: 'Beta', stage: 'excluded', reason: both('It left the market.', 'Elle a quitté le marché.') };
    const failed: StatementVendorEntry = { vendorId: 'delta', vendorName: 'Delta', stage: 'failed' };
    const summaryOf = async (vendors: StatementVendorEntry[], language: 'en' | 'fr') => {
      const body = (await text(await renderStatementPdf(statement(vendors), language, false))).split('\n').map((l) => l.trim());
      const from = body.indexOf(language === 'en' ? 'Summary' : 'Synthèse');
      return body.slice(from + 1, body.indexOf(language === 'en' ? 'Outcomes by company' : 'Résultats par entreprise')).filter((l) => l.startsWith('•'));
    };
    for (const vendors of [
      [excluded, failed, silent, concluded('zoom', 'Zoom'), concluded('cisco', 'Cisco')],
      [concluded('zoom', 'Zoom'), silent, excluded, concluded('cisco', 'Cisco'), failed],
    ]) {
      expect(await summaryOf(vendors, 'en')).toEqual([
        '• Two companies responded and were assessed',
        '• One company did not respond',
        '• One company not covered by this statement',
        '• One review without a recorded outcome',
      ]);
      expect(await summaryOf(vendors, 'fr')).toEqual([
        '• Deux entreprises ont répondu et ont été évaluées',
        '• Une entreprise n’a pas répondu',
        '• Une entreprise non visée par la présente déclaration',
        '• Un examen sans résultat consigné',
      ]);
    }
  });

  it('spells out numbers up to ten in its prose, with the gender French gives one, and groups the digits of larger ones', async () => {
    const partly = (id: string, asked: number, answered: number) => ({ ...concluded(id, `Vendor ${id}`), questionsAsked: asked, questionsAnswered: answered });
    const many = Array.from({ length: 1_200 }, (_, i) => ({ vendorId: `v${i}`, vendorName: `Vendor ${i}`, stage: 'closed-no-response' as const }));
    const input = statement([partly('one', 3, 1), partly('two', 12, 11), ...many]);
    const [en, fr] = (await Promise.all([text(await renderStatementPdf(input, 'en', false)), text(await renderStatementPdf(input, 'fr', false))])).map((b) =>
      b.replace(/\s+/g, ' '),
    );
    expect(en).toContain('The authorities asked Vendor one three further questions; it answered one of them.');
    expect(fr).toContain('Les autorités ont posé trois questions complémentaires à Vendor one, qui a répondu à une d’entre elles.');
    expect(en).toContain('The authorities asked Vendor two 12 further questions; it answered 11 of them.');
    expect(fr).toContain('Les autorités ont posé 12 questions complémentaires à Vendor two, qui a répondu à 11 d’entre elles.');
    expect(en).toContain('1,200 companies did not respond');
    // pdf.js reads the narrow no-break space French groups digits with as a space.
    expect(fr).toContain('1 200 entreprises n’ont pas répondu');
    expect(en).toContain('sent an open letter to 1,202 companies');
    expect(fr).toContain('une lettre ouverte à 1 202 entreprises');
  });

  it('names the signatory authorities one per line, so names holding commas stay apart', async () => {
    const base = testCampaign('vc-2020');
    const campaign = {
      ...base,
      authorities: [
        ...base.authorities,
        { id: 'pcpd', name: { en: 'Office of the Privacy Commissioner for Personal Data, Hong Kong', fr: 'Commissariat à la protection des données personnelles, Hong Kong' }, contact: { name: 'Chan Wing-yan', email: 'wy@pcpd.test' } },
        { id: 'gra', name: { en: 'Gibraltar Regulatory Authority', fr: 'Autorité de réglementation de Gibraltar' }, contact: { name: 'Joseph Caruana', email: 'p@gra.test' } },
      ],
    };
    const en = await text(await renderStatementPdf(statement([concluded('zoom', 'Zoom')], true, campaign), 'en', false));
    const background = en.slice(en.indexOf('Background'), en.indexOf('The five principles'));
    expect(background).not.toMatch(/Hong Kong,? and|Hong Kong, Gibraltar/);
    const lines = background.split('\n').map((l) => l.replace(/^•\s*/, '').trim());
    expect(lines).toContain('Office of the Privacy Commissioner for Personal Data, Hong Kong');
    expect(lines).toContain('Gibraltar Regulatory Authority');
    expect(background).toContain('the four authorities named below sent an open letter to Zoom');
  });

  it('keeps the signature block on one page whenever it fits on one', { timeout: 60_000 }, async () => {
    const base = testCampaign('vc-2020');
    const campaign = {
      ...base,
      authorities: Array.from({ length: 6 }, (_, i) => ({
        id: `a${i}`,
        lead: i === 0,
        name: { en: `Authority number ${i + 1}`, fr: `Autorité numéro ${i + 1}` },
        contact: { name: `Signer ${i + 1}`, email: `a${i}@x.test` },
      })),
    };
    // Push the block down a line at a time until every possible page break has been crossed.
    for (let filler = 0; filler < 60; filler += 2) {
      const input = statement([concluded('zoom', 'Zoom')], true, campaign);
      input.lessonsLearned = { en: Array.from({ length: filler }, (_, i) => `Lesson ${i}.`), fr: Array.from({ length: filler }, (_, i) => `Leçon ${i}.`) };
      const pages = await pdfPageTexts(await renderStatementPdf(input, 'en', false));
      const holding = pages.map((p, n) => (/Signer [1-6]/.test(p) ? n : -1)).filter((n) => n >= 0);
      expect(holding, `signatures split across pages with ${filler} lessons`).toHaveLength(1);
      expect(pages[holding[0]]).toContain('Signatories');
    }
  });

  it('keeps a principle\'s title, and a sentence ending in a colon, on the page of what follows them', { timeout: 120_000 }, async () => {
    const titles = new Set(PRINCIPLES.map((p) => principleTitle(p, 'en')));
    const excluded: StatementVendorEntry = { vendorId: 'beta', vendorName: 'Beta', stage: 'excluded', reason: both('It left the market.', 'Elle a quitté le marché.') };
    // Push what follows down a line at a time until every possible page break has been crossed.
    for (let filler = 0; filler < 60; filler++) {
      const zoom = { ...concluded('zoom', 'Zoom'), summary: both(Array.from({ length: filler }, (_, i) => `Line ${i}.`).join('\n') || 'Zoom.', 'Zoom.') };
      const pages = await pdfPageTexts(await renderStatementPdf(statement([zoom, excluded, concluded('cisco', 'Cisco')]), 'en', false));
      for (const [n, page] of pages.slice(0, -1).entries()) {
        // The body's last line, before the footer (reference, version, page number).
        const body = page.split('\n').map((l) => l.trim()).filter((l) => l && !/TEST-VC-2020 · Version|^Page \d+ \/ \d+$/.test(l));
        const last = body.at(-1) ?? '';
        expect(titles.has(last) || last.endsWith(':'), `page ${n + 1} ends with "${last}" (${filler} lines of summary)`).toBe(false);
      }
    }
  });

  it('keeps the sentence naming a demonstration on the page of its observation', { timeout: 120_000 }, async () => {
    // Cisco's demonstration sentence, then its observation, pushed down a line at a time across a page
    // break; with and without Zoom's follow-up sentence, a line and a half, so that the break also
    // falls between the two.
    const cisco = concluded('cisco', 'Cisco');
    for (const questionsAsked of [2, 0]) for (let filler = 0; filler < 60; filler++) {
      const zoom = { ...concluded('zoom', 'Zoom'), questionsAsked, summary: both(Array.from({ length: filler }, (_, i) => `Line ${i}.`).join('\n') || 'Zoom.', 'Zoom.') };
      const bytes = await renderStatementPdf(statement([zoom, cisco]), 'en', false);
      const pages = Number(/^Pages:\s+(\d+)$/m.exec((await pdfTool('pdfinfo', ['{}'], bytes)).stdout)?.[1]);
      const onPage = async (n: number) => (await pdfTool('pdftotext', ['-f', String(n), '-l', String(n), '{}', '-'], bytes)).stdout.replace(/\s+/g, ' ');
      const texts = await Promise.all(Array.from({ length: pages }, (_, i) => onPage(i + 1)));
      const sentence = texts.findIndex((t) => t.includes('Cisco demonstrated its measures on'));
      const observation = texts.findIndex((t) => t.includes('Cisco showed its console.'));
      expect(observation, `${filler} lines of filler, ${questionsAsked} questions`).toBeGreaterThanOrEqual(0);
      expect(`page ${sentence + 1}`, `Cisco's observation is on page ${observation + 1} (${filler} lines of filler, ${questionsAsked} questions)`).toBe(`page ${observation + 1}`);
    }
  });

  it('leaves no paragraph\'s first or last line alone at a page\'s foot or head', { timeout: 120_000 }, async () => {
    // Five, then three lines of Cisco's summary, each word numbered; pushed down a line at a time across a page break.
    for (const [count, total] of [[48, 5], [28, 3]] as const) for (let filler = 0; filler < 60; filler++) {
      const words = Array.from({ length: count }, (_, i) => `word${i}`).join(' ');
      const zoom = { ...concluded('zoom', 'Zoom'), summary: both(Array.from({ length: filler }, (_, i) => `Line ${i}.`).join('\n') || 'Zoom.', 'Zoom.') };
      const cisco = { ...concluded('cisco', 'Cisco'), summary: both(words, words) };
      const pages = await pdfPageTexts(await renderStatementPdf(statement([zoom, cisco]), 'en', false));
      const perPage = pages.map((p) => p.split('\n').filter((l) => /word\d+/.test(l)).length).filter((n) => n > 0);
      expect(perPage.reduce((a, b) => a + b), `${filler} lines of filler`).toBe(total);
      if (perPage.length > 1) expect(Math.min(...perPage), `Cisco's summary split ${perPage.join(' + ')} with ${filler} lines of filler`).toBeGreaterThanOrEqual(2);
    }
  });

  it('prints no submission, even from a draft that an older campaign scheduled with whole outcomes', async () => {
    const outcome = {
      vendorId: 'zoom',
      vendorName: 'Zoom',
      stage: 'concluded' as const,
      response: { receivedAt: '2020-08-20', summary: 'CONFIDENTIAL response text', attachments: ['secret.pdf'] },
      findings: findings('Zoom'),
      demonstrations: [{ id: 'd1', at: '2020-10-01T14:00:00Z', result: 'validated' as const, notes: 'internal officer notes' }],
      questions: [{ id: 'q1', round: 1, text: 'Q?', dueDate: '2020-09-01', answer: 'CONFIDENTIAL answer' }],
      remindersSent: [],
      endedAt: '2020-12-01T00:00:00Z',
    };
    const legacy = statement([{ vendorId: 'zoom', vendorName: 'Zoom', stage: 'concluded', outcome } as StatementVendorEntry]);
    for (const language of ['en', 'fr'] as const) {
      const body = (await text(await renderStatementPdf(legacy, language, true))).replace(/\s+/g, ' ');
      expect(body).not.toMatch(/CONFIDENTIAL|secret\.pdf|internal officer notes/);
      expect(body).toContain(language === 'en' ? 'Zoom — security assessed.' : 'Zoom — security évalué.');
      // Still reported as the engagement ended, not as a review under way.
      if (language === 'en') {
        expect(body).toContain('Zoom responded to the open letter on');
        expect(body).not.toContain('was still under way');
      }
    }
  });

  it('prints its dates on the lead authority\'s calendar day, as the letters do, and a bare date as that day', async () => {
    const campaign = testCampaign('vc-2026');
    campaign.authorities[0] = { ...campaign.authorities[0]!, jurisdiction: 'CA-ON', timeZone: 'America/Toronto' };
    // Each instant falls on the next day in UTC: late evening in Toronto (UTC−5 in winter, −4 in summer).
    const zoom: StatementVendorEntry = {
      ...concluded('zoom', 'Zoom'),
      respondedAt: '2026-12-01T04:59:59.999Z',
      demonstrations: [{ id: 'd1', at: '2026-12-02T01:30:00Z', result: 'validated', observation: both('Zoom showed its console.', 'Zoom a montré sa console.') }],
    };
    const houseparty: StatementVendorEntry = {
      ...silent,
      remindersSent: [
        { at: '2026-09-04T03:00:00Z', about: 'response', kind: 'reminder', number: 1 },
        { at: '2026-11-17T04:30:00Z', about: 'response', kind: 'final-notice', number: 1 },
      ],
      endedAt: '2026-12-01T04:59:59.999Z',
    };
    const input = { ...statement([zoom, houseparty], true, campaign), date: '2026-12-04' };
    const [en, fr] = await Promise.all([text(await renderStatementPdf(input, 'en', false)), text(await renderStatementPdf(input, 'fr', false))]);
    const flat = { en: en.replace(/\s+/g, ' '), fr: fr.replace(/\s+/g, ' ') };
    expect(flat.en).toContain('Zoom responded to the open letter on 30 November 2026.');
    expect(flat.en).toContain('Zoom demonstrated its measures on 1 December 2026;');
    expect(flat.en).toContain('The authorities sent Houseparty a reminder on 3 September 2026 and a final notice on 16 November 2026.');
    expect(flat.en).toContain('The authorities closed their review on 30 November 2026.');
    expect(flat.fr).toContain('Zoom a répondu à la lettre ouverte le 30 novembre 2026.');
    expect(flat.fr).toMatch(/Zoom a fait la démonstration de ses mesures le 1er décembre 2026 ?;/);
    expect(flat.fr).toContain('Les autorités ont adressé à Houseparty un rappel le 3 septembre 2026 et un dernier avis le 16 novembre 2026.');
    expect(flat.fr).toContain('Les autorités ont clos leur examen le 30 novembre 2026.');
    // Bare dates (the version's, the letter's) are that day in any zone.
    expect(flat.en).toContain('· 4 December 2026 ·');
    expect(flat.en).toContain('On 21 July 2020,');
    expect(flat.fr).toContain('· 4 décembre 2026 ·');
  });

  it('dates the file itself on the lead authority\'s day: midnight there, with its offset, for a viewer anywhere', async () => {
    // Written as midnight UTC, 30 November read in Toronto (a viewer's Document Properties) as 29 November, 19:00.
    const campaign = testCampaign('vc-2026');
    campaign.authorities[0] = { ...campaign.authorities[0]!, jurisdiction: 'CA-ON', timeZone: 'America/Toronto' };
    const input = { ...statement([concluded('zoom', 'Zoom')], true, campaign), date: '2026-11-30' };
    const bytes = await renderStatementPdf(input, 'fr', false);
    const info = (await pdfTool('pdfinfo', ['-isodates', '{}'], bytes)).stdout;
    expect(info).toMatch(/^CreationDate:\s+2026-11-30T00:00:00-05(:00)?$/m);
    expect(info).toMatch(/^ModDate:\s+2026-11-30T00:00:00-05(:00)?$/m);
    const xmp = Buffer.from(bytes).toString('utf8');
    expect(xmp).toContain('<xmp:CreateDate>2026-11-30T00:00:00-05:00</xmp:CreateDate>');
    expect(xmp).toContain('<xmp:ModifyDate>2026-11-30T00:00:00-05:00</xmp:ModifyDate>');
    // A campaign on UTC keeps the bytes it had.
    expect((await pdfTool('pdfinfo', ['-isodates', '{}'], await renderStatementPdf({ ...statement([silent]), date: '2026-11-30' }, 'en', false))).stdout).toMatch(/^CreationDate:\s+2026-11-30T00:00:00(Z|\+00(:00)?)$/m);
    const results = await veraPdf({ toronto: bytes }, '3b');
    expect(results.toronto?.failures).toEqual([]);
    expect(results.toronto?.compliant).toBe(true);
  });

  it('names as its author the authorities that sign it, in its language, not the lead alone', async () => {
    const campaign = testCampaign('vc-2020');
    const names = (language: 'en' | 'fr', ids: string[]) => ids.map((id) => campaign.authorities.find((a) => a.id === id)!.name[language]).join('; ');
    expect(campaign.authorities.map((a) => a.id)).toEqual(['opc', 'fdpic']);
    for (const language of ['en', 'fr'] as const) {
      const author = async (input: StatementDraft, draft: boolean) => (await pdfInfo(await renderStatementPdf(input, language, draft))).author;
      expect(await author(statement([silent]), false), language).toBe(names(language, ['opc', 'fdpic']));
      // Published on a quorum: only the authorities that approved it sign it.
      const fdpicAlone = { ...statement([silent]), signatories: campaign.authorities.filter((a) => a.id === 'fdpic') };
      expect(await author(fdpicAlone, false), language).toBe(names(language, ['fdpic']));
      // A draft is written by every authority asked to approve it.
      expect(await author(statement([silent], false), true), language).toBe(names(language, ['opc', 'fdpic']));
    }
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

  it('says on every page of a draft, and in the title a viewer shows, that it is a draft not for publication', async () => {
    // A signatory prints the draft, or forwards one page of it: page 3 alone must not read as the statement.
    const vendors = Array.from({ length: 6 }, (_, i) => concluded(`v${i}`));
    for (const [language, mark, title] of [
      ['en', /DRAFT version 3, not for publication/, 'Draft joint statement, version 3 — '],
      ['fr', /PROJET, version 3, ne pas publier/, 'Projet de déclaration commune, version 3 — '],
    ] as const) {
      const draft = await renderStatementPdf(statement(vendors, false), language, true);
      const pages = await pdfPageTexts(draft);
      expect(pages.length, language).toBeGreaterThan(2);
      pages.forEach((page, n) => expect(page, `${language} page ${n + 1}`).toMatch(mark));
      expect((await pdfInfo(draft)).title, language).toMatch(new RegExp(`^${title}`));
      const published = await renderStatementPdf(statement(vendors), language, false);
      expect((await pdfPageTexts(published)).join('\n'), language).not.toMatch(/DRAFT|PROJET|Draft|Projet/);
      expect((await pdfInfo(published)).title, language).toBe(`${language === 'en' ? 'Joint statement' : 'Déclaration commune'} — ${testCampaign('vc-2020').title[language]}`);
    }
  });

  it('writes its metadata keywords in its own language: a French draft is a « projet »', async () => {
    const input = statement([concluded('zoom')], false);
    const keywords = async (language: 'en' | 'fr', draft: boolean) => (await pdfInfo(await renderStatementPdf(input, language, draft))).keywords;
    expect(await keywords('fr', true)).toBe(`${input.campaign.reference} projet-3`);
    expect(await keywords('en', true)).toBe(`${input.campaign.reference} draft-3`);
    expect(await keywords('fr', false)).toBe(`${input.campaign.reference} version-3`);
    expect(await keywords('en', false)).toBe(`${input.campaign.reference} version-3`);
  });

  it('renders a 1,000-vendor statement', { timeout: 60_000 }, async () => {
    const vendors = Array.from({ length: 1000 }, (_, i) => (i % 5 === 4 ? { ...silent, vendorId: `v${i}`, vendorName: `Vendor ${i}` } : concluded(`v${i}`)));
    const started = performance.now();
    const bytes = await renderStatementPdf(statement(vendors), 'en', false);
    const elapsed = performance.now() - started;
    const pages = await pdfPageTexts(bytes);
    expect(pages.join('\n')).toContain('Vendor 999 did not respond to the open letter.');
    // Target: < 2 s on an idle two-core machine; the bound here only catches a gross regression
    // on a machine shared with other test runs.
    expect(elapsed).toBeLessThan(20_000);
    console.log(`1,000-vendor statement: ${pages.length} pages, ${bytes.length} bytes, ${elapsed.toFixed(0)} ms`);
  });

  it('cuts a long reference in the footer with an ellipsis before the page number, letter and statement alike', { timeout: 120_000 }, async () => {
    // References may be up to 100 characters; the letter's ends in surrogate pairs, which are never split.
    const long = `OPC-2020-VC-${'JOINT-STATEMENT-'.repeat(4)}PRIVACY-VC`;
    const astral = `OPC-2020-VC-JOINT-STATEMENT-${'🄰'.repeat(36)}`;
    expect([long.length, astral.length]).toEqual([86, 100]);
    const statementFr = await renderStatementPdf(statement([concluded('zoom', 'Zoom'), silent], true, { ...testCampaign('vc-2020'), reference: long }), 'fr', false);
    const letterEn = await renderOpenLetter({ campaign: { ...testCampaign('vc-2020'), reference: astral }, vendor: testVendor('zoom'), language: 'en' });
    for (const [name, bytes, reference, label] of [
      ['statement', statementFr, long, /^Page \d+ sur \d+$/],
      ['letter', letterEn, astral, /^Page \d+ \/ \d+$/],
    ] as const) {
      for (const items of await pdfTextItems(bytes)) {
        const footerLine = items.filter((item) => item.y < 40);
        const number = footerLine.find((item) => item.str.startsWith('Page'));
        // pdf.js gives one item per font run: the footer is every item of that line but the number.
        const parts = footerLine.filter((item) => item !== number).sort((a, b) => a.x - b.x);
        const footer = parts.length ? { str: parts.map((p) => p.str).join(''), x: parts[0]!.x, width: Math.max(...parts.map((p) => p.x + p.width)) - parts[0]!.x } : undefined;
        expect(footer?.str, name).toMatch(/^OPC-2020-VC-/);
        expect(number?.str, name).toMatch(label);
        expect(footer?.str, name).toMatch(/…$/);
        expect(reference.startsWith(footer!.str.slice(0, -1)) && !LONE_SURROGATE.test(footer!.str), `${name}: ${footer!.str}`).toBe(true);
        expect(footer!.x + footer!.width, `${name}: the footer ends before the page number`).toBeLessThan(number!.x);
      }
      const layout = await pdfTool('pdftotext', ['-layout', '-f', '1', '-l', '1', '{}', '-'], bytes);
      expect(layout.stdout, name).toMatch(/^\s*OPC-2020-VC-\S*…\s+Page 1 (sur|\/) \d+\s*$/m);
    }
    const results = await veraPdf({ statement: statementFr, letter: letterEn }, '3b');
    for (const name of ['statement', 'letter']) expect(results[name]!.failures, name).toEqual([]);
  });
});
