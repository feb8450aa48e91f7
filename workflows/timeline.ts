// Reading a case's timeline back: the workflow records each entry as an English phrase with a detail
// (engagement-state.ts, inbox.ts, engagement.ts), and running cases keep the entries they recorded, so
// the workspace words them in its reader's language from what this module reads out of them. No
// workflow imports it: the bundle, and so every recorded history, is unchanged.
import { NO_BOUNCE_REPORT } from './inbox';
import { DEMONSTRATION_RESULTS, MESSAGE_KINDS, type DemonstrationResult, type MessageKind, type TimelineEntry } from './types';

/** What an entry says, as a code that names one sentence in each language. */
export const TIMELINE_CODES = [
  'message-sent',
  'message-not-delivered',
  'message-delayed',
  'letter-undeliverable',
  'contact-corrected',
  'contact-added',
  'contacts-replaced',
  'response-recorded',
  'closed-no-response',
  'response-deadline-extended',
  'response-deadline-from-delivery',
  'round-extended',
  'round-asked',
  'answers-recorded',
  'demonstration-scheduled',
  'demonstration-rescheduled',
  'demonstration-result',
  'concluded',
  'withdrawn',
  'message-bounced',
  'auto-reply-recorded',
  'reply-received',
  'reply-confirmed-as-response',
  'reply-confirmed-as-answers',
  'reply-dismissed',
  'history-continued',
  'late-reply-received',
] as const;
export type TimelineCode = (typeof TIMELINE_CODES)[number];

/**
 * One entry read: its code and the values its sentence needs. Dates are the ISO strings recorded
 * (a moment, or a day `YYYY-MM-DD`); `text` is what the workflow copied from a person or a server
 * (a reason, question ids, a subject) and is shown as written.
 */
export interface TimelineReading {
  code: TimelineCode;
  kind?: MessageKind;
  step?: string;
  round?: number;
  demonstration?: string;
  result?: DemonstrationResult;
  date?: string;
  /** How long a message has waited (a duration as the policy wrote it, `'4 hours'`). */
  after?: string;
  /** Addresses before and after a correction or a change (an added contact: `to` alone). */
  from?: string;
  to?: string;
  /** A message sent again after a worker crash: the vendor may hold two copies. */
  resent?: boolean;
  /** The message went once, but the ledger of sent mail could not record it (the error as written). */
  ledgerError?: string;
  documents?: number;
  run?: string;
  events?: number;
  kib?: number;
  text?: string;
}

/** Who an entry names: Dossier itself, a person signed in to the workspace or using the CLI, or a name as written. */
export type ActorReading = { code: 'engine' } | { code: 'signed-in' | 'cli'; name: string; account: string } | { code: undefined; name: string };

/**
 * The entry a reply attached to an ended case's record reads as (client/late-replies.ts): no workflow
 * writes it, the record's readers add it, detail `on <received>: <from>: <subject>[ (<n> document(s))]`.
 */
export const LATE_REPLY_RECEIVED = 'late reply received';

/** The name the workflow records for what it did by itself (engagement-state.ts ENGINE). */
const ENGINE = 'dossier';

export function readActor(by: string): ActorReading {
  if (by === ENGINE) return { code: 'engine' };
  const m = /^(.*) \(([^()]+), (signed in|CLI)\)$/.exec(by);
  if (m) return { code: m[3] === 'CLI' ? 'cli' : 'signed-in', name: m[1], account: m[2] };
  return { code: undefined, name: by };
}

const KIND = `(${MESSAGE_KINDS.join('|')})`;
const RESULT = `(${DEMONSTRATION_RESULTS.join('|')})`;
const RESENT = ' (resent after a worker crash: the vendor may hold two identical copies)';

/** `head: rest` split at the first ": " (a step or an address list holds none). */
function headAndRest(detail: string | undefined): [string, string | undefined] {
  const d = detail ?? '';
  const at = d.indexOf(': ');
  return at < 0 ? [d, undefined] : [d.slice(0, at), d.slice(at + 2)];
}

/** `to <date>: <reason>` (the reason may be absent or empty). */
function toDate(detail: string | undefined): { date?: string; text?: string } | undefined {
  const m = /^to (\S+?)(?:: ([\s\S]*))?$/.exec(detail ?? '');
  return m ? { date: m[1], ...(m[2] ? { text: m[2] } : {}) } : undefined;
}

function withText(reading: TimelineReading, text: string | undefined): TimelineReading {
  return text ? { ...reading, text } : reading;
}

