// The copy of a sent message kept for the workspace (when payloads are encrypted) is the message the
// mail server received: one MIME build serves both, so boundaries and Date agree.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileDeliveryLedger } from '../../activities/delivery-ledger';
import { createEmailActivities, createSmtpTransport } from '../../activities/email';
import type { OutgoingMessage } from '../../workflows/types';
import { engagementWorkflowId } from '../../workflows/workflow-ids';
import { testCampaign, testVendor } from '../helpers/fixtures';
import { useMailSink } from '../helpers/mail-sink';

const root = mkdtempSync(join(tmpdir(), 'dossier-sent-copy-'));
const sink = useMailSink();
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the copy kept of a sent message', () => {
  it('holds the bytes the mail server accepted, attachment included', async () => {
    const copies: Buffer[] = [];
    const transport = createSmtpTransport(sink.url);
    const { sendMessage } = createEmailActivities({
      transport,
      mailFrom: 'Dossier <dossier@regulator.test>',
      ledger: new FileDeliveryLedger(join(root, 'deliveries')),
      outputDir: join(root, 'out'),
      keepCopy: async (_message, raw) => {
        copies.push(raw);
      },
    });
    const campaign = testCampaign('copy');
    const vendor = testVendor('zoom', { contacts: [{ name: 'Privacy team', email: 'privacy@zoom.test' }, { name: 'Légal, "DPO"', email: 'legal@zoom.test' }] });
    const message: OutgoingMessage = { threadId: engagementWorkflowId(campaign.id, vendor.id), step: 'letter', kind: 'open-letter', language: 'fr', to: vendor.contacts, campaign, vendor, details: {} };
    try {
      const sent = await sendMessage(message);
      expect(sent.accepted).toEqual(['privacy@zoom.test', 'legal@zoom.test']);
    } finally {
      transport.close();
    }
    const [received] = await sink.waitFor(1, () => true, 10_000);
    expect(received.to).toEqual(['privacy@zoom.test', 'legal@zoom.test']);
    expect(copies).toHaveLength(1);
    expect(copies[0].toString('latin1')).toContain('Content-Type: application/pdf');
    // SMTP's DATA stage writes each line end of the text parts as CRLF; nothing else may differ.
    expect(copies[0].toString('latin1').replace(/\r?\n/g, '\r\n')).toBe(received.raw.toString('latin1'));
  });
});
