// The copy on file is the letter the vendor was sent last. An open letter bounces, the officer
// corrects the address and the letter goes again (`letter-2`); the store refuses both copies. The
// retries that file them (the engagement's, the worker's in memory) run in any order, on a worker
// that may never have held the bytes: the copy left in the folder is letter-2's, never letter's.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, describe, expect, it } from 'vitest';
import { FileDeliveryLedger } from '../../activities/delivery-ledger';
import { createEmailActivities, createSmtpTransport, type UnrecordedSends } from '../../activities/email';
import { LocalPublishedFiles } from '../../store/local';
import type { PublishedFiles } from '../../store/types';
import type { OutgoingMessage, SentMessage, Vendor } from '../../workflows/types';
import { engagementWorkflowId } from '../../workflows/workflow-ids';
import { testCampaign, testVendor } from '../helpers/fixtures';
import { useMailSink } from '../helpers/mail-sink';

const root = mkdtempSync(join(tmpdir(), 'dossier-letter-copy-last-sent-'));
const sink = useMailSink();
afterAll(() => rmSync(root, { recursive: true, force: true }));

const mailFrom = 'Dossier <dossier@regulator.test>';
const timeZone = 'Europe/Paris';

/** A campaign, its vendor before and after the officer corrected its address, and the two letters. */
function correctedLetters(name: string) {
  const campaign = { ...testCampaign(name), letterCopyFolder: name };
  const vendor = testVendor('zoom', { language: 'fr' });
  const corrected: Vendor = { ...vendor, contacts: [{ name: 'Nouvelle Adresse', email: 'privacy@found.zoom.test' }] };
  const threadId = engagementWorkflowId(campaign.id, vendor.id);
  const letter = (step: string, to: Vendor, dueDate: string): OutgoingMessage => ({ threadId, step, kind: 'open-letter', language: 'fr', to: to.contacts, campaign, vendor: to, details: { dueDate, timeZone } });
  return {
    campaign,
    vendor,
    corrected,
    first: letter('letter', vendor, '2026-12-18T22:59:59.999Z'),
    second: letter('letter-2', corrected, '2027-01-15T22:59:59.999Z'),
  };
}

/** The store `files`, refusing every write while `refusing.now` holds. */
function refusingWhile(files: PublishedFiles, refusing: { now: boolean }): PublishedFiles {
  return Object.assign(Object.create(files) as PublishedFiles, {
    write: async (path: string, bytes: Uint8Array) => {
      if (refusing.now) throw new Error('the published files are out of reach');
      return files.write(path, bytes);
    },
  });
}

/** The PDF the vendor received with `sent`. */
async function receivedPdf(sent: SentMessage): Promise<Buffer> {
  const [received] = await sink.waitFor(1, (m) => m.messageId === sent.messageId, 10_000);
  return (await simpleParser(received!.raw)).attachments.find((a) => a.contentType === 'application/pdf')!.content;
}

