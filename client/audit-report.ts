// The audit trail as files an access-to-information officer can hand over: CSV (UTF-8 with a byte
// order mark so spreadsheets read accents, one row per event, RFC 4180 quoting, formula-looking
// cells neutralised) and a PDF on the same kit as the statements. Wording from templates/audit.yaml,
// each kind of message by the workspace's word for it (templates/web/strings.yaml, `message.*`),
// why a message was not sent by the workspace's sentence for it (`not-mailed.*`), and why the case
// refused a request it had accepted by the workspace's sentence for the refusal (`form-refusal.*`).
// A vendor's subject line in another language than the export's is marked with its own in the PDF
// (a Span with /Lang), so a screen reader does not read French words with English rules.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { parse } from 'yaml';
import type { AuditEvent, AuditEventKind, AuditTrail, DetailField, DetailPart } from './audit';
import { sharedSentence as sentence } from './shared-sentence';
import { notMailedText } from './not-mailed';
import { MESSAGE_KINDS, PRINCIPLES, type Language, type Principle } from '../workflows/types';
import { pluralForm } from '../workflows/locale';
import { LayoutDocument, type TextSpan } from '../activities/pdf/document';
import { TEMPLATES_DIR } from '../activities/templates';
import { formatDate, formatDateTime, principleTitle } from '../activities/format';
import { readIntakeActor } from './identity';
import { readActor } from '../workflows/timeline';
import { refusalSentence, type RefusalWording } from './refusal-words';
import { AuthorityNames } from './authority-names';
import { undrawableCharacters } from '../activities/pdf/fonts';
import { UNSORTED_ACCESS_WORKFLOW_ID } from '../workflows/workflow-ids';

// `action` keeps the workflow's codes (stage, message kind and step, update) for a program reading
// the CSV; `actionInWords` says the same to a reader. New columns go last: a reader by position keeps working.
const COLUMNS = ['at', 'workflowId', 'kind', 'actor', 'action', 'detail', 'messageId', 'recipients', 'documentName', 'sha256', 'version', 'actionInWords', 'revision', 'language'] as const;
type Column = (typeof COLUMNS)[number];

interface AuditWording {
  title: string;
  subjectCampaign: string;
  subjectEngagement: string;
  /** The export of the downloads from the holding pen of mail that names no campaign. */
  subjectUnsorted: string;
  intro: Record<'one' | 'other', string>;
  exported: string;
  eventHeading: string;
  field: string;
  fieldSeparator: string;
  /** By the count's plural category in the export's language: `one` (French: 0 and 1) or `other`. */
  unreadable: Record<'one' | 'other', string>;
  none: string;
  /** The note a PDF carries when it shows characters by their code point (see `drawable`). */
  substituted: string;
  columns: Record<Column, string>;
  /** A received message's language in words, for the PDF (the CSV gives its code). */
  languages: Record<Language, string>;
  kinds: Record<AuditEventKind, string>;
  /** An email's kind in words (strings.yaml `message.*`): `{{kind}}` (its step is the Action column's code). */
  message: string;
  /** An input's fields in the Detail column: one field, the separator, each field's name in words, a yes-or-no value in words. */
  detailField: string;
  detailFieldSeparator: string;
  detailFieldNames: Record<string, string>;
  detailYesNo: Record<'true' | 'false', string>;
  /** A field's coded value in words, by field name (`mode`: `add`, `replace`); a value with none, as recorded. */
  detailFieldValues: Record<string, Record<string, string>>;
  /**
   * A field in parts (answers by question, a statement's texts by vendor, principle or language): a
   * part with what is said of its text (`{{head}} ({{about}})`), the separators, and a text's length
   * and paragraphs by the count's plural category.
   */
  detailParts: { part: string; separator: string; headSeparator: string; aboutSeparator: string; characters: Record<'one' | 'other', string>; paragraphs: Record<'one' | 'other', string> };
  /** The codes each kind of row carries in `action`, in words. */
  stages: Record<string, string>;
  outcomes: Record<string, string>;
  inboundKinds: Record<string, string>;
  workflowTypes: Record<string, string>;
  actions: Record<string, string>;
  /** What a row adds in its Detail column, from the facts the trail records. */
  notes: Record<'authority' | 'refused' | 'resentAfterCrash' | 'alreadyDelivered' | 'size' | 'earlierRun' | 'unreadable' | 'recordedBy' | 'notDone' | 'notDoneAsRecorded' | 'notDoneAsRecordedOfType' | 'whileUnsorted' | 'separator', string>;
  /** Where a document was downloaded (`workspace`, `cli`), in the Detail column. */
  downloadedVia: Record<string, string>;
  /** Who acted, for an identity that is no person's (client/identity.ts). */
  actors: Record<'intake', string>;
  /** A refusal's failure type (workflows/errors.ts `ErrorType`, a handler's own), in words, for one that carries no code. */
  refusalTypes: Record<string, string>;
}

