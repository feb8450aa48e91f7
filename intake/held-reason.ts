// Why the intake holds a message, as data: a code and its values, worded by each reader in its
// language from templates/web/strings.yaml (keys `held.why.*`), the CLI and the held copy's header in
// English. A `detail` is text the intake does not write and cannot translate (an engagement's
// refusal, a parser's error, the border server's verdict); readers show it as written, in English.
import type { RefusalDetails } from '../workflows/refusals';
import type { Language } from '../workflows/types';
import { countedSentence, formatSize, sentence } from './wording';

/**
 * One candidate engagement's refusal of a message: its English sentence (the CLI's), and its code and
 * values when the engagement gave them, which the workspace words in the page's language.
 */
export interface EngagementRefusal {
  vendor: string;
  sentence: string;
  refusal?: RefusalDetails;
}

/**
 * Refusals a held copy lists, of how many: a subject naming a campaign makes every engagement of it
 * a candidate, and each refuses in its own words; the copy's header must stay a header.
 */
export const LISTED_REFUSALS = 100;

/** Characters of a reason on one line of the CLI's table; the held copy and JSON keep it whole. */
export const REASON_LINE_CHARS = 240;

export type HeldWhy =
  | { code: 'unreadable'; detail: string }
  /**
   * `size` and `limit` in English, as older readers show them; `bytes` and `limitBytes` (absent
   * from copies held before) let each reader word them in its language.
   */
  | { code: 'oversize'; size: string; limit: string; bytes?: number; limitBytes?: number }
  | { code: 'no-match' }
  /** No engagement matched, and it was sent to a sub-address whose reply token names none (a guessed or mistyped one). */
  | { code: 'unknown-token' }
  | { code: 'unverified-sender'; detail: string }
  /** Named by its subject alone, from an address that could be any of these vendors' (their names). */
  | { code: 'ambiguous-sender'; vendors: string[] }
  /**
   * Its subject says it is an automatic reply (an out-of-office message), though no header does: not
   * recorded as the vendor's reply, which would pause the reminders; an officer assigns a genuine one.
   */
  | { code: 'automatic-subject' }
  /**
   * Every candidate engagement's validator refused it; `detail` is their words, in English (all that
   * copies held before `refusals` have); `refusals` the first LISTED_REFUSALS of `count`, one by one.
   */
  | { code: 'refused'; detail: string; refusals?: EngagementRefusal[]; count?: number }
  /**
   * Named by its subject alone, and every engagement of the campaign refused it because the sender is
   * not its vendor's (those that had ended refused it as ended): said once, of the whole campaign,
   * rather than as one vendor's refusal and a count. The refusals stay, as `refused` keeps them.
   */
  | { code: 'sender-of-no-vendor'; refusals?: EngagementRefusal[]; count?: number }
  /** Held by a version of the intake that wrote only its English sentence: that sentence. */
  | { code: 'as-written'; detail: string };

const CODES: HeldWhy['code'][] = ['unreadable', 'oversize', 'no-match', 'unknown-token', 'unverified-sender', 'ambiguous-sender', 'automatic-subject', 'refused', 'sender-of-no-vendor', 'as-written'];

/** The reason in words: the sentence for its code, then its detail as written. */
export function heldReasonText(why: HeldWhy, language: Language = 'en'): string {
  const label = sentence(language, `held.why.${why.code}`, heldWhyValues(why, language));
  return 'detail' in why ? (label ? `${label} ${why.detail}` : why.detail) : label;
}

/**
 * The reason on one line of bounded length, for a table: an engagement's refusal and how many others
 * refused too, rather than every one; any other reason past REASON_LINE_CHARS cut, with the count of
 * characters left out. `refusalLine` words that refusal: the CLI's in the reader's language by its
 * code, as the workspace does (client/refusal-words.ts); by default its English sentence.
 */
export function heldReasonLine(why: HeldWhy, language: Language = 'en', max = REASON_LINE_CHARS, refusalLine: (refusal: EngagementRefusal) => string = (r) => r.sentence): string {
  let text = heldReasonText(why, language);
  if (why.code === 'refused' && why.refusals?.length) {
    const others = (why.count ?? why.refusals.length) - 1;
    const label = sentence(language, 'held.why.refused');
    text = `${label} ${refusalLine(why.refusals[0]!)}${others > 0 ? ` ${countedSentence(language, 'held.why.refused-more', others)}` : ''}`;
  }
  const chars = [...text];
  if (chars.length <= max) return text;
  return `${chars.slice(0, max).join('').trimEnd()}… ${sentence(language, 'held.why.cut', { count: chars.length - max })}`;
}

/**
 * The values its sentence names: an oversize message's sizes in the reader's language where the copy
 * kept them as numbers; the vendors a sender could be, listed as the language lists.
 */
function heldWhyValues(why: HeldWhy, language: Language): object {
  if (why.code === 'ambiguous-sender') return { vendors: why.vendors.join(sentence(language, 'punctuation.list')) };
  if (why.code !== 'oversize') return why;
  const size = (bytes: unknown, asWritten: string) => (typeof bytes === 'number' && Number.isFinite(bytes) ? formatSize(bytes, language) : asWritten);
  return { ...why, size: size(why.bytes, why.size), limit: size(why.limitBytes, why.limit) };
}

/** A reason read back from a held copy's header, or undefined when it is not one this intake wrote. */
export function parseHeldWhy(text: string): HeldWhy | undefined {
  try {
    const why = JSON.parse(text) as HeldWhy;
    return typeof why === 'object' && why !== null && CODES.includes(why.code) ? why : undefined;
  } catch {
    return undefined;
  }
}
