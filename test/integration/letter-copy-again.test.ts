// A letter copy its send could not keep is made again by the campaign's next look at the folder
// (fileLetterCopies): the same bytes the vendor received, due date included, also when the date was
// given to the send (working days, counted on the calendar before it) rather than counted by it.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, describe, expect, it } from 'vitest';
import { FileDeliveryLedger } from '../../activities/delivery-ledger';
import { createEmailActivities, createSmtpTransport } from '../../activities/email';
import type { OutgoingMessage } from '../../workflows/types';
import { engagementWorkflowId } from '../../workflows/workflow-ids';
import { testCampaign, testVendor } from '../helpers/fixtures';
import { useMailSink } from '../helpers/mail-sink';

const root = mkdtempSync(join(tmpdir(), 'dossier-letter-copy-again-'));
const sink = useMailSink();
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a letter copy made again', () => {
  it('is the PDF the vendor received, stating the due date the send was given', async () => {
    const transport = createSmtpTransport(sink.url);
    const out = join(root, 'out');
    const { sendMessage, letterCopiesMissing, fileLetterCopies } = createEmailActivities({
      transport,
      mailFrom: 'Dossier <dossier@regulator.test>',
      ledger: new FileDeliveryLedger(join(root, 'deliveries')),
      outputDir: out,
    });
    const folder = 'again';
    const campaign = { ...testCampaign('again'), letterCopyFolder: folder };
    const vendor = testVendor('zoom', { language: 'fr' });
    // `letters` is a file: the send cannot keep the copy.
    mkdirSync(join(out, folder), { recursive: true });
    writeFileSync(join(out, folder, 'letters'), 'not a folder');
    const dueDate = '2026-12-18T22:59:59.999Z';
    const message: OutgoingMessage = { threadId: engagementWorkflowId(campaign.id, vendor.id), step: 'letter', kind: 'open-letter', language: 'fr', to: vendor.contacts, campaign, vendor, details: { dueDate } };
    try {
      expect((await sendMessage(message)).accepted).toEqual(vendor.contacts.map((c) => c.email));
    } finally {
      transport.close();
    }
    rmSync(join(out, folder, 'letters'));
    const keys = [{ id: vendor.id, language: vendor.language }];
    expect(await letterCopiesMissing({ campaignId: campaign.id, folder, vendors: keys })).toEqual(['zoom']);
    expect(await fileLetterCopies({ campaign, folder, keep: [vendor] })).toEqual([]);
    expect(await letterCopiesMissing({ campaignId: campaign.id, folder, vendors: keys })).toEqual([]);

    const [received] = await sink.waitFor(1, () => true, 10_000);
    const attached = (await simpleParser(received.raw)).attachments.find((a) => a.contentType === 'application/pdf')!;
    expect(Buffer.compare(readFileSync(join(out, folder, 'letters', 'zoom.fr.pdf')), attached.content)).toBe(0);

    // A vendor the statement says the letter did not reach has none, taken back.
    expect(await fileLetterCopies({ campaign, folder, keep: [], without: keys })).toEqual([]);
    expect(await letterCopiesMissing({ campaignId: campaign.id, folder, vendors: keys })).toEqual(['zoom']);
  });
});
