// The engagement page's timeline in the reader's language: each entry the workflow recorded as an
// English phrase is read into a code and values (workflows/timeline.ts), worded from strings.yaml,
// its dates printed in the campaign's zone. An entry this version cannot read is shown as recorded.
import { isDateOnly } from '../workflows/time';
import { readActor, readTimelineEntry, type TimelineReading } from '../workflows/timeline';
import type { Language, TimelineEntry } from '../workflows/types';
import type { Views } from './views';

/** Codes whose date is a moment (a time of day matters); the others name a deadline's day. */
const MOMENTS = new Set<TimelineReading['code']>(['response-recorded', 'demonstration-scheduled', 'demonstration-rescheduled']);

export interface WordedEntry {
  at: string;
  by: string;
  what: string;
}

/** One entry's "what" column: its sentence, then what it copied from a person or a server. */
export function entryWords(entry: Pick<TimelineEntry, 'what' | 'detail'>, language: Language, timeZone: string, views: Views): string {
  const reading = readTimelineEntry(entry);
  const colon = views.text(language, 'punctuation.colon');
  if (!reading) return entry.detail ? `${entry.what}${colon}${entry.detail}` : entry.what;
  const { code, kind, result, date, documents, ...values } = reading;
  const sentence = views.text(language, documents ? `timeline.${code}-documents` : `timeline.${code}`, {
    ...values,
    kind: kind && views.text(language, `message.${kind}`),
    result: result && views.text(language, `result.${result}`),
    // A response received on a day recorded as that day (`2026-11-29`) has no time to show.
    date: date && (MOMENTS.has(code) && !isDateOnly(date) ? views.dateTime(date, language, timeZone) : views.date(date, language, timeZone)),
    count: documents,
  });
  const notes = [
    reading.resent ? views.text(language, 'timeline.resent') : undefined,
    reading.ledgerError ? views.text(language, 'timeline.ledger-error', { error: reading.ledgerError }) : undefined,
  ].filter(Boolean);
  const said = notes.length ? `${sentence}${views.text(language, 'punctuation.list')}${notes.join(views.text(language, 'punctuation.list'))}` : sentence;
  return reading.text ? `${said}${colon}${reading.text}` : said;
}

/** Who acted, in words: Dossier itself, or a person as the workspace or the CLI named them. */
export function actorWords(by: string, language: Language, views: Views): string {
  const actor = readActor(by);
  return actor.code === undefined ? actor.name : views.text(language, `actor.${actor.code}`, actor);
}

export function wordTimeline(timeline: readonly TimelineEntry[], language: Language, timeZone: string, views: Views): WordedEntry[] {
  return timeline.map((t) => ({ at: t.at, by: actorWords(t.by, language, views), what: entryWords(t, language, timeZone, views) }));
}
