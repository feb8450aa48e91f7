// One contract, two homes: the local Maildir (embedded default) and IMAP on the run's real Dovecot
// behave the same for everything the intake relies on.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { ImapMailbox } from '../../intake/imap-mailbox';
import { holdingFolder, RECORDED_FOLDER, type MailboxSource } from '../../intake/mailbox';
import { MaildirMailbox } from '../../intake/maildir-mailbox';
import { tcpRelay } from '../helpers/tcp-relay';

interface Home {
  mailbox: MailboxSource;
  /** A second handle on the same mailbox, as the sink or the mail server delivering. */
  another(): MailboxSource;
  cleanup(): void;
}

const homes: [string, () => Home][] = [
  [
    'a local Maildir',
    () => {
      const root = mkdtempSync(join(tmpdir(), 'dossier-maildir-'));
      return { mailbox: new MaildirMailbox(root), another: () => new MaildirMailbox(root), cleanup: () => rmSync(root, { recursive: true, force: true }) };
    },
  ],
  [
    'IMAP (Dovecot)',
    () => {
      const { host, port, password } = inject('imap');
      const settings = { host, port, secure: false, user: `contract-${randomUUID().slice(0, 8)}`, password };
      return { mailbox: new ImapMailbox(settings), another: () => new ImapMailbox(settings), cleanup: () => undefined };
    },
  ],
];

function mail(n: number, extra = ''): Buffer {
  return Buffer.from(
    `From: Vendor <privacy@vendor.example>\r\nTo: case@regulator.example\r\nSubject: Reply ${n}\r\n` +
      `Message-ID: <reply-${n}@vendor.example>\r\n${extra}\r\nBody ${n} with bytes \u00e9 kept as sent.\r\n`,
    'utf8',
  );
}

async function collect(mailbox: MailboxSource, folder?: string) {
  const found = [];
  for await (const message of mailbox.messages(folder)) found.push(message);
  return found;
}

