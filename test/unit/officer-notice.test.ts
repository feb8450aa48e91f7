// The officer notice is worded from a code and its values (templates/email/officer-notice.yaml), in
// the office's language, with dates in the campaign's zone; a notice scheduled by older workflow
// code (its English text in `note`) is still sent as it was written.
import { describe, expect, it } from 'vitest';
import { composeMessage } from '../../activities/compose';
import type { Language, MessageDetails, MessageKind, OfficerNotice, OutgoingMessage, Refusal } from '../../workflows/types';
import { testCampaign, testVendor } from '../helpers/fixtures';

function notice(language: Language, details: MessageDetails): OutgoingMessage {
  return {
    threadId: 'engagement:vc:zoom',
    step: 'officer-notice-closed-no-response',
    kind: 'officer-notice',
    language,
    to: [{ name: 'Case office', email: 'office@opc.test' }],
    campaign: testCampaign('vc'),
    vendor: testVendor('zoom', { name: 'Zoom', language: 'en' }),
    details,
  };
}

/** The text part of the notice, in one line (the layout wraps nothing, but paragraphs break). */
async function textOf(language: Language, n: OfficerNotice, extra: MessageDetails = {}): Promise<string> {
  const composed = await composeMessage(notice(language, { notice: n, timeZone: 'America/Toronto', ...extra }));
  return String(composed.text).replace(/[ \t\r\n]+/g, ' ');
}

const closed: OfficerNotice = { code: 'closed-no-response', dueDate: '2020-08-20T03:59:59.999Z' };

