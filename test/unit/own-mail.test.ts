// Dossier's own message quoted back under Outlook's header block is cut from a vendor's text; any
// other quoted message (a colleague's, the vendor's own) stays, as does a block that is not one.
import { describe, expect, it } from 'vitest';
import { withoutInterleavedQuote, withoutQuotedReply } from '../../intake/own-mail';
import { htmlAsText } from '../../intake/read-message';

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

describe('withoutInterleavedQuote', () => {
  const sentText = [
    'Bonjour,',
    '',
    'Les autorités signataires souhaitent obtenir des précisions sur les points suivants\u202f:',
    '',
    'q1. Combien de temps conservez-vous les enregistrements des réunions\u202f?',
    '',
    'q2. Qui peut lire le contenu d’une réunion\u202f?',
  ].join('\n');

  it('knows Dossier’s lines however the client wrote their characters: accents decomposed, soft hyphens and zero-width spaces inside words', () => {
    const reply = [
      'Voici nos réponses.',
      '',
      '> Les autorite\u0301s signataires souhaitent obtenir des pre\u0301cisions sur les points suivants :',
      '>',
      '> q1. Combien de temps conservez-vous les enregis\u00adtrements des re\u0301unions ?',
      '',
      'R1 : trente jours.',
      '',
      '> q2. Qui peut lire le contenu d\u200b’une re\u0301union ?',
      '',
      'R2 : personne.',
    ].join('\n');
    expect(withoutInterleavedQuote(reply, { text: sentText })).toBe(
      [
        'Voici nos réponses.',
        '',
        '> q1. Combien de temps conservez-vous les enregis\u00adtrements des re\u0301unions ?',
        'R1 : trente jours.',
        '',
        '> q2. Qui peut lire le contenu d\u200b’une re\u0301union ?',
        'R2 : personne.',
      ].join('\n'),
    );
  });

  it('gives a reply written wholly below the quote (bottom-posted) none of the quote back', () => {
    const reply = `> ${sentText.split('\n').join('\n> ')}\n\nNos réponses sont jointes.`;
    expect(withoutInterleavedQuote(reply, { text: sentText })).toBe('Nos réponses sont jointes.');
  });
});

describe('htmlAsText', () => {
  it('reads every character reference, as Dossier’s templates and vendors’ clients write them', () => {
    expect(htmlAsText('<p>O&#x27;Neil&#39;s &ldquo;policy&rdquo; &mdash; d&rsquo;ici&#8239;? &eacute;t&eacute; &amp;lt; &unknown; &#0;</p>')).toBe('O\'Neil\'s “policy” — d’ici\u202f? été &lt; &unknown; \ufffd\n');
  });
});
