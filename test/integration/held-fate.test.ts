// What became of a message that left the holding pen, asked of the run's real Dovecot: the intake
// finds the officer's note by the message's Message-ID, so a mailbox that kept years of notes is not
// read whole each time an officer's form comes too late. Counted in bytes the server sent, through a
// relay, so the test holds whatever way the mailbox is read.
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { ImapMailbox } from '../../intake/imap-mailbox';
import { ASSIGNED_FOLDER, DISMISSED_FOLDER, Intake } from '../../intake/intake';
import type { RecordInboundResult } from '../../workflows/messages';
import { composeReply } from '../helpers/inbound-mail';
import { tcpRelay } from '../helpers/tcp-relay';

describe('what became of a message that left the holding pen, over IMAP', () => {
  it('is found by its Message-ID among many notes, reading only its own', { timeout: 120_000 }, async () => {
    const { host, port, password } = inject('imap');
    const relay = await tcpRelay(host, port);
    const mailbox = new ImapMailbox({ host: '127.0.0.1', port: relay.port, secure: false, user: `fate-${randomUUID().slice(0, 8)}`, password });
    const intake = new Intake({
      mailbox,
      dossier: { recordHeldDismissal: async () => undefined, recordInbound: async () => ({ effect: 'noted' }) as unknown as RecordInboundResult },
      documents: {} as never,
      directory: { engagementByToken: async () => undefined, campaignByReference: async () => undefined, vendorOf: async () => ({ name: 'Zoom' }) },
      domain: 'test.example',
      caseMailbox: 'case@test.example',
    });
    try {
      await mailbox.open();
      // Years of decisions: other messages' notes, each with a body, in both folders.
      const body = 'Texte de la réponse. '.repeat(800);
      for (let n = 0; n < 120; n++) {
        for (const folder of [ASSIGNED_FOLDER, DISMISSED_FOLDER]) {
          const other = await composeReply({ from: 'x@zoom.test', to: 'case@test.example', subject: `older ${n}`, messageId: `<older-${folder}-${n}@zoom.test>`, text: body });
          await mailbox.append(Buffer.concat([Buffer.from('X-Dossier-Dismissed-By: Someone\r\nX-Dossier-Dismissed-Reason: old\r\n'), other]), folder);
        }
      }
      for (const id of ['<went1@evil.example>', '<went2@evil.example>']) {
        const original = await composeReply({ from: 'x@evil.example', to: 'case@test.example', subject: `[VC] gone ${id}`, messageId: id, text: 'x' });
        await mailbox.append(Buffer.concat([Buffer.from('X-Dossier-Held-Reason: the sender x@evil.example is not an address of Zoom\r\nX-Dossier-Held-Campaign: vc\r\n'), original]), 'Held-vc');
      }
      await intake.assign('vc', '<went1@evil.example>', { campaignId: 'vc', vendorId: 'zoom' }, 'Agente Lévesque (lea@regulator.example)');
      await intake.dismiss('vc', '<went2@evil.example>', 'Officer Tremblay', 'Publicité, pas une réponse');

      const before = relay.received();
      expect(await intake.fate('<went1@evil.example>')).toEqual({
        outcome: 'assigned',
        subject: '[VC] gone <went1@evil.example>',
        campaignId: 'vc',
        vendorId: 'zoom',
        by: 'Agente Lévesque (lea@regulator.example)',
      });
      expect(await intake.fate('<went2@evil.example>')).toEqual({ outcome: 'dismissed', subject: '[VC] gone <went2@evil.example>', by: 'Officer Tremblay', reason: 'Publicité, pas une réponse' });
      expect(await intake.fate('<never@evil.example>')).toBeUndefined();
      // 240 notes of about 20 kB each: read whole for each of the three look-ups, some 16 MB.
      expect(relay.received() - before).toBeLessThan(100_000);
    } finally {
      await mailbox.close();
      await relay.close();
    }
  });
});
