// The campaign's look at the letter copies (each version, and the publication) checks that the copy on
// file is the letter the vendor was sent last, not only that a copy is there. A release before
// `letter-copy-last-sent` could leave the first letter's copy after a bounce and a corrected address
// (the store refused both copies, and the first letter's retry filed its PDF last): the check files
// the corrected letter's, or lists the copy among the delivery failures when it cannot make it again.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, describe, expect, it } from 'vitest';
import { FileDeliveryLedger } from '../../activities/delivery-ledger';
import { createEmailActivities, createSmtpTransport } from '../../activities/email';
import { renderOpenLetter } from '../../activities/letter';
import { messageIdFor } from '../../activities/threading';
import type { OutgoingMessage, SentMessage, Vendor } from '../../workflows/types';
import { engagementWorkflowId } from '../../workflows/workflow-ids';
import { testCampaign, testVendor } from '../helpers/fixtures';
import { useMailSink } from '../helpers/mail-sink';

const root = mkdtempSync(join(tmpdir(), 'dossier-letter-copy-checked-'));
const sink = useMailSink();
afterAll(() => rmSync(root, { recursive: true, force: true }));

const mailFrom = 'Dossier <dossier@regulator.test>';
const firstDue = '2026-12-18T22:59:59.999Z';
const secondDue = '2027-01-15T22:59:59.999Z';

/** A campaign, its vendor, the vendor after the officer corrected its address (`contacts`), and the two letters. */
function correctedLetters(name: string, contacts?: Vendor['contacts']) {
  const campaign = { ...testCampaign(name), letterCopyFolder: name };
  const vendor = testVendor('zoom', { language: 'fr' });
  const corrected: Vendor = { ...vendor, contacts: contacts ?? vendor.contacts.map((c) => ({ ...c, email: `found.${c.email}` })) };
  const threadId = engagementWorkflowId(campaign.id, vendor.id);
  const letter = (step: string, to: Vendor, dueDate: string): OutgoingMessage => ({ threadId, step, kind: 'open-letter', language: 'fr', to: to.contacts, campaign, vendor: to, details: { dueDate } });
  const dir = join(root, name);
  return {
    campaign,
    vendor,
    threadId,
    dir,
    copyPath: join(dir, 'out', name, 'letters', 'zoom.fr.pdf'),
    first: letter('letter', vendor, firstDue),
    second: letter('letter-2', corrected, secondDue),
  };
}

/** The PDF the vendor received with `sent`. */
async function receivedPdf(sent: SentMessage): Promise<Buffer> {
  const [received] = await sink.waitFor(1, (m) => m.messageId === sent.messageId, 10_000);
  return (await simpleParser(received!.raw)).attachments.find((a) => a.contentType === 'application/pdf')!.content;
}

