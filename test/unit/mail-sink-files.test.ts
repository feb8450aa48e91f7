// The mail sink's .eml files under out/mail: every `npm start` writes into the same folder, so the
// names must sort in arrival order across runs and never collide, even for a resent Message-ID.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { afterAll, expect, it } from 'vitest';
import { MailSink } from '../../infra/mail-sink';

const folder = mkdtempSync(join(tmpdir(), 'dossier-sink-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function runOnce(messages: { messageId: string; subject: string }[]): Promise<void> {
  const sink = await new MailSink({ folder }).start();
  const transport = createTransport({ host: '127.0.0.1', port: sink.port, secure: false, ignoreTLS: true });
  try {
    for (const m of messages) {
      await transport.sendMail({ from: 'dossier@test.example', to: 'vendor@test.example', subject: m.subject, text: 'x', messageId: m.messageId });
    }
  } finally {
    transport.close();
    await sink.stop();
  }
}

it('names files so they sort in arrival order across restarts and never overwrite one another', async () => {
  await runOnce([{ messageId: '<zz-letter@test.example>', subject: 'first run' }]);
  // A second start of the sink: numbering starts again, and the same Message-ID comes again (a resend).
  await runOnce([
    { messageId: '<aa-reminder@test.example>', subject: 'second run, one' },
    { messageId: '<zz-letter@test.example>', subject: 'second run, two' },
  ]);
  const files = readdirSync(folder).filter((f) => f.endsWith('.eml')).sort();
  expect(files).toHaveLength(3);
  const subjects = files.map((f) => /^Subject: (.*)$/m.exec(readFileSync(join(folder, f), 'utf8'))?.[1]);
  expect(subjects).toEqual(['first run', 'second run, one', 'second run, two']);
});
