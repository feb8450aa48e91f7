// The CLI counts as an officer reads: "1 document was removed", "2 documents were removed", never
// "document(s)". A sentence about a number of things has `.one` and `.other` forms in
// templates/cli.yaml, chosen by the language's plural rule: French says "0 document" and "1 document".
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { usageError } from '../../client/cli-help';
import { CLI_TEMPLATES } from '../../client/cli-sentences';
import { cliWords } from '../../client/cli-words';
import { PROJECT_ROOT } from '../../paths';
import { LANGUAGES } from '../../workflows/types';

const source = readFileSync(CLI_TEMPLATES, 'utf8');
const templates = parse(source) as Record<string, Record<string, string>>;

describe('templates/cli.yaml', () => {
  it('writes no plural as "(s)", "(e)s" or "(es)", in either language', () => {
    const bracketed = source.split('\n').filter((line) => /\w\((?:s|e|es|x)\)/.test(line));
    expect(bracketed).toEqual([]);
  });

  it('has both forms of every sentence the code counts, in both languages', () => {
    const folders = [join(PROJECT_ROOT, 'client'), join(PROJECT_ROOT, 'client', 'commands')];
    const code = folders.flatMap((folder) => readdirSync(folder).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(join(folder, f), 'utf8'))).join('\n');
    const counted = [...new Set([...code.matchAll(/\b(?:sayCount|cliCountedSentence\([^,]+,)\s*\(?\s*'([a-z][\w.-]*)'/g)].map((m) => m[1]!))];
    expect(counted.length).toBeGreaterThanOrEqual(10);
    for (const language of LANGUAGES) {
      const missing = counted.flatMap((key) => [`${key}.one`, `${key}.other`]).filter((key) => !(key in templates[language]!));
      expect(missing, language).toEqual([]);
    }
  });
});

describe('a sentence about a number of things', () => {
  const en = cliWords('en');
  const fr = cliWords('fr');

  it('agrees with the number in English: 1 is singular, 0 and 2 plural', () => {
    expect(en.sayCount('shred.documents-removed', 1)).toBe('1 document kept for its cases was removed from the store.');
    expect(en.sayCount('shred.documents-removed', 2)).toBe('2 documents kept for its cases were removed from the store.');
    expect(en.sayCount('campaign.started', 1, { workflowId: 'campaign:vc' })).toBe('Started campaign:vc with 1 vendor.');
    expect(en.sayCount('campaign.started', 0, { workflowId: 'campaign:vc' })).toBe('Started campaign:vc with 0 vendors.');
    expect(en.sayCount('statement.texts-missing', 1)).toBe('1 text still missing (`npx dossier statement status` lists it)');
    expect(en.sayCount('audit.unreadable', 12345)).toBe("12,345 events could not be read: the campaign's data key was destroyed.");
  });

  it('agrees with the number in French: 0 and 1 are singular', () => {
    expect(fr.sayCount('shred.documents-removed', 0)).toBe('0 document conservé pour ses dossiers a été supprimé du stockage.');
    expect(fr.sayCount('shred.documents-removed', 3)).toBe('3 documents conservés pour ses dossiers ont été supprimés du stockage.');
    expect(fr.sayCount('campaign.started', 1, { workflowId: 'campaign:vc' })).toBe('campaign:vc lancée avec 1 entreprise.');
    expect(fr.sayCount('statement.texts-missing', 2)).toBe('2 textes encore manquants (`npx dossier statement status` les liste)');
    expect(fr.sayCount('audit.unreadable', 1)).toBe('1 événement illisible\u00a0: la clé de données de la campagne a été détruite.');
  });

  it('counts each number of a sentence that has two on its own', () => {
    const answers = (words: typeof en, recorded: number, open: number) =>
      words.say('engagement.answers-recorded', { answers: words.sayCount('engagement.answers', recorded), open: words.sayCount('engagement.questions-open', open), stage: 'responded' });
    expect(answers(en, 1, 2)).toBe('1 answer recorded; 2 questions still open; stage responded.');
    expect(answers(en, 2, 0)).toBe('2 answers recorded; 0 questions still open; stage responded.');
    expect(answers(fr, 2, 0)).toBe('2 réponses consignées\u202f; 0 question encore ouverte\u202f; étape «\u202fresponded\u202f».');
    const written = (words: typeof en, events: number, workflows: number) =>
      words.say('audit.written', { file: 'audit.csv', events: words.sayCount('audit.events', events), workflows: words.sayCount('audit.workflows', workflows) });
    expect(written(en, 1, 1)).toBe('Audit trail written to audit.csv: 1 event from 1 workflow.');
    expect(written(en, 40, 3)).toBe('Audit trail written to audit.csv: 40 events from 3 workflows.');
    expect(written(fr, 40, 3)).toBe('Piste d’audit écrite dans audit.csv\u00a0: 40 événements de 3 flux.');
  });

  it("words Commander's too-many-arguments error with its numbers agreed", () => {
    expect(usageError("error: too many arguments for 'show'. Expected 1 argument but got 3.\n", 'en')).toBe("error: too many arguments for 'show'. Expected 1 argument but got 3.\n");
    expect(usageError("error: too many arguments for 'show'. Expected 2 arguments but got 3.\n", 'en')).toBe("error: too many arguments for 'show'. Expected 2 arguments but got 3.\n");
    expect(usageError("error: too many arguments for 'show'. Expected 1 argument but got 2.\n", 'fr')).toBe('erreur\u00a0: trop d’arguments pour «\u202fshow\u202f». 1 attendu, 2 reçus.\n');
    expect(usageError("error: too many arguments for 'show'. Expected 2 arguments but got 3.\n", 'fr')).toBe('erreur\u00a0: trop d’arguments pour «\u202fshow\u202f». 2 attendus, 3 reçus.\n');
  });
});
