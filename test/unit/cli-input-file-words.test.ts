// An input file's problems in the officer's language: the YAML parser's by its error's code (its
// line, column and the line quoted), the schema's by the sentence this release gives each, zod's own by
// its refusal code as the workspace words it. A parser error this release does not word is quoted,
// said to be the parser’s. English reads as it did, but a campaign file’s problems quote back what was given, as French does.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../client/cli';
import { readAnswersFile, readConclusionsFile, readFindingsFile, readOpenCasesFile } from '../../client/commands/input-files';
import { cliWords } from '../../client/cli-words';
import { PROJECT_ROOT } from '../../paths';

const NBSP = '\u00a0';
const NNBSP = '\u202f';
const folder = mkdtempSync(join(tmpdir(), 'dossier-input-words-'));
const fileWith = (name: string, text: string) => {
  const file = join(folder, name);
  writeFileSync(file, text);
  return file;
};
const refusal = (read: () => unknown): string => {
  try {
    read();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('the file was accepted');
};
const fr = cliWords('fr');
const en = cliWords('en');
const principles = (security: string) =>
  `security: ${security}\nprivacy-by-design: {assessment: {en: a, fr: b}}\nknow-your-audience: {assessment: {en: a, fr: b}}\ntransparency: {assessment: {en: a, fr: b}}\nend-user-control: {assessment: {en: a, fr: b}}\n`;

describe('a file the YAML parser refuses, in French', () => {
  it('says why from the parser’s code, with the line and column and the line quoted', () => {
    const file = fileWith('twice.yaml', 'q1: yes\nq1: no\n');
    expect(refusal(() => readAnswersFile(file, fr))).toBe(
      `${file}: YAML ou JSON invalide${NBSP}: une clé apparaît deux fois dans le même dictionnaire à la ligne 2, colonne 1 («${NNBSP}q1: no${NNBSP}»)`,
    );
    expect(refusal(() => readAnswersFile(file, en))).toBe(`${file}: not valid YAML or JSON: Map keys must be unique at line 2, column 1 ("q1: no")`);
  });

  it('quotes the parser’s words, said to be its own, for a code it does not word', () => {
    const file = fileWith('alias.yaml', 'q1: &a yes\nq2: *b\n');
    expect(refusal(() => readAnswersFile(file, fr))).toBe(
      `${file}: YAML ou JSON invalide${NNBSP}; texte de l’analyseur YAML, non traduit${NBSP}: Unresolved alias (the anchor must be set before the alias): b`,
    );
  });
});

describe('a file the schema refuses, in French', () => {
  it('words this release’s own sentences', () => {
    expect(refusal(() => readAnswersFile(fileWith('empty.yaml', 'q1: ""\n'), fr))).toMatch(new RegExp(`: q1${NBSP}: la réponse est vide$`));
    expect(refusal(() => readFindingsFile(fileWith('plain.yaml', principles('{assessment: good}')), fr))).toMatch(
      new RegExp(`: security\\.assessment${NBSP}: donnez le texte en anglais et en français`),
    );
    expect(refusal(() => readOpenCasesFile(fileWith('open.yaml', 'houseparty: {action: drop, reason: {en: a, fr: b}}\n'), fr))).toMatch(
      new RegExp(`: houseparty\\.action${NBSP}: doit être close ou exclude$`),
    );
    expect(refusal(() => readConclusionsFile(fileWith('conclusions.yaml', 'conclusions: {en: [a], fr: []}\nlessonsLearned: {en: [a], fr: [b]}\n'), fr))).toMatch(
      new RegExp(`: conclusions\\.fr${NBSP}: demande au moins un paragraphe$`),
    );
  });

  it('words zod’s own problems from their refusal code', () => {
    expect(refusal(() => readFindingsFile(fileWith('extra.yaml', principles('{assessment: {en: a, fr: b}, extra: 1}')), fr))).toMatch(
      new RegExp(`: Champ inconnu dans security${NBSP}: extra\\.$`),
    );
  });

  it('reads in English as before', () => {
    expect(refusal(() => readAnswersFile(fileWith('empty-en.yaml', 'q1: ""\n'), en))).toMatch(/: q1: the answer is empty$/);
    expect(refusal(() => readFindingsFile(fileWith('extra-en.yaml', principles('{assessment: {en: a, fr: b}, extra: 1}')), en))).toMatch(/: security: Unrecognized key: "extra"$/);
  });
});

describe('a campaign or vendor file refused before its fields are read, in French', () => {
  afterEach(() => vi.restoreAllMocks());

  /** The CLI in this process, in French unless told, with no server: these files are refused before it is needed. */
  async function stderrOf(args: string[], language = 'fr'): Promise<string> {
    const printed: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (printed.push(String(chunk)), true));
    vi.spyOn(console, 'error').mockImplementation((...parts) => void printed.push(parts.join(' ')));
    await runCli(['--lang', language, ...args], { ...process.env, TEMPORAL_ADDRESS: '127.0.0.1:1' });
    vi.restoreAllMocks();
    return printed.join('');
  }

  it('says why the file cannot be read, and what the YAML parser found, from their codes', async () => {
    const missing = join(folder, 'missing.yaml');
    expect(await stderrOf(['campaign', 'start', '--file', missing])).toContain(`(fichier)${NBSP}: illisible (fichier introuvable)`);
    const twice = fileWith('campaign-twice.yaml', 'id: vc\nid: vc2\n');
    const said = await stderrOf(['campaign', 'start', '--file', twice]);
    expect(said).toContain(`(syntaxe)${NBSP}: une clé apparaît deux fois dans le même dictionnaire (ligne 2)`);
    expect(said).not.toContain('Map keys must be unique');
  });

  it('words a campaign file’s dates, durations, choices and calendar in French, not in English', async () => {
    const demo = readFileSync(join(PROJECT_ROOT, 'campaigns', 'video-conferencing-2020.yaml'), 'utf8');
    const campaign = fileWith(
      'campaign-fr.yaml',
      demo
        .replace('date: 2020-07-21', 'date: 2020-07-32')
        .replace('  - id: cisco\n    name: Cisco\n    language: en', '  - id: cisco\n    name: Cisco\n    language: de')
        .replace('responseDue: 30 days', 'responseDue: 30 dais')
        .replace('finalNoticeAfter: 28 days', 'finalNoticeAfter: 20 days')
        .replace('    language: fr\n  - id: ico', '    language: fr\n    timeZone: Mars/Olympus\n  - id: ico'),
    );
    const said = await stderrOf(['campaign', 'start', '--file', campaign]);
    expect(said).toContain(`letter.date${NBSP}: doit être une date qui existe (et non «${NNBSP}2020-07-32${NNBSP}»)`);
    expect(said).toContain(`vendors[1].language${NBSP}: doit valoir l’une de ces valeurs${NBSP}: en, fr (et non «${NNBSP}de${NNBSP}»)`);
    expect(said).toContain(`policy.responseDue${NBSP}: doit être une durée comme`);
    expect(said).toContain(`authorities[0].timeZone${NBSP}: fuseau horaire inconnu «${NNBSP}Mars/Olympus${NNBSP}»`);
    expect(said).toContain(`policy.reminderCadence[1]${NBSP}: le rappel à 21 days ne vient pas avant le dernier avis (20 days)`);
    expect(said).not.toMatch(/must be|Invalid option|unknown time zone|is not before/);
  });

  it('says in English too what was given: the duration typed, and the address that is not one', async () => {
    const demo = readFileSync(join(PROJECT_ROOT, 'campaigns', 'video-conferencing-2020.yaml'), 'utf8');
    const campaign = fileWith('campaign-en.yaml', demo.replace('responseDue: 30 days', 'responseDue: 30 dais').replace(/email: privacy@zoom\.[a-z.]+/, 'email: privacy-at-zoom'));
    const said = await stderrOf(['campaign', 'start', '--file', campaign], 'en');
    expect(said).toContain('policy.responseDue: must be a duration such as "14 days", "36 hours", "2s", "20 working days" or a number of milliseconds (got "30 dais")');
    expect(said).toContain('.email: “privacy-at-zoom” is not an email address such as name@example.org.');
  });

  it('words a campaign file’s texts that are empty, too long or hold markup in French, not in English', async () => {
    const demo = readFileSync(join(PROJECT_ROOT, 'campaigns', 'video-conferencing-2020.yaml'), 'utf8');
    const campaign = fileWith(
      'campaign-texts.yaml',
      demo
        .replace('reference: OPC-2020-VC', 'reference: ""')
        .replace(/^(title:\n  en: ).*$/m, `$1${'T'.repeat(301)}`)
        .replace(/^(  fr: )Attentes mondiales.*$/m, '$1Attentes <script>alert(1)</script>'),
    );
    const said = await stderrOf(['campaign', 'start', '--file', campaign]);
    expect(said).toContain(`reference${NBSP}: ne doit pas être vide`);
    expect(said).toMatch(/title\.en\u00a0: doit compter au plus \d+ caractères \(et non 301\)/);
    expect(said).toContain(`title.fr${NBSP}: ne doit pas contenir de balisage (trouvé${NBSP}: «${NNBSP}<script${NNBSP}»)${NBSP}: le balisage n’est pas accepté`);
    expect(said).not.toMatch(/must not|must be at most/);
  });

  it('words a vendor file’s problems from their codes', async () => {
    const vendor = fileWith('vendor.yaml', 'id: zoom\nname: Zoom\n');
    const said = await stderrOf(['campaign', 'add-vendor', 'vc', '--vendor-file', vendor]);
    expect(said).toContain('Il manque le champ language.');
    expect(said).not.toContain('is required');
  });

  it('names the field and line of each of a vendor file’s problems, as for a campaign file', async () => {
    const vendor = fileWith('vendor-three.yaml', 'id: whereby\nname: Whereby\nlnguage: en\ncontacts:\n  - { name: Privacy team, email: privacy@whereby }\n');
    expect(await stderrOf(['campaign', 'add-vendor', 'vc', '--vendor-file', vendor])).toBe(
      `dossier: ${vendor}${NBSP}: 3 problèmes${NBSP}: Il manque le champ language. (ligne 1)${NNBSP}; ` +
        `contacts[0].email${NBSP}: «${NNBSP}privacy@whereby${NNBSP}» n’est pas une adresse électronique de la forme nom@exemple.org. (ligne 5)${NNBSP}; ` +
        `Champ inconnu dans le fichier${NBSP}: lnguage. (ligne 1)\n`,
    );
    const printed: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (printed.push(String(chunk)), true));
    await runCli(['campaign', 'add-vendor', 'vc', '--vendor-file', fileWith('vendor-no-email.yaml', 'id: whereby\nname: Whereby\nlanguage: en\ncontacts:\n  - { name: Privacy team }\n')], { ...process.env, LANG: 'C', TEMPORAL_ADDRESS: '127.0.0.1:1' });
    vi.restoreAllMocks();
    expect(printed.join('')).toMatch(/^dossier: contacts\[0\]\.email: is required \(.*vendor-no-email\.yaml:5:5\)\n$/);
  });
});
