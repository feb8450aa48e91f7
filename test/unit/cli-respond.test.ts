// `engagement respond` as the walkthrough has an officer write it: the response file lists the
// document under "Attachments" and `--attach` keeps that same file. The engagement is a stand-in that
// takes what the command records; the documents go to a local store in a scratch data folder.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { buildProgram, EXIT, runCli } from '../../client/cli';
import { Session, type CommandContext } from '../../client/commands/context';
import { ensureDevMasterKeys } from '../../encryption/config';
import { PROJECT_ROOT } from '../../paths';

const scratch = mkdtempSync(join(tmpdir(), 'dossier-cli-respond-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const fixture = (name: string) => join(PROJECT_ROOT, 'test', 'fixtures', 'cli', name);

/** A CLI session whose engagement records the response it is sent, and answers `responded`. */
class RecordingSession extends Session {
  recorded: { attachments: string[]; documents?: { name: string }[] }[] = [];

  override context(command: Command): CommandContext {
    const context = super.context(command);
    const dossier = {
      checkResponse: async () => {},
      recordResponse: async (_ref: unknown, request: { attachments: string[]; documents?: { name: string }[] }) => {
        this.recorded.push(request);
      },
      status: async () => ({ workflowId: 'engagement:vc:zoom', stage: 'responded' }),
    };
    return Object.assign(Object.create(context) as CommandContext, { dossier: async () => dossier as never });
  }
}

describe('a response whose file lists the document that --attach keeps', () => {
  it('names the document once', async () => {
    const data = join(scratch, 'data');
    ensureDevMasterKeys(join(data, 'master.keys'));
    // response.md lists zoom-privacy-whitepaper.pdf and zoom-encryption-design.pdf.
    const whitepaper = join(scratch, 'zoom-privacy-whitepaper.pdf');
    copyFileSync(fixture('annex-b.pdf'), whitepaper);
    const session = new RecordingSession({ DOSSIER_DATA_DIR: data, DOSSIER_OFFICER: 'Marie Leclerc', TEMPORAL_ADDRESS: '127.0.0.1:1' });
    try {
      await buildProgram(session).parseAsync(['--json', 'engagement', 'respond', 'vc', 'zoom', '--file', fixture('response.md'), '--attach', whitepaper, '--attach', fixture('annex-b.pdf')], { from: 'user' });
    } finally {
      await session.close();
    }
    expect(session.recorded).toHaveLength(1);
    expect(session.recorded[0].attachments).toEqual(['zoom-privacy-whitepaper.pdf', 'zoom-encryption-design.pdf', 'annex-b.pdf']);
    expect(session.recorded[0].documents?.map((d) => d.name)).toEqual(['zoom-privacy-whitepaper.pdf', 'annex-b.pdf']);
  });
});

describe('a response whose file lists a document no --attach gives', () => {
  it('says that only its name is recorded, in the officer’s language', async () => {
    const data = join(scratch, 'data-named');
    ensureDevMasterKeys(join(data, 'master.keys'));
    const whitepaper = join(scratch, 'zoom-privacy-whitepaper.pdf');
    copyFileSync(fixture('annex-b.pdf'), whitepaper);
    const said: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string | Uint8Array) => (said.push(String(chunk)), true)) as typeof process.stdout.write;
    try {
      for (const language of ['en', 'fr'] as const) {
        const session = new RecordingSession({ DOSSIER_DATA_DIR: data, DOSSIER_OFFICER: 'Marie Leclerc', TEMPORAL_ADDRESS: '127.0.0.1:1' }, language);
        try {
          await buildProgram(session).parseAsync(['engagement', 'respond', 'vc', 'zoom', '--file', fixture('response.md'), '--attach', whitepaper], { from: 'user' });
        } finally {
          await session.close();
        }
      }
    } finally {
      process.stdout.write = write;
    }
    const text = said.join('');
    expect(text).toContain('Named only, with no document kept: zoom-encryption-design.pdf (the response file lists them; no file was given with --attach).');
    expect(text).toContain('Nommés seulement, sans document conservé\u00a0: zoom-encryption-design.pdf');
    expect(text).not.toMatch(/kept: [^\n]*zoom-privacy-whitepaper/);
  });
});

describe('a command about one engagement that lacks its vendor and a mandatory option', () => {
  /** Runs the CLI as an officer types it, with no server to reach; what it writes to stderr and its exit code. */
  async function run(argv: string[]): Promise<{ code: number; stderr: string }> {
    let stderr = '';
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
    try {
      const code = await runCli(argv, { TEMPORAL_ADDRESS: '127.0.0.1:1', DOSSIER_DATA_DIR: join(scratch, 'usage') });
      return { code, stderr };
    } finally {
      process.stderr.write = write;
    }
  }

  it('names the missing vendor first, then the option once the engagement is named', async () => {
    const lacking = await run(['engagement', 'respond', 'vc']);
    expect(lacking.stderr).toContain('"vc" does not name an engagement');
    expect(lacking.stderr).not.toContain('--file');
    expect(lacking.code).toBe(EXIT.usage);
    const named = await run(['engagement', 'respond', 'vc', 'zoom']);
    expect(named.stderr).toContain("required option '--file <file>' not specified");
    expect(named.code).toBe(EXIT.usage);
    // The other commands about one engagement check in the same order.
    expect((await run(['engagement', 'withdraw', 'vc'])).stderr).toContain('"vc" does not name an engagement');
    expect((await run(['--lang', 'fr', 'engagement', 'withdraw', 'vc', 'zoom'])).stderr).toContain('--reason');
  });
});
