// The refusals the workspace can word in the reader's language. A refusal reaches the web as an
// English sentence (the client's, or a workflow validator's, which throws a plain Error or an
// ApplicationFailure whose type says only "refused"): the fixed sentences Dossier's own code writes
// are recognised here whole, with their values, and given a key of templates/web/strings.yaml.
// Anything else (a newer worker's sentence, text with free values) is shown as it came, in English.
import { ENDED_REASON } from '../client/errors';
import { CAMPAIGN_PHASES } from '../workflows/messages';
import { ENGAGEMENT_STAGES } from '../workflows/types';

/**
 * A refusal's key in strings.yaml, its values as written, and the values the page words itself:
 * value name → a key of strings.yaml (a stage's or a phase's name).
 */
export interface WordedRefusal {
  key: string;
  values: Record<string, string>;
  words?: Record<string, string>;
}

// Values that are a stage's or a phase's id: named in the reader's language, and only if this release knows them.
const WORDED_VALUES: Record<string, { known: readonly string[]; prefix: string }> = {
  stage: { known: ENGAGEMENT_STAGES, prefix: 'stage.' },
  phase: { known: CAMPAIGN_PHASES, prefix: 'phase.' },
};

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Whole sentences only (anchored): a sentence that merely begins like one of these is not it.
// The named groups are the values; a `stage` or a `phase` must be one this release knows.
const KNOWN: [RegExp, string][] = [
  [new RegExp(`^${escape(ENDED_REASON)}$`), 'form-refusal.ended'],
  [/^(?<id>\S+) does not exist \(check the campaign and vendor ids\)$/, 'form-refusal.not-found'],
  [/^(?<id>\S+) already exists$/, 'form-refusal.already-exists'],
  [/^\S+ is (?<stage>[a-z-]+): it accepts no more changes$/, 'form-refusal.final'],
  [/^cannot record a response while the engagement is (?<stage>[a-z-]+) \(allowed in: [a-z-, ]+\)$/, 'form-refusal.respond-stage'],
  [/^cannot ask follow-up questions while the engagement is (?<stage>[a-z-]+) \(allowed in: [a-z-, ]+\)$/, 'form-refusal.ask-stage'],
  [/^cannot schedule a demonstration while the engagement is (?<stage>[a-z-]+) \(allowed in: [a-z-, ]+\)$/, 'form-refusal.schedule-stage'],
  [/^cannot conclude while the engagement is (?<stage>[a-z-]+) \(allowed in: [a-z-, ]+\)$/, 'form-refusal.conclude-stage'],
  [/^cannot correct the contact address while the engagement is (?<stage>[a-z-]+) \(allowed in: [a-z-, ]+\)$/, 'form-refusal.correct-contact-stage'],
  [/^cannot extend the response deadline while the engagement is (?<stage>[a-z-]+)$/, 'form-refusal.extend-stage'],
  [/^there is nothing to extend: the response has arrived and no follow-up question is open$/, 'form-refusal.nothing-to-extend'],
  [/^give either the new due date or how much longer the vendor has \("10 working days", "14 days"\), not both$/, 'form-refusal.extend-both'],
  [/^the lead authority needs a jurisdiction and a timeZone to count working days: give the new due date instead$/, 'form-refusal.working-days-unknown'],
  [/^ask at least one question$/, 'form-refusal.no-question'],
  [/^record at least one answer$/, 'form-refusal.no-answer'],
  [/^no follow-up question has been asked yet: there is nothing to answer$/, 'form-refusal.nothing-to-answer'],
  [/^invite at least one attendee$/, 'form-refusal.no-attendee'],
  [/^no demonstration has been scheduled: there is no outcome to record$/, 'form-refusal.no-demonstration'],
  [/^give at least one contact address for the vendor$/, 'form-refusal.no-contact'],
  [/^(?<address>\S+@\S+) is the address the mail server refused for good: give another one$/, 'form-refusal.address-refused'],
  [/^There is nothing to report yet: the campaign has no vendors\.$/, 'form-refusal.no-vendors'],
  [/^The engagement with (?<vendor>.+) has already ended\.$/, 'form-refusal.engagement-ended'],
  [/^(?<vendor>.+) is already being withdrawn\.$/, 'form-refusal.being-withdrawn'],
  [/^Vendors can no longer be added: the statement is being drafted \(phase (?<phase>[a-z]+)\)\.$/, 'form-refusal.no-more-vendors'],
  [/^There is no draft awaiting approval \(phase (?<phase>[a-z]+)\)\.$/, 'form-refusal.no-draft'],
  [/^The statement is already (?<phase>[a-z]+)\.$/, 'form-refusal.statement-already'],
  [/^The statement is already (?<phase>[a-z]+): no further version can be drafted\.$/, 'form-refusal.no-new-version'],
  [/^The statement is already (?<phase>[a-z]+)[:;] its text can no longer change\.$/, 'form-refusal.text-fixed'],
  [/^Nothing changed since version (?<version>\d+): the signatories are answering on it; edit the text first\.$/, 'form-refusal.nothing-changed'],
  [/^Version (?<version>\d+) is not the current draft: read version (?<current>\d+) and answer on it\.$/, 'form-refusal.not-current'],
];

/** The key and values of a refusal Dossier's code words, or undefined for text this release does not know. */
export function wordedRefusal(message: string): WordedRefusal | undefined {
  for (const [pattern, key] of KNOWN) {
    const match = pattern.exec(message);
    if (!match) continue;
    const values: Record<string, string> = {};
    const words: Record<string, string> = {};
    for (const [name, value] of Object.entries(match.groups ?? {})) {
      const worded = WORDED_VALUES[name];
      if (!worded) values[name] = value;
      else if (worded.known.includes(value)) words[name] = worded.prefix + value;
      else return undefined;
    }
    return Object.keys(words).length ? { key, values, words } : { key, values };
  }
  return undefined;
}
