// The refusals the workspace and the CLI word in the reader's language. A refusal from this release's workflows
// carries its code and values (workflows/refusals.ts), worded here from templates/web/strings.yaml,
// dates in the reader's language and the campaign's zone. One from a worker of an older release comes
// as an English sentence only: the fixed sentences Dossier's code wrote are recognised whole, with
// their values, and given their code. Anything else (a newer worker's code or sentence) is shown as it came.
import { ENDED_REASON } from './errors';
import { CAMPAIGN_PHASES, TEXT_SOURCE_KINDS, type MissingText } from '../workflows/messages';
import { REFUSALS, refusalList, VALUE_TYPES, type RefusalCode, type RefusalDetails, type RefusalValueKind } from '../workflows/refusals';
import { FIELDS } from '../workflows/text-rules';
import { readActor } from '../workflows/timeline';
import { DEMONSTRATION_RESULTS, ENGAGEMENT_STAGES, LANGUAGES, PRINCIPLES, type InboundMessage, type Language, type Principle } from '../workflows/types';
import type { Wording } from './timeline-words';

/** The sentences, dates and principles' titles a refusal is worded with: the workspace's views, or the CLI's (`cliWording`). */
export interface RefusalWording extends Wording {
  principle(principle: Principle, language: Language): string;
  /**
   * Set by a page of the workspace: a vendor by its name where a refusal or a missing text has its id,
   * and a missing text by the page's form it is written in, not by the CLI's file (`missing-text.form.*`).
   */
  page?: { vendorName(vendorId: string): string };
}

/** The value of each refusal that lists vendor ids (`zoom, google`): a page of the workspace names them. */
const VENDOR_ID_LISTS: Partial<Record<RefusalCode, string>> = { 'engagement-open': 'vendors', 'engagements-open': 'vendors', 'statement-too-large': 'largest' };

