// A command the CLI, the workspace or an email tells a person to type is said as they can type it:
// `npx dossier …`, as the README says it; a bare `dossier` is not on their PATH. Help texts, read
// from within `npx dossier --help`, and comments are left as they are.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliWords } from '../../client/cli-words';
import { TEMPLATES_DIR } from '../../activities/templates';

const COMMAND = /(?<![\w-])(?<!npx )dossier (?:campaign|engagement|inbox|statement|keys|audit|search|list)\b(?!:)/;

/** The lines of a template file that a person reads, without help texts and comments. */
function readLines(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => !/^\s*(#|help\.)/.test(line));
}

describe('a command a person is told to type', () => {
  it('is written npx dossier in every CLI sentence, workspace string and email template', () => {
    const files = ['cli.yaml', join('web', 'strings.yaml'), ...readdirSync(join(TEMPLATES_DIR, 'email')).map((f) => join('email', f))];
    const bare = files.flatMap((file) => readLines(join(TEMPLATES_DIR, file)).filter((line) => COMMAND.test(line)).map((line) => `${file}: ${line.trim().slice(0, 80)}`));
    expect(bare).toEqual([]);
  });

  it('is the one to type after starting a campaign, in English and French', () => {
    const values = { workflowId: 'campaign:vc', running: 2, total: 2, campaignId: 'vc' };
    expect(cliWords('en').say('campaign.started-running', values)).toContain('Follow it with: npx dossier campaign status vc');
    expect(cliWords('fr').say('campaign.started-running', values)).toContain('Suivez-la avec\u00a0: npx dossier campaign status vc');
  });
});