/**
 * The export's words in one language; a kind of message in the workspace's word for it, and why a
 * message was not sent in the workspace's words for that (strings.yaml `not-mailed.*`).
 */
type Words = AuditWording & { language: Language; messageKind(kind: string): string; notSentBecause(reason: string): string; refusalWording: RefusalWording };

/** Refusals in the workspace's sentences (strings.yaml `form-refusal.*`), their dates as the export prints times, in UTC. */
const refusalWording: RefusalWording = {
  text: (language, key, values) => sentence(language, key, values),
  date: (value, language) => formatDate(value, language),
  dateTime: (value, language) => formatDateTime(value, language),
  principle: (principle, language) => principleTitle(principle, language),
};

let wordingFile: Record<Language, AuditWording> | undefined;
function wording(language: Language): Words {
  wordingFile ??= parse(readFileSync(join(TEMPLATES_DIR, 'audit.yaml'), 'utf8')) as Record<Language, AuditWording>;
  const words = wordingFile[language];
  if (!words) throw new Error(`templates/audit.yaml has no ${language} section; add one beside en.`);
  // A kind this release does not know (a newer worker's) is shown by its code.
  const messageKind = (kind: string) => ((MESSAGE_KINDS as readonly string[]).includes(kind) ? sentence(language, `message.${kind}`) : kind);
  return { ...words, language, messageKind, notSentBecause: (reason: string) => notMailedText(reason, language), refusalWording };
}

const engine = Handlebars.create();
// Compiled once each: a campaign's export fills the per-event templates thousands of times.
const compiled = new Map<string, Handlebars.TemplateDelegate>();
function fill(template: string, view: object): string {
  let render = compiled.get(template);
  if (!render) compiled.set(template, (render = engine.compile(template, { noEscape: true, strict: false })));
  return render(view);
}

export interface AuditReportOptions {
  language: Language;
  /** When the export was made; printed, and the PDF's date (the same trail and time give the same bytes). */
  exportedAt: string;
}

/** The CSV file's bytes: BOM, a header row, then one row per event. */
export function auditCsv(trail: AuditTrail, { language }: Pick<AuditReportOptions, 'language'>): Buffer {
  const words = wording(language);
  const lines = [COLUMNS.map((c) => words.columns[c]), ...trail.events.map((e) => COLUMNS.map((c) => cell(e, c, words)))];
  const text = lines.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
}

/**
 * The JSON file's bytes: one object per event, in the CSV's order, keyed by its columns' codes (a
 * script's names, the same in both languages) and valued as its cells, in the export's language.
 */
export function auditJson(trail: AuditTrail, { language }: Pick<AuditReportOptions, 'language'>): Buffer {
  const words = wording(language);
  const rows = trail.events.map((e) => Object.fromEntries(COLUMNS.map((c) => [c, cell(e, c, words)])));
  return Buffer.from(`${JSON.stringify(rows, null, 2)}\n`, 'utf8');
}

