// A command the CLI, the workspace or an email tells a person to type is said as they can type it:
// `npx dossier …`, as the README says it; a bare `dossier` is not on their PATH. Help texts, read
// from within `npx dossier --help`, and comments are left as they are. The code's own strings count
// too: a refusal's English sentence is what the logs show, and a client that does not know its code.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { cliWords } from '../../client/cli-words';
import { TEMPLATES_DIR } from '../../activities/templates';
import { PROJECT_ROOT } from '../../paths';

const COMMAND = /(?<![\w-])(?<!npx )dossier (?:campaign|engagement|inbox|statement|keys|audit|search|list)\b(?!:)/;

/** The lines of a template file that a person reads, without help texts and comments. */
function readLines(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => !/^\s*(#|help\.)/.test(line));
}

/** The project's own source folders, whose strings can reach a reader. */
const SOURCE_DIRS = ['workflows', 'activities', 'client', 'web', 'intake', 'documents', 'worker', 'config', 'encryption', 'infra', 'store'];

/** Every string literal and template text of a TypeScript file, read by the compiler so that comments are left out. */
function stringsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  // Parsing is the slow part: a file that names no command anywhere has none in its strings either.
  if (!COMMAND.test(source)) return [];
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) found.push(node.text);
    node.forEachChild(visit);
  };
  visit(ts.createSourceFile(file, source, ts.ScriptTarget.Latest));
  return found;
}

describe('a command a person is told to type', () => {
  it('is written npx dossier in every CLI sentence, workspace string and email template', () => {
    const files = ['cli.yaml', join('web', 'strings.yaml'), ...readdirSync(join(TEMPLATES_DIR, 'email')).map((f) => join('email', f))];
    const bare = files.flatMap((file) => readLines(join(TEMPLATES_DIR, file)).filter((line) => COMMAND.test(line)).map((line) => `${file}: ${line.trim().slice(0, 80)}`));
    expect(bare).toEqual([]);
  });

  it('is written npx dossier in the strings of the code itself, such as a refusal\'s English sentence', () => {
    const files = SOURCE_DIRS.flatMap((dir) =>
      readdirSync(join(PROJECT_ROOT, dir), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
        .map((f) => join(dir, f)),
    );
    const bare = files.flatMap((file) => stringsOf(join(PROJECT_ROOT, file)).filter((text) => COMMAND.test(text)).map((text) => `${file}: ${text.trim().slice(0, 80)}`));
    expect(bare).toEqual([]);
  });

  it('is written npx dossier in the README, but where it quotes the CLI\'s own usage line', () => {
    const bare = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8')
      .split('\n')
      .map((line, i) => ({ line, number: i + 1 }))
      .filter(({ line }) => COMMAND.test(line.replace(/`dossier [a-z]+ [a-z-]+ \[options\]/g, '')))
      .map(({ line, number }) => `README.md:${number}: ${line.trim().slice(0, 80)}`);
    expect(bare).toEqual([]);
  });

  it('is the one to type after starting a campaign, in English and French', () => {
    const values = { workflowId: 'campaign:vc', running: 2, total: 2, campaignId: 'vc' };
    expect(cliWords('en').say('campaign.started-running', values)).toContain('Follow it with: npx dossier campaign status vc');
    expect(cliWords('fr').say('campaign.started-running', values)).toContain('Suivez-la avec\u00a0: npx dossier campaign status vc');
  });
});
