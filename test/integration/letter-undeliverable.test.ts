// A letter the recipient's server refuses for good (SMTP 550) has not gone out: no response deadline
// may run and no reminder may go to an address that does not exist. The engagement waits in
// `letter-undeliverable`, the office is told, and the officer corrects the address (CLI and client
// API) so the letter goes again, or withdraws the engagement. Real dev server, real SMTP sink.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { DossierClient } from '../../client/api';
import { recordResponseUpdate } from '../../workflows/messages';
import { runDossier } from '../helpers/cli';
import { startEngagement } from '../helpers/engagement-driver';
import { engagementInput, fastPolicy } from '../helpers/fixtures';
import { useDossier } from '../helpers/harness';

const env = useDossier();
const officer = 'Officer Tremblay';
afterEach(() => {
  env.sink.recipientPolicy = () => undefined;
});

/** Reminders a second after the due date and closure soon after: today's code would close the case in seconds. */
const quickPolicy = () => fastPolicy({ responseDue: '2s', reminderCadence: ['1s'], finalNoticeAfter: '2s', closeAfter: '2s' });

describe('a letter refused for good', () => {
  it('starts no deadline and sends no reminder until the officer corrects the address; the letter then goes again', { timeout: 120_000 }, async () => {
    env.sink.recipientPolicy = (address) => (address === 'privacy@gone.test' ? { code: 550, message: '5.1.1 No such user' } : undefined);
    const campaignId = env.uniqueId('undeliverable');
    const e = await startEngagement(env, engagementInput(campaignId, 'gone', quickPolicy()));
    const dossier = new DossierClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    const ref = { campaignId, vendorId: 'gone' };

    const [notice] = await e.waitForMail('officer-notice-letter');
    expect(notice.to).toEqual(['office@opc.test']);
    const [text] = (await env.parsed([notice])).map((m) => m.text ?? '');
    expect(text).toMatch(/did not reach Vendor gone/);
    expect(text).toMatch(/No deadline runs/);
    expect(text).toContain(`npx dossier engagement correct-contact ${e.handle.workflowId}`);

    const waiting = await e.waitForStatus((s) => s.stage === 'letter-undeliverable');
    expect(waiting.nextDeadline).toBeUndefined();
    // Long past the due date, the first reminder, the final notice and closure of today's policy.
    await sleep(8_000);
    const still = await e.status();
    expect(still.stage).toBe('letter-undeliverable');
    expect(still.remindersSent).toEqual([]);
    expect(e.mails().map((m) => m.to)).toEqual([['office@opc.test']]);
    const listed = await dossier.findEngagements({ campaign: campaignId, stage: 'letter-undeliverable' });
    expect(listed.map((l) => [l.vendorId, l.nextDeadline, l.nextAction])).toEqual([['gone', undefined, undefined]]);
    await e.expectRejected(
      () => e.handle.executeUpdate(recordResponseUpdate, { args: [{ by: officer, receivedAt: new Date().toISOString(), summary: 'x', attachments: [] }] }),
      /cannot record a response while the engagement is letter-undeliverable/,
    );

    const shown = await runDossier(env.childEnv, officer, ['engagement', 'show', e.handle.workflowId]);
    expect(shown.stdout).toContain('letter-undeliverable');
    expect(shown.stdout).toContain(`Refused for good at privacy@gone.test. Correct it: npx dossier engagement correct-contact ${e.handle.workflowId}`);

    // A bad address is refused by the CLI with the field named, and changes nothing.
    const bad = await runDossier(env.childEnv, officer, ['engagement', 'correct-contact', e.handle.workflowId, '--email', 'not-an-address', '--reason', 'typo']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/email/);
    expect((await e.status()).stage).toBe('letter-undeliverable');

    const fixed = await runDossier(env.childEnv, officer, [
      'engagement', 'correct-contact', e.handle.workflowId, '--email', 'privacy@found.test', '--reason', 'the vendor moved its privacy office', '--json',
    ]);
    expect(fixed.stderr).toBe('');
    expect(fixed.code).toBe(0);
    expect(JSON.parse(fixed.stdout)).toMatchObject({ contacts: [{ email: 'privacy@found.test' }] });

    const corrected = Date.now();
    const [letter] = await e.waitForMail('letter-2');
    expect(letter.to).toEqual(['privacy@found.test']);
    const sent = await e.waitForStatus((s) => s.stage === 'awaiting-response');
    // The response is due from the letter that went out, not from the refused one.
    expect(Date.parse(sent.nextDeadline!)).toBeGreaterThanOrEqual(corrected + 2_000 - 1_000);
    const what = sent.timeline.map((t) => t.what);
    expect(what).toEqual(['open-letter not delivered', 'officer-notice sent', 'letter undeliverable', 'contact address corrected', 'open-letter sent']);
    expect(sent.timeline[3]).toMatchObject({ by: expect.stringMatching(/^Officer Tremblay/), detail: expect.stringContaining('privacy@found.test') });
    // Reminders now run, to the corrected address.
    const [reminder] = await e.waitForMail('reminder-response-1');
    expect(reminder.to).toEqual(['privacy@found.test']);
    await dossier.withdraw(ref, { by: officer, reason: 'test over' });
  });

  it('lets the officer withdraw an engagement whose letter cannot be delivered, and refuses a correction at any other stage', { timeout: 60_000 }, async () => {
    env.sink.recipientPolicy = (address) => (address === 'privacy@nowhere.test' ? { code: 550, message: '5.1.1 No such user' } : undefined);
    const campaignId = env.uniqueId('undeliverable-w');
    const e = await startEngagement(env, engagementInput(campaignId, 'nowhere', quickPolicy()));
    const dossier = new DossierClient(env.client, { taskQueue: env.taskQueue, address: 'test' });
    const ref = { campaignId, vendorId: 'nowhere' };
    await e.waitForStatus((s) => s.stage === 'letter-undeliverable');
    await expect(dossier.correctContacts(ref, { by: officer, contacts: [{ name: 'Same', email: 'privacy@nowhere.test' }], reason: 'again' })).rejects.toThrow(
      /privacy@nowhere.test is the address the mail server refused/,
    );
    await dossier.withdraw(ref, { by: officer, reason: 'the vendor has closed' });
    expect((await e.handle.result()).stage).toBe('withdrawn');
    expect(e.mails().map((m) => m.to)).toEqual([['office@opc.test']]);

    const other = await startEngagement(env, engagementInput(env.uniqueId('deliverable'), 'zoom', quickPolicy()));
    await other.waitForStatus((s) => s.stage === 'awaiting-response');
    await expect(
      dossier.correctContacts({ campaignId: other.input.campaign.id, vendorId: 'zoom' }, { by: officer, contacts: [{ name: 'X', email: 'x@zoom.test' }], reason: 'r' }),
    ).rejects.toThrow(/cannot correct the contact address while the engagement is awaiting-response/);
    await other.handle.terminate('test over');
  });
});