/** A bounce the intake recorded, read back: the addresses it names and the report it quoted. */
export interface BounceReading {
  recipients: string[];
  /** The status and diagnostic the vendor's server gave, as given; absent when it gave none. */
  report?: string;
}

const BOUNCE_REASON = /^bounced by the vendor's mail server for (.+?): ([\s\S]*)$/;

/**
 * A bounce's reason as inbox.ts records it (a delivery failure's `reason`, a `message bounced` entry's
 * text), or undefined for any other reason: the reader then shows it as recorded.
 *
 * @example readBounceReason("bounced by the vendor's mail server for a@v.test, b@v.test: 5.1.1 User unknown")
 *   // { recipients: ['a@v.test', 'b@v.test'], report: '5.1.1 User unknown' }
 */
export function readBounceReason(reason: string | undefined): BounceReading | undefined {
  const m = BOUNCE_REASON.exec(reason ?? '');
  if (!m) return undefined;
  const recipients = m[1].split(', ');
  // Addresses are split where inbox.ts joined them; anything else there is not a list this reads.
  if (!recipients.every((r) => /^[^\s@]+@[^\s@]+$/.test(r))) return undefined;
  return m[2] === NO_BOUNCE_REPORT ? { recipients } : { recipients, report: m[2] };
}

/**
 * An entry's code and values, or undefined for an entry this version cannot read (written by an
 * older or newer version, or by hand): the page then shows it as recorded.
 *
 * @example readTimelineEntry({ at, by: 'dossier', what: 'open-letter sent', detail: 'letter' })
 *   // { code: 'message-sent', kind: 'open-letter', step: 'letter' }
 */
