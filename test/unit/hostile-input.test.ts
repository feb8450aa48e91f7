// Input built to hurt: a YAML alias bomb, a name that hides a header break in an RFC 2047 encoded
// word, a name that reverses the text after it (U+202E). Each is refused with the file or the
// field named, through the same rules the CLI, the campaign file and the workflows use.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CampaignFileError, loadCampaignFile, parseCampaignYaml } from '../../client/campaign-file';
import { runDossier } from '../helpers/cli';
import { textProblem, NAME } from '../../workflows/text-rules';

const DEMO_YAML = readFileSync(join(__dirname, '..', '..', 'campaigns', 'video-conferencing-2020.yaml'), 'utf8');

const ALIAS_BOMB = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]']
  .concat('bcdefghi'.split('').map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(', ')}]`))
  .join('\n');

function problemsOf(yaml: string): string[] {
  try {
    parseCampaignYaml(yaml, 'campaigns/x.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(CampaignFileError);
    return (err as CampaignFileError).problems.map((p) => `${p.where}: ${p.message}`);
  }
  throw new Error('the campaign file was accepted');
}

describe('hostile input', () => {
  it('refuses a YAML alias bomb with an error naming the file, from the CLI too', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'alias-bomb-'));
    const path = join(folder, 'bomb.yaml');
    writeFileSync(path, ALIAS_BOMB);
    expect(() => loadCampaignFile(path)).toThrow(CampaignFileError);
    expect(() => loadCampaignFile(path)).toThrow(`${path}`);
    expect(() => loadCampaignFile(path)).toThrow(/aliases/);

    const run = await runDossier({ ...process.env, TEMPORAL_ADDRESS: '127.0.0.1:1' }, 'Officer Tremblay', ['campaign', 'start', '--file', path]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('bomb.yaml');
    expect(run.stderr).not.toMatch(/unexpected/);
  });

  it('refuses names hiding a line break in an RFC 2047 encoded word, or a right-to-left override', () => {
    const encoded = '=?utf-8?Q?Ann=0D=0ABcc:_evil@evil.example?=';
    expect(textProblem(encoded, NAME)).toMatch(/encoded word/);
    expect(textProblem('Ann =?UTF-8?B?DQpCY2M6IGV2aWxAZXZpbC5leGFtcGxl?= Smith', NAME)).toMatch(/encoded word/);
    expect(textProblem('invoice\u202Efdp.exe', NAME)).toMatch(/U\+202E/);
    expect(textProblem('محمد علي', NAME)).toBeUndefined(); // right-to-left scripts themselves are fine

    const yaml = DEMO_YAML.replace('name: Jan Kowalczyk', `name: "${encoded}"`);
    expect(yaml).not.toBe(DEMO_YAML);
    expect(problemsOf(yaml)).toEqual([expect.stringMatching(/^vendors\[0\]\.contacts\[0\]\.name: .*encoded word/)]);
    const rlo = DEMO_YAML.replace('name: Jan Kowalczyk', 'name: "Bob \u202Emoc.live"');
    expect(problemsOf(rlo)).toEqual([expect.stringMatching(/^vendors\[0\]\.contacts\[0\]\.name: .*U\+202E/)]);
  });
});
