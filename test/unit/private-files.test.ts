// Vendor replies and keys are readable by the account that runs Dossier only: the embedded case
// mailbox and the development data folder are created owner-only whatever the umask says.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDevMasterKeys } from '../../encryption/config';
import { MaildirMailbox } from '../../intake/maildir-mailbox';
import { writeOwnerOnly } from '../../client/commands/audit';
import { openSaveFolder, placeDocument } from '../../client/commands/inbox';

const scratch = mkdtempSync(join(tmpdir(), 'dossier-modes-'));
let umask: number;
beforeAll(() => {
  umask = process.umask(0o022);
});
afterAll(() => {
  process.umask(umask);
  rmSync(scratch, { recursive: true, force: true });
});

const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe('files Dossier creates for itself', () => {
  it('keeps the case mailbox, its folders and every message owner-only under umask 022', async () => {
    const root = join(scratch, 'data', 'mailbox');
    const mailbox = new MaildirMailbox(root);
    await mailbox.open();
    await mailbox.append(Buffer.from('Subject: our reply\r\n\r\nConfidential.\r\n'));
    await mailbox.append(Buffer.from('Subject: held\r\n\r\n.\r\n'), 'Held');
    for (const folder of [join(scratch, 'data'), root, join(root, 'new'), join(root, 'cur'), join(root, 'tmp'), join(root, '.Held'), join(root, '.Held', 'new')]) {
      expect([folder, modeOf(folder)]).toEqual([folder, '700']);
    }
    const [message] = readdirSync(join(root, 'new'));
    expect(modeOf(join(root, 'new', message))).toBe('600');
    const [held] = readdirSync(join(root, '.Held', 'new'));
    expect(modeOf(join(root, '.Held', 'new', held))).toBe('600');
  });

  it('saves a vendor’s documents decrypted into an owner-only folder, each file owner-only', () => {
    const folder = openSaveFolder(join(scratch, 'saved', 'zoom'));
    const { path } = placeDocument(folder, { id: '0123456789abcdef', name: 'response.pdf' }, Buffer.from('%PDF-1.7 confidential'));
    const second = placeDocument(folder, { id: 'fedcba9876543210', name: 'response.pdf' }, Buffer.from('%PDF-1.7 another'));
    expect([join(scratch, 'saved'), folder].map(modeOf)).toEqual(['700', '700']);
    expect([path, second.path].map(modeOf)).toEqual(['600', '600']);
  });

  it('writes an audit export owner-only, also over a file that was readable by all', () => {
    const fresh = join(scratch, 'audit-new.csv');
    writeOwnerOnly(fresh, 'when,what\n');
    const earlier = join(scratch, 'audit-earlier.csv');
    writeFileSync(earlier, 'an older export', { mode: 0o644 });
    writeOwnerOnly(earlier, 'when,what\n');
    expect([fresh, earlier].map(modeOf)).toEqual(['600', '600']);
    expect(readFileSync(earlier, 'utf8')).toBe('when,what\n');
  });

  it('creates the development data folder owner-only with its master key', () => {
    const file = ensureDevMasterKeys(join(scratch, 'dev', '.data', 'master.keys'));
    expect(modeOf(join(scratch, 'dev', '.data'))).toBe('700');
    expect(modeOf(file)).toBe('600');
  });
});
