// A message refused for good, in words, for the workspace and the CLI: from its refusal's code and
// values in the reader's language (templates/web/strings.yaml, `refusal.*`), with the server's reply
// quoted as given; or, for a bounce and for a failure recorded before refusals were kept, the
// reason as Dossier recorded it (English). The officer's notice words the same facts by email.
import { sentence } from '../intake/wording';
import { LOCALE } from '../workflows/locale';
import { REFUSAL_CODES, type DeliveryFailure, type Language } from '../workflows/types';

type Word = (language: Language, key: string, values: object) => string;

/** `english` marks the recorded reason, which a page in another language tags as English. */
export function deliveryFailureText(failure: DeliveryFailure, language: Language, word: Word = sentence): { text: string; english: boolean } {
  const refusal = failure.refusal;
  const addresses = refusal?.recipients ?? [];
  const perAddress = refusal?.code === 'recipients-refused' || refusal?.code === 'some-recipients-refused';
  // A code of a newer release, or addresses lost on the way: the recorded reason still says it all.
  if (!refusal || !REFUSAL_CODES.includes(refusal.code) || (perAddress && !addresses.length)) return { text: failure.reason, english: language !== 'en' };
  const key = `refusal.${refusal.code}${perAddress ? (addresses.length > 1 ? '.other' : '.one') : ''}`;
  const list = new Intl.ListFormat(LOCALE[language], { style: 'long', type: 'conjunction' }).format(addresses);
  const said = refusal.reply
    ? word(language, 'refusal.reply', { reply: refusal.reply })
    : typeof refusal.smtpCode === 'number'
      ? word(language, 'refusal.code', { code: refusal.smtpCode })
      : undefined;
  const diagnostic = refusal.diagnostic ? word(language, 'refusal.diagnostic', { diagnostic: refusal.diagnostic }) : undefined;
  return { text: [word(language, key, { addresses: list }), said, diagnostic].filter(Boolean).join(' '), english: false };
}
