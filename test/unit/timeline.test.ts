import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadViews } from '../../web/views';
import { recordInbound } from '../../workflows/inbox';
import type { EngagementStatus, RecordInboundInput } from '../../workflows/messages';
import { readActor, readBounceReason, readTimelineEntry, TIMELINE_CODES, type TimelineReading } from '../../workflows/timeline';
import { LANGUAGES, MESSAGE_KINDS } from '../../workflows/types';

/**
 * Every phrase the workflows write as a timeline entry's `what` (each `${…}` written `*`), with an
 * entry as they write it and what it reads as. A phrase added to the workflows and missing here fails
 * the first test, so it cannot reach the page unread.
 */
const PHRASES: Record<string, [{ what: string; detail?: string }, TimelineReading][]> = {
  "response deadline set from the letter's delivery": [
    [{ what: "response deadline set from the letter's delivery", detail: 'to 2026-12-12T04:59:59.999Z' }, { code: 'response-deadline-from-delivery', date: '2026-12-12T04:59:59.999Z' }],
  ],
  'letter undeliverable': [
    [{ what: 'letter undeliverable', detail: 'letter: waiting for a corrected address or a withdrawal' }, { code: 'letter-undeliverable', step: 'letter' }],
  ],
  'contact address corrected': [
    [
      { what: 'contact address corrected', detail: 'old@a.test → new@a.test, b@a.test: typo: in the name' },
      { code: 'contact-corrected', from: 'old@a.test', to: 'new@a.test, b@a.test', text: 'typo: in the name' },
    ],
  ],
  'contact added': [
    [{ what: 'contact added', detail: 'dpo@law.test, b@a.test: copy the DPO: asked by phone' }, { code: 'contact-added', to: 'dpo@law.test, b@a.test', text: 'copy the DPO: asked by phone' }],
  ],
  'contacts replaced': [
    [
      { what: 'contacts replaced', detail: 'old@a.test, dpo@law.test → team@a.test: write to the team' },
      { code: 'contacts-replaced', from: 'old@a.test, dpo@law.test', to: 'team@a.test', text: 'write to the team' },
    ],
  ],
  '* delayed': [
    [
      { what: 'reminder delayed', detail: 'reminder 1: not delivered after 4 hours; still retrying' },
      { code: 'message-delayed', kind: 'reminder', step: 'reminder 1', after: '4 hours' },
    ],
  ],
  'response recorded': [[{ what: 'response recorded', detail: 'received 2026-11-30T10:00:00.000Z' }, { code: 'response-recorded', date: '2026-11-30T10:00:00.000Z' }]],
  'closed: no response': [[{ what: 'closed: no response', detail: 'due 2026-12-12T04:59:59.999Z' }, { code: 'closed-no-response', date: '2026-12-12T04:59:59.999Z' }]],
  'follow-up round * extended': [
    [{ what: 'follow-up round 2 extended', detail: 'to 2026-12-20T04:59:59.999Z: asked for it' }, { code: 'round-extended', round: 2, date: '2026-12-20T04:59:59.999Z', text: 'asked for it' }],
  ],
  'response deadline extended': [
    [{ what: 'response deadline extended', detail: 'to 2026-12-20: holidays' }, { code: 'response-deadline-extended', date: '2026-12-20', text: 'holidays' }],
  ],
  'follow-up round * asked': [[{ what: 'follow-up round 1 asked', detail: 'Q1, Q2' }, { code: 'round-asked', round: 1, text: 'Q1, Q2' }]],
  'answers recorded': [[{ what: 'answers recorded', detail: 'Q1' }, { code: 'answers-recorded', text: 'Q1' }]],
  'demonstration * scheduled': [
    [{ what: 'demonstration d1 scheduled', detail: '2026-12-01T14:00:00.000Z' }, { code: 'demonstration-scheduled', demonstration: 'd1', date: '2026-12-01T14:00:00.000Z' }],
  ],
  'demonstration * rescheduled': [
    [
      { what: 'demonstration d1 rescheduled', detail: 'to 2026-12-02T14:00:00.000Z: the vendor is ill' },
      { code: 'demonstration-rescheduled', demonstration: 'd1', date: '2026-12-02T14:00:00.000Z', text: 'the vendor is ill' },
    ],
  ],
  'demonstration * *': [
    [{ what: 'demonstration d1 validated', detail: 'as shown' }, { code: 'demonstration-result', demonstration: 'd1', result: 'validated', text: 'as shown' }],
    [{ what: 'demonstration d2 partly-validated' }, { code: 'demonstration-result', demonstration: 'd2', result: 'partly-validated' }],
    [{ what: 'demonstration d3 not-validated', detail: 'no logs' }, { code: 'demonstration-result', demonstration: 'd3', result: 'not-validated', text: 'no logs' }],
  ],
  concluded: [[{ what: 'concluded' }, { code: 'concluded' }]],
  withdrawn: [[{ what: 'withdrawn', detail: 'out of scope' }, { code: 'withdrawn', text: 'out of scope' }]],
  '* sent': [
    [{ what: 'open-letter sent', detail: 'letter' }, { code: 'message-sent', kind: 'open-letter', step: 'letter' }],
    [
      { what: 'reminder sent', detail: 'reminder 1 (resent after a worker crash: the vendor may hold two identical copies)' },
      { code: 'message-sent', kind: 'reminder', step: 'reminder 1', resent: true },
    ],
    [
      { what: 'final-notice sent', detail: 'final notice (sent once; the ledger is full)' },
      { code: 'message-sent', kind: 'final-notice', step: 'final notice', ledgerError: 'the ledger is full' },
    ],
    // A kind whose name ends in another's is read as itself.
    [{ what: 'answers-acknowledgement sent', detail: 'answers-acknowledgement-2' }, { code: 'message-sent', kind: 'answers-acknowledgement', step: 'answers-acknowledgement-2' }],
  ],
  '* not delivered': [
    [{ what: 'reminder not delivered', detail: 'reminder 1: mailbox full' }, { code: 'message-not-delivered', kind: 'reminder', step: 'reminder 1', text: 'mailbox full' }],
  ],
  'message bounced': [[{ what: 'message bounced', detail: 'letter: 550 no such user' }, { code: 'message-bounced', step: 'letter', text: '550 no such user' }]],
  'automatic reply recorded': [[{ what: 'automatic reply recorded', detail: 'a@v.test: Away' }, { code: 'auto-reply-recorded', text: 'a@v.test: Away' }]],
  'reply received, to review': [
    [{ what: 'reply received, to review', detail: 'a@v.test: Our answer' }, { code: 'reply-received', text: 'a@v.test: Our answer' }],
    [{ what: 'reply received, to review', detail: 'a@v.test: Our answer (2 document(s))' }, { code: 'reply-received', text: 'a@v.test: Our answer', documents: 2 }],
  ],
  'reply confirmed as the response': [[{ what: 'reply confirmed as the response', detail: '<m1@v.test>' }, { code: 'reply-confirmed-as-response', text: '<m1@v.test>' }]],
  'reply confirmed as answers': [[{ what: 'reply confirmed as answers', detail: 'Q1, Q2 (<m1@v.test>)' }, { code: 'reply-confirmed-as-answers', text: 'Q1, Q2 (<m1@v.test>)' }]],
  'reply dismissed': [[{ what: 'reply dismissed', detail: '<m1@v.test>: spam' }, { code: 'reply-dismissed', text: '<m1@v.test>: spam' }]],
  'history continued in a new run': [
    [{ what: 'history continued in a new run', detail: 'run 3, after 9120 events (2011 KiB)' }, { code: 'history-continued', run: '3', events: 9120, kib: 2011 }],
  ],
};

