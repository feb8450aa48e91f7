// The campaign file checks: every mistake an officer can make in the YAML is reported with the field's
// path, the file and the line; the campaign `npm run demo` runs loads as it is.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { CampaignFileError, loadCampaignFile, parseCampaignYaml } from '../../client/campaign-file';
import { checkCampaign, checkVendor, statementTextProblems, toCampaignFile } from '../../client/campaign-schema';

const DEMO_FILE = join(__dirname, '..', '..', 'campaigns', 'video-conferencing-2020.yaml');
const demoYaml = readFileSync(DEMO_FILE, 'utf8');

/** The demo file with one textual change; fails the test if the text to change is not there. */
function edited(from: string, to: string): string {
  expect(demoYaml).toContain(from);
  return demoYaml.replace(from, to);
}

function problemsOf(yaml: string, file = 'campaigns/x.yaml'): string[] {
  try {
    parseCampaignYaml(yaml, file);
  } catch (err) {
    expect(err).toBeInstanceOf(CampaignFileError);
    return (err as CampaignFileError).problems.map((p) => `${p.where}: ${p.message} (${file}:${p.line})`);
  }
  throw new Error('the campaign file was accepted');
}

const lineOf = (yaml: string, text: string) => yaml.slice(0, yaml.indexOf(text)).split('\n').length;

