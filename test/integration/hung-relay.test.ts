// A mail relay that takes a connection and the message's whole DATA, then never answers (a stuck
// content filter, a frozen VM): the send must fail at the socket timeout with a line that says what
// happened, leave no connection behind, and let the retry send again flagged as a possible second copy,
// since whether the relay kept the first one nobody can tell.
import { mkdtempSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileDeliveryLedger } from '../../activities/delivery-ledger';
import { createEmailActivities, createSmtpTransport } from '../../activities/email';
import { ErrorType } from '../../workflows/errors';
import type { OutgoingMessage } from '../../workflows/types';
import { engagementWorkflowId } from '../../workflows/workflow-ids';
import { testCampaign, testVendor } from '../helpers/fixtures';
import { useMailSink } from '../helpers/mail-sink';
import { silentRelay } from '../helpers/silent-relay';
import { until } from '../helpers/until';

const sink = useMailSink();
const mailFrom = 'Dossier <dossier@regulator.test>';

function letter(): OutgoingMessage {
  const campaign = testCampaign('hung-relay');
  const vendor = testVendor('zoom');
  return { threadId: engagementWorkflowId(campaign.id, vendor.id), step: 'letter', kind: 'open-letter', language: 'en', to: vendor.contacts, campaign, vendor, details: {} };
}

/** This process's connections to `port` that are still open (sockets hold a file descriptor each). */
function connectionsTo(port: number): number {
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  return handles.filter((h) => h instanceof Socket && h.remotePort === port && !h.destroyed).length;
}

describe('a mail relay that stops answering after the message\'s DATA', () => {
  it('fails the send saying the relay stopped answering, closes the connection, and flags the retry as a possible second copy', { timeout: 60_000 }, async () => {
    const relay = await silentRelay();
    const port = Number(new URL(relay.url).port);
    const folder = mkdtempSync(join(tmpdir(), 'dossier-hung-relay-'));
    const ledger = new FileDeliveryLedger(join(folder, 'deliveries'));
    const hung = createSmtpTransport(relay.url, { socketTimeoutMs: 1_000 });
    const working = createSmtpTransport(sink.url);
    try {
      const failure = await createEmailActivities({ transport: hung, mailFrom, ledger, outputDir: folder })
        .sendMessage(letter())
        .then(() => undefined, (err: Error & { type?: string }) => err);
      expect(relay.swallowed()).toBe(1);
      expect(failure?.type).toBe(ErrorType.RelayFault);
      expect(failure?.message).toMatch(/^The mail relay stopped answering in the middle of the SMTP transaction \(no reply for 1 s\)/);
      expect(failure?.message).toMatch(/may have kept the message/);
      // No half-closed connection waits for ever on a relay that never closes its side.
      await until(async () => connectionsTo(port), (n) => n === 0, 'the connection to the hung relay to close', 10_000, 100);

      // Temporal's retry, once the relay works again: the copy goes out, flagged as possibly the second.
      const sent = await createEmailActivities({ transport: working, mailFrom, ledger, outputDir: folder }).sendMessage(letter());
      expect(sent).toMatchObject({ alreadyDelivered: false, resentAfterCrash: true });
      expect(sink.messages.filter((m) => m.messageId === sent.messageId)).toHaveLength(1);
    } finally {
      hung.close();
      working.close();
      relay.close();
      sink.clear();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
