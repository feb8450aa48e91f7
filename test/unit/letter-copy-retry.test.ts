// A letter's copy the publication folder refused is written again by the worker that sent it
// (activities/email.ts, `uncopied`): each round first reads the ledger for a later letter of the
// engagement, then tries the store. A store down for long must not be asked, nor the ledger read,
// every second; a store back up must not wait long.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeliveryLedger, DeliveryRecord } from '../../activities/delivery-ledger';
import { createEmailActivities, type UnrecordedSends } from '../../activities/email';
import type { PublishedFiles } from '../../store/types';
import type { OutgoingMessage } from '../../workflows/types';
import { engagementWorkflowId } from '../../workflows/workflow-ids';
import { testCampaign, testVendor } from '../helpers/fixtures';

/** A ledger in memory that counts its reads. */
function countingLedger() {
  const records = new Map<string, DeliveryRecord>();
  const ledger: DeliveryLedger & { reads: number } = {
    reads: 0,
    async find(messageId) {
      ledger.reads++;
      return records.get(messageId);
    },
    async findMany(messageIds) {
      ledger.reads++;
      return new Map(messageIds.flatMap((id) => (records.has(id) ? [[id, records.get(id)!] as const] : [])));
    },
    async begin(messageId) {
      const delivered = records.get(messageId);
      if (delivered) return { delivered };
      return { release: async () => {}, abandon: async () => {}, tookOverFromCrash: false, stateDueDate: async () => {} };
    },
    async record(entry) {
      records.set(entry.messageId, entry);
    },
  };
  return ledger;
}

/** Published files in memory that refuse every write while `down`, counting the writes asked. */
function refusingFiles() {
  const bytes = new Map<string, Buffer>();
  const files: PublishedFiles & { down: boolean; writes: number } = {
    down: true,
    writes: 0,
    async write(path, data) {
      files.writes++;
      if (files.down) throw new Error('connect ECONNREFUSED (the store is down)');
      bytes.set(path, Buffer.from(data));
    },
    read: async (path) => bytes.get(path),
    list: async (prefix = '') => [...bytes.keys()].filter((p) => p.startsWith(prefix)).sort(),
    delete: async (path) => bytes.delete(path),
    claim: async (path, data) => bytes.get(path) ?? (bytes.set(path, Buffer.from(data)), Buffer.from(data)),
    locate: (path) => path,
  };
  return { files, bytes };
}

describe("a letter's copy the store refused, written again by the worker that sent the letter", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const campaign = { ...testCampaign('copy-retry'), letterCopyFolder: 'copy-retry' };
  const transport = { sendMail: async ({ envelope }: { envelope: { to: string[] } }) => ({ accepted: envelope.to, rejected: [] }) };
  const letterTo = (vendorId: string): OutgoingMessage => {
    const vendor = testVendor(vendorId);
    return { threadId: engagementWorkflowId(campaign.id, vendor.id), step: 'letter', kind: 'open-letter', language: 'en', to: vendor.contacts, campaign, vendor, details: { dueDate: '2026-12-18T22:59:59.999Z' } };
  };

  it('backs off while the store stays down, up to a round every 30 seconds, and writes it once the store is back', { timeout: 60_000 }, async () => {
    const ledger = countingLedger();
    const { files, bytes } = refusingFiles();
    const { sendMessage } = createEmailActivities({ transport: transport as never, mailFrom: 'Dossier <dossier@regulator.test>', ledger, files });
    const sent = await sendMessage(letterTo('zoom'));
    expect(sent.letterCopyNotFiled).toMatch(/ECONNREFUSED/);
    const [writes, reads] = [files.writes, ledger.reads];

    // Ten minutes of the store down: rounds after 1, 2, 4, 8, 16 s, then every 30 s (24 rounds), not 600.
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    const rounds = files.writes - writes;
    expect(rounds).toBeGreaterThanOrEqual(20);
    expect(rounds).toBeLessThanOrEqual(25);
    // Each round reads the ledger for a later letter (LETTERS_LOOKED_FOR and the office's notice) once.
    expect((ledger.reads - reads) / rounds).toBeLessThanOrEqual(1);
    // The last minute at the cap: two rounds.
    const beforeLastMinute = files.writes;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(files.writes - beforeLastMinute).toBe(2);

    // Back up: written at the next round, within the cap.
    files.down = false;
    await vi.advanceTimersByTimeAsync(30_000);
    expect([...bytes.keys()]).toEqual(['copy-retry/letters/zoom.en.pdf']);
    // Nothing left: no more rounds.
    const done = files.writes;
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(files.writes).toBe(done);
  });

  it('writes a held copy at once when the store takes another letter, without waiting out the back-off', { timeout: 60_000 }, async () => {
    const ledger = countingLedger();
    const { files, bytes } = refusingFiles();
    const { sendMessage } = createEmailActivities({ transport: transport as never, mailFrom: 'Dossier <dossier@regulator.test>', ledger, files });
    await sendMessage(letterTo('zoom'));
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(bytes.size).toBe(0);

    files.down = false;
    await sendMessage(letterTo('cisco'));
    // No timer run (setImmediate is not faked): the store's answer to the other letter's copy set the held one going.
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect([...bytes.keys()].sort()).toEqual(['copy-retry/letters/cisco.en.pdf', 'copy-retry/letters/zoom.en.pdf']);
  });

  it('lets go of a held copy and asks the store no more once its worker stopped', { timeout: 60_000 }, async () => {
    const ledger = countingLedger();
    const { files } = refusingFiles();
    let held: UnrecordedSends | undefined;
    const { sendMessage } = createEmailActivities({ transport: transport as never, mailFrom: 'Dossier <dossier@regulator.test>', ledger, files, onUnrecorded: (sends) => (held = sends) });
    await sendMessage(letterTo('zoom'));
    expect((await held!.flush()).letterCopies).toEqual(['copy-retry/letters/zoom.en.pdf']);
    held!.stop();
    const [writes, reads] = [files.writes, ledger.reads];
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect([files.writes - writes, ledger.reads - reads]).toEqual([0, 0]);
    expect((await held!.flush()).letterCopies).toEqual([]);
  });

  it('starts again at a second after a store that was back, when it refuses a later copy', { timeout: 60_000 }, async () => {
    const ledger = countingLedger();
    const { files, bytes } = refusingFiles();
    const { sendMessage } = createEmailActivities({ transport: transport as never, mailFrom: 'Dossier <dossier@regulator.test>', ledger, files });
    await sendMessage(letterTo('zoom'));
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    files.down = false;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(bytes.size).toBe(1);

    files.down = true;
    await sendMessage(letterTo('cisco'));
    files.down = false;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(bytes.has('copy-retry/letters/cisco.en.pdf')).toBe(true);
  });
});