describe('campaign file', () => {
  it('loads the 2020 video-conferencing campaign the demo runs', () => {
    const input = loadCampaignFile(DEMO_FILE);
    expect(input.campaign.id).toBe('video-conferencing-2020');
    expect(input.campaign.authorities.map((a) => a.id)).toEqual(['opc', 'ico', 'oaic', 'gra', 'pcpd', 'fdpic']);
    expect(input.campaign.authorities.filter((a) => a.lead).map((a) => a.id)).toEqual(['opc']);
    expect(input.vendors.map((v) => v.name)).toEqual(['Microsoft', 'Cisco', 'Zoom', 'Houseparty', 'Google']);
    expect(input.campaign.letterDate).toBe('2020-07-21');
    expect(input.campaign.letterBody.fr.length).toBe(input.campaign.letterBody.en.length);
    expect(input.approval).toEqual({ kind: 'all' });
    expect(input.publication).toEqual({ folder: 'video-conferencing-2020', notifyVendors: true });
    expect(input.campaign.officers?.map((o) => o.language)).toEqual(['fr', 'en']);
    // What the workflow re-checks is the same campaign.
    expect(checkCampaign(toCampaignFile(input))).toEqual({ ok: true, input });
  });

  it('reports a missing field with its path and the line of the object that lacks it', () => {
    const yaml = edited('reference: OPC-2020-VC\n', '');
    expect(problemsOf(yaml)).toEqual([`reference: is required (campaigns/x.yaml:${lineOf(yaml, 'id: video')})`]);
  });

  it("refuses a digest officer without a language the digest exists in", () => {
    const yaml = edited('language: en }\n', 'language: de }\n');
    const [problem] = problemsOf(yaml);
    expect(problem).toMatch(/^officers\[1\]\.language: must be one of en, fr \(got "de"\)/);
    expect(problem).toContain(`(campaigns/x.yaml:${lineOf(yaml, 'language: de')})`);
  });

  it('takes the zone a digest officer works in, and refuses one that is not a zone', () => {
    const sydney = edited('daniel.okafor@opc-priv.example, language: en }', 'daniel.okafor@opc-priv.example, language: en, timeZone: Australia/Sydney }');
    expect(parseCampaignYaml(sydney, 'campaigns/x.yaml').campaign.officers?.map((o) => o.timeZone)).toEqual([undefined, 'Australia/Sydney']);
    const [problem] = problemsOf(edited('daniel.okafor@opc-priv.example, language: en }', 'daniel.okafor@opc-priv.example, language: en, timeZone: Sydney }'));
    expect(problem).toMatch(/^officers\[1\]\.timeZone: /);
  });

  it('reports a value of the wrong type', () => {
    const yaml = edited('  rule: all', '  rule: quorum\n  quorum: "three"');
    expect(problemsOf(yaml)).toEqual([`approval.quorum: must be a number, not a string (campaigns/x.yaml:${lineOf(yaml, '"three"')})`]);
    const list = edited('  reminderCadence: [14 days, 21 days]', '  reminderCadence: 14 days');
    expect(problemsOf(list)).toEqual([`policy.reminderCadence: must be a list, not a string (campaigns/x.yaml:${lineOf(list, '  reminderCadence')})`]);
  });

  it('names a whole number, a mapping and either of two types in English words, not zod’s', () => {
    const fraction = edited('  rule: all', '  rule: quorum\n  quorum: 1.5');
    expect(problemsOf(fraction)).toEqual([`approval.quorum: must be a whole number, not a number (campaigns/x.yaml:${lineOf(fraction, '1.5')})`]);
    const mapping = edited('reference: OPC-2020-VC', 'reference: { code: OPC }');
    expect(problemsOf(mapping)).toEqual([`reference: must be a string, not a mapping of fields (campaigns/x.yaml:${lineOf(mapping, 'reference:')})`]);
    const flag = edited('  closeAfter: 14 days', '  closeAfter: true');
    expect(problemsOf(flag)).toEqual([`policy.closeAfter: must be a number or a string, not a boolean (campaigns/x.yaml:${lineOf(flag, 'closeAfter: true')})`]);
  });

  it('names a mapping given for a vendor’s text as the file’s other fields do, not as JavaScript’s "object"', () => {
    const yaml = edited('  - id: zoom\n    name: Zoom\n', '  - id: zoom\n    name: { en: Zoom }\n');
    expect(problemsOf(yaml)).toEqual([`vendors[2].name: must be a string, not a mapping of fields (campaigns/x.yaml:${lineOf(yaml, 'name: { en: Zoom }')})`]);
  });

  it('gives each missing field, wrong type and unknown field its code, with the path in the file', () => {
    const yaml = edited('  rule: all', '  rule: quorum\n  quorum: 1.5\n  colour: blue');
    const checked = checkCampaign(parseYaml(yaml));
    expect(checked.ok ? [] : checked.problems.map((p) => p.refusal)).toEqual([
      { refusal: 'wrong-type', values: { path: 'approval.quorum', expected: 'whole-number', got: 'number' } },
      { refusal: 'unknown-field', values: { path: 'approval', field: 'colour' } },
    ]);
    const vendor = checkCampaign(parseYaml(edited('  - id: zoom\n', '  - id: zoom\n    size: 3\n    colour: blue\n')));
    expect(vendor.ok ? [] : vendor.problems.map((p) => p.refusal)).toEqual([{ refusal: 'unknown-fields', values: { path: 'vendors[2]', fields: 'size, colour' } }]);
  });

  it('refuses two lead authorities, naming both', () => {
    const yaml = edited('  - id: ico\n', '  - id: ico\n    lead: true\n');
    expect(problemsOf(yaml)).toEqual([
      `authorities[1].lead: exactly one authority leads, but "opc" and "ico" both have lead: true (campaigns/x.yaml:${lineOf(yaml, 'lead: true\n    name:\n      en: Information')})`,
    ]);
  });

  it('reads the French article of each authority, keeps a typed apostrophe typographic, and refuses a word that is not one', () => {
    const input = loadCampaignFile(DEMO_FILE);
    expect(input.campaign.authorities.map((a) => a.article?.fr)).toEqual(['le', 'le', 'le', 'la', 'le', 'le']);
    const typed = parseCampaignYaml(edited("    article: { fr: la }\n", "    article: { fr: \"l'\" }\n"), 'campaigns/x.yaml');
    expect(typed.campaign.authorities.find((a) => a.id === 'gra')?.article).toEqual({ fr: 'l’' });
    const yaml = edited("    article: { fr: la }\n", '    article: { fr: une }\n');
    expect(problemsOf(yaml)).toEqual([
      `authorities[3].article.fr: must be one of le, la, l’: the article French puts before the name in a sentence (campaigns/x.yaml:${lineOf(yaml, 'fr: une')})`,
    ]);
  });

  it('refuses the plural article les, naming the articles an authority may take', () => {
    // The French emails make an authority the subject of a singular verb ("Le Commissariat … demande").
    const yaml = edited("    article: { fr: la }\n", '    article: { fr: les }\n');
    expect(problemsOf(yaml)).toEqual([
      `authorities[3].article.fr: must be one of le, la, l’, not les: an authority is one body, and the French emails make it the subject of a singular verb ("Le Commissariat … demande") (campaigns/x.yaml:${lineOf(yaml, 'article: { fr: les }')})`,
    ]);
  });

  it('refuses a lead authority with a time zone but no jurisdiction, or the other way round: its dates would all be in UTC', () => {
    const zoneOnly = edited('    language: fr\n  - id: ico\n', '    language: fr\n    timeZone: America/Toronto\n  - id: ico\n');
    expect(problemsOf(zoneOnly)).toEqual([
      `authorities[0].jurisdiction: the lead authority gives a timeZone but no jurisdiction: dates are shown in its zone only with both (e.g. jurisdiction: CA, timeZone: America/Toronto); without either they are in UTC (campaigns/x.yaml:${lineOf(zoneOnly, '  - id: opc')})`,
    ]);
    const calendarOnly = edited('    language: fr\n  - id: ico\n', '    language: fr\n    jurisdiction: CA\n  - id: ico\n');
    expect(problemsOf(calendarOnly)[0]).toMatch(/^authorities\[0\]\.timeZone: the lead authority gives a jurisdiction but no timeZone/);
    const both = edited('    language: fr\n  - id: ico\n', '    language: fr\n    jurisdiction: CA\n    timeZone: America/Toronto\n  - id: ico\n');
    expect(() => parseCampaignYaml(both, 'campaigns/x.yaml')).not.toThrow();
  });

  it('refuses a campaign without a lead', () => {
    expect(problemsOf(edited('    lead: true\n', ''))[0]).toMatch(/^authorities: exactly one authority must have lead: true/);
  });

  it('refuses a duplicate vendor id at the second occurrence', () => {
    const yaml = edited('  - id: google', '  - id: zoom');
    expect(problemsOf(yaml)).toEqual([
      `vendors[4].id: duplicate vendor id "zoom" (first at index 2) (campaigns/x.yaml:${lineOf(yaml, '  - id: zoom\n    name: Google')})`,
    ]);
  });

  it('refuses a malformed email address, pointing at the contact', () => {
    const yaml = edited('email: legal@zoom.example', 'email: legal-at-zoom.example');
    expect(problemsOf(yaml)).toEqual([`vendors[2].contacts[1].email: invalid email (campaigns/x.yaml:${lineOf(yaml, 'legal-at-zoom')})`]);
  });

  it('lists every problem at once, and the error message names the file and line of each', () => {
    const yaml = edited('email: legal@zoom.example', 'email: nope').replace('language: en', 'language: de').replace('30 days', 'a month');
    try {
      parseCampaignYaml(yaml, 'campaigns/x.yaml');
      throw new Error('accepted');
    } catch (err) {
      const message = (err as Error).message;
      expect(message).toMatch(/^3 problems in campaigns\/x\.yaml/);
      expect(message).toContain(`vendors[0].language: must be one of en, fr (got "de") (campaigns/x.yaml:${lineOf(yaml, 'language: de')}:`);
      expect(message).toContain(`vendors[2].contacts[1].email: invalid email (campaigns/x.yaml:${lineOf(yaml, 'email: nope')}:`);
      expect(message).toMatch(/policy\.responseDue: must be a duration such as "14 days"/);
    }
  });

  it('refuses unknown fields, reminders after the final notice and an unreachable quorum', () => {
    const yaml = edited('  closeAfter: 14 days', '  closeAfter: 14 days\n  closeAfer: 3 days')
      .replace('[14 days, 21 days]', '[14 days, 30 days]')
      .replace('  rule: all', '  rule: quorum\n  quorum: 7');
    const problems = problemsOf(yaml);
    expect(problems).toContainEqual(expect.stringMatching(/^policy: unknown field closeAfer/));
    expect(problems).toContainEqual(expect.stringMatching(/^policy\.reminderCadence\[1\]: reminder at 30 days is not before the final notice \(28 days\)/));
    expect(problems).toContainEqual(expect.stringMatching(/^approval\.quorum: a quorum of 7 cannot be met by 6 authorities/));
  });

  it('refuses approval reminders that would repeat without pause, naming the field', () => {
    for (const every of ['0', '0s', '500']) {
      const problems = problemsOf(edited('  approvalReminderEvery: 7 days', `  approvalReminderEvery: ${every}`));
      expect(problems, every).toContainEqual(expect.stringMatching(/^policy\.approvalReminderEvery: must be at least 1 second: it is how often a reminder repeats/));
    }
    expect(parseCampaignYaml(edited('  approvalReminderEvery: 7 days', '  approvalReminderEvery: 1s'), 'campaigns/x.yaml').policy.approvalReminderEvery).toBe('1s');
  });

  it('refuses a retention of nothing, which would destroy the key as the campaign ends', () => {
    const withRetention = (value: string) => edited('publication:\n', `publication:\n  retention: ${value}\n`);
    expect(problemsOf(withRetention('0'))).toContainEqual(expect.stringMatching(/^publication\.retention: must be at least 1 second \(got 0\)/));
    expect(parseCampaignYaml(withRetention('7 years'), 'campaigns/x.yaml').publication.retention).toBe('7 years');
  });

  it('reports a YAML syntax error with its line', () => {
    expect(problemsOf('id: x\ntitle: [unclosed\n')[0]).toMatch(/^\(syntax\): .*\(campaigns\/x\.yaml:\d+\)$/);
  });

  it('names the file it could not read', () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'campaign-file-')), 'absent.yaml');
    expect(() => loadCampaignFile(missing)).toThrow(/\(file\): cannot be read \(ENOENT\)/);
  });

  it('loads a file given by path and reports problems against that path', () => {
    const folder = mkdtempSync(join(tmpdir(), 'campaign-file-'));
    const path = join(folder, 'bad.yaml');
    writeFileSync(path, edited('email: privacy@cisco.example', 'email: privacy@'));
    expect(() => loadCampaignFile(path)).toThrow(`vendors[1].contacts[0].email: invalid email (${path}:`);
  });

  it('checks a vendor added to a running campaign with the same rules', () => {
    expect(checkVendor({ id: 'whereby', name: 'Whereby', language: 'en', contacts: [{ name: 'A', email: 'a@whereby.example' }] }).ok).toBe(true);
    expect(checkVendor({ id: 'Bad Id', name: 'X', language: 'en', contacts: [] })).toEqual({
      ok: false,
      problems: [
        'vendor.id: must be lowercase letters, digits and dashes (e.g. "opc-canada")',
        'vendor.contacts: needs at least one contact',
      ],
      refusal: {
        refusal: 'problems',
        values: { count: '2', problems: JSON.stringify([{ refusal: 'vendor-id-invalid', values: { id: 'Bad Id' } }, { refusal: 'no-contact', values: {} }]) },
      },
    });
  });

  it('applies the text rules: one-line names without < or >, no active markup, maximum lengths', () => {
    const vendor = { id: 'whereby', name: 'Whereby', language: 'en', contacts: [{ name: 'A', email: 'a@whereby.example' }] };
    expect(checkVendor({ ...vendor, name: 'Where<by>' })).toEqual({
      ok: false,
      problems: ['vendor.name: must not contain < or >: a name is plain text, not markup'],
      refusal: { refusal: 'field-angle-brackets', values: { field: 'vendor-name' } },
    });
    expect(checkVendor({ ...vendor, contacts: [{ name: 'A\r\nBcc: x@evil.example', email: 'a@whereby.example' }] })).toEqual({
      ok: false,
      problems: ['vendor.contacts[0].name: must be on one line: it contains a line break (U+000D)'],
      refusal: { refusal: 'field-line-break', values: { field: 'contact-name:1', found: 'U+000D' } },
    });
    const yaml = edited('reference: OPC-2020-VC', `reference: ${'R'.repeat(101)}`);
    expect(problemsOf(yaml)).toEqual([`reference: must be at most 100 characters (got 101) (campaigns/x.yaml:${lineOf(yaml, 'reference:')})`]);
    const trimmed = checkVendor({ ...vendor, name: '  Whereby  ' });
    expect(trimmed.ok && trimmed.vendor.name).toBe('Whereby');
  });

  it('checks the statement text with the same rules as the letter paragraphs', () => {
    const good = { en: ['We found…'], fr: ['Nous avons constaté…'] };
    expect(statementTextProblems({ conclusions: good, lessonsLearned: good })).toEqual([]);
    expect(
      statementTextProblems({ conclusions: { ...good, fr: ['ok', '<script>alert(1)</script>'] }, lessonsLearned: { en: [], fr: ['x'] } }),
    ).toEqual([
      'conclusions.fr[1]: must not contain markup (found "<script"): markup is not accepted, describe it in words',
      'lessonsLearned.en: needs at least one paragraph',
    ]);
  });

  it('accepts names in Chinese and Korean, and refuses at its field a character no PDF font can draw', () => {
    const hongKong = edited('contact: { name: Chan Wing-yan,', 'contact: { name: 陳詠欣 Chan Wing-yan (김민준),');
    expect(parseCampaignYaml(hongKong, 'campaigns/x.yaml').campaign.authorities[4].contact.name).toBe('陳詠欣 Chan Wing-yan (김민준)');
    const emoji = edited('contact: { name: Chan Wing-yan,', 'contact: { name: Chan 🦄 Wing-yan שלום,');
    expect(problemsOf(emoji)).toEqual([
      `authorities[4].contact.name: contains U+1F984 "🦄", U+05E9 "ש", U+05DC "ל", U+05D5 "ו", U+05DD "ם", which no font of Dossier's PDFs can draw (campaigns/x.yaml:${lineOf(emoji, 'Chan 🦄')})`,
    ]);
  });

  it('accepts a retention period in years, as the campaign file guide documents ("7 years")', () => {
    const input = parseCampaignYaml(edited('  notifyVendors: true', '  notifyVendors: true\n  retention: "7 years"'), 'campaigns/x.yaml');
    expect(input.publication.retention).toBe('7 years');
    const refused = edited('  notifyVendors: true', '  notifyVendors: true\n  retention: 7 eons');
    expect(problemsOf(refused)).toEqual([
      `publication.retention: must be a duration such as "14 days", "36 hours", "2s" or a number of milliseconds (campaigns/x.yaml:${lineOf(refused, '7 eons')})`,
    ]);
  });
});
