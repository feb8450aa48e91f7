// A message refused or bounced for good, in words, for the workspace and the CLI: a refusal from its
// code and values in the reader's language (templates/web/strings.yaml, `refusal.*`), with the
// server's reply quoted as given; a bounce the intake recorded, from the addresses and report its
// reason names (`bounce.*`). A failure recorded before refusals were kept, or a reason this release
// cannot read, is shown as Dossier recorded it (English). The officer's notice words the same facts by email.
import { sharedSentence as sentence } from './shared-sentence';
import { LOCALE } from '../workflows/locale';
import { readBounceReason } from '../workflows/timeline';
import { REFUSAL_CODES, type DeliveryFailure, type Language } from '../workflows/types';

type Word = (language: Language, key: string, values: object) => string;

/** `english` marks the recorded reason, which a page in another language tags as English. */
export function deliveryFailureText(failure: DeliveryFailure, language: Language, word: Word = sentence): { text: string; english: boolean } {
  const refusal = failure.refusal;
  if (!refusal) return bounceText(failure, language, word);
  const addresses = refusal.recipients ?? [];
  const perAddress = refusal.code === 'recipients-refused' || refusal.code === 'some-recipients-refused';
  // A code of a newer release, or addresses lost on the way: the recorded reason still says it all.
  if (!REFUSAL_CODES.includes(refusal.code) || (perAddress && !addresses.length)) return { text: failure.reason, english: language !== 'en' };
  const key = `refusal.${refusal.code}${perAddress ? (addresses.length > 1 ? '.other' : '.one') : ''}`;
  const said = refusal.reply
    ? word(language, 'refusal.reply', { reply: refusal.reply })
    : typeof refusal.smtpCode === 'number'
      ? word(language, 'refusal.code', { code: refusal.smtpCode })
      : undefined;
  const diagnostic = refusal.diagnostic ? word(language, 'refusal.diagnostic', { diagnostic: refusal.diagnostic }) : undefined;
  return { text: [word(language, key, { addresses: list(addresses, language) }), said, diagnostic].filter(Boolean).join(' '), english: false };
}

/** A bounce keeps no refusal, only the reason inbox.ts wrote, which names what it says. */
function bounceText(failure: DeliveryFailure, language: Language, word: Word): { text: string; english: boolean } {
  const bounce = readBounceReason(failure.reason);
  if (!bounce) return { text: failure.reason, english: language !== 'en' };
  const key = `bounce.${bounce.recipients.length > 1 ? 'other' : 'one'}`;
  const report = bounce.report ? word(language, 'bounce.report', { report: bounce.report }) : word(language, 'bounce.no-report', {});
  return { text: `${word(language, key, { addresses: list(bounce.recipients, language) })} ${report}`, english: false };
}

function list(addresses: readonly string[], language: Language): string {
  return new Intl.ListFormat(LOCALE[language], { style: 'long', type: 'conjunction' }).format(addresses);
}
