// How the worker and the intake write the SDK's log records and the core's (forwarded): one line per
// record, the error's own sentence (and its causes') instead of a stack, so an operator reading a
// failure (PostgreSQL away, a relay that hangs) finds what is wrong on the line that reports it, and a
// log shipper keeps each record whole. The fields stay as the SDK prints them (`state: 'RUNNING'`).
import { formatWithOptions } from 'node:util';
import type { LogEntry } from '@temporalio/worker';

/** Fields that say nothing to an operator and fill a line: the task token is an opaque base64 blob. */
const DROPPED = new Set(['taskToken', 'error', 'failure']);

/** `<ISO time> [LEVEL] message: why { fields }`, never more than one line. */
export function logLine({ level, message, meta, timestampNanos }: Pick<LogEntry, 'level' | 'message' | 'meta' | 'timestampNanos'>): string {
  const at = new Date(Number(timestampNanos / 1_000_000n)).toISOString();
  const why = meta?.error !== undefined ? errorSentence(meta.error) : typeof meta?.failure === 'string' ? coreFailureSentence(meta.failure) : undefined;
  const fields = Object.fromEntries(Object.entries(meta ?? {}).filter(([key]) => !DROPPED.has(key)));
  const shown = Object.keys(fields).length ? ` ${formatWithOptions({ breakLength: Infinity, compact: true, colors: false }, '%O', fields)}` : '';
  return `${at} [${level}] ${oneLine(message)}${why ? `: ${oneLine(why)}` : ''}${oneLine(shown)}`;
}

/** `Name: message`, then each cause the message does not already quote. */
function errorSentence(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const said = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    const message = e instanceof Error ? e.message : said;
    if (!parts.some((p) => p.includes(message))) parts.push(said);
  }
  return parts.join('; caused by ');
}

/** The core's failures come as Rust debug text holding every stack: its first `message` is the sentence. */
function coreFailureSentence(failure: string): string {
  const match = /message: "((?:[^"\\]|\\.)*)"/.exec(failure);
  return match ? match[1].replace(/\\(.)/g, '$1') : failure.split('\n')[0];
}

function oneLine(text: string): string {
  return text.replace(/\s*\r?\n\s*/g, ' ');
}
