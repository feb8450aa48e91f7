// The CLI's words: templates/cli.yaml has every sentence in English and French with the same values,
// every key the commands name is in it, the language is the one the officer chose (--lang over the
// locale), and times read as Dossier writes them in each language.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Command } from 'commander';
import { buildProgram } from '../../client/cli';
import { argumentHelpKey, commandHelpKey, optionHelpKey } from '../../client/cli-help';
import { CLI_TEMPLATES } from '../../client/cli-sentences';
import type { RefusalDetails } from '../../workflows/refusals';
import { Session } from '../../client/commands/context';
import { cliLanguage, cliWords } from '../../client/cli-words';
import { renderStatementStatus } from '../../client/commands/statement';
import { cliActor } from '../../client/identity';
import { refusalSentence } from '../../client/refusal-words';
import { cliWording } from '../../client/timeline-words';
import { deadline, when } from '../../client/output';
import { PROJECT_ROOT } from '../../paths';
import { LANGUAGES } from '../../workflows/types';

const templates = parse(readFileSync(CLI_TEMPLATES, 'utf8')) as Record<string, Record<string, string>>;
const placeholders = (text: string) => [...text.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1]).sort();

/** The keys the CLI's code names literally: `say('…')`, `sayOr('…'`, `headings('…', …)`. */
function keysNamedInCode(): string[] {
  const folders = [join(PROJECT_ROOT, 'client'), join(PROJECT_ROOT, 'client', 'commands')];
  const sources = folders.flatMap((folder) => readdirSync(folder).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(join(folder, f), 'utf8')));
  const keys = new Set<string>();
  for (const source of sources) {
    for (const m of source.matchAll(/\b(?:say|sayOr|cliSentence\([^,]+,)\s*\(?\s*'([a-z][\w.-]*)'/g)) keys.add(m[1]!);
    for (const m of source.matchAll(/\bheadings\(([^)]*)\)/g)) for (const h of m[1]!.matchAll(/'([a-z][\w-]*)'/g)) keys.add(`heading.${h[1]}`);
  }
  return [...keys].sort();
}

describe('templates/cli.yaml', () => {
  it('has every sentence in both languages, with the same values', () => {
    expect(Object.keys(templates).sort()).toEqual([...LANGUAGES].sort());
    expect(Object.keys(templates.fr!).sort()).toEqual(Object.keys(templates.en!).sort());
    for (const key of Object.keys(templates.en!)) expect(placeholders(templates.fr![key]!), key).toEqual(placeholders(templates.en![key]!));
  });

  it('has every key the commands name', () => {
    const named = keysNamedInCode();
    expect(named.length).toBeGreaterThan(100);
    expect(named.filter((key) => !(key in templates.en!))).toEqual([]);
  });

  it('describes every command, argument and option of the help, in both languages', () => {
    const keys: string[] = [];
    const visit = (command: Command) => {
      keys.push(commandHelpKey(command));
      for (const argument of command.registeredArguments) keys.push(argumentHelpKey(command, argument));
      for (const option of command.options) keys.push(optionHelpKey(command, option));
      command.commands.forEach(visit);
    };
    visit(buildProgram(new Session({}, 'en')));
    expect(keys.length).toBeGreaterThan(150);
    for (const language of LANGUAGES) expect(keys.filter((key) => !(key in templates[language]!)), language).toEqual([]);
  });
});

describe('the language of the CLI', () => {
  it('is English by default and with a locale that is not French', () => {
    expect(cliLanguage(['list'], {})).toBe('en');
    expect(cliLanguage(['list'], { LANG: 'de_DE.UTF-8' })).toBe('en');
    expect(cliLanguage(['list'], { LANG: 'C' })).toBe('en');
  });

  it('follows a French locale, LC_ALL before LC_MESSAGES before LANG', () => {
    expect(cliLanguage(['list'], { LANG: 'fr_CA.UTF-8' })).toBe('fr');
    expect(cliLanguage(['list'], { LC_MESSAGES: 'fr_FR.UTF-8', LANG: 'en_CA.UTF-8' })).toBe('fr');
    expect(cliLanguage(['list'], { LC_ALL: 'en_GB.UTF-8', LANG: 'fr_CA.UTF-8' })).toBe('en');
  });

  it('is the one --lang names, whatever the locale, wherever the option stands', () => {
    expect(cliLanguage(['--lang', 'fr', 'list'], { LANG: 'en_CA.UTF-8' })).toBe('fr');
    expect(cliLanguage(['engagement', 'show', 'vc', 'zoom', '--lang=en'], { LC_ALL: 'fr_CA.UTF-8' })).toBe('en');
    // After `--`, an argument is no option.
    expect(cliLanguage(['search', '--', '--lang', 'fr'], {})).toBe('en');
  });

  it('refuses a language it does not have, naming the value and the choices', () => {
    expect(() => cliLanguage(['--lang', 'de', 'list'], {})).toThrow('--lang: "de" is not a language of Dossier; choose one of en, fr');
    expect(() => cliLanguage(['--lang=', 'list'], { LANG: 'fr_CA.UTF-8' })).toThrow('«\u202f\u202f» n’est pas une langue de Dossier');
  });
});