// Values named in the reader's language, only if this release knows them (else the sentence is shown).
// Built on first use: the CLI loads this module at start, and its `--help` must not run the message
// definitions (CAMPAIGN_PHASES), which load the workflow SDK.
let worded: Partial<Record<RefusalValueKind, { known: readonly string[]; prefix: string }>> | undefined;
const wordedValues = () => (worded ??= {
  stage: { known: ENGAGEMENT_STAGES, prefix: 'stage.' },
  phase: { known: CAMPAIGN_PHASES, prefix: 'phase.' },
  result: { known: DEMONSTRATION_RESULTS, prefix: 'result.' },
  review: { known: ['to-review', 'confirmed', 'dismissed', 'noted', 'late'] satisfies InboundMessage['review'][], prefix: 'review.' },
});

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Older workers' sentences, whole only (anchored): a sentence that merely begins like one of these
// is not it. The named groups are the values. A new refusal needs no line here: it carries its code.
const KNOWN: [RegExp, RefusalCode][] = [
  [new RegExp(`^${escape(ENDED_REASON)}$`), 'ended'],
  [/^(?<id>\S+) does not exist \(check the campaign and vendor ids\)$/, 'not-found'],
  [/^(?<id>\S+) already exists$/, 'already-exists'],
  [/^\S+ is (?<stage>[a-z-]+): it accepts no more changes$/, 'final'],
  [/^cannot record a response while the engagement is (?<stage>[a-z-]+) \(allowed in: [a-z-, ]+\)$/, 'respond-stage'],
  [/^cannot ask follow-up questions while the engagement is (?<stage>[a-z-]+) \(allowed in: [a-z-, ]+\)$/, 'ask-stage'],
  [/^cannot schedule a demonstration while the engagement is (?<stage>[a-z-]+) \(allowed in: [a-z-, ]+\)$/, 'schedule-stage'],
  [/^cannot conclude while the engagement is (?<stage>[a-z-]+) \(allowed in: [a-z-, ]+\)$/, 'conclude-stage'],
  [/^cannot correct the contact address while the engagement is (?<stage>[a-z-]+) \(allowed in: [a-z-, ]+\)$/, 'correct-contact-stage'],
  [/^cannot extend the response deadline while the engagement is (?<stage>[a-z-]+)$/, 'extend-stage'],
  [/^there is nothing to extend: the response has arrived and no follow-up question is open$/, 'nothing-to-extend'],
  [/^give either the new due date or how much longer the vendor has \("10 working days", "14 days"\), not both$/, 'extend-both'],
  [/^the lead authority needs a jurisdiction and a timeZone to count working days: give the new due date instead$/, 'working-days-unknown'],
  [/^ask at least one question$/, 'no-question'],
  [/^record at least one answer$/, 'no-answer'],
  [/^no follow-up question has been asked yet: there is nothing to answer$/, 'nothing-to-answer'],
  [/^invite at least one attendee$/, 'no-attendee'],
  [/^no demonstration has been scheduled: there is no outcome to record$/, 'no-demonstration'],
  [/^give at least one contact address for the vendor$/, 'no-contact'],
  [/^(?<address>\S+@\S+) is the address the mail server refused for good: give another one$/, 'address-refused'],
  [/^There is nothing to report yet: the campaign has no vendors\.$/, 'no-vendors'],
  [/^The engagement with (?<vendor>.+) has already ended\.$/, 'engagement-ended'],
  [/^(?<vendor>.+) is already being withdrawn\.$/, 'being-withdrawn'],
  [/^Vendors can no longer be added: the statement is being drafted \(phase (?<phase>[a-z]+)\)\.$/, 'no-more-vendors'],
  [/^There is no draft awaiting approval \(phase (?<phase>[a-z]+)\)\.$/, 'no-draft'],
  [/^The statement is already (?<phase>[a-z]+)\.$/, 'statement-already'],
  [/^The statement is already (?<phase>[a-z]+): no further version can be drafted\.$/, 'no-new-version'],
  [/^The statement is already (?<phase>[a-z]+)[:;] its text can no longer change\.$/, 'text-fixed'],
  [/^Nothing changed since version (?<version>\d+): the signatories are answering on it; edit the text first\.$/, 'nothing-changed'],
  [/^Version (?<version>\d+) is not the current draft: read version (?<current>\d+) and answer on it\.$/, 'not-current'],
];

/** The code and values of a sentence Dossier's code wrote before refusals carried them, or undefined for text this release does not know. */
export function wordedRefusal(message: string): RefusalDetails | undefined {
  for (const [pattern, code] of KNOWN) {
    const match = pattern.exec(message);
    if (match) return { refusal: code, values: { ...match.groups } } as RefusalDetails;
  }
  return undefined;
}

/**
 * A refusal's words in `language`, as the workspace and the CLI say it: by the code it carries, or by
 * an older worker's sentence this release knows; undefined when neither (the reader shows `message`
 * as it came, in English). Engagements' refusals of a held message are worded so in both readers.
 */
export function refusalWords(message: string, refusal: RefusalDetails | undefined, language: Language, timeZone: string, views: RefusalWording): string | undefined {
  const known = refusal ?? wordedRefusal(message);
  return known && refusalSentence(known, language, timeZone, views);
}

/**
 * A refusal in `language`: its sentence in strings.yaml with its values, days and moments dated in
 * `timeZone`; undefined if a stage, phase or result is not one this release knows.
 */
