// The officers' digest counts each campaign's holding pen from the held copies' headers, in a real
// Maildir as the embedded set-up keeps the case mailbox: one message once, however many copies of it
// a pass cut short left, dated by its arrival in the case mailbox, not by its sender's Date.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { campaignPensHoldingIn, heldCensusIn, heldPenCountedIn } from '../../intake/held-census';
import { heldPenIn } from '../../intake/held-count';
import { Intake } from '../../intake/intake';
import { openLocalStore } from '../../store/local';
import { holdingFolder, type MailboxSource } from '../../intake/mailbox';
import { MaildirMailbox } from '../../intake/maildir-mailbox';

/** A held copy as the intake writes it: its lines, then the message as it arrived. */
function heldCopy(messageId: string, arrivedAt: string): Buffer {
  return Buffer.from(
    'X-Dossier-Held-Reason: no engagement matches\r\n' +
      `X-Dossier-Arrived-At: ${arrivedAt}\r\n` +
      'X-Dossier-Held-End: 1\r\n' +
      `Message-ID: ${messageId}\r\nFrom: someone@vendor.test\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\nSubject: Hello\r\n\r\n${'A long body. '.repeat(20_000)}\r\n`,
  );
}

describe('held mail count', () => {
  it('counts each held message of a campaign once, with the arrival of the oldest, and nothing of other pens', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dossier-held-count-'));
    const mailbox = new MaildirMailbox(root);
    await mailbox.open();
    await mailbox.append(heldCopy('<one@vendor.test>', '2026-11-28T09:15:00.000Z'), holdingFolder('c1'));
    // A second copy of the same message, left by a pass cut short between copy and move.
    await mailbox.append(heldCopy('<one@vendor.test>', '2026-11-28T09:15:00.000Z'), holdingFolder('c1'));
    await mailbox.append(heldCopy('<two@vendor.test>', '2026-11-26T17:40:00.000Z'), holdingFolder('c1'));
    await mailbox.append(heldCopy('<other@vendor.test>', '2026-11-01T08:00:00.000Z'), holdingFolder('c2'));

    const pen = await heldPenIn({ kind: 'maildir', root })();
    try {
      expect(await pen.count('c1')).toEqual({ count: 2, oldest: '2026-11-26T17:40:00.000Z' });
      expect(await pen.count('c2')).toEqual({ count: 1, oldest: '2026-11-01T08:00:00.000Z' });
      expect(await pen.count('none-held')).toEqual({ count: 0 });
    } finally {
      await pen.close();
    }
  });

  it('is written to the shared store by the intake when an officer lists a pen held before it counted, and read back by a worker without the mailbox', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dossier-held-census-'));
    const mailbox = new MaildirMailbox(join(root, 'mail'));
    await mailbox.open();
    await mailbox.append(heldCopy('<one@vendor.test>', '2026-11-28T09:15:00.000Z'), holdingFolder('c1'));
    await mailbox.append(heldCopy('<two@vendor.test>', '2026-11-26T17:40:00.000Z'), holdingFolder('c1'));
    const store = openLocalStore({ outputDir: join(root, 'out'), stateDir: join(root, 'state'), keysDir: join(root, 'keys') });
    const pen = await heldPenCountedIn(store.files)();
    // Nothing counted yet: the worker reads the pen as empty, not as an error.
    expect(await pen.count('c1')).toEqual({ count: 0 });

    const intake = new Intake({ mailbox, dossier: {} as never, documents: {} as never, directory: {} as never, domain: 'test.example', caseMailbox: 'case@test.example', census: heldCensusIn(store.files) });
    expect(await intake.held('c1')).toHaveLength(2);
    expect(await pen.count('c1')).toEqual({ count: 2, oldest: '2026-11-26T17:40:00.000Z' });
    expect(await pen.count(undefined)).toEqual({ count: 0 });
    // Counted again while it runs: the pens it counted before, and the unsorted one.
    await mailbox.append(heldCopy('<three@vendor.test>', '2026-11-29T08:00:00.000Z'), holdingFolder(undefined));
    await intake.recountPens();
    expect(await pen.count(undefined)).toEqual({ count: 1, oldest: '2026-11-29T08:00:00.000Z' });
    expect(await pen.count('c1')).toEqual({ count: 2, oldest: '2026-11-26T17:40:00.000Z' });
    // The campaigns whose pens hold mail, for the digest to find an ended campaign's: not the unsorted
    // pen (told to every open campaign's officers), nor a pen counted empty.
    await mailbox.append(heldCopy('<four@vendor.test>', '2026-11-29T09:00:00.000Z'), holdingFolder('c2'));
    expect(await intake.held('c2')).toHaveLength(1);
    expect((await campaignPensHoldingIn(store.files)()).sort()).toEqual(['c1', 'c2']);
    await heldCensusIn(store.files).write('c2', { count: 0 });
    expect(await campaignPensHoldingIn(store.files)()).toEqual(['c1']);
    await mailbox.close();
  });

  it('is asked of the mailbox, for an officer listing the pens, only for the campaigns’ pens it last counted with mail in them', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dossier-held-asked-'));
    const maildir = new MaildirMailbox(join(root, 'mail'));
    await maildir.open();
    const store = openLocalStore({ outputDir: join(root, 'out'), stateDir: join(root, 'state'), keysDir: join(root, 'keys') });
    const census = heldCensusIn(store.files);
    // Four campaigns' pens, emptied long ago (ended campaigns' among them), and one that holds a reply.
    for (const campaignId of ['c1', 'c2', 'c3', 'c4']) await census.write(campaignId, { count: 0 });
    await maildir.append(heldCopy('<one@vendor.test>', '2026-11-28T09:15:00.000Z'), holdingFolder('c5'));
    await census.write('c5', { count: 1, oldest: '2026-11-28T09:15:00.000Z' });
    // Each look into a folder is one SELECT (and a FETCH) over IMAP.
    const looked: string[] = [];
    const mailbox: MailboxSource = Object.assign(Object.create(maildir) as MailboxSource, {
      messages: (folder?: string, options?: Parameters<MailboxSource['messages']>[1]) => (looked.push(folder ?? 'INBOX'), maildir.messages(folder, options)),
    });
    const intake = new Intake({ mailbox, dossier: {} as never, documents: {} as never, directory: {} as never, domain: 'test.example', caseMailbox: 'case@test.example', census });
    expect(await intake.campaignPensHolding()).toEqual([{ campaignId: 'c5', count: 1 }]);
    expect(looked).toEqual([holdingFolder('c5')]);

    // A pen counted with mail that the mailbox finds empty (emptied by hand) is not named, and its count is set right.
    await census.write('c4', { count: 3 });
    expect(await intake.campaignPensHolding()).toEqual([{ campaignId: 'c5', count: 1 }]);
    expect(await heldPenCountedIn(store.files)().then((pen) => pen.count('c4'))).toEqual({ count: 0 });
    await maildir.close();
  });
});
