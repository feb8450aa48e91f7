// A vendor tells the officer mid-case to write to another address, or to copy its DPO: the officer
// adds or replaces the contacts of the open engagement (CLI and client API), with a reason. Later
// mail goes to them, the letter is not sent again, and mail from an added address is the vendor's.
// Real dev server, real SMTP sink.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DossierClient } from '../../client/api';
import { recordInboundUpdate, type RecordInboundInput } from '../../workflows/messages';
import { runDossier } from '../helpers/cli';
import { startEngagement, stepOf } from '../helpers/engagement-driver';
import { engagementInput, fastPolicy } from '../helpers/fixtures';
import { useDossier } from '../helpers/harness';

const env = useDossier();
const officer = 'Officer Tremblay';

describe('changing the contacts of an open engagement', () => {
  it('sends the next reminder to the new contacts, not the letter again, and takes mail from an added address as the vendor’s', { timeout: 120_000 }, async () => {
    // The first reminder comes 20 s after the letter: time for the officer's changes first.
    const policy = fastPolicy({ responseDue: '20s', reminderCadence: ['1s', '10 minutes'], finalNoticeAfter: '10 minutes' });
    const campaignId = env.uniqueId('contacts');
    const e = await startEngagement(env, engagementInput(campaignId, 'zoom', policy));
    const dossier = new DossierClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    const ref = { campaignId, vendorId: 'zoom' };
    await e.waitForStatus((s) => s.stage === 'awaiting-response');

    // The CLI adds the DPO, on another domain.
    const added = await runDossier(env.childEnv, officer, [
      'engagement', 'contacts', e.handle.workflowId, '--add', 'dpo@lawfirm.test,Data Protection Officer', '--reason', 'The vendor asked us to copy its DPO.',
    ]);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toContain(`${e.handle.workflowId} now writes to privacy@zoom.test, dpo@lawfirm.test; the open letter is not sent again.`);

    // Bad input is refused with what is wrong named, and changes nothing.
    const bad = await runDossier(env.childEnv, officer, ['engagement', 'contacts', e.handle.workflowId, '--add', 'not-an-address', '--reason', 'typo']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/email address of contact 1/);
    const both = await runDossier(env.childEnv, officer, ['engagement', 'contacts', e.handle.workflowId, '--add', 'a@zoom.test', '--replace', 'b@zoom.test', '--reason', 'r']);
    expect(both.code).not.toBe(0);
    expect(both.stderr).toContain('give the addresses to add (--add) or those that replace the present ones (--replace), one of them');
    await expect(dossier.changeContacts(ref, { by: officer, mode: 'replace', contacts: [], reason: 'none' })).rejects.toThrow(/give at least one contact address/);
    expect((await e.status()).contacts?.map((c) => c.email)).toEqual(['privacy@zoom.test', 'dpo@lawfirm.test']);

    // The client API replaces them: the privacy team from now on, the DPO still copied.
    await dossier.changeContacts(ref, {
      by: officer,
      mode: 'replace',
      contacts: [
        { name: 'Privacy team', email: 'privacy-team@zoom.test' },
        { name: 'Data Protection Officer', email: 'dpo@lawfirm.test' },
      ],
      reason: 'Write to the privacy team from now on.',
    });

    const [reminder] = await e.waitForMail('reminder-response-1');
    expect(reminder.to).toEqual(['privacy-team@zoom.test', 'dpo@lawfirm.test']);
    // One letter only, to the address of the campaign file; nothing else went out.
    expect(e.mails().map((m) => [stepOf(m), m.to])).toEqual([
      ['letter', ['privacy@zoom.test']],
      ['reminder-response-1', ['privacy-team@zoom.test', 'dpo@lawfirm.test']],
    ]);
    const status = await e.status();
    expect(status.stage).toBe('awaiting-response');
    const changes = status.timeline.filter((t) => t.what === 'contact added' || t.what === 'contacts replaced');
    expect(changes).toEqual([
      expect.objectContaining({ by: expect.stringMatching(/^Officer Tremblay/), what: 'contact added', detail: 'dpo@lawfirm.test: The vendor asked us to copy its DPO.' }),
      expect.objectContaining({
        by: officer,
        what: 'contacts replaced',
        detail: 'privacy@zoom.test, dpo@lawfirm.test → privacy-team@zoom.test, dpo@lawfirm.test: Write to the privacy team from now on.',
      }),
    ]);

    // A reply from the DPO's own domain is the vendor's now (named by its subject, as the intake offers it).
    const messageId = `<dpo-${randomUUID()}@lawfirm.test>`;
    await e.handle.executeUpdate(recordInboundUpdate, {
      args: [
        {
          messageId,
          from: 'dpo@lawfirm.test',
          subject: `Re: [${e.input.campaign.reference}] Open letter`,
          receivedAt: new Date().toISOString(),
          kind: 'reply',
          matchedBy: 'subject',
          text: 'Our response follows next week.',
          documents: [],
          notes: [],
        },
      ],
      updateId: messageId,
    });
    expect((await e.status()).inbox?.map((m) => m.from)).toEqual(['dpo@lawfirm.test']);

    // Ended, the case takes no more changes.
    await dossier.withdraw(ref, { by: officer, reason: 'test over' });
    await e.handle.result();
    await expect(dossier.changeContacts(ref, { by: officer, mode: 'add', contacts: [{ name: 'X', email: 'x@zoom.test' }], reason: 'late' })).rejects.toThrow(
      /refused: it has ended and accepts no more requests/,
    );
  });

  /** A relay's report that the open letter did not reach `recipient`, as the intake records it. */
  const letterBounce = (recipient: string): { args: [RecordInboundInput]; updateId: string } => {
    const messageId = `<bounce-${randomUUID()}@mx.test>`;
    return {
      args: [
        {
          messageId,
          from: 'mailer-daemon@mx.test',
          subject: 'Undelivered Mail Returned to Sender',
          receivedAt: new Date().toISOString(),
          kind: 'bounce',
          matchedBy: 'thread',
          answersStep: 'letter',
          text: '550 5.1.1 no such user',
          documents: [],
          notes: [],
          bounce: { recipients: [recipient] },
        },
      ],
      updateId: messageId,
    };
  };

  it('takes a bounce of the letter from the address it went to after the contacts changed, and finds the letter undeliverable', { timeout: 120_000 }, async () => {
    const policy = fastPolicy({ responseDue: '10 minutes', reminderCadence: ['10 minutes'], finalNoticeAfter: '10 minutes' });
    const dossier = new DossierClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    for (const mode of ['replace', 'add'] as const) {
      const campaignId = env.uniqueId(`contacts-bounce-${mode}`);
      const e = await startEngagement(env, engagementInput(campaignId, 'zoom', policy));
      const ref = { campaignId, vendorId: 'zoom' };
      await e.waitForStatus((s) => s.stage === 'awaiting-response');
      await dossier.changeContacts(ref, { by: officer, mode, contacts: [{ name: 'Data Protection Officer', email: 'dpo@lawfirm.test' }], reason: 'The vendor asked.' });
      // The letter went to privacy@zoom.test alone, before the change: its bounce means it reached nobody.
      const recorded = await e.handle.executeUpdate(recordInboundUpdate, letterBounce('privacy@zoom.test'));
      expect(recorded.effect, mode).toBe('delivery-failure');
      const status = await e.status();
      expect(status.stage, mode).toBe('letter-undeliverable');
      // The officer can correct the address now, and the letter goes again.
      await dossier.correctContacts(ref, { by: officer, contacts: [{ name: 'Privacy', email: 'privacy-office@zoom.test' }], reason: 'The right address.' });
      await e.waitForMail('letter-2');
      await dossier.withdraw(ref, { by: officer, reason: 'test over' });
      await e.handle.result();
    }
  });
});
