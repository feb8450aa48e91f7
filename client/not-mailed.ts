// Why a vendor was not mailed the published statement, in words, for the CLI's campaign status, the
// workspace's statement page and the audit export: one sentence per reason, in templates/web/strings.yaml
// (`not-mailed.*`). A reason this release does not know (recorded by a newer worker, mid-upgrade) is
// shown by its code rather than refusing to show the rest.
import { sharedSentence as sentence } from './shared-sentence';
import { NOTICE_NOT_MAILED_REASONS, type Language } from '../workflows/types';

type Word = (language: Language, key: string, values: object) => string;

export function notMailedText(reason: string, language: Language, word: Word = sentence): string {
  return (NOTICE_NOT_MAILED_REASONS as readonly string[]).includes(reason) ? word(language, `not-mailed.${reason}`, {}) : reason;
}
