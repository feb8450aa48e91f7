// What an officer notice reports, made ready for templates/email/officer-notice.yaml: the workflow
// sends facts (a code, the kind of message, instants); here they become values in the office's
// language, dates in the campaign's zone. The sentences themselves are the template's.
import type { Language, OfficerNotice, Refusal } from '../workflows/types';
import { durationInWords } from '../workflows/locale';
import { formatDate, joinNames } from './format';

/** The notice as its template reads it: one flag for its code, and its values formatted. */
export function officerNoticeView(notice: OfficerNotice | undefined, language: Language, timeZone: string) {
  if (!notice) return undefined;
  switch (notice.code) {
    case 'not-delivered':
      return { notDelivered: true, kind: notice.kind, reason: notice.reason, ...refusalView(notice.refusal, language) };
    case 'delivery-delayed':
      return { deliveryDelayed: true, kind: notice.kind, after: durationInWords(notice.after, language) };
    case 'bounced':
      return {
        bounced: true,
        kind: notice.kind,
        step: notice.step,
        recipients: joinNames(notice.recipients, language),
        report: [notice.status, notice.diagnostic].filter(Boolean).join(' '),
      };
    case 'closed-no-response':
      return { closedNoResponse: true, dueDate: formatDate(notice.dueDate, language, timeZone), unreminded: notice.remindersBefore === 0 };
    case 'letter-bounced-before-delivery':
      // The letterUndeliverable paragraph says it all.
      return { letterBouncedBeforeDelivery: true, step: notice.step };
  }
}

/**
 * A refusal as the template words it: one flag for its code, the addresses as a list in words, and
 * the server's reply or Dossier's diagnostic to quote. A notice scheduled before refusals were sent
 * has only Dossier's technical reason, which the template quotes as it was recorded.
 */
function refusalView(refusal: Refusal | undefined, language: Language) {
  // A code this release does not know (a newer worker's) is told as an older notice is.
  const flag = refusal && REFUSAL_FLAGS[refusal.code];
  if (!refusal || !flag) return { reasonOnly: true };
  const recipients = refusal.recipients ?? [];
  return {
    [flag]: true,
    ...(recipients.length ? { recipients: joinNames(recipients, language), severalRecipients: recipients.length > 1 } : {}),
    ...(refusal.reply ? { reply: refusal.reply } : {}),
    ...(typeof refusal.smtpCode === 'number' ? { smtpCode: refusal.smtpCode } : {}),
    ...(refusal.diagnostic ? { diagnostic: refusal.diagnostic } : {}),
  };
}

const REFUSAL_FLAGS: Record<string, string | undefined> = {
  'recipients-refused': 'recipientsRefused',
  'some-recipients-refused': 'someRecipientsRefused',
  'message-refused': 'messageRefused',
  'invalid-message': 'invalidMessage',
  // The campaign's status reports it; no notice is mailed for it.
  'letter-copy-not-filed': 'letterCopyNotFiled',
  'letter-copy-not-taken-back': 'letterCopyNotTakenBack',
  'letter-copy-not-last-letter': 'letterCopyNotLastLetter',
} satisfies Record<Refusal['code'], string>;
