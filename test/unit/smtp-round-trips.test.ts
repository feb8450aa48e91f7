// SMTP is a dialogue of short writes. With Nagle's algorithm on, a write that follows another unacknowledged
// one waits for the peer's delayed ACK (40 ms on Linux), so every message on a kept connection took
// 45–50 ms on loopback while its CPU was 2–3 ms: a reminder burst spent most of its time waiting.
// The fastest of several sends is compared with that delay, so a busy machine cannot fail the test
// while the 40 ms wait, which every send pays, still does.
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSmtpTransport } from '../../activities/email';

const DELAYED_ACK_MS = 40;
const SENDS = 12;
const message = { from: 'dossier@test.example', to: 'vendor@test.example', subject: 'Reminder', text: 'A reminder.\n'.repeat(80) };

async function fastestSendMs(send: () => Promise<unknown>): Promise<number> {
  await send();
  let fastest = Infinity;
  for (let i = 0; i < SENDS; i++) {
    const start = performance.now();
    await send();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return fastest;
}

/** A relay that leaves Nagle's algorithm on, as a plain Node server does: only the sender's side can help. */
const relay = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS'], logger: false, disableReverseLookup: true, onData: (stream, _s, done) => stream.resume().on('end', () => done()) });
let relayPort = 0;
beforeAll(async () => {
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  relayPort = (relay.server.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((resolve) => relay.close(() => resolve())));

it("the worker's pooled transport sends on a kept connection without waiting for the relay's delayed ACK", async () => {
  const transport = createSmtpTransport(`smtp://127.0.0.1:${relayPort}`, { maxConnections: 1 });
  try {
    expect(await fastestSendMs(() => transport.sendMail(message))).toBeLessThan(DELAYED_ACK_MS);
  } finally {
    transport.close();
  }
});
