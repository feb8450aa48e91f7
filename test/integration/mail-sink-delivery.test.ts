// The embedded default's case mailbox: the local mail sink delivers mail for the case mailbox (and
// its +token addresses) into a Maildir, as a mail server delivers for its own domain; the rest only
// reaches the sink's outbox.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MaildirMailbox } from '../../intake/maildir-mailbox';
import { isCaseMailbox, MailSink } from '../../infra/mail-sink';

const root = mkdtempSync(join(tmpdir(), 'dossier-sink-maildir-'));
const maildir = new MaildirMailbox(root);
const sink = new MailSink({ caseMailbox: { address: 'case@regulator.test', maildir } });

beforeAll(async () => {
  await maildir.open();
  await sink.start();
});
afterAll(async () => {
  await sink.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('the local mail sink and the case mailbox', () => {
  it('knows the case mailbox and its sub-addresses, and nothing else', () => {
    expect(isCaseMailbox('case@regulator.test', 'case@regulator.test')).toBe(true);
    expect(isCaseMailbox('Case+0123abcd@Regulator.test', 'case@regulator.test')).toBe(true);
    expect(isCaseMailbox('case@regulator.test.evil', 'case@regulator.test')).toBe(false);
    expect(isCaseMailbox('casework@regulator.test', 'case@regulator.test')).toBe(false);
  });

  it('delivers a vendor’s reply to the case mailbox into the Maildir, naming the envelope recipient', async () => {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: sink.port, secure: false, ignoreTLS: true });
    await transport.sendMail({ from: 'privacy@zoom.test', to: 'case+0123456789abcdef@regulator.test', subject: 'Re: letter', text: 'Our reply', messageId: '<reply-1@zoom.test>' });
    await transport.sendMail({ from: 'dossier@regulator.test', to: 'privacy@zoom.test', subject: 'Letter', text: 'Letter', messageId: '<letter-1@regulator.test>' });
    transport.close();
    const delivered: string[] = [];
    for await (const m of maildir.messages()) delivered.push(m.raw.toString());
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatch(/^Delivered-To: case\+0123456789abcdef@regulator\.test\r\n/);
    expect(delivered[0]).toContain('Message-ID: <reply-1@zoom.test>');
    expect(sink.messages).toHaveLength(2);
  });
});

describe('the sink’s .eml files, as another process watches them', () => {
  it('never lists a message before it is written whole', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'dossier-sink-eml-'));
    const kept = new MailSink({ folder });
    await kept.start();
    // A watcher in another process, as the demo beside `npm start` is: it polls without pause and
    // notes each .eml's size when first listed, until told to stop.
    const watcher = spawn(
      process.execPath,
      [
        '-e',
        `const fs = require('node:fs'); const seen = {}; let stop = false;
         process.stdin.on('data', () => { stop = true; }); process.stdin.resume();
         (function poll() {
           for (const name of fs.readdirSync(process.argv[1])) {
             if (name.endsWith('.eml') && !(name in seen)) seen[name] = fs.statSync(process.argv[1] + '/' + name).size;
           }
           if (stop) { process.stdout.write(JSON.stringify(seen)); process.exit(0); }
           setImmediate(poll);
         })();`,
        folder,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    let output = '';
    watcher.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      const transport = nodemailer.createTransport({ host: '127.0.0.1', port: kept.port, secure: false, ignoreTLS: true });
      const body = 'x'.repeat(3 * 1024 * 1024);
      for (let i = 1; i <= 6; i++) await transport.sendMail({ from: 'dossier@regulator.test', to: 'privacy@zoom.test', subject: `Letter ${i}`, text: body, messageId: `<big-${i}@regulator.test>` });
      transport.close();
      const exited = new Promise((resolve) => watcher.on('exit', resolve));
      watcher.stdin.write('stop\n');
      await exited;
      const firstSeen = JSON.parse(output) as Record<string, number>;
      expect(Object.keys(firstSeen)).toHaveLength(6);
      const whole = Object.fromEntries(Object.keys(firstSeen).map((name) => [name, statSync(join(folder, name)).size]));
      expect(firstSeen).toEqual(whole);
      expect(readdirSync(folder).filter((name) => !name.endsWith('.eml'))).toEqual([]);
    } finally {
      watcher.kill();
      await kept.stop();
      rmSync(folder, { recursive: true, force: true });
    }
  }, 120_000);
});