describe.each(homes)('the case mailbox in %s', (_name, make) => {
  let opened: Home | undefined;
  const open = async () => {
    opened = make();
    await opened.mailbox.open();
    return opened.mailbox;
  };
  afterEach(async () => {
    await opened?.mailbox.close();
    opened?.cleanup();
    opened = undefined;
  });

  it('gives back delivered messages byte for byte, oldest first', async () => {
    const mailbox = await open();
    for (const n of [1, 2, 3]) await mailbox.append(mail(n));
    const found = await collect(mailbox);
    expect(found.map((m) => m.raw.toString('utf8'))).toEqual([1, 2, 3].map((n) => mail(n).toString('utf8')));
  });

  it('gives a message over the size limit as its header and its size, and the others whole', async () => {
    const mailbox = await open();
    const big = Buffer.concat([mail(1).subarray(0, mail(1).indexOf('\r\n\r\n') + 4), Buffer.alloc(300_000, 'x')]);
    await mailbox.append(big);
    await mailbox.append(mail(2));
    const found = [];
    for await (const message of mailbox.messages(undefined, { maxBytes: 100_000 })) found.push(message);
    const header = big.subarray(0, big.indexOf('\r\n\r\n') + 4);
    expect(found.map((m) => [m.raw.length, m.oversize])).toEqual([
      [header.length, big.length],
      [mail(2).length, undefined],
    ]);
    expect(found[0].raw.equals(header)).toBe(true);
  });

  it('finds the messages of a folder by a header, its value contained in any case, as messages() gives them', async () => {
    const mailbox = await open();
    const folded = Buffer.from('From: v@vendor.example\r\nMessage-ID:\r\n <Folded-9@Vendor.example>\r\nSubject: Folded\r\n\r\nBody\r\n');
    for (const raw of [mail(1), mail(2), mail(12, 'X-Note: reply-2@vendor.example\r\n'), folded]) await mailbox.append(raw, 'Assigned');
    const found = async (name: string, value: string | string[], maxBytes?: number) => {
      const all = [];
      for await (const message of mailbox.messagesWithHeader('Assigned', name, value, { maxBytes })) all.push(message);
      return all;
    };
    expect((await found('Message-ID', 'reply-2@vendor.example')).map((m) => m.raw.toString('utf8'))).toEqual([mail(2).toString('utf8')]);
    expect((await found('message-id', 'REPLY-1@VENDOR.EXAMPLE')).map((m) => m.raw.toString('utf8'))).toEqual([mail(1).toString('utf8')]);
    expect((await found('Message-ID', 'folded-9@vendor.example')).map((m) => m.raw.toString('utf8'))).toEqual([folded.toString('utf8')]);
    expect((await found('Message-ID', 'reply-1')).map((m) => m.raw.toString('utf8'))).toEqual([mail(1), mail(12, 'X-Note: reply-2@vendor.example\r\n')].map((b) => b.toString('utf8')));
    const [large] = await found('Message-ID', 'reply-2@vendor.example', 10);
    expect([large.raw.toString('utf8'), large.oversize]).toEqual([mail(2).subarray(0, mail(2).indexOf('\r\n\r\n') + 4).toString('utf8'), mail(2).length]);
    expect(await found('Message-ID', 'never@vendor.example')).toEqual([]);
    // Any of several values, oldest first, each message once: the pen asks for all of its messages at once.
    const several = await found('Message-ID', ['folded-9@vendor.example', 'never@vendor.example', 'reply-1@vendor.example', 'reply-1']);
    expect(several.map((m) => m.raw.toString('utf8'))).toEqual([mail(1), mail(12, 'X-Note: reply-2@vendor.example\r\n'), folded].map((b) => b.toString('utf8')));
    expect(await found('Message-ID', [])).toEqual([]);
  });

  it('dates each message by its arrival in the mailbox (the intake measures its lag from there)', async () => {
    const mailbox = await open();
    const before = Date.now();
    await mailbox.append(mail(1));
    const after = Date.now();
    const [found] = await collect(mailbox);
    // IMAP's INTERNALDATE has whole seconds; a Maildir file's time has milliseconds.
    expect(found.arrivedAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(found.arrivedAt).toBeLessThanOrEqual(after + 1000);
  });

  it('moves a settled message out of the inbox into its folder, and nowhere else', async () => {
    const mailbox = await open();
    await mailbox.append(mail(1));
    await mailbox.append(mail(2));
    for await (const message of mailbox.messages()) {
      if (message.raw.includes('Reply 1')) await mailbox.move(message.ref, RECORDED_FOLDER);
      else await mailbox.move(message.ref, holdingFolder('video-2020'));
    }
    expect(await collect(mailbox)).toEqual([]);
    expect((await collect(mailbox, RECORDED_FOLDER)).map((m) => m.raw.toString())).toEqual([mail(1).toString()]);
    expect((await collect(mailbox, holdingFolder('video-2020'))).map((m) => m.raw.toString())).toEqual([mail(2).toString()]);
  });

  it('says a message another reader moved first is no longer its to move, without an error or a second copy', async () => {
    const mailbox = await open();
    const other = opened!.another();
    await other.open();
    await mailbox.append(mail(1));
    const [mine] = await collect(mailbox);
    const [theirs] = await collect(other);
    expect(await other.move(theirs.ref, RECORDED_FOLDER)).toBe(true);
    expect(await mailbox.move(mine.ref, RECORDED_FOLDER)).toBe(false);
    expect(await collect(mailbox)).toEqual([]);
    expect((await collect(mailbox, RECORDED_FOLDER)).map((m) => m.raw.toString())).toEqual([mail(1).toString()]);
    await other.close();
  });

  it('deletes a spare copy it appended, also while reading another folder, and nothing when it is gone', async () => {
    const mailbox = await open();
    const pen = holdingFolder('video-2020');
    await mailbox.append(mail(1));
    const kept = await mailbox.append(mail(2), pen);
    const spare = await mailbox.append(mail(3), pen);
    expect(kept).toEqual(expect.any(String));
    expect(spare).not.toEqual(kept);
    for await (const _message of mailbox.messages()) await mailbox.discard(spare!, pen);
    expect((await collect(mailbox, pen)).map((m) => m.raw.toString())).toEqual([mail(2).toString()]);
    await mailbox.discard(spare!, pen);
    expect(await collect(mailbox, pen)).toHaveLength(1);
    expect(await collect(mailbox)).toHaveLength(1);
  });

  it('moves a held message back out of its holding folder when an officer assigns it', async () => {
    const mailbox = await open();
    await mailbox.append(mail(7), holdingFolder(undefined));
    const [held] = await collect(mailbox, holdingFolder(undefined));
    await mailbox.move(held.ref, RECORDED_FOLDER, holdingFolder(undefined));
    expect(await collect(mailbox, holdingFolder(undefined))).toEqual([]);
    expect(await collect(mailbox, RECORDED_FOLDER)).toHaveLength(1);
  });

  it('wakes a waiting reader when mail arrives, long before the timeout', async () => {
    const mailbox = await open();
    const sender = opened!.another();
    await sender.open();
    const started = Date.now();
    const waiting = mailbox.waitForMail(20_000);
    await new Promise((r) => setTimeout(r, 200));
    await sender.append(mail(9));
    await waiting;
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await collect(mailbox)).toHaveLength(1);
    await sender.close();
  });

  it('sees mail another handle delivered since its last read', async () => {
    const mailbox = await open();
    const sender = opened!.another();
    await sender.open();
    await sender.append(mail(1));
    expect(await collect(mailbox)).toHaveLength(1);
    await sender.append(mail(2));
    expect(await collect(mailbox)).toHaveLength(2);
    await sender.close();
  });

  it('ends a wait on abort', async () => {
    const mailbox = await open();
    const abort = new AbortController();
    const started = Date.now();
    const waiting = mailbox.waitForMail(20_000, abort.signal);
    abort.abort();
    await waiting;
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('the case mailbox over IMAP when the connection drops', () => {
  it('connects again by itself, so the intake goes on reading mail without a restart of its own', { timeout: 60_000 }, async () => {
    const { host, port, password } = inject('imap');
    const relay = await tcpRelay(host, port);
    const mailbox = new ImapMailbox({ host: '127.0.0.1', port: relay.port, secure: false, user: `dropped-${randomUUID().slice(0, 8)}`, password });
    try {
      await mailbox.open();
      await mailbox.append(mail(1));
      expect((await collect(mailbox)).length).toBe(1);
      relay.cut();
      // imapflow learns of the closed socket from its close event.
      await new Promise((resolve) => setTimeout(resolve, 500));
      await mailbox.append(mail(2));
      expect((await collect(mailbox)).map((m) => m.raw.toString('utf8'))).toEqual([expect.stringContaining('Subject: Reply 1'), expect.stringContaining('Subject: Reply 2')]);
    } finally {
      await mailbox.close();
      await relay.close();
    }
  });
});
