// Why a case officer's or a co-signatory's request was refused, said once for every side: a refusal
// carries a stable code and its values (the ApplicationFailure's details) beside its English sentence,
// so the workspace words it in the reader's language by code and a change of the English wording
// changes nothing there. A code, once released, never changes (like a wire name); values are strings.
import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from './errors';

/**
 * How the reader's page words a value: `text` as written; `number` as the reader's language writes
 * it; `day` and `moment` as dates in the reader's language and the campaign's zone; `stage`, `phase`,
 * `result` and `review` by their names in the reader's language; `field` (`key` or `key:item`, a key
 * of text-rules.ts's FIELDS) by the field's name in the reader's language; `refusals` (refusals
 * listed as JSON, `refusalList`) by each one's sentence; `texts` (messages.ts's MissingText listed as
 * JSON) by each text's words in the reader's language; `path` (where a value sits in a file or a
 * request, `vendors[2].contacts`, as formatPath writes it; empty for the whole of it) as written, the
 * whole by its name in the reader's language; `type` (one of VALUE_TYPES, or several joined by `|`
 * for "either") by its name in the reader's language; `actor` (who acted, as recorded: `Name (account,
 * CLI)`) as the workspace and the CLI name a person (strings.yaml `actor.*`: "command line").
 */
export type RefusalValueKind = 'text' | 'number' | 'day' | 'moment' | 'stage' | 'phase' | 'result' | 'review' | 'field' | 'refusals' | 'texts' | 'path' | 'type' | 'actor';

/** The types a refusal names, expected or given: what YAML, JSON and the update payloads can hold. */
export const VALUE_TYPES = ['string', 'number', 'whole-number', 'boolean', 'list', 'mapping', 'nothing'] as const;
export type ValueType = (typeof VALUE_TYPES)[number];

/** The type of a value a file or a request gave, as a refusal names it; undefined for none of VALUE_TYPES. */
export function valueType(value: unknown): ValueType | undefined {
  if (value === null) return 'nothing';
  if (Array.isArray(value)) return 'list';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'object':
      return 'mapping';
    default:
      return undefined;
  }
}