describe('times as the CLI prints them', () => {
  const NOW = Date.parse('2026-12-04T06:14:05Z');

  it('keeps the ISO form in English', () => {
    expect(when('2026-12-01T06:14:05Z')).toBe('2026-12-01 06:14Z');
    expect(when('2026-12-01')).toBe('2026-12-01');
    expect(deadline('2026-12-01T06:14:05Z', NOW)).toBe('2026-12-01 06:14:05Z (3 days ago)');
    expect(deadline('2026-12-04T09:20:05Z', NOW)).toBe('2026-12-04 09:20:05Z (in 3 h 6 min)');
  });

  it('writes French dates as Dossier writes them elsewhere: the first as "1er", "6 h 14", no-break spaces', () => {
    expect(when('2026-12-01T06:14:05Z', 'fr')).toBe('1er\u00a0déc.\u00a02026, 6\u00a0h\u00a014\u00a0UTC');
    expect(when('2026-11-29', 'fr')).toBe('29\u00a0nov.\u00a02026');
    expect(deadline('2026-12-01T06:14:05Z', NOW, 'fr')).toBe('1er\u00a0déc.\u00a02026, 6\u00a0h\u00a014\u00a0min\u00a005\u00a0s\u00a0UTC (il y a 3 jours)');
    expect(deadline('2026-12-04T09:20:05Z', NOW, 'fr')).toMatch(/\(dans 3 h 6 min\)$/);
  });

  it('writes one o’clock in French as "1 h", never as the first of a month', () => {
    expect(when('2026-12-02T01:18:00Z', 'fr')).toBe('2\u00a0déc.\u00a02026, 1\u00a0h\u00a018\u00a0UTC');
    expect(when('2026-12-01T01:05:00Z', 'fr')).toBe('1er\u00a0déc.\u00a02026, 1\u00a0h\u00a005\u00a0UTC');
    expect(deadline('2026-12-04T01:00:05Z', NOW, 'fr')).toBe('4\u00a0déc.\u00a02026, 1\u00a0h\u00a000\u00a0min\u00a005\u00a0s\u00a0UTC (il y a 5 h 14 min)');
  });

  it('groups the digits of a count as each language does', () => {
    expect(cliWords('en').count(12345)).toBe('12,345');
    expect(cliWords('fr').count(12345)).toMatch(/^12[\u00a0\u202f ]345$/);
  });
});

describe('a refusal that names who acted', () => {
  it('names a person acting through the CLI as the tables do, in English and in French, never with the record’s “CLI”', () => {
    const by = cliActor('Marie Leclerc', 'marie@desk-12');
    const said = (language: 'en' | 'fr') => refusalSentence({ refusal: 'late-reply-attached', values: { at: '2026-11-27', by } } as RefusalDetails, language, 'UTC', cliWording(cliWords(language)));
    expect(said('en')).toContain('by Marie Leclerc (marie@desk-12, command line).');
    expect(said('fr')).toContain('Marie Leclerc (marie@desk-12, ligne de commande)');
    const unchanged = refusalSentence({ refusal: 'unchanged-after-changes', values: { version: '2', by } } as RefusalDetails, 'en', 'UTC', cliWording(cliWords('en')));
    expect(unchanged).toContain('(by Marie Leclerc (marie@desk-12, command line))');
  });
});