function cell(event: AuditEvent, column: Column, words: Words): string {
  switch (column) {
    case 'kind':
      return words.kinds[event.kind] ?? event.kind;
    case 'recipients':
      return (event.recipients ?? []).join('; ');
    case 'version':
      return event.version === undefined ? '' : String(event.version);
    case 'revision':
      return event.revision === undefined ? '' : String(event.revision);
    case 'actionInWords':
      return actionInWords(event, words);
    case 'actor':
      return actorWords(event.actor, words);
    case 'action':
      // An email's step (`letter`, `approval-request-v1-opc`) names it in its case; its kind, which the
      // step implies, is said in words in `actionInWords` (the column once read "open-letter letter").
      return EMAIL_KINDS.has(event.kind) && event.step ? event.step : event.action;
    case 'detail':
      // Why an email was not sent is a code: said in the export's language, as the workspace says it.
      return event.notSent !== undefined ? words.notSentBecause(event.notSent) : detailOf(event, words);
    default:
      return event[column] ?? '';
  }
}

const EMAIL_KINDS = new Set<AuditEventKind>(['email-sent', 'email-refused', 'email-not-sent']);

/**
 * Who acted; the intake, which acts for no officer, said so with the mailbox it reads and its host. A
 * person is named as the workspace and the CLI name them (strings.yaml `actor.*`: "command line", not
 * the record's "CLI"), in both languages: the name and account stay as recorded, so a row still traces
 * to one account. The engine keeps its recorded name in English, as the export always wrote it.
 */
function actorWords(actor: string, words: Words): string {
  const intake = readIntakeActor(actor);
  if (intake) return fill(words.actors.intake, intake);
  const reading = readActor(actor);
  if (words.language === 'en' && reading.code === 'engine') return actor;
  return reading.code === undefined ? actor : sentence(words.language, `actor.${reading.code}`, reading);
}

/** An input's fields, each by its name in the export's language (a name the template lacks, as recorded). */
function fieldsInWords(fields: readonly DetailField[], words: Words): string {
  return fields
    .map(({ name, value, parts }) =>
      fill(words.detailField, {
        label: words.detailFieldNames[name] ?? name,
        value: parts
          ? parts.map((part) => partInWords(part, words)).join(words.detailParts.separator)
          : typeof value === 'boolean'
            ? words.detailYesNo[String(value) as 'true' | 'false']
            : valueInWords(words, name, String(value)),
      }),
    )
    .join(words.detailFieldSeparator);
}

/** A field's part: what it is about (an id, a principle's title, a language), then its languages, length or paragraphs. */
function partInWords(part: DetailPart, words: Words): string {
  const { detailParts } = words;
  const language = (l: string) => words.languages[l as Language] ?? l;
  const principle = part.principle && (PRINCIPLES as readonly string[]).includes(part.principle) ? principleTitle(part.principle as Principle, words.language) : part.principle;
  const count = (forms: Record<'one' | 'other', string>, n: number) => fill(forms[pluralForm(words.language, n)], { count: n });
  const head = [part.id, principle, part.language && language(part.language)].filter(Boolean).join(detailParts.headSeparator);
  const about = [
    ...(part.languages ?? []).map(language),
    part.characters !== undefined ? count(detailParts.characters, part.characters) : '',
    part.paragraphs !== undefined ? count(detailParts.paragraphs, part.paragraphs) : '',
  ].filter(Boolean);
  if (!about.length) return head;
  return head ? fill(detailParts.part, { head, about: about.join(detailParts.aboutSeparator) }) : about.join(detailParts.aboutSeparator);
}

/** A coded value in words where the template has them (its own entries only: a recorded `toString` is text, not a key). */
function valueInWords(words: Words, name: string, value: string): string {
  const values = Object.hasOwn(words.detailFieldValues, name) ? words.detailFieldValues[name]! : {};
  return Object.hasOwn(values, value) ? values[value]! : value;
}

/** The row's own detail, then what the trail records about it, each said in the export's language. */
function detailOf(event: AuditEvent, words: Words): string {
  return detailRuns(event, words)
    .map((run) => (typeof run === 'string' ? run : run.text))
    .join(words.notes.separator);
}