/** Every refusal code, with the kind of each of its values. */
export const REFUSALS = {
  // The client's (client/errors.ts).
  ended: {},
  // Several problems found together (a vendor, the open-case decisions), each with its code.
  problems: { count: 'number', problems: 'refusals' },
  'not-found': { id: 'text' },
  'already-exists': { id: 'text' },
  // Another campaign publishes to the folder a campaign file names (client/publication-folder.ts).
  'folder-taken': { folder: 'text', campaign: 'text' },
  // A text or a list an officer or a co-signatory typed, blank or too long (text-rules.ts).
  'field-empty': { field: 'field' },
  // A text given in English and French (a finding, a reason the statement prints), blank in both.
  'field-empty-both-languages': { english: 'field', french: 'field' },
  'field-too-long': { field: 'field', max: 'number', got: 'number' },
  'list-too-long': { field: 'field', max: 'number', got: 'number' },
  // What else text-rules.ts refuses in a typed text: `found` is a code point (U+0007) or the quoted markup.
  'field-line-break': { field: 'field', found: 'text' },
  'field-control': { field: 'field', found: 'text' },
  'field-direction-control': { field: 'field', found: 'text' },
  'field-encoded-word': { field: 'field', found: 'text' },
  'field-angle-brackets': { field: 'field' },
  'field-markup': { field: 'field', found: 'text' },
  // A file's or a request's shape (campaign-rules.ts, the campaign file's schema): a field missing, of
  // the wrong type, or not one the file or the request has.
  required: { path: 'path' },
  'wrong-type': { path: 'path', expected: 'type', got: 'type' },
  'unknown-field': { path: 'path', field: 'text' },
  'unknown-fields': { path: 'path', fields: 'text' },
  // The engagement's (engagement-rules.ts).
  final: { stage: 'stage' },
  'respond-stage': { stage: 'stage' },
  'ask-stage': { stage: 'stage' },
  'schedule-stage': { stage: 'stage' },
  'conclude-stage': { stage: 'stage' },
  'correct-contact-stage': { stage: 'stage' },
  'extend-stage': { stage: 'stage' },
  'extend-letter-going-out': {},
  'extend-letter-undeliverable': {},
  'nothing-to-extend': {},
  'extend-both': {},
  'working-days-unknown': {},
  'unknown-round': { round: 'text', asked: 'text' },
  'round-answered': { round: 'text' },
  'round-open': { round: 'text' },
  'due-not-later': { current: 'day' },
  'due-past': { now: 'moment' },
  'extension-past': { current: 'day', extendBy: 'text', now: 'moment' },
  'demonstration-past': { now: 'moment' },
  // A date, a demonstration's link or length, an extension the rules cannot read (`got` as typed, quoted).
  'date-invalid': { field: 'field', got: 'text' },
  'meeting-link-not-https': { got: 'text' },
  'meeting-link-invalid': { got: 'text' },
  'demonstration-minutes': { most: 'number', got: 'text' },
  'no-topic': {},
  'extension-not-a-duration': { got: 'text' },
  'extension-working-days': { most: 'number', got: 'number' },
  'extension-too-long': { most: 'number', got: 'text' },
  'received-future': { receivedAt: 'day' },
  'received-before-letter': { receivedAt: 'day', sent: 'day' },
  'no-question': {},
  'no-answer': {},
  'nothing-to-answer': {},
  'unknown-question': { id: 'text', asked: 'text' },
  'question-answered': { id: 'text' },
  'question-twice': { id: 'text' },
  'no-attendee': {},
  'no-demonstration': {},
  'unknown-demonstration': { id: 'text', known: 'text' },
  'demonstration-took-place': { id: 'text', result: 'result' },
  'demonstration-already-at': { id: 'text', at: 'moment' },
  'demonstration-recorded': { id: 'text', result: 'result' },
  'demonstration-not-started': { id: 'text', at: 'moment' },
  'outcome-first': { pending: 'text' },
  'no-contact': {},
  'address-refused': { address: 'text' },
  // A change of contacts on an open case (checkChangeContacts).
  'change-contact-mode': { got: 'text' },
  'change-contact-letter-going-out': {},
  'change-contact-undeliverable': {},
  'contact-known': { address: 'text' },
  'contact-twice': { address: 'text' },
  'contacts-unchanged': {},
  'contacts-too-many': { most: 'number' },
  // Mail the intake offers an engagement (inbox-rules.ts): held, with these, when every candidate refuses it.
  'records-no-mail': { stage: 'stage' },
  'sender-not-vendor': { from: 'text', vendor: 'text' },
  'sender-under-vendor-domain': { from: 'text', vendor: 'text' },
  // A relay's report (a bounce, a delay): about a message the engagement did not send, or an address it did not write to.
  'report-no-message': {},
  'report-not-ours': { recipients: 'text' },
  // A reply an officer attaches to an ended case's record from the holding pen (intake/intake.ts attachLate).
  'late-reply-attached': { at: 'day', by: 'actor' },
  'late-reply-case-open': { stage: 'stage' },
  'late-reply-before-letter': { receivedAt: 'moment', sent: 'moment' },
  // The review of mail the intake recorded (inbox-rules.ts).
  'message-reviewed': { review: 'review' },
  'reply-letter-going-out': {},
  'reply-letter-undeliverable': {},
  'response-already-recorded': {},
  'reply-no-text': {},
  'reply-before-letter': { receivedAt: 'moment', sent: 'moment' },
  'name-answered-questions': {},
  'question-named-twice': { id: 'text' },
  'reply-no-answer-text': { id: 'text' },
  'reply-before-question': { receivedAt: 'moment', id: 'text', sent: 'moment' },
  // The campaign's (campaign-state.ts).
  'no-vendors': {},
  'engagement-ended': { vendor: 'text' },
  'being-withdrawn': { vendor: 'text' },
  'closed-at-drafting': { vendor: 'text' },
  'left-out-at-drafting': { vendor: 'text' },
  'unknown-vendor': { vendor: 'text', known: 'text' },
  'vendor-exists': { vendor: 'text', campaign: 'text' },
  'vendor-id-invalid': { id: 'text' },
  'address-invalid': { address: 'text' },
  'too-many-vendors': { campaign: 'text', count: 'number' },
  'history-full': { vendors: 'number', megabytes: 'number', most: 'number' },
  'start-batch-full': { kilobytes: 'number', batch: 'number', most: 'number' },
  'no-more-vendors': { phase: 'phase' },
  'open-case-not-open': { vendor: 'text' },
  'open-case-no-reason': { vendors: 'text' },
  'engagement-open': { vendors: 'text' },
  'engagements-open': { count: 'text', vendors: 'text' },
  'no-draft': { phase: 'phase' },
  'statement-already': { phase: 'phase' },
  'no-new-version': { phase: 'phase' },
  'text-fixed': { phase: 'phase' },
  'nothing-changed': { version: 'text' },
  'unchanged-after-changes': { version: 'text', by: 'actor' },
  'nothing-sent-back': { version: 'text' },
  'not-current': { version: 'text', current: 'text' },
  'unknown-authority': { authority: 'text', known: 'text' },
  'signed-elsewhere': { by: 'actor', authority: 'text' },
  'already-approved': { authority: 'text', version: 'text' },
  'approval-stands': { authority: 'text', version: 'text', previous: 'text' },
  // Another approval came in after the front end read the status: this one would now publish, unconfirmed.
  'publication-unconfirmed': { version: 'text' },
  'approval-final': { phase: 'phase' },
  'nothing-to-withdraw': { authority: 'text', version: 'text' },
  // As released: the texts in English words, as a workspace of that release shows them. A worker
  // names them by key (`texts`) under the codes after, which that workspace does not know, so it
  // shows the English sentence rather than a list it would print as JSON.
  'text-missing': { texts: 'text' },
  'texts-missing': { count: 'number', texts: 'text' },
  'text-missing-keys': { texts: 'texts' },
  'texts-missing-keys': { count: 'number', texts: 'texts' },
  'version-unprintable': { version: 'text', error: 'text' },
  // Totals of one request past what Temporal carries (text-rules.ts, engagement-rules.ts, campaign-rules.ts).
  'findings-too-long': { max: 'number', got: 'number' },
  'answers-too-long': { max: 'number', got: 'number' },
  'paragraphs-too-long': { field: 'field', max: 'number', got: 'number' },
  // The next version's text past what Temporal carries (statement-text.ts): `largest` lists vendor ids.
  'statement-too-large': { kilobytes: 'number', most: 'number', largest: 'text' },
} as const satisfies Record<string, Record<string, RefusalValueKind>>;