describe('officer notice', () => {
  it('says the final notice alone went unanswered when no reminder went before it, in English and French', async () => {
    const unreminded: OfficerNotice = { ...closed, remindersBefore: 0 };
    const en = await composeMessage(notice('en', { notice: unreminded }));
    expect(String(en.text).replace(/[ \t\r\n]+/g, ' ')).toContain('; the final notice went unanswered. The engagement is closed.');
    expect(`${String(en.text)} ${String(en.html)}`).not.toMatch(/reminders/);
    const fr = await composeMessage(notice('fr', { notice: unreminded }));
    expect(String(fr.text).replace(/[ \t\r\n]+/g, ' ')).toContain('; le dernier avis est resté sans réponse. Le dossier est clos.');
    expect(`${String(fr.text)} ${String(fr.html)}`).not.toMatch(/rappels/);
    // After reminders, or in a notice without the count, as before.
    const reminded = await composeMessage(notice('en', { notice: { ...closed, remindersBefore: 2 } }));
    expect(String(reminded.text).replace(/[ \t\r\n]+/g, ' ')).toContain('; reminders and a final notice went unanswered.');
  });

  it('says in French that the vendor did not respond, with the due date as a date in the campaign’s zone', async () => {
    const composed = await composeMessage(notice('fr', { notice: closed, timeZone: 'America/Toronto' }));
    const text = String(composed.text).replace(/[ \t\r\n]+/g, ' ');
    expect(composed.subject).toBe('[TEST-VC] Avis sur le dossier de Zoom');
    expect(text).toContain('Zoom n’a pas répondu dans le délai, échu le 19\u00a0août\u00a02020\u202f; les rappels et le dernier avis sont restés sans réponse. Le dossier est clos.');
    expect(text).not.toMatch(/2020-08-20T|did not respond/);
    expect(String(composed.html)).toContain('échu le 19\u00a0août\u00a02020');
  });

  it('words each notice in English, naming the message by what it is, not by its internal kind', async () => {
    expect(await textOf('en', closed)).toContain('Zoom did not respond by 19\u00a0August\u00a02020; reminders and a final notice went unanswered.');
    const refused = await textOf('en', { code: 'not-delivered', step: 'letter', kind: 'open-letter', reason: 'RecipientRejected: 550 No such user', refusal: { code: 'recipients-refused', recipients: ['privacy@zoom.test'], smtpCode: 550, reply: '550 No such user' } });
    expect(refused).toContain('Zoom: the open letter was not delivered, and will not be retried. The mail server refused the address privacy@zoom.test for good');
    const delayed = await textOf('en', { code: 'delivery-delayed', step: 'reminder-response-1', kind: 'reminder', after: '1 hour' });
    expect(delayed).toContain('Zoom: a reminder is still not delivered after 1 hour.');
    const bounced = await textOf('en', { code: 'bounced', step: 'letter', kind: 'open-letter', recipients: ['a@zoom.test', 'b@zoom.test'], status: '5.1.1', diagnostic: '550 User unknown' });
    expect(bounced).toContain("Zoom: the open letter was bounced by the vendor's mail server for a@zoom.test and b@zoom.test. Its report: 5.1.1 550 User unknown");
    for (const text of [refused, delayed, bounced]) expect(text).not.toMatch(/open-letter|\(reminder\)|message letter/);
  });

  it('words each notice in French', async () => {
    const delayed = await textOf('fr', { code: 'delivery-delayed', step: 'letter', kind: 'open-letter', after: '2s' });
    expect(delayed).toContain('Zoom\u00a0: la remise de la lettre ouverte n’a toujours pas abouti après 2\u00a0secondes.');
    const refused = await textOf('fr', { code: 'not-delivered', step: 'final-notice-response-1', kind: 'final-notice', reason: 'InvalidMessage: x', refusal: { code: 'invalid-message', diagnostic: 'x' } });
    expect(refused).toContain('Zoom\u00a0: l’envoi du dernier avis a échoué et ne sera pas retenté\u00a0: Dossier n’a pas pu composer le message');
    const bounced = await textOf('fr', { code: 'bounced', step: 'demo-d1-invite-1', recipients: ['a@zoom.test'] });
    expect(bounced).toContain('Zoom\u00a0: le serveur de messagerie de l’entreprise a renvoyé le message demo-d1-invite-1 pour a@zoom.test. Il n’a donné aucun motif.');
  });

  describe('a message refused for good, worded in the office’s language from what the refusal is, the server’s reply quoted as given', () => {
    const refusedNotice = (kind: MessageKind, refusal: Refusal): OfficerNotice => ({
      code: 'not-delivered',
      step: 'letter',
      kind,
      reason: 'RecipientRejected: The mail server refused recipient 1 of 1 for good (SMTP 550): 550 5.1.1 <address>: Recipient address rejected [privacy@zoom.test]',
      refusal,
    });
    const oneAddress: Refusal = { code: 'recipients-refused', recipients: ['privacy@zoom.test'], smtpCode: 550, reply: '550 5.1.1 <privacy@zoom.test>: Recipient address rejected' };
    const twoAddresses: Refusal = { code: 'recipients-refused', recipients: ['a@zoom.test', 'b@zoom.test'], smtpCode: 550 };
    const someAddresses: Refusal = { code: 'some-recipients-refused', recipients: ['b@zoom.test'] };
    const wholeMessage: Refusal = { code: 'message-refused', recipients: ['privacy@zoom.test'], smtpCode: 552, reply: '552 5.3.4 Message size exceeds fixed limit' };
    const unbuildable: Refusal = { code: 'invalid-message', diagnostic: 'Attachment vc/statement-en.pdf of statement-notice does not exist; publish it before sending.' };

    it('says which address the mail server refused and why that usually happens, then quotes its reply (English)', async () => {
      const text = await textOf('en', refusedNotice('open-letter', oneAddress));
      expect(text).toContain('Zoom: the open letter was not delivered, and will not be retried. The mail server refused the address privacy@zoom.test for good, usually because it does not exist or no longer accepts mail.');
      expect(text).toContain('The mail server\'s reply, as it gave it: "550 5.1.1 <privacy@zoom.test>: Recipient address rejected"');
      expect(text).not.toMatch(/RecipientRejected|recipient 1 of 1|Reason/);
      const html = String((await composeMessage(notice('en', { notice: refusedNotice('open-letter', oneAddress) }))).html);
      expect(html).toContain('<code>550 5.1.1 &lt;privacy@zoom.test&gt;: Recipient address rejected</code>');
    });

    it('says which address the mail server refused and why that usually happens, then quotes its reply (French)', async () => {
      const text = await textOf('fr', refusedNotice('open-letter', oneAddress));
      expect(text).toContain('Zoom\u00a0: la remise de la lettre ouverte a échoué et ne sera pas retentée. Le serveur de messagerie a refusé définitivement l’adresse privacy@zoom.test, en général parce qu’elle n’existe pas ou ne reçoit plus de courrier.');
      expect(text).toContain('Réponse du serveur de messagerie, telle qu’il l’a donnée\u00a0: «\u202f550 5.1.1 <privacy@zoom.test>: Recipient address rejected\u202f»');
      expect(text).not.toMatch(/RecipientRejected|recipient 1 of 1|Motif|the mail server/);
    });

    it('names several refused addresses, and gives the code when the server gave no reply', async () => {
      const en = await textOf('en', refusedNotice('reminder', twoAddresses));
      expect(en).toContain('Zoom: a reminder was not delivered, and will not be retried. The mail server refused the addresses a@zoom.test and b@zoom.test for good, usually because they do not exist or no longer accept mail.');
      expect(en).toContain('The mail server answered with code SMTP 550.');
      const fr = await textOf('fr', refusedNotice('reminder', twoAddresses));
      expect(fr).toContain('Zoom\u00a0: la remise d’un rappel a échoué et ne sera pas retentée. Le serveur de messagerie a refusé définitivement les adresses a@zoom.test et b@zoom.test, en général parce qu’elles n’existent pas ou ne reçoivent plus de courrier.');
      expect(fr).toContain('Le serveur de messagerie a répondu par le code SMTP 550.');
      // The acknowledgement of answers is named as such in both languages.
      expect(await textOf('en', refusedNotice('answers-acknowledgement', twoAddresses))).toContain('Zoom: the acknowledgement of the answers was not delivered, and will not be retried.');
      expect(await textOf('fr', refusedNotice('answers-acknowledgement', twoAddresses))).toContain('Zoom\u00a0: la remise de l’accusé de réception des réponses a échoué et ne sera pas retentée.');
    });

    it('says a message went out to all but the refused addresses', async () => {
      const en = await textOf('en', refusedNotice('open-letter', someAddresses));
      expect(en).toContain('Zoom: the open letter was delivered, except to b@zoom.test: the mail server refused this address for good, usually because it does not exist or no longer accepts mail. It will not be retried for it.');
      expect(en).not.toMatch(/was not delivered|the mail server refused b@zoom.test/);
      const fr = await textOf('fr', refusedNotice('open-letter', someAddresses));
      expect(fr).toContain('Zoom\u00a0: la remise de la lettre ouverte a abouti, sauf pour b@zoom.test\u00a0: le serveur de messagerie a refusé définitivement cette adresse, en général parce qu’elle n’existe pas ou ne reçoit plus de courrier. La remise ne sera pas retentée pour elle.');
    });

    it('says the server refused the message itself, not an address, and quotes its reply', async () => {
      const en = await textOf('en', refusedNotice('final-notice', wholeMessage));
      expect(en).toContain('Zoom: the final notice was not delivered, and will not be retried. The mail server refused the message itself for good, whatever the address: usually because it is too large for that server or in a form it does not accept.');
      expect(en).toContain('The mail server\'s reply, as it gave it: "552 5.3.4 Message size exceeds fixed limit"');
      const fr = await textOf('fr', refusedNotice('final-notice', wholeMessage));
      expect(fr).toContain('Zoom\u00a0: la remise du dernier avis a échoué et ne sera pas retentée. Le serveur de messagerie a refusé définitivement le message lui-même, quelle que soit l’adresse\u00a0: en général parce qu’il est trop volumineux pour ce serveur ou sous une forme qu’il n’accepte pas.');
      expect(fr).toContain('«\u202f552 5.3.4 Message size exceeds fixed limit\u202f»');
    });

    it('says Dossier could not build the message, and quotes its diagnostic as technical detail', async () => {
      const en = await textOf('en', refusedNotice('acknowledgement', unbuildable));
      expect(en).toContain('Zoom: the acknowledgement of the response was not sent, and will not be retried: Dossier could not build it from the case\'s data.');
      expect(en).toContain('Dossier\'s diagnostic: "Attachment vc/statement-en.pdf of statement-notice does not exist; publish it before sending."');
      const fr = await textOf('fr', refusedNotice('acknowledgement', unbuildable));
      expect(fr).toContain('Zoom\u00a0: l’envoi de l’accusé de réception de la réponse a échoué et ne sera pas retenté\u00a0: Dossier n’a pas pu composer le message à partir des données du dossier.');
      expect(fr).toContain('Diagnostic de Dossier (en anglais)\u00a0: «\u202fAttachment vc/statement-en.pdf');
    });

    it('quotes the reason recorded by older workflow code, which sent no refusal, as technical detail', async () => {
      const reason = 'RecipientRejected: 550 No such user';
      const en = await textOf('en', { code: 'not-delivered', step: 'letter', kind: 'open-letter', reason });
      expect(en).toContain('Zoom: the open letter was not delivered, and will not be retried. Reason recorded by Dossier (technical): RecipientRejected: 550 No such user');
      const fr = await textOf('fr', { code: 'not-delivered', step: 'letter', kind: 'open-letter', reason });
      expect(fr).toContain('Zoom\u00a0: la remise de la lettre ouverte a échoué et ne sera pas retentée. Motif consigné par Dossier (technique, en anglais)\u00a0: RecipientRejected: 550 No such user');
    });
  });

  it('still sends a notice scheduled by older workflow code, whose English text is in details.note', async () => {
    const note = 'Zoom did not respond by 2020-08-20T03:59:59.999Z; reminders and a final notice went unanswered. The engagement is closed.';
    const composed = await composeMessage(notice('en', { note, dueDate: '2020-08-20T03:59:59.999Z', timeZone: 'America/Toronto' }));
    expect(String(composed.text)).toContain(note);
    expect(String(composed.text)).toContain('Date: 19\u00a0August\u00a02020');
  });
});
