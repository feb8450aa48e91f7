// A holding pen that keeps a few large messages (a vendor's scanned annexes, up to the intake's
// limit of 40 MB each), read on the run's real Dovecot through a relay that counts the bytes the
// server sent: listing the pen, or opening one message in it, must not read every message whole.
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { ImapMailbox } from '../../intake/imap-mailbox';
import { Intake } from '../../intake/intake';
import { composeReply } from '../helpers/inbound-mail';
import { tcpRelay } from '../helpers/tcp-relay';

const held = (raw: Buffer) => Buffer.concat([Buffer.from('X-Dossier-Held-Reason: the sender x@evil.example is not an address of Zoom\r\nX-Dossier-Held-Campaign: vc\r\n'), raw]);

describe('a holding pen with large messages in it, over IMAP', () => {
  it('is listed, and a small message in it opened, without reading the large ones whole', { timeout: 120_000 }, async () => {
    const { host, port, password } = inject('imap');
    const relay = await tcpRelay(host, port);
    const mailbox = new ImapMailbox({ host: '127.0.0.1', port: relay.port, secure: false, user: `large-${randomUUID().slice(0, 8)}`, password });
    const intake = new Intake({ mailbox, dossier: { recordHeldDismissal: async () => undefined } as never, documents: {} as never, directory: {} as never, domain: 'test.example', caseMailbox: 'case@test.example' });
    try {
      await mailbox.open();
      for (let n = 0; n < 3; n++) {
        const annex = { filename: `annexe-${n}.pdf`, content: Buffer.alloc(3_000_000, n + 1) };
        await mailbox.append(held(await composeReply({ from: 'x@evil.example', to: 'case@test.example', subject: `[VC] annexes ${n}`, messageId: `<large-${n}@evil.example>`, text: 'Voir les annexes.', attachments: [annex] })), 'Held-vc');
      }
      await mailbox.append(held(await composeReply({ from: 'x@evil.example', to: 'case@test.example', subject: '[VC] small', messageId: '<small@evil.example>', text: 'Short.' })), 'Held-vc');
      // A message without a Message-ID is named by a hash of its bytes: listed and opened by it as before.
      await mailbox.append(held(Buffer.from('From: x@evil.example\r\nTo: case@test.example\r\nSubject: [VC] no id\r\n\r\nNo id.\r\n')), 'Held-vc');

      // Large and without a Message-ID: read whole to be named, as it must be to be found again.
      await mailbox.append(held(Buffer.from(`From: x@evil.example\r\nTo: case@test.example\r\nSubject: [VC] large, no id\r\n\r\n${'Scan. '.repeat(300_000)}\r\n`)), 'Held-vc');

      const large = (await intake.held('vc'))[5];
      expect(large.messageId).toMatch(/@no-message-id\.dossier\.invalid>$/);
      expect((await intake.read('vc', large.messageId)).subject).toBe('[VC] large, no id');
      await intake.dismiss('vc', large.messageId, 'Officer Tremblay', 'a scan of nothing');

      let before = relay.received();
      const listed = await intake.held('vc');
      expect(listed.map((m) => m.subject)).toEqual(['[VC] annexes 0', '[VC] annexes 1', '[VC] annexes 2', '[VC] small', '[VC] no id']);
      expect(listed.map((m) => m.kind)).toEqual(['reply', 'reply', 'reply', 'reply', 'reply']);
      expect(listed[4].messageId).toMatch(/@no-message-id\.dossier\.invalid>$/);
      // Three messages of some 4 MB each (base64): read whole, over 12 MB for each look.
      expect(relay.received() - before).toBeLessThan(1_000_000);

      before = relay.received();
      expect((await intake.read('vc', '<small@evil.example>')).text.trim()).toBe('Short.');
      expect((await intake.read('vc', listed[4].messageId)).text.trim()).toBe('No id.');
      expect(relay.received() - before).toBeLessThan(1_000_000);

      // A large one itself is read whole when opened: the officer sees its attachment.
      expect((await intake.read('vc', '<large-1@evil.example>')).attachments.map((a) => [a.name, a.size])).toEqual([['annexe-1.pdf', 3_000_000]]);
    } finally {
      await mailbox.close();
      await relay.close();
    }
  });
});
