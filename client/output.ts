// How the CLI shows results: tables for people (cli-table3), JSON for scripts (`--json`), and a
// progress bar on stderr for work that takes more than a moment, so stdout stays parseable.
// Colours are left off: officers paste these tables into case notes and emails.
import { SingleBar } from 'cli-progress';
import Table from 'cli-table3';
import { isDateOnly } from '../workflows/time';

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

/** ISO timestamps shown to the minute, in UTC, as the workflow records them. */
export function when(iso: string | undefined): string {
  if (!iso) return '—';
  // A day recorded as a day (a response received "2026-11-29") stays one: not midnight UTC.
  if (isDateOnly(iso.trim())) return iso.trim();
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')}Z`;
}

/**
 * A deadline: date and time to the second (a demo's deadlines are seconds apart) and how far it is
 * from now, so an officer sees at a glance what is due soon and what is overdue.
 */
export function deadline(iso: string | undefined, now: number = Date.now()): string {
  if (!iso) return '—';
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  const stamp = `${new Date(time).toISOString().slice(0, 19).replace('T', ' ')}Z`;
  const span = distance(Math.abs(time - now));
  return time >= now ? `${stamp} (in ${span})` : `${stamp} (${span} ago)`;
}

function distance(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return `${Math.max(0, Math.round(ms / 1000))} s`;
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} days`;
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