/**
 * Phrases no workflow writes, which the record's readers add to its timeline: a reply attached to the
 * ended case's record (client/late-replies.ts), entered as `withLateReplies` writes it.
 */
const READERS_PHRASES: [{ what: string; detail?: string }, TimelineReading][] = [
  [
    { what: 'late reply received', detail: 'on 2026-12-02T09:15:00.000Z: privacy@houseparty.test: Re: [OPC-2020-VC] Open letter (1 document(s))' },
    { code: 'late-reply-received', date: '2026-12-02T09:15:00.000Z', text: 'privacy@houseparty.test: Re: [OPC-2020-VC] Open letter', documents: 1 },
  ],
  [{ what: 'late reply received', detail: 'on 2026-12-02T09:15:00.000Z: privacy@houseparty.test: Sorry' }, { code: 'late-reply-received', date: '2026-12-02T09:15:00.000Z', text: 'privacy@houseparty.test: Sorry' }],
];

/** The `what` argument of each timeline write in a workflow file, its `${…}` written `*` (both arms of a `?:`). */
function phrasesWritten(file: string): string[] {
  const source = readFileSync(join(__dirname, '..', '..', 'workflows', file), 'utf8');
  const phrases: string[] = [];
  // `this.log(`, `kase.log(` and a Log callback `log(`; not the method's own declaration or `log.warn(`.
  for (const call of source.matchAll(/\blog\((?!by: string)/g)) {
    const args = topLevelArguments(source, call.index! + call[0].length);
    if (args.length < 2) continue;
    for (const literal of args[1].matchAll(/'((?:[^'\\]|\\.)*)'|`([^`]*)`/g)) {
      phrases.push((literal[1] ?? literal[2]).replace(/\\'/g, "'").replace(/\$\{[^}]*\}/g, '*'));
    }
  }
  return phrases;
}

/** The arguments of a call whose `(` ends just before `from`, split at its top-level commas. */
function topLevelArguments(source: string, from: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = from;
  for (let i = from; i < source.length; i++) {
    const ch = source[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === "'" || ch === '"' || ch === '`') quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) {
      if (depth === 0) {
        args.push(source.slice(start, i).trim());
        return args;
      }
      depth--;
    } else if (ch === ',' && depth === 0) {
      args.push(source.slice(start, i).trim());
      start = i + 1;
    }
  }
  return args;
}

