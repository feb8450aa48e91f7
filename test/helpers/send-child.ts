// A worker process that sends one message through the real email activities and dies with it: once
// the relay has accepted the message, before the ledger records it, it says so and hangs until the
// test SIGKILLs it. Argument: JSON { settings, smtpUrl }; the message arrives on stdin, as one JSON
// line, once the process has said `ready`, so the test knows when the send starts.
import { createInterface } from 'node:readline';
import { createEmailActivities, createSmtpTransport } from '../../activities/email';
import { openStore, type StoreSettings } from '../../store';
import type { OutgoingMessage } from '../../workflows/types';

async function main() {
  const { settings, smtpUrl } = JSON.parse(process.argv[2]) as { settings: StoreSettings; smtpUrl: string };
  const store = openStore(settings);
  await store.ready();
  const activities = createEmailActivities({
    transport: createSmtpTransport(smtpUrl),
    mailFrom: 'Dossier <dossier@regulator.test>',
    ledger: store.ledger,
    files: store.files,
    hooks: {
      async afterAccepted() {
        process.stdout.write('accepted\n');
        await new Promise(() => undefined);
      },
    },
  });
  const lines = createInterface({ input: process.stdin });
  process.stdout.write('ready\n');
  for await (const line of lines) {
    await activities.sendMessage(JSON.parse(line) as OutgoingMessage);
    process.stdout.write('sent\n');
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
