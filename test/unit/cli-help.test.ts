// The CLI's help and Commander's usage errors in the officer's language: `--lang fr` or a French
// locale gives French section titles, descriptions and errors; English stays as Commander words it.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../paths';

const NBSP = '\u00a0';
const NNBSP = '\u202f';

/** The CLI as an officer runs it, in a locale of the test's choosing (and none of the machine's). */
function dossier(args: string[], locale: NodeJS.ProcessEnv) {
  const env: NodeJS.ProcessEnv = { ...process.env, ...locale };
  for (const name of ['LC_ALL', 'LC_MESSAGES', 'LANG'] as const) if (!(name in locale)) delete env[name];
  const result = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'dossier.js'), ...args], { env, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The help's text as one line: Commander wraps descriptions to the terminal's width (a no-break space stays). */
const unwrapped = (help: string) => help.replace(/[ \n]+/g, ' ');

describe('the help in French', () => {
  it('names its sections and describes the program, its options and commands in French (--lang fr)', () => {
    const { code, stdout } = dossier(['--lang', 'fr', '--help'], { LC_ALL: 'C.UTF-8' });
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^Utilisation${NBSP}: dossier `));
    expect(stdout).toContain(`\nOptions${NBSP}:\n`);
    expect(stdout).toContain(`\nCommandes${NBSP}:\n`);
    expect(stdout).toContain('affiche l’aide de la commande');
    expect(unwrapped(stdout)).toContain('--json affiche les résultats en JSON, pour les scripts');
    expect(unwrapped(stdout)).toContain('campaign une campagne entière');
    expect(stdout).toContain(`Connexion${NBSP}: TEMPORAL_ADDRESS`);
    for (const english of ['Usage:', 'Options:', 'Commands:', 'display help for command', 'print results as JSON']) expect(stdout).not.toContain(english);
  });

  it('describes a subcommand, its arguments and options in French, from a French locale alone (LANG)', () => {
    const { code, stdout } = dossier(['audit', '--help'], { LANG: 'fr_CA.UTF-8' });
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^Utilisation${NBSP}: dossier audit `));
    expect(stdout).toContain(`\nArguments${NBSP}:\n`);
    expect(unwrapped(stdout)).toContain('exporte la piste d’audit d’une campagne');
    expect(unwrapped(stdout)).toContain(`entreprise identifiant de l’entreprise${NBSP}: ce dossier seulement`);
    // Commander's notes on an option, in French too.
    expect(unwrapped(stdout)).toContain(`format du fichier${NBSP}: csv, json (un objet par ligne) ou pdf (par défaut${NBSP}: celui que nomme l’extension du fichier --out, sinon csv) (choix${NBSP}: "csv", "json", "pdf")`);
    for (const english of ['Usage:', 'Arguments:', 'campaign id', 'choices:', 'default:']) expect(stdout).not.toContain(english);
  });

  it('refuses an unknown option in French, naming it, with the usage exit code', () => {
    const { code, stdout, stderr } = dossier(['list', '--stag', 'x'], { LC_ALL: 'fr_FR.UTF-8' });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`erreur${NBSP}: option inconnue «${NNBSP}--stag${NNBSP}»`);
    expect(stderr).toContain(`(Vouliez-vous dire --stage${NNBSP}?)`);
    expect(stderr).not.toContain('unknown option');
  });

  it('words the placeholder of an option whose value is not among its choices', () => {
    const { code, stderr } = dossier(['list', '--stage', 'nosuch'], { LC_ALL: 'fr_FR.UTF-8' });
    expect(code).toBe(2);
    expect(stderr).toContain(`«${NNBSP}--stage <étape>${NNBSP}»`);
    expect(stderr).not.toContain('<stage>');
  });
});

describe('the syntax of the usage lines in French', () => {
  it('words what the officer replaces (arguments, option values, [options], [command]) and keeps what they type', () => {
    const { code, stdout } = dossier(['--lang', 'fr', 'engagement', 'schedule-demo', '--help'], { LC_ALL: 'C.UTF-8' });
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^Utilisation${NBSP}: dossier engagement schedule-demo \\[options\\] <campagne> \\[entreprise\\]\n`));
    expect(stdout).toMatch(/\n {2}campagne +identifiant de la campagne/);
    expect(stdout).toMatch(/\n {2}--at <heure> +/);
    expect(stdout).toContain('--attendee <"Nom <adresse>">');
    expect(stdout).toMatch(/\n {2}--topic <texte> +/);
    for (const english of ['<campaign>', '[vendor]', '<time>', '<text>', 'Name <email>']) expect(stdout).not.toContain(english);
    const root = dossier(['--lang', 'fr', '--help'], { LC_ALL: 'C.UTF-8' }).stdout;
    expect(root).toMatch(new RegExp(`^Utilisation${NBSP}: dossier \\[options\\] \\[commande\\]\n`));
    expect(root).toMatch(/\n {2}help \[commande\] +affiche l’aide de la commande\n/);
    expect(dossier(['--lang', 'fr', 'search', '--help'], { LC_ALL: 'C.UTF-8' }).stdout).toMatch(new RegExp(`^Utilisation${NBSP}: dossier search \\[options\\] <requête>\n`));
  });

  it('names a missing argument or option by its words in French', () => {
    expect(dossier(['engagement', 'show'], { LC_ALL: 'fr_FR.UTF-8' }).stderr).toBe(`erreur${NBSP}: argument obligatoire manquant «${NNBSP}campagne${NNBSP}»\n`);
    expect(dossier(['engagement', 'respond', 'vc', 'zoom'], { LC_ALL: 'fr_FR.UTF-8' }).stderr).toBe(`erreur${NBSP}: l’option obligatoire «${NNBSP}--file <fichier>${NNBSP}» n’est pas indiquée\n`);
  });

  it('has words for every placeholder of every command, in both languages', async () => {
    const { buildProgram } = await import('../../client/cli');
    const { Session } = await import('../../client/commands/context');
    for (const language of ['en', 'fr'] as const) {
      const program = buildProgram(new Session({}, language));
      const visit = (command: import('commander').Command): void => {
        expect(() => command.helpInformation(), `${language}: ${command.name()}`).not.toThrow();
        command.commands.forEach(visit);
      };
      visit(program);
    }
  });
});

describe('the help in English', () => {
  it('is as Commander words it', () => {
    const help = dossier(['--help'], { LC_ALL: 'C.UTF-8' });
    expect(help.stdout).toMatch(/^Usage: dossier \[options\] \[command\]\n/);
    expect(help.stdout).toMatch(/\nOptions:\n {2}--json +print results as JSON, for scripts\n/);
    expect(help.stdout).toMatch(/\n {2}help \[command\] +display help for command\n/);
    const refused = dossier(['list', '--stag', 'x'], { LC_ALL: 'C.UTF-8' });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe("error: unknown option '--stag'\n(Did you mean --stage?)\n");
    const missing = dossier(['engagement', 'show'], { LC_ALL: 'C.UTF-8' });
    expect(missing.stderr).toBe("error: missing required argument 'campaign'\n");
  });
});