/** The parts of `detailOf`, the recorded detail of a received message as a span in its own language. */
function detailRuns(event: AuditEvent, words: Words): (string | TextSpan)[] {
  const { notes } = words;
  const recorded = event.fields?.length ? fieldsInWords(event.fields, words) : event.detail;
  const detail = recorded && event.language ? { text: recorded, language: event.language } : recorded;
  return [
    event.authority ? fill(notes.authority, { name: event.authority[words.language] }) : '',
    detail,
    event.notDone !== undefined ? notDoneWords(event, words) : '',
    event.unreadableError !== undefined ? fill(notes.unreadable, { error: event.unreadableError }) : '',
    event.earlierRun !== undefined ? fill(notes.earlierRun, { run: event.earlierRun }) : '',
    event.refused?.length ? fill(notes.refused, { addresses: event.refused.join(', ') }) : '',
    event.resentAfterCrash ? notes.resentAfterCrash : '',
    event.alreadyDelivered ? notes.alreadyDelivered : '',
    event.size !== undefined ? fill(notes.size, { size: event.size }) : '',
    event.recordedBy !== undefined ? fill(notes.recordedBy, { actor: actorWords(event.recordedBy, words) }) : '',
    event.downloadedVia !== undefined ? (words.downloadedVia[event.downloadedVia] ?? event.downloadedVia) : '',
    event.whileUnsorted ? notes.whileUnsorted : '',
  ].filter((run): run is string | TextSpan => (typeof run === 'string' ? run !== '' : run !== undefined && run.text !== ''));
}

/**
 * Why an accepted request was not done: the refusal's sentence in the export's language, worded from
 * its code as the workspace words it (an authority by the name the campaign file gives it); without a code this release knows, the workflow's own text,
 * quoted and said to be the system's, after its failure type in words where the template has them.
 */
function notDoneWords(event: AuditEvent, words: Words): string {
  const { notes } = words;
  const refusal = event.notDoneRefusal && event.notDoneAuthorities ? new AuthorityNames(event.notDoneAuthorities, words.language, words.refusalWording).refusal(event.notDoneRefusal) : event.notDoneRefusal;
  const reason = refusal && refusalSentence(refusal, words.language, 'UTC', words.refusalWording);
  if (reason) return fill(notes.notDone, { reason });
  const type = event.notDoneType === undefined ? undefined : words.refusalTypes[event.notDoneType];
  return type ? fill(notes.notDoneAsRecordedOfType, { type, text: event.notDone }) : fill(notes.notDoneAsRecorded, { text: event.notDone });
}

/** What `action` holds, as the export's language says it; the code itself when the template has no word for it. */
function actionInWords(event: AuditEvent, words: Words): string {
  const { action } = event;
  switch (event.kind) {
    case 'stage':
      return words.stages[action] ?? action;
    case 'case-closed':
      return words.outcomes[action] ?? words.stages[action] ?? action;
    case 'email-sent':
    case 'email-refused':
    case 'email-not-sent':
      if (!event.messageKind) return action;
      return fill(words.message, { kind: words.messageKind(event.messageKind) });
    case 'email-received':
      return words.inboundKinds[action] ?? action;
    case 'case-opened':
      return words.workflowTypes[action] ?? action;
    case 'officer-action':
    case 'approval':
    case 'statement':
    case 'signal':
    case 'document-downloaded':
    case 'history-not-kept':
    // What could not be read is still named: the request, or the activity, is recorded in plaintext.
    case 'unreadable':
      return words.actions[action] ?? action;
    default:
      return action;
  }
}

function csvField(value: string): string {
  // A cell starting with = + - @ is a formula to a spreadsheet: a vendor's subject line must not run.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function subjectOf(trail: AuditTrail, words: AuditWording): string {
  if ('unsorted' in trail.scope) return words.subjectUnsorted;
  const { campaignId, vendorId } = trail.scope;
  return vendorId ? fill(words.subjectEngagement, { campaignId, vendorId }) : fill(words.subjectCampaign, { campaignId });
}

/** What the PDF's footer and keywords name: the campaign, or the record of the pen of mail that names none. */
function scopeName(trail: AuditTrail): string {
  return 'unsorted' in trail.scope ? UNSORTED_ACCESS_WORKFLOW_ID : trail.scope.campaignId;
}

/**
 * The text as the PDF can draw it. What a vendor wrote is recorded as it came (a subject line in
 * Hebrew, an emoji, a stray control character) and the PDF kit refuses what no embedded font draws:
 * each such character is shown by its code point, `[U+05E9]`, rather than the export failing. The
 * CSV keeps the text as written.
 */
