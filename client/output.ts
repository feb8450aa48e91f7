// How the CLI shows results: tables for people (cli-table3), JSON for scripts (`--json`), and a
// progress bar on stderr for work that takes more than a moment, so stdout stays parseable.
// Colours are left off: officers paste these tables into case notes and emails.
import { SingleBar } from 'cli-progress';
import Table from 'cli-table3';
import { wordOf } from '../activities/templates';
import { formatCount } from '../intake/wording';
import { firstOfMonth, LOCALE } from '../workflows/locale';
import { calendarDayIn, isDateOnly, isoInstant } from '../workflows/time';
import type { Language } from '../workflows/types';
import { cliSentence } from './cli-sentences';

export type Cell = string | number | boolean | undefined | null;

export interface Output {
  readonly json: boolean;
  /** Prints `data` as JSON under `--json`, otherwise the text `human` renders. */
  result(data: unknown, human: () => string): void;
  /** A line for people only (a hint, a confirmation); silent under `--json`. */
  note(line: string): void;
}

export function createOutput(json: boolean, write: (text: string) => void = (t) => process.stdout.write(t)): Output {
  return {
    json,
    result(data, human) {
      write(json ? `${JSON.stringify(data, null, 2)}\n` : `${human().replace(/\n*$/, '')}\n`);
    },
    note(line) {
      if (!json) write(`${line}\n`);
    },
  };
}

/** A table with a header row, as wide as the terminal at most; empty cells show as `—`. */
export function table(head: string[], rows: Cell[][]): string {
  const texts = rows.map((row) => row.map(cell));
  const t = new Table({ head, style: { head: [], border: [] }, wordWrap: true, colWidths: fitColumns([head, ...texts]) });
  t.push(...texts);
  return t.toString();
}

/** Label/value pairs, one per line, for the header of a single record. */
export function fields(pairs: [string, Cell][]): string {
  const texts = pairs.map(([label, value]) => [label, cell(value)]);
  const t = new Table({ style: { head: [], border: [] }, wordWrap: true, colWidths: fitColumns(texts) });
  t.push(...texts);
  return t.toString();
}

const MIN_COLUMN = 10;
const MAX_UNBROKEN = 40;

/**
 * Column widths that fit a terminal: the widest columns narrow first (long texts wrap), but never
 * below their longest word, so IDs stay whole for copying. Output to a pipe or file is not
 * narrowed unless COLUMNS says so: a script or grep wants whole lines.
 */
function fitColumns(rows: string[][], maxWidth = terminalWidth()): number[] {
  const count = Math.max(...rows.map((r) => r.length));
  const column = (i: number) => rows.map((r) => r[i] ?? '');
  const widths = Array.from({ length: count }, (_, i) => Math.max(3, ...column(i).flatMap((c) => c.split('\n')).map((l) => l.length)) + 2);
  const floors = Array.from({ length: count }, (_, i) => Math.max(MIN_COLUMN, longestWord(column(i)) + 2));
  if (maxWidth === undefined) return widths;
  const budget = maxWidth - (count + 1);
  while (widths.reduce((a, b) => a + b, 0) > budget) {
    const shrinkable = widths.map((w, i) => (w > floors[i]! ? w : -1));
    const widest = shrinkable.indexOf(Math.max(...shrinkable));
    if (shrinkable[widest]! < 0) break;
    widths[widest]!--;
  }
  return widths;
}

function longestWord(texts: string[]): number {
  return Math.min(MAX_UNBROKEN, Math.max(0, ...texts.flatMap((t) => t.split(/\s+/)).map((w) => w.length)));
}

function terminalWidth(): number | undefined {
  if (process.stdout.isTTY && process.stdout.columns) return process.stdout.columns;
  return Number(process.env.COLUMNS) || undefined;
}

export function section(title: string, body: string): string {
  return `\n${title}\n${body}`;
}

/**
 * ISO timestamps shown to the minute, in UTC, as the workflow records them: `2026-11-29 06:14Z` in
 * English; in French as Dossier writes French dates elsewhere, `29 nov. 2026, 6 h 14 UTC`.
 */
export function when(iso: string | undefined, language: Language = 'en'): string {
  if (!iso) return '—';
  // A day recorded as a day (a response received "2026-11-29") stays one: not midnight UTC.
  if (isDateOnly(iso.trim())) return language === 'en' ? iso.trim() : frenchDate(iso.trim());
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return stamp(date, language, false);
}