describe('reading a timeline entry back', () => {
  it('has a reading for every phrase the workflows write in a timeline', () => {
    const written = [...new Set(['engagement-state.ts', 'inbox.ts', 'engagement.ts'].flatMap(phrasesWritten))].sort();
    expect(written.length).toBeGreaterThan(20);
    expect(written).toEqual(Object.keys(PHRASES).sort());
  });

  it('reads each phrase into its code, its values and the free text it copied', () => {
    for (const [entry, reading] of [...Object.values(PHRASES).flat(), ...READERS_PHRASES]) {
      expect(readTimelineEntry(entry), entry.what).toEqual(reading);
    }
    const read = new Set([...Object.values(PHRASES).flat(), ...READERS_PHRASES].map(([, r]) => r.code));
    expect([...TIMELINE_CODES].filter((c) => !read.has(c))).toEqual([]);
  });

  it('keeps an entry it cannot read as it is, rather than guessing', () => {
    for (const entry of [
      { what: 'letter delivered', detail: 'mx.epsilon.test' },
      { what: 'carrier-pigeon sent', detail: 'letter' },
      { what: 'response recorded', detail: 'yesterday' },
      { what: 'demonstration d1 cancelled' },
      { what: 'follow-up round one asked' },
    ]) {
      expect(readTimelineEntry(entry), entry.what).toBeUndefined();
    }
  });

  it('reads a bounce back from the reason the inbox records, into its addresses and its report as given', () => {
    const recorded = (bounce: { recipients: string[]; status?: string; diagnostic?: string }) => {
      const state = { stage: 'awaiting-response', timeline: [], deliveryFailures: [] } as unknown as EngagementStatus;
      const input: RecordInboundInput = { messageId: `<${bounce.recipients.join('+')}@mx.test>`, from: 'mailer-daemon@mx.test', subject: 'Undelivered', receivedAt: '2026-11-29T10:00:00.000Z', kind: 'bounce', matchedBy: 'thread', answersStep: 'letter', text: '', documents: [], notes: [], bounce };
      recordInbound(state, input, '2026-11-29T10:00:00.000Z', () => {});
      return state.deliveryFailures[0]!.reason;
    };
    expect(readBounceReason(recorded({ recipients: ['a@v.test', 'b@v.test'], status: '5.1.1', diagnostic: 'smtp; 550 User unknown: a@v.test' }))).toEqual({
      recipients: ['a@v.test', 'b@v.test'],
      report: '5.1.1 smtp; 550 User unknown: a@v.test',
    });
    expect(readBounceReason(recorded({ recipients: ['a@v.test'] }))).toEqual({ recipients: ['a@v.test'] });
    // Running cases keep the text recorded before the phrase became a constant: it may not change.
    expect(recorded({ recipients: ['a@v.test'] })).toBe("bounced by the vendor's mail server for a@v.test: no reason given");
    for (const other of ['RecipientRejected: 550 Mailbox unavailable', "bounced by the vendor's mail server for : 5.1.1", "bounced by the vendor's mail server for postmaster: x", undefined]) {
      expect(readBounceReason(other), String(other)).toBeUndefined();
    }
  });

  it('names Dossier itself and people signed in or at the command line by codes, and anyone else as recorded', () => {
    expect(readActor('dossier')).toEqual({ code: 'engine' });
    expect(readActor('Owen Lee (owen, signed in)')).toEqual({ code: 'signed-in', name: 'Owen Lee', account: 'owen' });
    expect(readActor('Marie Leclerc (marie@desk-12, CLI)')).toEqual({ code: 'cli', name: 'Marie Leclerc', account: 'marie@desk-12' });
    expect(readActor('Ivy')).toEqual({ code: undefined, name: 'Ivy' });
  });

  it('has words for every code, its variants and every kind of message, in each language of the workspace', () => {
    const views = loadViews();
    for (const language of LANGUAGES) {
      const keys = [...TIMELINE_CODES.map((c) => `timeline.${c}`), 'timeline.reply-received-documents', 'timeline.late-reply-received-documents', 'timeline.resent', 'timeline.ledger-error', 'actor.engine', 'actor.signed-in', 'actor.cli', ...MESSAGE_KINDS.map((k) => `message.${k}`)];
      expect(keys.filter((k) => !(k in views.strings[language])), language).toEqual([]);
    }
  });
});