function drawable(text: string): string {
  const missing = new Set(undrawableCharacters(text));
  if (!missing.size) return text;
  return Array.from(text, (char) => (missing.has(char) ? `[U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]` : char)).join('');
}

/** A field's value in the PDF, as runs: the CSV's cell, but the detail's parts joined with a received subject kept as its span, and a language in words. */
function pdfValue(event: AuditEvent, column: Column, words: Words): (string | TextSpan)[] {
  if (column === 'language') return event.language ? [words.languages[event.language] ?? event.language] : [];
  if (column === 'detail' && event.notSent === undefined) return detailRuns(event, words).flatMap((run, i) => (i === 0 ? [run] : [words.notes.separator, run]));
  const value = cell(event, column, words);
  return value === '' ? [] : [value];
}

/** Where the field template puts the value, so that the value's runs (a span among them) are placed whole. */
const VALUE_PLACE = '\u{F0000}';

/** A field as runs: its label, worded by the template, around its value's runs. */
function labelled(words: Words, column: Column, runs: (string | TextSpan)[]): (string | TextSpan)[] {
  return fill(words.field, { label: words.columns[column], value: VALUE_PLACE })
    .split(VALUE_PLACE)
    .flatMap((part, i) => (i === 0 ? [part] : [...runs, part]));
}

/** The PDF: a heading, what the export covers, a note on what shredding made unreadable, then each event. */
export async function auditPdf(trail: AuditTrail, { language, exportedAt }: AuditReportOptions): Promise<Uint8Array> {
  const words = wording(language);
  const subject = subjectOf(trail, words);
  const title = fill(words.title, { subject });
  // Each event's text first, so the note on characters shown by their code point can come before them.
  let substituted = false;
  const printable = (text: string) => {
    // Tabs and carriage returns in a recorded text are spacing, not characters to name.
    const spaced = text.replace(/[\t\v\f\r]/g, ' ');
    const drawn = drawable(spaced);
    substituted ||= drawn !== spaced;
    return drawn;
  };
  const entries = trail.events.map((event) => {
    const at = event.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
    const heading = fill(words.eventHeading, { at, kind: words.kinds[event.kind] ?? event.kind, action: actionInWords(event, words) });
    const details = COLUMNS.filter((c) => !['at', 'kind', 'action', 'actionInWords'].includes(c))
      .map((c) => [c, pdfValue(event, c, words)] as const)
      .filter(([, runs]) => runs.length > 0)
      .map(([c, runs]) => labelled(words, c, runs));
    const joined = details.flatMap((runs, i) => (i === 0 ? runs : [words.fieldSeparator, ...runs]));
    return { heading: printable(heading), details: joined.map((run) => (typeof run === 'string' ? printable(run) : { ...run, text: printable(run.text) })) };
  });
  const doc = await LayoutDocument.create(
    { title, author: 'Dossier', subject, keywords: ['audit', scopeName(trail)], language, date: exportedAt },
    { footerText: printable(scopeName(trail)), fontSize: 9 },
  );
  doc.heading(printable(title), 1);
  // A sentence about a number, in the form the language's plural rule gives it (French: 0 and 1 are "one").
  const counted = (forms: Record<'one' | 'other', string>, count: number, name: string) =>
    fill(forms[pluralForm(language, count)], { [name]: new Intl.NumberFormat(language).format(count) });
  doc.paragraph(counted(words.intro, trail.workflowIds.length, 'workflowCount'));
  doc.paragraph(fill(words.exported, { exportedAt: formatDateTime(exportedAt, language) }));
  if (trail.unreadable > 0) doc.paragraph(counted(words.unreadable, trail.unreadable, 'count'), { weight: 'bold' });
  if (substituted) doc.paragraph(words.substituted);
  if (trail.events.length === 0) doc.paragraph(words.none);
  for (const { heading, details } of entries) {
    doc.text(heading, { weight: 'bold', spaceAfter: 1 });
    doc.paragraph(details, { indent: 12 });
  }
  return doc.save();
}