/**
 * A due date a vendor was given, as the day it falls on in the campaign's zone (`campaignTimeZone`:
 * its lead authority's calendar), the day its letters and the workspace print: "respond by 4 January
 * 2027" from Toronto ends at 2027-01-05T04:59:59Z, and is `2027-01-04` here, not the next UTC day.
 * The day is written as `when` writes one (`2027-01-04`; `4 janv. 2027`). Without a zone (one the CLI
 * could not read) it is the instant in UTC, as `when` writes it, which says it is UTC.
 */
export function dueDay(iso: string | undefined, language: Language = 'en', timeZone?: string): string {
  if (!iso) return '—';
  const value = iso.trim();
  if (!usableZone(timeZone) || isDateOnly(value) || isoInstant(value) === undefined) return when(iso, language);
  return when(calendarDayIn(value, timeZone), language);
}

/**
 * Whether this process can show days in `timeZone`: a zone a worker with newer time-zone data accepted
 * (or a damaged memo) may be unknown to this Node's ICU, and one such campaign must not stop `list`:
 * its dates are then shown as UTC instants, as when the zone could not be read.
 */
function usableZone(timeZone: string | undefined): timeZone is string {
  if (timeZone === undefined) return false;
  let usable = zonesTried.get(timeZone);
  if (usable === undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone });
      usable = true;
    } catch {
      usable = false;
    }
    zonesTried.set(timeZone, usable);
  }
  return usable;
}
const zonesTried = new Map<string, boolean>();

/**
 * A deadline and how far it is from now, so an officer sees at a glance what is due soon and what is
 * overdue: its day in the campaign's zone (`dueDay`), the span to the second when it is near (a
 * demo's deadlines are seconds apart). Without a zone, the instant in UTC to the second.
 */
export function deadline(iso: string | undefined, now: number = Date.now(), language: Language = 'en', timeZone?: string): string {
  if (!iso) return '—';
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  const span = distance(Math.abs(time - now), language);
  const day = usableZone(timeZone) ? dueDay(iso, language, timeZone) : stamp(new Date(time), language, true);
  return cliSentence(language, time >= now ? 'deadline.ahead' : 'deadline.past', { stamp: day, span });
}

function stamp(date: Date, language: Language, seconds: boolean): string {
  if (language === 'en') return cliSentence(language, 'date.utc', { time: date.toISOString().slice(0, seconds ? 19 : 16).replace('T', ' ') });
  const text = frenchFormat(seconds ? 'medium' : 'short').format(date);
  // Intl's fr-CA writes "06 h 14"; French typography (and Dossier's letters) write "6 h 14".
  return cliSentence(language, 'date.utc', { time: firstOfMonth(text.replace(/(^|, )0(\d)(?=[\s\u202f]h)/u, '$1$2'), wordOf(language, 'firstOfMonth')).replace(/(?<!,)[ \u202f]/g, '\u00a0') });
}

function frenchDate(day: string): string {
  const text = new Intl.DateTimeFormat(LOCALE.fr, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));
  return firstOfMonth(text, wordOf('fr', 'firstOfMonth')).replace(/[ \u202f]/g, '\u00a0');
}

const FRENCH_FORMATS = new Map<string, Intl.DateTimeFormat>();
function frenchFormat(timeStyle: 'short' | 'medium'): Intl.DateTimeFormat {
  let format = FRENCH_FORMATS.get(timeStyle);
  if (!format) FRENCH_FORMATS.set(timeStyle, (format = new Intl.DateTimeFormat(LOCALE.fr, { dateStyle: 'medium', timeStyle, timeZone: 'UTC' })));
  return format;
}

function distance(ms: number, language: Language): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return cliSentence(language, 'span.seconds', { n: Math.max(0, Math.round(ms / 1000)) });
  if (minutes < 60) return cliSentence(language, 'span.minutes', { n: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return cliSentence(language, 'span.hours', { hours, minutes: minutes % 60 });
  return cliSentence(language, 'span.days', { n: formatCount(Math.floor(hours / 24), language) });
}

function cell(value: Cell): string {
  if (value === undefined || value === null || value === '') return '—';
  return String(value);
}

export interface Progress {
  update(done: number): void;
  stop(): void;
}

/**
 * A bar on stderr while `total` steps complete; nothing when stderr is not a terminal or under
 * `--json` (a script reading stdout wants no noise).
 */
export function progressBar(label: string, total: number, enabled: boolean): Progress {
  if (!enabled || !process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new SingleBar({
    format: `${label} [{bar}] {value}/{total}`,
    stream: process.stderr,
    hideCursor: true,
    clearOnComplete: false,
  });
  bar.start(total, 0);
  return {
    update: (done) => bar.update(Math.min(done, total)),
    stop: () => bar.stop(),
  };
}