describe('a vendor in the French CLI', () => {
  it('is “entreprise”, as the workspace, the statement and the letters call it, never “fournisseur”', () => {
    const fournisseur = Object.entries(templates.fr!).filter(([, text]) => /fournisseur/i.test(text.replace(/fournisseur d’identité/g, '')));
    expect(fournisseur.map(([key]) => key)).toEqual([]);
  });

  it('is “entreprise” too in the workspace’s sentences it prints (refusals, timeline), a sign-in’s « fournisseur d’identité » aside', () => {
    const web = parse(readFileSync(join(PROJECT_ROOT, 'templates', 'web', 'strings.yaml'), 'utf8')) as Record<string, Record<string, string>>;
    const fournisseur = Object.entries(web.fr!).filter(([, text]) => /fournisseur/i.test(text.replace(/fournisseur d’identité/g, '')));
    expect(fournisseur.map(([key]) => key)).toEqual([]);
  });

  it('reads as French once the word changed: the feminine article, elided before a vowel', () => {
    const fr = templates.fr!;
    expect(fr['help.engagement.show.argument.vendor']).toBe('identifiant de l’entreprise');
    expect(fr['help.engagement.schedule-demo']).toBe('planifie une démonstration\u00a0: l’entreprise montre comment elle met en œuvre, surveille et valide ses mesures');
    expect(fr['campaign.started.one']).toBe('{{workflowId}} lancée avec {{count}} entreprise.');
    expect(fr['error.vendor-not-in-file-none']).toBe('l’entreprise «\u202f{{vendor}}\u202f» ne figure pas dans {{file}} (aucune entreprise)');
    expect(fr['error.which-vendor']).toMatch(/^indiquez quelle entreprise/);
    for (const [key, text] of Object.entries(fr)) expect(text, key).not.toMatch(/\b(le|du|un|ce|quel|aucun) entreprise|\bde entreprise|\bil met en œuvre/);
  });
});

describe('a statement status in French', () => {
  /** Version 2 approved at the command line by Marie Leclerc, with `changeRequests` on earlier versions. */
  const approving = (changeRequests: object[]) => ({
    campaignId: 'vc',
    reference: 'VC-2020',
    phase: 'approving',
    conclusionsSet: true,
    draft: { version: 2, date: '2026-12-01', approvals: [{ authorityId: 'opc', version: 2, by: cliActor('Marie Leclerc', 'marie@desk-12'), at: '2026-12-01T06:14:05Z' }], required: 2, pending: ['cnil'] },
    changeRequests,
  });

  it('names who approved as the workspace names a CLI identity, its dates in French', () => {
    const text = renderStatementStatus(approving([]) as never, undefined, cliWords('fr'));
    expect(text).toContain('en attente d’approbations');
    expect(text).toContain('version 2 du 1er\u00a0déc.\u00a02026');
    expect(text).toContain('Marie Leclerc (marie@desk-12, ligne de commande)');
    expect(text).not.toContain(', CLI)');
  });

  it('names them in English as the workspace and engagement show do: “command line”, never the record’s “CLI”', () => {
    const text = renderStatementStatus(approving([{ version: 1, authorityId: 'cnil', by: cliActor('Léa Tremblay', 'lea@desk-3'), at: '2026-11-30T06:14:05Z', comment: 'Shorter' }]) as never);
    expect(text).toContain('Marie Leclerc (marie@desk-12, command line)');
    expect(text).toContain('Léa Tremblay (lea@desk-3, command line)');
    expect(text).not.toContain(', CLI)');
  });
});

describe('a reply attached to a closed record after the current version, in statement status', () => {
  it('tells the lead, in English and French, that the version does not say it and the next will', () => {
    const status = {
      campaignId: 'vc', reference: 'VC-2020', phase: 'approving', conclusionsSet: true, changeRequests: [],
      draft: { version: 2, date: '2026-12-01', approvals: [], required: 2, pending: ['opc', 'cnil'] },
      lateRepliesNotInDraft: [{ vendorId: 'houseparty', vendorName: 'Houseparty', receivedAt: '2026-11-30T10:00:00Z' }],
    };
    expect(renderStatementStatus(status as never)).toContain('Houseparty: a reply was attached to the closed record after version 2 was drafted; draft a new version (`npx dossier statement draft`) for the statement to say it.');
    expect(renderStatementStatus(status as never, undefined, cliWords('fr'))).toContain(
      'Houseparty\u00a0: une réponse a été versée au dossier clos après la rédaction de la version 2\u202f; rédigez-en une nouvelle (`npx dossier statement draft`) pour que la déclaration en fasse état.',
    );
    expect(renderStatementStatus({ ...status, lateRepliesNotInDraft: undefined } as never)).not.toContain('closed record');
  });
});

