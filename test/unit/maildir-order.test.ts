// The local Maildir lists a folder in the order its messages were delivered, whichever handle
// delivered them: the intake keeps the first of two held copies by this order (Intake.hold).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MaildirMailbox } from '../../intake/maildir-mailbox';

const roots: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function maildir(): string {
  const root = mkdtempSync(join(tmpdir(), 'dossier-maildir-order-'));
  roots.push(root);
  return root;
}

async function subjects(mailbox: MaildirMailbox, folder?: string): Promise<string[]> {
  const found: string[] = [];
  for await (const message of mailbox.messages(folder)) found.push(/^Subject: (.*)$/m.exec(message.raw.toString())![1]!.trim());
  return found;
}

const mail = (n: number) => Buffer.from(`Subject: ${n}\r\nMessage-ID: <m-${n}@vendor.example>\r\n\r\nBody ${n}\r\n`);

describe('the local Maildir', () => {
  it('lists the messages two handles delivered within one millisecond in the order they were delivered', async () => {
    const root = maildir();
    const [first, second] = [new MaildirMailbox(root), new MaildirMailbox(root)];
    await first.open();
    vi.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-11-30T07:00:00.000Z'));
    const sent = Array.from({ length: 24 }, (_, n) => n + 1);
    for (const n of sent) await (n % 2 ? first : second).append(mail(n), 'Held');
    expect(await subjects(first, 'Held')).toEqual(sent.map(String));
  });

  it('delivers every message of writers racing for the same folder once, and leaves no lock behind', async () => {
    const root = maildir();
    const handles = Array.from({ length: 4 }, () => new MaildirMailbox(root));
    await handles[0]!.open();
    const sent = Array.from({ length: 40 }, (_, n) => n + 1);
    await Promise.all(sent.map((n) => handles[n % handles.length]!.append(mail(n), 'Held')));
    expect((await subjects(handles[1]!, 'Held')).map(Number).sort((a, b) => a - b)).toEqual(sent);
    expect(readdirSync(join(root, '.Held', 'tmp')).filter((name) => !name.startsWith('.last'))).toEqual([]);
  });
});
