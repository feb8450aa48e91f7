// A worker killed while it writes a published file (the statement's PDF, a letter's copy) leaves its
// temporary file beside it, a truncated PDF under the statement's name. Whoever copies the folder to
// the website would copy that too, so the next write of the same file takes it away once its writer
// is gone, and never the file of a writer still at work. A disk that refuses a write (full, read-only)
// is named with the file, for the on-call.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalPublishedFiles } from '../../store/local';
import { StoreErrorCode } from '../../store/types';

const scratch = mkdtempSync(join(tmpdir(), 'dossier-leftovers-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('published files on local disk', () => {
  it('removes what a killed writer left of a file when the file is written again, not what a live one is writing', async () => {
    const folder = join(scratch, 'out', 'vc');
    mkdirSync(folder, { recursive: true });
    const target = join(folder, 'statement-3.en.pdf');
    // A writer that ended mid-write: its temporary file carries its process id, now gone.
    const killed = spawnSync(process.execPath, ['-e', 'require("fs").writeFileSync(`${process.argv[1]}.${process.pid}.0badc0de.partial`, "%PDF-1.7 truncated")', target]);
    expect(killed.status).toBe(0);
    // One still writing (this process) keeps its own.
    const live = `statement-3.en.pdf.${process.pid}.5ca1ab1e.partial`;
    writeFileSync(join(folder, live), '%PDF-1.7 in progress');
    // Another file's leftover is left for that file's next write.
    const other = `statement-3.fr.pdf.${killed.pid}.0badc0de.partial`;
    writeFileSync(join(folder, other), '%PDF-1.7 truncated');
    // The kill was minutes ago (the retry comes once the attempt's time has run out).
    const minutesAgo = new Date(Date.now() - 5 * 60_000);
    for (const name of readdirSync(folder)) utimesSync(join(folder, name), minutesAgo, minutesAgo);
    // A writer's file that changed a moment ago may be another container's, under a process id of its own.
    const fresh = `statement-3.en.pdf.${killed.pid}.f4e54a11.partial`;
    writeFileSync(join(folder, fresh), '%PDF-1.7 being written');

    await new LocalPublishedFiles(join(scratch, 'out')).write('vc/statement-3.en.pdf', new TextEncoder().encode('%PDF-1.7 whole'));

    expect(readdirSync(folder).sort()).toEqual([live, other, fresh, 'statement-3.en.pdf'].sort());
  });

  it('names the file it could not write when the disk refuses it', async () => {
    const out = join(scratch, 'refusing');
    mkdirSync(out, { recursive: true });
    // The campaign's folder is a link to a disk no longer mounted: nothing reads there, and every write fails, even for root.
    symlinkSync(join(scratch, 'unmounted'), join(out, 'vc'));
    const failure = await new LocalPublishedFiles(out).write('vc/statement-3.fr.pdf', new TextEncoder().encode('%PDF-1.7')).then(
      () => undefined,
      (err: Error & { code?: string }) => err,
    );
    expect(failure?.code).toBe(StoreErrorCode.Unavailable);
    expect(failure?.message).toMatch(new RegExp(`^cannot write ${join(out, 'vc', 'statement-3.fr.pdf').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: E[A-Z]+: `));
  });
});
