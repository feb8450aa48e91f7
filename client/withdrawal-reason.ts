// Why an engagement ended withdrawn, in the reader's language where it was given in it. The lead closes
// or excludes an open case at drafting with a reason in English and French (the open-cases file); the
// campaign keeps both, but the engagement records one string (its English, else its French), so the
// engagement page, its timeline and the CLI's `engagement show` look the pair up in the campaign's
// status and show the reader's text, the other language's only as a fallback, marked with its language.
import type { CampaignClient } from './campaign-api';
import type { WordedEntry } from './timeline-words';
import type { EngagementRef } from './api';
import { LANGUAGES, type Language, type OpenCaseDecision, type PublicText, type TimelineEntry } from '../workflows/types';
import type { EngagementStatus } from '../workflows/messages';

/** A text to show and, where known, the language it is in. */
export interface TextInLanguage {
  text: string;
  lang?: Language;
}

/**
 * The reason in `language`: the lead's text in that language when `given` is the pair the recorded
 * reason came from, else the other language's; a reason typed by an officer (no pair) as recorded,
 * its language unknown.
 */
export function withdrawalReasonIn(recorded: string, given: PublicText | undefined, language: Language): TextInLanguage {
  if (!given || !LANGUAGES.some((l) => given[l]?.trim() === recorded.trim())) return { text: recorded };
  const lang = given[language]?.trim() ? language : LANGUAGES.find((l) => given[l]?.trim());
  return lang ? { text: given[lang].trim(), lang } : { text: recorded };
}

/**
 * The lead's decision at drafting on this engagement (close or exclude, with its reason in both
 * languages), from its campaign's status: the page and the CLI read the stage it ended in and the
 * reason from it, one question for both. Undefined for any other withdrawal, or when the campaign cannot
 * say (an engagement started on its own, a campaign out of reach: the stage and reason show as recorded).
 */
export async function leadDecisionOf(
  campaigns: Pick<CampaignClient, 'status'> | undefined,
  ref: EngagementRef,
  status: Pick<EngagementStatus, 'withdrawalReason'>,
  options: { timeoutMs?: number } = {},
): Promise<OpenCaseDecision | undefined> {
  if (!status.withdrawalReason || !campaigns) return undefined;
  try {
    const campaign = await campaigns.status(ref.campaignId, options);
    return campaign.openCases?.find((d) => d.vendorId === ref.vendorId);
  } catch {
    return undefined;
  }
}

/**
 * The timeline's entry of the withdrawal ends with the reason as recorded: it is given apart, in the
 * reader's language where the lead gave it, for the page to mark with its language. `worded[i]` is
 * `timeline[i]` worded (client/timeline-words.ts). A case the lead closed or excluded at drafting
 * reads so (`decided`: the sentence worded for "withdrawn", and the one for the lead's decision), as its
 * stage does, not as withdrawn.
 */
export function withdrawalReasonMarked<T extends WordedEntry>(
  worded: T[],
  timeline: readonly TimelineEntry[],
  given: PublicText | undefined,
  language: Language,
  decided?: { withdrawn: string; as: string },
): (T & { said?: { text: string; lang: Language } })[] {
  if (!given) return worded;
  return worded.map((entry, i) => {
    const recorded = timeline[i];
    if (recorded?.what !== 'withdrawn') return entry;
    const named = decided && entry.what.startsWith(decided.withdrawn) ? { ...entry, what: decided.as + entry.what.slice(decided.withdrawn.length) } : entry;
    if (!recorded.detail || !named.what.endsWith(recorded.detail)) return named;
    const reason = withdrawalReasonIn(recorded.detail, given, language);
    if (!reason.lang) return named;
    return { ...named, what: named.what.slice(0, -recorded.detail.length), said: { text: reason.text, lang: reason.lang } };
  });
}