describe("the campaign's check of a letter copy", () => {
  it("files the corrected letter's copy over the first letter's left on file", async () => {
    const { campaign, vendor, dir, copyPath, first, second } = correctedLetters('refiled');
    const transport = createSmtpTransport(sink.url);
    try {
      const worker = createEmailActivities({ transport, mailFrom, ledger: new FileDeliveryLedger(join(dir, 'deliveries')), outputDir: join(dir, 'out') });
      const sentFirst = await worker.sendMessage(first);
      const sentSecond = await worker.sendMessage(second);
      // An earlier release's retry of the first letter filed its copy last.
      writeFileSync(copyPath, await receivedPdf(sentFirst));

      const keys = [{ id: vendor.id, language: vendor.language }];
      expect(await worker.letterCopiesMissing({ campaignId: campaign.id, folder: campaign.letterCopyFolder, vendors: keys })).toEqual(['zoom']);
      expect(await worker.fileLetterCopies({ campaign, folder: campaign.letterCopyFolder, keep: [vendor] })).toEqual([]);
      expect(Buffer.compare(readFileSync(copyPath), await receivedPdf(sentSecond))).toBe(0);
      expect(await worker.letterCopiesMissing({ campaignId: campaign.id, folder: campaign.letterCopyFolder, vendors: keys })).toEqual([]);
    } finally {
      transport.close();
    }
  });

  it('lists a wrong copy it cannot make again (the corrected letter names another contact), leaving the file', async () => {
    const { campaign, vendor, dir, copyPath, first, second } = correctedLetters('renamed', [{ name: 'Nouvelle Adresse', email: 'privacy@found.zoom.test' }]);
    const transport = createSmtpTransport(sink.url);
    try {
      const worker = createEmailActivities({ transport, mailFrom, ledger: new FileDeliveryLedger(join(dir, 'deliveries')), outputDir: join(dir, 'out') });
      const sentFirst = await worker.sendMessage(first);
      await worker.sendMessage(second);
      const wrong = await receivedPdf(sentFirst);
      writeFileSync(copyPath, wrong);

      const keys = [{ id: vendor.id, language: vendor.language }];
      expect(await worker.letterCopiesMissing({ campaignId: campaign.id, folder: campaign.letterCopyFolder, vendors: keys })).toEqual(['zoom']);
      const [listed, ...more] = await worker.fileLetterCopies({ campaign, folder: campaign.letterCopyFolder, keep: [vendor] });
      expect(more).toEqual([]);
      expect(listed).toMatchObject({ vendorId: 'zoom', differs: { step: 'letter-2', dueDate: secondDue, copyOf: 'letter' } });
      expect(Buffer.compare(readFileSync(copyPath), wrong)).toBe(0);

      // Nor is a missing copy made again with the campaign's contacts: it is listed as not filed.
      rmSync(copyPath);
      const [missing, ...others] = await worker.fileLetterCopies({ campaign, folder: campaign.letterCopyFolder, keep: [vendor] });
      expect(others).toEqual([]);
      expect(missing).toEqual({ vendorId: 'zoom', error: expect.stringMatching(/zoom\.fr\.pdf is missing; the vendor was last sent letter-2, due 2027-01-15T22:59:59\.999Z, which cannot be made again/) });
      expect(existsSync(copyPath)).toBe(false);
    } finally {
      transport.close();
    }
  });

  it("lists a copy of an earlier letter when the ledger's records are older than the letters' digests", async () => {
    const { campaign, vendor, threadId, dir, copyPath } = correctedLetters('before-digests');
    const ledger = new FileDeliveryLedger(join(dir, 'deliveries'));
    const worker = createEmailActivities({ transport: createSmtpTransport(sink.url), mailFrom, ledger, outputDir: join(dir, 'out') });
    // Recorded by a release that kept no digest of the letter.
    const accepted = vendor.contacts.map((c) => c.email);
    await ledger.record({ messageId: messageIdFor(threadId, 'letter', 'regulator.test'), accepted, rejected: [], deliveredAt: '2026-11-20T09:00:00.000Z', dueDate: firstDue });
    await ledger.record({ messageId: messageIdFor(threadId, 'letter-2', 'regulator.test'), accepted: ['privacy@found.zoom.test'], rejected: [], deliveredAt: '2026-11-24T09:00:00.000Z', dueDate: secondDue });
    const keys = [{ id: vendor.id, language: vendor.language }];
    // A copy of the last letter is left as it is.
    await worker.fileLetterCopies({ campaign, folder: campaign.letterCopyFolder, keep: [vendor] });
    const last = readFileSync(copyPath);
    expect(Buffer.compare(last, await renderOpenLetter({ campaign, vendor, language: 'fr', dueDate: secondDue }))).toBe(0);
    expect(await worker.letterCopiesMissing({ campaignId: campaign.id, folder: campaign.letterCopyFolder, vendors: keys })).toEqual(['zoom']);
    expect(await worker.fileLetterCopies({ campaign, folder: campaign.letterCopyFolder, keep: [vendor] })).toEqual([]);

    const wrong = await renderOpenLetter({ campaign, vendor, language: 'fr', dueDate: firstDue });
    writeFileSync(copyPath, wrong);
    expect(await worker.letterCopiesMissing({ campaignId: campaign.id, folder: campaign.letterCopyFolder, vendors: keys })).toEqual(['zoom']);
    const [listed, ...more] = await worker.fileLetterCopies({ campaign, folder: campaign.letterCopyFolder, keep: [vendor] });
    expect(more).toEqual([]);
    expect(listed).toMatchObject({ vendorId: 'zoom', differs: { step: 'letter-2', dueDate: secondDue, copyOf: 'letter' } });
    expect(Buffer.compare(readFileSync(copyPath), wrong)).toBe(0);
  });
});
