// `dossier audit`'s file format: asked for with --format, or named by the --out file's extension, so
// `--out cisco.json` writes JSON (one object per row), not a CSV under a .json name; a file named for
// one format and asked for in another is refused, naming the formats. The engagement's history is a
// stand-in client's; the export is written by the command as an officer runs it.
import type { Client } from '@temporalio/client';
import { loadDataConverter } from '@temporalio/common/lib/internal-non-workflow';
import Long from 'long';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { EXIT } from '../../client/cli';
import { Session, type CommandContext } from '../../client/commands/context';
import { ensureDevMasterKeys } from '../../encryption/config';
import { runCli } from '../helpers/cli-run';

const scratch = mkdtempSync(join(tmpdir(), 'dossier-cli-audit-format-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const at = (seconds: number) => ({ eventTime: { seconds: Long.fromNumber(1_790_000_000 + seconds), nanos: 0 } });
const events = [
  { eventId: 1, ...at(0), workflowExecutionStartedEventAttributes: { workflowType: { name: 'engagement' }, input: { payloads: [] } } },
  { eventId: 2, ...at(6), workflowExecutionTimedOutEventAttributes: {} },
];

/** A CLI session whose Temporal client answers one engagement's history. */
class HistorySession extends Session {
  override context(command: Command): CommandContext {
    const context = super.context(command);
    const client = { options: { loadedDataConverter: loadDataConverter() }, workflow: { getHandle: () => ({ fetchHistory: async () => ({ events }) }) } } as unknown as Client;
    return Object.assign(Object.create(context) as CommandContext, { client: async () => client });
  }
}

function session(language: 'en' | 'fr' = 'en') {
  const data = mkdtempSync(join(scratch, 'data-'));
  ensureDevMasterKeys(join(data, 'master.keys'));
  return { data, session: new HistorySession({ DOSSIER_DATA_DIR: data, DOSSIER_OFFICER: 'Marie Leclerc', TEMPORAL_ADDRESS: '127.0.0.1:1' }, language) };
}

describe('an audit export', () => {
  it('named .json by --out is written as JSON, one object per row keyed by the columns, with --json as with no flag', async () => {
    const { data, session: s } = session();
    const out = join(data, 'cisco.json');
    const run = await runCli(s, ['--json', 'audit', 'vc', 'cisco', '--out', out]);
    expect(run.exitCode, run.stderr).toBe(EXIT.ok);
    expect(JSON.parse(run.stdout)).toMatchObject({ file: out, events: 2 });
    const rows = JSON.parse(readFileSync(out, 'utf8')) as Record<string, string>[];
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({ workflowId: 'engagement:vc:cisco', kind: 'Case closed', action: 'timed-out' });
    expect(Object.keys(rows[0]!)).toContain('actionInWords');
  });

  it('asked for in a format its --out file is not named for is refused, naming the formats, in English and French', async () => {
    const { data, session: s } = session();
    const out = join(data, 'cisco.json');
    const en = await runCli(s, ['audit', 'vc', 'cisco', '--format', 'csv', '--out', out]);
    expect(en.exitCode).toBe(EXIT.usage);
    expect(en.stderr).toContain(`--out ${out} names a .json file, but --format is csv: name the file .csv, or give --format json (formats: csv, json, pdf)`);
    expect(existsSync(out)).toBe(false);
    const fr = await runCli(session('fr').session, ['audit', 'vc', 'cisco', '--format', 'pdf', '--out', out]);
    expect(fr.exitCode).toBe(EXIT.usage);
    expect(fr.stderr).toContain(`nomme un fichier .json, mais --format est pdf\u00a0: nommez le fichier .pdf, ou indiquez --format json (formats\u00a0: csv, json, pdf)`);
  });

  it('with no format asked for and no extension it knows, is CSV as before', async () => {
    const { data, session: s } = session();
    const out = join(data, 'cisco.txt');
    const run = await runCli(s, ['audit', 'vc', 'cisco', '--out', out]);
    expect(run.exitCode, run.stderr).toBe(EXIT.ok);
    expect(readFileSync(out, 'utf8')).toMatch(/^\ufeff.*,.*\r\n/);
  });
});
