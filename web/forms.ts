// Reading what a form sent into the typed inputs of the client API. Only shape is checked here (a
// date that is not a date, a number that is not a number); whether the request is acceptable is the
// workflow's validator's answer, shown next to the form's main field.
import { MAX_ATTACHED_FILE_BYTES } from '../client/response-files';
import { typedContact } from '../client/typed-contact';
import { formatCount } from '../intake/wording';
import { emailProblem } from '../workflows/text-rules';
import { instantInZone, isCalendarDate, toIsoString } from '../workflows/time';
import type { RefusalDetails } from '../workflows/refusals';
import type { Contact, Language } from '../workflows/types';

export type FormValues = Record<string, string>;

/** Field name → message (a key of strings.yaml with its values, or a sentence from the workflow and the code and values of its refusal). */
export type FieldErrors = Record<string, { key?: string; values?: object; message?: string; refusal?: RefusalDetails }>;

export class FormProblem extends Error {
  readonly code = 'FormProblem';
  constructor(readonly errors: FieldErrors) {
    super(Object.keys(errors).join(', '));
  }
}

/** Text fields of a parsed body (files and repeated fields are read elsewhere). */
export function textFields(body: Record<string, unknown>): FormValues {
  const values: FormValues = {};
  for (const [name, value] of Object.entries(body)) if (typeof value === 'string') values[name] = value;
  return values;
}

export class FormReader {
  readonly errors: FieldErrors = {};
  /** `timeZone`: the campaign's (`campaignTimeZone`), in which the officer reads and types its dates. */
  constructor(
    readonly values: FormValues,
    readonly timeZone = 'UTC',
  ) {}

  text(field: string, { optional = false } = {}): string {
    const value = (this.values[field] ?? '').replace(/\r\n/g, '\n').trim();
    if (!value && !optional) this.errors[field] = { key: 'form.required' };
    return value;
  }

  /** One entry per non-empty line. */
  lines(field: string, { optional = false } = {}): string[] {
    const lines = this.text(field, { optional: true })
      .split('\n')
      .map((l) => l.replace(/^\s*(?:[-*•]|\d+[.)])\s+/, '').trim())
      .filter(Boolean);
    if (!lines.length && !optional) this.errors[field] = { key: 'form.required' };
    return lines;
  }

  /** Paragraphs separated by blank lines. */
  paragraphs(field: string, { optional = false } = {}): string[] {
    const paragraphs = this.text(field, { optional: true })
      .split(/\n\s*\n/)
      .map((p) => p.replace(/\s*\n\s*/g, ' ').trim())
      .filter(Boolean);
    if (!paragraphs.length && !optional) this.errors[field] = { key: 'form.required' };
    return paragraphs;
  }

  /**
   * A `date` or `datetime-local` value, read in the campaign's zone as the CLI reads one
   * (`instantInZone`): a day is the end of that day there, a time that time there; an ISO timestamp back.
   * `keepDay`: a date given without a time stays a day (a response received that day, wherever the officer is).
   */
  instant(field: string, { optional = false, keepDay = false } = {}): string | undefined {
    const value = this.text(field, { optional: true });
    if (!value) {
      if (!optional) this.errors[field] = { key: 'form.required' };
      return undefined;
    }
    if (keepDay && isCalendarDate(value)) return value;
    const time = instantInZone(value, this.timeZone);
    if (time === undefined) {
      this.errors[field] = { key: 'form.not-a-date', values: { value } };
      return undefined;
    }
    return toIsoString(time);
  }

  wholeNumber(field: string, { optional = false } = {}): number | undefined {
    const value = this.text(field, { optional: true });
    if (!value) {
      if (!optional) this.errors[field] = { key: 'form.required' };
      return undefined;
    }
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) {
      this.errors[field] = { key: 'form.not-a-number', values: { value } };
      return undefined;
    }
    return n;
  }

  /** `Name <address>` or a bare address, one per line. */
  contacts(field: string): { name: string; email: string }[] {
    const contacts = this.lines(field, { optional: true }).map((line) => {
      const named = /^(.*?)\s*<([^<>\s]+)>$/.exec(line);
      return named ? { name: named[1].trim() || named[2], email: named[2] } : { name: line, email: line };
    });
    if (!contacts.length) this.errors[field] = { key: 'form.required' };
    return contacts;
  }

  /**
   * One contact a line, `email[,name]` as the CLI's --add takes it (`typedContact`); a name left out is
   * `vendorName`. Each line that does not begin with an address is named by its number and its text,
   * all of them at once, so one round corrects them: the form comes back with everything as typed.
   */
  typedContacts(field: string, vendorName: string): Contact[] {
    const typed = this.text(field, { optional: true }).split('\n').map((line, i) => ({ n: i + 1, line: line.trim() }));
    const given = typed.filter(({ line }) => line !== '');
    const bad = given.filter(({ line }) => emailProblem(typedContact(line, vendorName).email) !== undefined);
    if (bad.length === 1) this.errors[field] = { key: 'form.contact-line', values: bad[0] };
    else if (bad.length > 1) this.errors[field] = { key: 'form.contact-lines', values: { count: bad.length, lines: bad } };
    else if (!given.length) this.errors[field] = { key: 'form.required' };
    return given.map(({ line }) => typedContact(line, vendorName));
  }

  /** Throws the collected problems, if any. */
  done(): void {
    if (Object.keys(this.errors).length) throw new FormProblem(this.errors);
  }
}

/**
 * The files of one response sent from the respond form, together: the body is read whole into memory
 * before anyone looks at it, so two of the largest a document may be. The CLI reads each file itself
 * and has no such limit; the page says so.
 */
export const MAX_RESPONSE_FILES_BYTES = 2 * MAX_ATTACHED_FILE_BYTES;

/** The files chosen in a form's file input; a browser sends one left empty as a file with no name and no bytes. */
export function chosenFiles(value: string | File | (string | File)[] | undefined): File[] {
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((v): v is File => v instanceof File && (v.name !== '' || v.size > 0));
}

/** A limit in whole megabytes as the reader's language writes it ("25 MB", "25 Mo"); `word` gives the unit's sentence. */
export function megabytes(bytes: number, language: Language, word: (language: Language, key: string, values: object) => string): string {
  return word(language, 'size.mb', { n: formatCount(bytes / (1024 * 1024), language) });
}

export function isLanguage(value: unknown): value is Language {
  return value === 'en' || value === 'fr';
}