describe('a response of a vendor the lead closed, known after the current version, in statement status', () => {
  it('tells the lead, in English and French, that the version does not say it and the next will', () => {
    const status = {
      campaignId: 'vc', reference: 'VC-2020', phase: 'approving', conclusionsSet: true, changeRequests: [],
      draft: { version: 1, date: '2026-12-01', approvals: [], required: 2, pending: ['opc', 'cnil'] },
      responsesNotInDraft: [{ vendorId: 'cisco', vendorName: 'Cisco', respondedAt: '2026-11-20T09:00:00Z' }],
    };
    expect(renderStatementStatus(status as never)).toContain(
      'Cisco: the case the lead closed ended after version 1 was drafted, and the vendor had responded; the version does not say so. The next version (`npx dossier statement draft`) will say it.',
    );
    expect(renderStatementStatus(status as never, undefined, cliWords('fr'))).toContain(
      'Cisco\u00a0: le dossier clos par l’autorité responsable s’est terminé après la rédaction de la version 1, et l’entreprise avait répondu\u202f; la version ne le dit pas. La prochaine version (`npx dossier statement draft`) le dira.',
    );
    expect(renderStatementStatus({ ...status, responsesNotInDraft: undefined } as never)).not.toContain('had responded');
  });
});

describe('a refusal that names a vendor, in French', () => {
  // strings.yaml writes `{{elide 'de' vendor}}`; the CLI's wording once lacked the helper, and
  // `statement draft --open-cases` naming a vendor no longer open crashed with a stack trace.
  it('elides the word before the vendor’s name, as the workspace does', () => {
    const wording = cliWording(cliWords('fr'));
    expect(refusalSentence({ refusal: 'engagement-ended', values: { vendor: 'Epsilon' } }, 'fr', 'UTC', wording)).toBe('Le dossier d’Epsilon est déjà terminé.');
    expect(refusalSentence({ refusal: 'open-case-not-open', values: { vendor: 'Zoom' } }, 'fr', 'UTC', wording)).toMatch(/^Le dossier de Zoom n’est plus ouvert/);
  });
});

describe('a vendor withdrawn or added, in French', () => {
  it('agrees with « l’entreprise », as the workspace does', () => {
    const fr = cliWords('fr');
    expect(fr.say('engagement.withdrawn', { vendor: 'Zoom', workflowId: 'engagement:vc:zoom', reason: 'hors champ' })).toMatch(/^L’entreprise Zoom est retirée\u00a0: /);
    expect(fr.say('campaign.vendor-added', { vendor: 'Zoom', campaign: 'campaign:vc', workflowId: 'engagement:vc:zoom' })).toMatch(/^L’entreprise Zoom est ajoutée à campaign:vc\u00a0: /);
  });
});

describe('a deadline moved, in French', () => {
  it('names the engagement without "de" before its id (which always begins with a vowel)', () => {
    const fr = cliWords('fr');
    expect(fr.say('engagement.deadline-moved', { workflowId: 'engagement:vc:zoom', date: '27 janv. 2027' })).toBe('Échéance du dossier engagement:vc:zoom reportée au 27 janv. 2027.');
    expect(fr.say('engagement.round-deadline-moved', { workflowId: 'engagement:vc:zoom', round: 2, date: '27 janv. 2027' })).toMatch(/^Échéance du dossier engagement:vc:zoom \(série 2 /);
  });
});

describe('a held reply attached to the closed record of a case it reached in time, in French', () => {
  it('says it came in time, before the case closed on its day, and that the statement will say so', () => {
    const fr = cliWords('fr');
    const said = fr.say('held.attached-in-time', { messageId: '<m@lawfirm.test>', workflowId: 'engagement:vc:houseparty', stage: 'clos, sans réponse', date: fr.when('2026-10-01T12:00:00.000Z') });
    expect(said).toBe(
      `<m@lawfirm.test> versé au dossier engagement:vc:houseparty, qui reste à l’étape «\u202fclos, sans réponse\u202f». Il est parvenu à la boîte des dossiers dans le délai imparti, avant la clôture du dossier le ${fr.when('2026-10-01T12:00:00.000Z')}\u00a0: la prochaine version de la déclaration dira que l’entreprise a répondu à temps.`,
    );
  });
});
