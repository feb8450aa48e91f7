// The officer notice is worded from a code and its values (templates/email/officer-notice.yaml), in
// the office's language, with dates in the campaign's zone; a notice scheduled by older workflow
// code (its English text in `note`) is still sent as it was written.
import { describe, expect, it } from 'vitest';
import { composeMessage } from '../../activities/compose';
import type { Language, MessageDetails, OfficerNotice, OutgoingMessage } from '../../workflows/types';
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
  it('says in French that the vendor did not respond, with the due date as a date in the campaign’s zone', async () => {
    const composed = await composeMessage(notice('fr', { notice: closed, timeZone: 'America/Toronto' }));
    const text = String(composed.text).replace(/[ \t\r\n]+/g, ' ');
    expect(composed.subject).toBe('[TEST-VC] Avis de dossier\u00a0: Zoom');
    expect(text).toContain('Zoom n’a pas répondu dans le délai, échu le 19\u00a0août\u00a02020\u00a0; les rappels et le dernier avis sont restés sans réponse. Les échanges sont clos.');
    expect(text).not.toMatch(/2020-08-20T|did not respond/);
    expect(String(composed.html)).toContain('échu le 19\u00a0août\u00a02020');
  });

  it('words each notice in English, naming the message by what it is, not by its internal kind', async () => {
    expect(await textOf('en', closed)).toContain('Zoom did not respond by 19\u00a0August\u00a02020; reminders and a final notice went unanswered.');
    const refused = await textOf('en', { code: 'not-delivered', step: 'letter', kind: 'open-letter', reason: 'RecipientRejected: 550 No such user' });
    expect(refused).toContain('Zoom: the open letter was not delivered, and will not be retried. Reason given: RecipientRejected: 550 No such user');
    const delayed = await textOf('en', { code: 'delivery-delayed', step: 'reminder-response-1', kind: 'reminder', after: '1 hour' });
    expect(delayed).toContain('Zoom: a reminder is still not delivered after 1 hour.');
    const bounced = await textOf('en', { code: 'bounced', step: 'letter', kind: 'open-letter', recipients: ['a@zoom.test', 'b@zoom.test'], status: '5.1.1', diagnostic: '550 User unknown' });
    expect(bounced).toContain("Zoom: the open letter was bounced by the vendor's mail server for a@zoom.test and b@zoom.test. Its report: 5.1.1 550 User unknown");
    for (const text of [refused, delayed, bounced]) expect(text).not.toMatch(/open-letter|\(reminder\)|message letter/);
  });

  it('words each notice in French', async () => {
    const delayed = await textOf('fr', { code: 'delivery-delayed', step: 'letter', kind: 'open-letter', after: '2s' });
    expect(delayed).toContain('Zoom\u00a0: la remise de la lettre ouverte n’a toujours pas abouti après 2\u00a0secondes.');
    const refused = await textOf('fr', { code: 'not-delivered', step: 'final-notice-response-1', kind: 'final-notice', reason: 'InvalidMessage: x' });
    expect(refused).toContain('Zoom\u00a0: la remise du dernier avis a échoué et ne sera pas retentée. Motif indiqué\u00a0: InvalidMessage: x');
    const bounced = await textOf('fr', { code: 'bounced', step: 'demo-d1-invite-1', recipients: ['a@zoom.test'] });
    expect(bounced).toContain('Zoom\u00a0: le serveur de messagerie de l’entreprise a renvoyé le message demo-d1-invite-1 pour a@zoom.test. Il n’a donné aucun motif.');
  });

  it('still sends a notice scheduled by older workflow code, whose English text is in details.note', async () => {
    const note = 'Zoom did not respond by 2020-08-20T03:59:59.999Z; reminders and a final notice went unanswered. The engagement is closed.';
    const composed = await composeMessage(notice('en', { note, dueDate: '2020-08-20T03:59:59.999Z', timeZone: 'America/Toronto' }));
    expect(String(composed.text)).toContain(note);
    expect(String(composed.text)).toContain('Date: 19\u00a0August\u00a02020');
  });
});