export function refusalSentence({ refusal: code, values }: RefusalDetails, language: Language, timeZone: string, views: RefusalWording): string | undefined {
  const worded: Record<string, string> = {};
  for (const [name, kind] of Object.entries(REFUSALS[code]) as [string, RefusalValueKind][]) {
    const value = (values as Record<string, string>)[name]!;
    const named = wordedValues()[kind];
    if (named && !named.known.includes(value)) return undefined;
    if (kind === 'field') {
      const field = fieldName(value, language, views);
      if (field === undefined) return undefined;
      worded[name] = field;
      continue;
    }
    if (kind === 'refusals') {
      const each = refusalList(value)?.map((r) => refusalSentence(r, language, timeZone, views));
      if (!each?.length || each.some((sentence) => sentence === undefined)) return undefined;
      worded[name] = each.join(' ');
      continue;
    }
    if (kind === 'texts') {
      const listed = missingTextsWords(value, language, views);
      if (listed === undefined) return undefined;
      const count = Number((values as { count?: string }).count ?? 1);
      worded[name] = listed + (count > textsListed(value) ? `${views.text(language, 'punctuation.list')}…` : '');
      continue;
    }
    if (kind === 'path') {
      worded[name] = value === '' ? views.text(language, 'refused-path.whole') : value;
      continue;
    }
    if (kind === 'type') {
      const types = value.split('|');
      if (!types.every((t) => (VALUE_TYPES as readonly string[]).includes(t))) return undefined;
      worded[name] = types.map((t) => views.text(language, `refused-type.${t}`)).reduce((first, then) => views.text(language, 'refused-type.or', { first, then }));
      continue;
    }
    if (kind === 'actor') {
      const actor = readActor(value);
      worded[name] = actor.code === undefined ? value : views.text(language, `actor.${actor.code}`, actor);
      continue;
    }
    if (views.page && VENDOR_ID_LISTS[code] === name) {
      worded[name] = value.split(', ').map((id) => views.page!.vendorName(id)).join(views.text(language, 'punctuation.list'));
      continue;
    }
    if (kind === 'number' && !/^\d+$/.test(value)) return undefined;
    const typed = kind === 'text' && TYPED_VALUES.has(name) ? typedText(value) : undefined;
    if (typed !== undefined) {
      worded[name] = views.text(language, 'punctuation.quoted', { text: typed });
      continue;
    }
    worded[name] = named
      ? views.text(language, named.prefix + value)
      : kind === 'day'
        ? views.date(value, language, timeZone)
        : kind === 'moment'
          ? views.dateTime(value, language, timeZone)
          : kind === 'number'
            ? new Intl.NumberFormat(language === 'fr' ? 'fr-FR' : 'en-GB').format(Number(value))
            : value;
  }
  return views.text(language, `form-refusal.${code}`, worded);
}

/**
 * The values that quote what was typed (a date, an extension, a link, the markup found in a text): the
 * rules write them with `quote` (workflows/text-rules.ts), a JSON string cut after 57 characters with
 * "…". The sentence quotes them again as the reader's language does (`punctuation.quoted`, French
 * « … »), not in the JSON's straight quotes. A value of another type (a number) stays as written.
 */
const TYPED_VALUES = new Set(['got', 'found']);

/** The text a JSON string stands for (`"dix jours"` → `dix jours`), its cut kept as "…"; undefined for anything else. */
function typedText(value: string): string | undefined {
  const cut = value.endsWith('…');
  const literal = cut ? `${value.slice(0, -1).replace(/\\(u[0-9a-fA-F]{0,3})?$/, '')}"` : value;
  if (!/^".*"$/s.test(literal) || literal.length < 2) return undefined;
  try {
    const text: unknown = JSON.parse(literal);
    return typeof text === 'string' ? text + (cut ? '…' : '') : undefined;
  } catch {
    return undefined;
  }
}

