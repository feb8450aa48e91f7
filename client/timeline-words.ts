// An engagement's timeline in the reader's language, for the workspace's engagement page and the
// CLI's `engagement show`: each entry the workflow recorded as an English phrase is read into a code
// and values (workflows/timeline.ts), worded from templates/web/strings.yaml, its dates printed as the
// caller prints dates, a delay in words. A message refused or bounced for good says why as the list of
// delivery failures does (client/delivery-failures.ts), from the failure the case recorded with it. An
// entry this version cannot read is shown as recorded.
import { wordOf } from '../activities/templates';
import { sharedSentence as sentence } from './shared-sentence';
import type { CliWords } from './cli-words';
import { deliveryFailureText } from './delivery-failures';
import { formatCount } from '../intake/wording';
import { durationInWords } from '../workflows/locale';
import { isDateOnly } from '../workflows/time';
import { readActor, readTimelineEntry, stepKind, type TimelineReading } from '../workflows/timeline';
import type { DeliveryFailure, Language, Principle, TimelineEntry } from '../workflows/types';

/** The sentences and dates entries are worded with: the workspace's views, or the CLI's words (`cliWording`). */
export interface Wording {
  text(language: Language, key: string, values?: object): string;
  date(value: string, language: Language, timeZone?: string): string;
  dateTime(value: string, language: Language, timeZone?: string): string;
}

/**
 * The CLI's wording: the workspace's sentences, principles by the letters' titles, a moment as the
 * CLI prints times (UTC, to the minute). A day (a deadline an entry moved, a response's day) is its
 * day in `timeZone`, the campaign's, as the workspace and the letters date it; where the caller knows
 * no zone, the UTC instant as for a moment.
 */
export function cliWording(words: CliWords, timeZone?: string): Wording & { principle(principle: Principle, language: Language): string } {
  return {
    text: (language, key, values) => sentence(language, key, values),
    date: (value) => words.dueDay(value, timeZone),
    dateTime: (value) => words.when(value),
    principle: (principle, language) => wordOf(language, `principles.${principle}`) ?? principle,
  };
}

/** Codes whose date is a moment (a time of day matters); the others name a deadline's day. */
const MOMENTS = new Set<TimelineReading['code']>(['response-recorded', 'demonstration-scheduled', 'demonstration-rescheduled']);

export interface WordedEntry {
  at: string;
  by: string;
  what: string;
}

/**
 * One entry's "what" column: its sentence, then what it copied from a person or a server. `failures`
 * are the case's delivery failures, whose refusals word why a message was not delivered.
 */
export function entryWords(
  entry: Pick<TimelineEntry, 'what' | 'detail'> & Partial<Pick<TimelineEntry, 'at'>>,
  language: Language,
  timeZone: string,
  views: Wording,
  failures: readonly DeliveryFailure[] = [],
): string {
  const reading = readTimelineEntry(entry);
  const colon = views.text(language, 'punctuation.colon');
  if (!reading) return entry.detail ? `${entry.what}${colon}${entry.detail}` : entry.what;
  const { code, kind, result, date, documents, after, events, kib, ...values } = reading;
  const sentence = views.text(language, documents ? `timeline.${code}-documents` : `timeline.${code}`, {
    ...values,
    kind: kind && views.text(language, `message.${kind}`),
    // A bounce names the message by its step's code (`letter-2`): the page names its kind in words.
    ...(values.step !== undefined && stepKind(values.step) ? { step: views.text(language, `message.${stepKind(values.step)}`) } : {}),
    result: result && views.text(language, `result.${result}`),
    // A response received on a day recorded as that day (`2026-11-29`) has no time to show.
    date: date && (MOMENTS.has(code) && !isDateOnly(date) ? views.dateTime(date, language, timeZone) : views.date(date, language, timeZone)),
    count: documents,
    // Counted as the reader's language groups digits ("12 345 événements", "12,345 events").
    events: events === undefined ? undefined : formatCount(events, language),
    kib: kib === undefined ? undefined : formatCount(kib, language),
    after: after && durationInWords(after, language),
  });
  const notes = [
    reading.resent ? views.text(language, 'timeline.resent') : undefined,
    reading.ledgerError ? views.text(language, 'timeline.ledger-error', { error: reading.ledgerError }) : undefined,
  ].filter(Boolean);
  const said = notes.length ? `${sentence}${views.text(language, 'punctuation.list')}${notes.join(views.text(language, 'punctuation.list'))}` : sentence;
  const text = whyUndelivered(entry, reading, language, views, failures) ?? reading.text;
  return text ? `${said}${colon}${text}` : said;
}

/**
 * Why a message was refused or bounced, in words, where its recorded reason (English) can be read:
 * a refusal from the failure recorded at the same moment for the same step with the same reason; a
 * bounce from its reason itself. Undefined leaves the reason as recorded.
 */
function whyUndelivered(
  entry: Partial<Pick<TimelineEntry, 'at'>>,
  reading: TimelineReading,
  language: Language,
  views: Wording,
  failures: readonly DeliveryFailure[],
): string | undefined {
  if ((reading.code !== 'message-not-delivered' && reading.code !== 'message-bounced') || !reading.text || reading.step === undefined) return undefined;
  const recorded = failures.find((f) => f.step === reading.step && f.reason === reading.text && (entry.at === undefined || f.at === entry.at));
  const failure = recorded ?? { at: entry.at ?? '', step: reading.step, reason: reading.text };
  const worded = deliveryFailureText(failure, language, (l, key, values) => views.text(l, key, values));
  return worded.english ? undefined : worded.text;
}

/** Who acted, in words: Dossier itself, or a person as the workspace or the CLI named them. */
export function actorWords(by: string, language: Language, views: Wording): string {
  const actor = readActor(by);
  return actor.code === undefined ? actor.name : views.text(language, `actor.${actor.code}`, actor);
}

export function wordTimeline(timeline: readonly TimelineEntry[], language: Language, timeZone: string, views: Wording, failures: readonly DeliveryFailure[] = []): WordedEntry[] {
  return timeline.map((t) => ({ at: t.at, by: actorWords(t.by, language, views), what: entryWords(t, language, timeZone, views, failures) }));
}