export type RefusalCode = keyof typeof REFUSALS;
export const REFUSAL_CODES = Object.keys(REFUSALS) as RefusalCode[];

/** What a refusal carries besides its sentence: its code and its values, each named in `REFUSALS`. */
export interface RefusalDetails<Code extends RefusalCode = RefusalCode> {
  refusal: Code;
  values: { [Name in keyof (typeof REFUSALS)[Code]]: string };
}

/**
 * The failure a validator (or a handler) throws to refuse a request: `message` is the English
 * sentence the CLI and the logs show; the code and values go into its details.
 * @example throw refusal('round-answered', { round: '2' }, 'every question of follow-up round 2 is answered: there is nothing to extend');
 */
export function refusal<Code extends RefusalCode>(
  code: Code,
  values: RefusalDetails<Code>['values'],
  message: string,
  type: string = ErrorType.InvalidRequest,
): ApplicationFailure {
  const details: RefusalDetails<Code> = { refusal: code, values };
  return ApplicationFailure.create({ type, message, nonRetryable: true, details: [details] });
}

/**
 * The code and values of a refusal, wherever it came from: the failure `refusal` built, or one the
 * client wrapped it in (its `cause` chain); undefined for a refusal without them (an older worker's).
 * A code or value this release does not know is treated as none: the sentence is shown instead.
 */
export function refusalDetails(err: unknown): RefusalDetails | undefined {
  for (let e = err, depth = 0; typeof e === 'object' && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const carried = (e as { refusal?: unknown }).refusal ?? ((e as { details?: unknown }).details as unknown[] | undefined)?.[0];
    if (isRefusalDetails(carried)) return carried;
  }
  return undefined;
}

function isRefusalDetails(value: unknown): value is RefusalDetails {
  if (typeof value !== 'object' || value === null) return false;
  const { refusal: code, values } = value as { refusal?: unknown; values?: unknown };
  if (typeof code !== 'string' || !Object.hasOwn(REFUSALS, code) || typeof values !== 'object' || values === null) return false;
  return Object.keys(REFUSALS[code as RefusalCode]).every((name) => typeof (values as Record<string, unknown>)[name] === 'string');
}

/**
 * One refusal saying several problems found together, when each has its code; the only one's own
 * code and values when there is one; undefined when any problem has none (its sentence is English).
 */
export function refusalOfAll(problems: readonly (RefusalDetails | undefined)[]): RefusalDetails | undefined {
  if (problems.length === 0 || problems.some((p) => p === undefined)) return undefined;
  if (problems.length === 1) return problems[0];
  return { refusal: 'problems', values: { count: String(problems.length), problems: JSON.stringify(problems) } };
}

/** The refusals a `refusals` value lists; undefined if it is not such a list of this release's refusals (one listing others is none). */
export function refusalList(value: string): RefusalDetails[] | undefined {
  let list: unknown;
  try {
    list = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (!Array.isArray(list) || !list.every((r) => isRefusalDetails(r) && r.refusal !== 'problems')) return undefined;
  return list as RefusalDetails[];
}