/** A field a refusal names (`key` or `key:item`) in `language`; undefined for a key this release does not know. */
function fieldName(value: string, language: Language, views: RefusalWording): string | undefined {
  const colon = value.indexOf(':');
  const key = colon < 0 ? value : value.slice(0, colon);
  if (!Object.hasOwn(FIELDS, key)) return undefined;
  const item = colon < 0 ? undefined : value.slice(colon + 1);
  // A finding's field names its principle by its title: `security`, or `security/2` for a good practice.
  if (/^(assessment|good-practice)-/.test(key)) {
    const [principle, n] = (item ?? '').split('/');
    if (!PRINCIPLES.includes(principle as Principle)) return undefined;
    return views.text(language, `refused-field.${key}`, { principle: views.principle(principle as Principle, language), n });
  }
  // A demonstration's observation names its vendor and its id: `zoom/d1`.
  if (key.startsWith('observation-')) {
    const [vendor, id] = (item ?? '').split('/');
    if (!vendor || !id) return undefined;
    return views.text(language, `refused-field.${key}`, { vendor: views.page?.vendorName(vendor) ?? vendor, id });
  }
  // A vendor's summary or public reason names the vendor by its id: a page names it.
  const vendorItem = item !== undefined && /^(vendor-summary|open-case-reason)-/.test(key) ? views.page?.vendorName(item) : undefined;
  return views.text(language, `refused-field.${key}`, item === undefined ? {} : { n: vendorItem ?? item });
}

/**
 * The missing texts a refusal to draft names by key, in `language`: each as `missingTextWords` says
 * it; undefined if one is a text this release cannot name.
 */
function missingTextsWords(value: string, language: Language, views: RefusalWording): string | undefined {
  const list = parsedTexts(value);
  if (list === undefined) return undefined;
  const words = list.map((text) => missingTextWords(text, language, views));
  return words.some((w) => w === undefined) ? undefined : words.join(views.text(language, 'punctuation.list'));
}

function parsedTexts(value: string): unknown[] | undefined {
  if (!value.startsWith('[')) return undefined;
  try {
    const list: unknown = JSON.parse(value);
    return Array.isArray(list) ? list : undefined;
  } catch {
    return undefined;
  }
}

/** How many texts a refusal's list names. */
function textsListed(value: string): number {
  return parsedTexts(value)?.length ?? Infinity;
}

/**
 * A public text the next version lacks, in `language` ("résumé de zoom en français (fichier du texte
 * de la déclaration)"); undefined for a source, field or language this release does not know.
 */
export function missingTextWords(text: unknown, language: Language, views: RefusalWording): string | undefined {
  if (typeof text !== 'object' || text === null) return undefined;
  const { source, vendorId, field, language: missingIn } = text as Partial<MissingText>;
  if (!(TEXT_SOURCE_KINDS as readonly string[]).includes(source as string) || !LANGUAGES.includes(missingIn as Language) || typeof field !== 'string') return undefined;
  if (vendorId !== undefined && typeof vendorId !== 'string') return undefined;
  const which = fieldWords(field, language, views);
  if (which === undefined) return undefined;
  const values = {
    field: which,
    language: views.text(language, `missing-text.language.${missingIn}`),
    source: views.text(language, `missing-text.${views.page ? 'form' : 'source'}.${source}`),
    ...(vendorId ? { vendor: views.page?.vendorName(vendorId) ?? vendorId } : {}),
  };
  return views.text(language, vendorId ? 'missing-text.vendor' : 'missing-text.campaign', values);
}

function fieldWords(field: string, language: Language, views: RefusalWording): string | undefined {
  const principle = (p: string | undefined) => (PRINCIPLES.includes(p as Principle) ? views.principle(p as Principle, language) : undefined);
  if (['summary', 'reason', 'conclusions', 'lessonsLearned'].includes(field)) return views.text(language, `missing-text.field.${field}`);
  const assessment = /^findings\.([a-z-]+)\.assessment$/.exec(field);
  if (assessment) {
    const title = principle(assessment[1]);
    return title && views.text(language, 'missing-text.field.assessment', { principle: title });
  }
  const practice = /^findings\.([a-z-]+)\.goodPractices\[(\d+)\]$/.exec(field);
  if (practice) {
    const title = principle(practice[1]);
    return title && views.text(language, 'missing-text.field.good-practice', { principle: title, n: Number(practice[2]) + 1 });
  }
  const demonstration = /^demonstrations\.(.+)$/.exec(field);
  return demonstration ? views.text(language, 'missing-text.field.demonstration', { id: demonstration[1] }) : undefined;
}
