// Dossier's own message quoted back under Outlook's header block is cut from a vendor's text; any
// other quoted message (a colleague's, the vendor's own) stays, as does a block that is not one.
import { describe, expect, it } from 'vitest';
import { withoutQuotedReply } from '../../intake/own-mail';

const sent = [
  { step: 'letter', subject: '[OPC-2020-VC] Open letter: privacy of video-conferencing services' },
  { step: 'reminder-response-1', subject: '[OPC-2020-VC] Reminder: response to our open letter of 21 July 2020' },
];

describe('withoutQuotedReply', () => {
  it('cuts a message Dossier sent, named by its subject, from the rule above Outlook on the web’s block to the end', () => {
    const text = [
      'Our response is attached.',
      '',
      '________________________________',
      'From: Dossier <dossier@regulator.example>',
      'Sent: Tuesday, 4 August 2020 09:12',
      'To: Privacy Office <privacy@zoom.test>',
      'Cc: Legal <legal@zoom.test>',
      'Subject: [OPC-2020-VC] Reminder: response to our open letter of 21 July 2020',
      '',
      'Dear Privacy Office,',
      'We have not yet received your response.',
    ].join('\n');
    expect(withoutQuotedReply(text, sent)).toEqual({ text: 'Our response is attached.', step: 'reminder-response-1' });
  });

  it('reads French Outlook’s block (De :, Envoyé :, À :, Objet :) with its subject wrapped in spaces differently', () => {
    const text = 'Voici notre réponse.\n\nDe\u00a0: Dossier <dossier@regulator.example>\nEnvoyé\u00a0: mardi 21 juillet 2020 10:02\nÀ\u00a0: Bureau <privacy@zoom.test>\nObjet\u00a0: [OPC-2020-VC]  Open letter: privacy of\tvideo-conferencing services\n\nMadame, Monsieur,';
    expect(withoutQuotedReply(text, sent)).toEqual({ text: 'Voici notre réponse.', step: 'letter' });
  });

  it('keeps a quoted message Dossier did not send, and a From line that heads no block', () => {
    const colleague = 'Please see our DPO’s notes below.\n\nFrom: DPO <dpo@zoom.test>\nSent: Monday, 3 August 2020 17:40\nTo: Legal <legal@zoom.test>\nSubject: RE: [OPC-2020-VC] Open letter: privacy of video-conferencing services\n\nOur answers on retention: 30 days.';
    expect(withoutQuotedReply(colleague, sent)).toBeUndefined();
    const prose = 'From: our legal team, the answers follow.\nSubject: retention\nWe keep recordings 30 days.';
    expect(withoutQuotedReply(prose, sent)).toBeUndefined();
  });
});