export function readTimelineEntry(entry: Pick<TimelineEntry, 'what' | 'detail'>): TimelineReading | undefined {
  const { what, detail } = entry;
  let m: RegExpExecArray | null;
  switch (what) {
    case 'letter undeliverable':
      return { code: 'letter-undeliverable', step: headAndRest(detail)[0] };
    case 'contact address corrected': {
      const c = /^(.*?) → (.*?)(?:: ([\s\S]*))?$/.exec(detail ?? '');
      return c ? withText({ code: 'contact-corrected', from: c[1], to: c[2] }, c[3]) : undefined;
    }
    case 'contact added': {
      const c = /^(.*?)(?:: ([\s\S]*))?$/.exec(detail ?? '');
      return c ? withText({ code: 'contact-added', to: c[1] }, c[2]) : undefined;
    }
    case 'contacts replaced': {
      const c = /^(.*?) → (.*?)(?:: ([\s\S]*))?$/.exec(detail ?? '');
      return c ? withText({ code: 'contacts-replaced', from: c[1], to: c[2] }, c[3]) : undefined;
    }
    case 'response recorded': {
      const r = /^received (\S+)$/.exec(detail ?? '');
      return r ? { code: 'response-recorded', date: r[1] } : undefined;
    }
    case 'closed: no response': {
      const r = /^due (\S+)$/.exec(detail ?? '');
      return r ? { code: 'closed-no-response', date: r[1] } : undefined;
    }
    case 'response deadline extended': {
      const r = toDate(detail);
      return r && { code: 'response-deadline-extended', ...r };
    }
    case "response deadline set from the letter's delivery": {
      const r = toDate(detail);
      return r && { code: 'response-deadline-from-delivery', ...r };
    }
    case 'answers recorded':
      return withText({ code: 'answers-recorded' }, detail);
    case 'concluded':
      return withText({ code: 'concluded' }, detail);
    case 'withdrawn':
      return withText({ code: 'withdrawn' }, detail);
    case 'message bounced': {
      const [step, reason] = headAndRest(detail);
      return withText({ code: 'message-bounced', step }, reason);
    }
    case 'automatic reply recorded':
      return withText({ code: 'auto-reply-recorded' }, detail);
    case 'reply received, to review': {
      const r = /^([\s\S]*?)(?: \((\d+) document\(s\)\))?$/.exec(detail ?? '')!;
      return { ...withText({ code: 'reply-received' }, r[1]), ...(r[2] ? { documents: Number(r[2]) } : {}) };
    }
    case 'reply confirmed as the response':
      return withText({ code: 'reply-confirmed-as-response' }, detail);
    case 'reply confirmed as answers':
      return withText({ code: 'reply-confirmed-as-answers' }, detail);
    case 'reply dismissed':
      return withText({ code: 'reply-dismissed' }, detail);
    case LATE_REPLY_RECEIVED: {
      const r = /^on (\S+): ([\s\S]*?)(?: \((\d+) document\(s\)\))?$/.exec(detail ?? '');
      return r ? { ...withText({ code: 'late-reply-received', date: r[1] }, r[2]), ...(r[3] ? { documents: Number(r[3]) } : {}) } : undefined;
    }
    case 'history continued in a new run': {
      const r = /^run (\S+), after (\d+) events \((\d+) KiB\)$/.exec(detail ?? '');
      return r ? { code: 'history-continued', run: r[1], events: Number(r[2]), kib: Number(r[3]) } : undefined;
    }
  }
  if ((m = new RegExp(`^${KIND} sent$`).exec(what))) {
    const s = /^([\s\S]*?)( \(resent after a worker crash: the vendor may hold two identical copies\))?(?: \(sent once; ([\s\S]*)\))?$/.exec(detail ?? '')!;
    return {
      code: 'message-sent',
      kind: m[1] as MessageKind,
      step: s[1],
      ...(s[2] === RESENT ? { resent: true } : {}),
      ...(s[3] ? { ledgerError: s[3] } : {}),
    };
  }
  if ((m = new RegExp(`^${KIND} not delivered$`).exec(what))) {
    const [step, reason] = headAndRest(detail);
    return withText({ code: 'message-not-delivered', kind: m[1] as MessageKind, step }, reason);
  }
  if ((m = new RegExp(`^${KIND} delayed$`).exec(what))) {
    const [step, rest] = headAndRest(detail);
    const d = /^not delivered after (.+); still retrying$/.exec(rest ?? '');
    return d ? { code: 'message-delayed', kind: m[1] as MessageKind, step, after: d[1] } : undefined;
  }
  if ((m = /^follow-up round (\d+) (extended|asked)$/.exec(what))) {
    const round = Number(m[1]);
    if (m[2] === 'asked') return withText({ code: 'round-asked', round }, detail);
    const r = toDate(detail);
    return r && { code: 'round-extended', round, ...r };
  }
  if ((m = new RegExp(`^demonstration (\\S+) (scheduled|rescheduled|${RESULT.slice(1, -1)})$`).exec(what))) {
    const demonstration = m[1];
    if (m[2] === 'scheduled') return detail ? { code: 'demonstration-scheduled', demonstration, date: detail } : { code: 'demonstration-scheduled', demonstration };
    if (m[2] === 'rescheduled') {
      const r = toDate(detail);
      return r && { code: 'demonstration-rescheduled', demonstration, ...r };
    }
    return withText({ code: 'demonstration-result', demonstration, result: m[2] as DemonstrationResult }, detail);
  }
  return undefined;
}

/**
 * The kind of message an engagement's step sent, read from the step's name as engagement.ts builds
 * it (`letter-2`, `reminder-response-1`, `follow-up-r2-final-notice-1`, `demo-d1-invite-2`, …), so a
 * page names a step in words ("open letter", "lettre ouverte"), not by its code; undefined for a name
 * this version does not build.
 */
export function stepKind(step: string): MessageKind | undefined {
  const patterns: [RegExp, MessageKind][] = [
    [/^letter(?:-\d+)?$/, 'open-letter'],
    [/^(reminder|final-notice)-response-\d+$/, 'reminder'],
    [/^follow-up-r\d+-questions$/, 'follow-up-questions'],
    [/^follow-up-r\d+-reminder-\d+$/, 'follow-up-reminder'],
    [/^follow-up-r\d+-final-notice-\d+$/, 'final-notice'],
    [/^answers-acknowledgement-\d+$/, 'answers-acknowledgement'],
    [/^deadline-extension-\d+$/, 'deadline-extension'],
    [/^acknowledgement$/, 'acknowledgement'],
    [/^closure-notice$/, 'closure-notice'],
    [/^demo-.+-invite-\d+$/, 'demonstration-invitation'],
    [/^demo-.+-reminder-\d+$/, 'demonstration-reminder'],
    [/^demo-.+-cancel$/, 'demonstration-cancellation'],
    [/^officer-notice-/, 'officer-notice'],
  ];
  for (const [pattern, kind] of patterns) {
    const m = pattern.exec(step);
    if (m) return kind === 'reminder' && m[1] === 'final-notice' ? 'final-notice' : kind;
  }
  return undefined;
}