describe('the letter copy after a letter sent again to a corrected address', () => {
  it.each([
    ['the first letter', ['letter', 'letter-2'], true],
    ['the corrected letter', ['letter-2', 'letter'], true],
    // Engagements before patch letter-copy-last-sent name no step: the due date tells the letters apart.
    ['the first letter (no step given)', ['letter', 'letter-2'], false],
  ] as const)("is the corrected letter's, when %s's retry files its copy first on a restarted worker", async (_, order, withStep) => {
    const dir = join(root, `order-${order[0]}-${withStep}`);
    const local = new LocalPublishedFiles(join(dir, 'out'));
    const ledger = new FileDeliveryLedger(join(dir, 'deliveries'));
    const transport = createSmtpTransport(sink.url);
    const { campaign, first, second } = correctedLetters(`order-${order[0]}-${withStep}`);
    try {
      const sender = createEmailActivities({ transport, mailFrom, ledger, files: refusingWhile(local, { now: true }) });
      const sentFirst = await sender.sendMessage(first);
      const sentSecond = await sender.sendMessage(second);
      expect([sentFirst.letterCopyNotFiled, sentSecond.letterCopyNotFiled]).toEqual(['the published files are out of reach', 'the published files are out of reach']);

      // The worker that held both copies in memory is gone; the engagement's retries run on another.
      const restarted = createEmailActivities({ transport, mailFrom, ledger, files: local });
      const copyOf = { letter: first, 'letter-2': second };
      for (const step of order) {
        const { vendor, language, details } = copyOf[step];
        await restarted.fileLetterCopy({ campaign, vendor: vendor!, language, ...details, ...(withStep ? { step } : {}) });
      }
      const filed = readFileSync(join(dir, 'out', campaign.letterCopyFolder, 'letters', 'zoom.fr.pdf'));
      expect(Buffer.compare(filed, await receivedPdf(sentSecond))).toBe(0);
      expect(Buffer.compare(filed, await receivedPdf(sentFirst))).not.toBe(0);
    } finally {
      transport.close();
    }
  });

  it("is the corrected letter's when the worker that sent it died before its result, the copy refused, and the retry finds it sent", async () => {
    const dir = join(root, 'died');
    const local = new LocalPublishedFiles(join(dir, 'out'));
    const ledger = new FileDeliveryLedger(join(dir, 'deliveries'));
    const transport = createSmtpTransport(sink.url);
    const { campaign, first, second } = correctedLetters('died');
    try {
      const worker = createEmailActivities({ transport, mailFrom, ledger, files: local });
      const sentFirst = await worker.sendMessage(first);
      expect(sentFirst.letterCopyNotFiled).toBeUndefined();
      // letter-2 goes out and is recorded, its copy refused; the worker dies before Temporal has its result.
      const dying = createEmailActivities({ transport, mailFrom, ledger, files: refusingWhile(local, { now: true }) });
      const sentSecond = await dying.sendMessage(second);
      expect(sentSecond.letterCopyNotFiled).toBe('the published files are out of reach');

      // Temporal's retry, on another worker, finds it delivered.
      const retried = await worker.sendMessage(second);
      expect(retried).toMatchObject({ alreadyDelivered: true, messageId: sentSecond.messageId });
      expect(retried.letterCopyNotFiled).toBeUndefined();
      const filed = readFileSync(join(dir, 'out', campaign.letterCopyFolder, 'letters', 'zoom.fr.pdf'));
      expect(Buffer.compare(filed, await receivedPdf(sentSecond))).toBe(0);
      // A retry of the first letter found delivered leaves the corrected letter's copy.
      await worker.sendMessage(first);
      expect(Buffer.compare(readFileSync(join(dir, 'out', campaign.letterCopyFolder, 'letters', 'zoom.fr.pdf')), filed)).toBe(0);
    } finally {
      transport.close();
    }
  });

  it("is not written over by the first letter's copy another worker still holds in memory", async () => {
    const dir = join(root, 'held');
    const local = new LocalPublishedFiles(join(dir, 'out'));
    const ledger = new FileDeliveryLedger(join(dir, 'deliveries'));
    const transport = createSmtpTransport(sink.url);
    const { campaign, first, second } = correctedLetters('held');
    let held: UnrecordedSends | undefined;
    const refusing = { now: true };
    try {
      // The first letter's copy is refused; this worker keeps it to write once the store works.
      const sender = createEmailActivities({ transport, mailFrom, ledger, files: refusingWhile(local, refusing), onUnrecorded: (sends) => (held = sends) });
      const sentFirst = await sender.sendMessage(first);
      expect(sentFirst.letterCopyNotFiled).toBe('the published files are out of reach');
      // The corrected letter goes out from another worker, whose store takes its copy.
      const other = createEmailActivities({ transport, mailFrom, ledger, files: local });
      const sentSecond = await other.sendMessage(second);
      expect(sentSecond.letterCopyNotFiled).toBeUndefined();

      refusing.now = false;
      expect((await held!.flush()).letterCopies).toEqual([]);
      const filed = readFileSync(join(dir, 'out', campaign.letterCopyFolder, 'letters', 'zoom.fr.pdf'));
      expect(Buffer.compare(filed, await receivedPdf(sentSecond))).toBe(0);
    } finally {
      transport.close();
    }
  });
});
