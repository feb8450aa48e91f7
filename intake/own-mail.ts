// What a vendor sends back of Dossier's own mail: a colleague forwarding the open letter returns its
// PDF and its text. Both are read from the copies of what Dossier sent on the engagement (kept in the
// document store, documents/), so an attachment is Dossier's only when its bytes are one it sent, and
// the text is left out only where the sent message's own words are quoted back, whatever the wrapping.
import { createHash } from 'node:crypto';
import { simpleParser } from 'mailparser';
import type { CaseDocuments } from '../documents/document-store';
import type { InboundMessage } from '../workflows/types';
import { engagementWorkflowId } from '../workflows/workflow-ids';
import type { Directory } from './correlate';
import { htmlAsText } from './read-message';

export interface SentByDossier {
  /** The step that sent each document, by the SHA-256 of its bytes. */
  documents: Map<string, string>;
  /**
   * The text of each message sent, with its step and subject (as its recipient's client quotes it),
   * and its HTML part as text: a client that quotes the HTML (Outlook) quotes that rendering.
   */
  texts: SentText[];
  /** The review of each message the engagement had recorded when read, by Message-ID; undefined when the directory cannot say. */
  recorded?: Map<string, InboundMessage['review']>;
}

export interface SentText {
  step: string;
  text: string;
  subject?: string;
  htmlText?: string;
}

/** What Dossier sent on the engagement, as its copies keep it; nothing when the directory cannot say. */
export async function sentByDossier(
  documents: Pick<CaseDocuments, 'readSentCopy'>,
  directory: Directory,
  engagement: { campaignId: string; vendorId: string },
): Promise<SentByDossier> {
  const mail = directory.engagementMail ? await directory.engagementMail(engagement) : { sentSteps: (await directory.sentSteps?.(engagement)) ?? [], recorded: undefined };
  const found: SentByDossier = { documents: new Map(), texts: [], recorded: mail.recorded };
  const steps = mail.sentSteps;
  for (const step of steps) {
    const raw = await documents.readSentCopy(engagement.campaignId, engagementWorkflowId(engagement.campaignId, engagement.vendorId), step);
    if (!raw) continue;
    const parsed = await simpleParser(raw);
    for (const a of parsed.attachments) found.documents.set(createHash('sha256').update(a.content).digest('hex'), step);
    const htmlText = typeof parsed.html === 'string' ? htmlAsText(parsed.html) : undefined;
    if (parsed.text?.trim()) found.texts.push({ step, text: parsed.text, ...(parsed.subject ? { subject: parsed.subject } : {}), ...(htmlText ? { htmlText } : {}) });
  }
  return found;
}

/**
 * The text with `quoted` taken out where it appears whole, each line perhaps behind quote marks
 * (`> `) and rewrapped by the client that forwarded it; undefined when it does not appear. Words are
 * compared with every run of white space as one: a forward rewraps lines, it does not reword them.
 */
export function withoutQuoted(text: string, quoted: string): string | undefined {
  const needle = quoted.replace(/\s+/g, ' ').trim();
  // Too short to be told from the vendor's own words ("Best regards").
  if (needle.length < 80) return undefined;
  // The text without quote marks and with white space collapsed, each character mapped to where it was.
  let flat = '';
  const at: number[] = [];
  let lineStart = true;
  for (let i = 0; i < text.length; i++) {
    if (lineStart) {
      const marks = /^[ \t]*(?:>[ \t]?)*/.exec(text.slice(i))![0].length;
      i += marks;
      lineStart = false;
      if (i >= text.length) break;
    }
    const ch = text[i]!;
    if (ch === '\n') lineStart = true;
    if (/\s/.test(ch)) {
      if (flat.endsWith(' ') || flat === '') continue;
      flat += ' ';
    } else flat += ch;
    at.push(i);
  }
  const start = flat.indexOf(needle);
  if (start < 0) return undefined;
  const from = at[start]!;
  const to = at[start + needle.length - 1]! + 1;
  // The quote marks of the quoted text's blank lines go with it, and so does the line attributing
  // it (Thunderbird's "Le … a écrit :", which Gmail wraps before "wrote:").
  const before = text.slice(0, from).replace(/(?:^|\n)[ \t>]*$/, '').replace(/(?:\n[ \t>]*)+$/, '').split('\n');
  const attribution = [1, 2].find((n) => before.length >= n && ATTRIBUTION.test(before.slice(-n).join(' ')));
  const after = text.slice(to).replace(/^(?:[ \t>]*(?:\n|$))+/, '');
  return `${before.slice(0, before.length - (attribution ?? 0)).join('\n')}\n${after}`.trim();
}

/**
 * A header line of the block Outlook writes above the message it quotes (`From: …`, `De : …`,
 * `*Sent:* …`), and Gmail and Apple Mail above a message they forward (`Reply-To: …`, `Répondre à : …`).
 */
const QUOTED_FIELD = /^[ \t>]*\*?([A-Za-zÀ-ÿ]+(?:[- ][A-Za-zÀ-ÿ]+)?)\*?[ \t\u00a0\u202f]?:\*?[ \t\u00a0]*(.*)$/;
const QUOTED_FIELDS: Record<string, 'from' | 'sent' | 'to' | 'cc' | 'subject' | 'reply-to'> = {
  from: 'from',
  de: 'from',
  sent: 'sent',
  date: 'sent',
  envoyé: 'sent',
  to: 'to',
  à: 'to',
  cc: 'cc',
  subject: 'subject',
  objet: 'subject',
  'reply-to': 'reply-to',
  'répondre à': 'reply-to',
};
/**
 * What a client puts above that block: a rule of underscores (the text part of Outlook on the web and
 * the new Outlook), its `<hr>` as an HTML-only message's text renders it (dashes), an "Original
 * Message" line, or the line above a forwarded message (Gmail's dashed one, Apple Mail's "Begin
 * forwarded message:").
 */
const QUOTE_SEPARATOR =
  /^[ \t>]*(?:_{8,}|-{8,}|-{3,}[ \t]*(?:Original Message|Message d['’]origine|Forwarded message|Message transféré)[ \t]*-{3,}|(?:Begin forwarded message|Début du message réexpédié)[ \t\u00a0\u202f]?:)[ \t]*$/i;

const collapsed = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();

/**
 * The text without a message Dossier sent that Outlook quoted below the vendor's words: not behind
 * `>` marks but under a block of its headers (`From:`, `Sent:`, `To:`, `Subject:`, or in French
 * `De :`, `Envoyé :`, `À :`, `Objet :`), rendered from the HTML part, so not in the words of the text
 * part that withoutQuoted looks for. The block names the message by its subject; only one that
 * names a message Dossier sent on the engagement is cut, with that message's lines below it and
 * everything below a block it quotes in turn; the lines the vendor wrote between the quoted ones
 * (answers inline) stay, after the words above the block. Undefined when there is none.
 */
export function withoutQuotedReply(text: string, sent: { step: string; subject?: string; text?: string; htmlText?: string }[]): { text: string; step: string } | undefined {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (fieldOf(lines[i]!)?.name !== 'from') continue;
    const seen = new Set<string>();
    let subject: string | undefined;
    let last = i;
    // A block read from HTML may have blank lines between its fields (the markup's own line breaks).
    // Outlook ends it with the subject; Gmail's forward puts To, Apple Mail's Date, To and Reply-To
    // after it, on the lines right below.
    for (let j = i + 1; j < lines.length && j <= i + 12; j++) {
      const blank = /^[ \t>\u00a0]*$/.test(lines[j]!);
      if (blank && subject === undefined) continue;
      const field = blank ? undefined : fieldOf(lines[j]!);
      if (!field || field.name === 'from' || (subject !== undefined && seen.has(field.name))) break;
      if (field.name === 'subject') subject = field.value;
      seen.add(field.name);
      last = j;
    }
    if (subject === undefined || !seen.has('sent') || !seen.has('to')) continue;
    const quoted = sent.find((s) => s.subject !== undefined && collapsed(s.subject) === collapsed(subject!));
    if (!quoted) continue;
    let start = i;
    while (start > 0 && /^[ \t>\u00a0]*$/.test(lines[start - 1]!)) start--;
    if (start > 0 && QUOTE_SEPARATOR.test(lines[start - 1]!)) start--;
    const inline = quoted.text === undefined ? [] : ownLinesAmong(lines.slice(last + 1), quotedForms(quoted));
    return { text: [lines.slice(0, start).join('\n').trim(), ...inline].filter(Boolean).join('\n\n'), step: quoted.step };
  }
  return undefined;
}

/**
 * The words of a text, as every rendering of it keeps them: letters and digits, links left out
 * ("text <url>", "text<url>", "text [url]"), in one Unicode form (a client may send "é" as e and an
 * accent, "ﬁ" as one character) and without the invisible characters a client puts inside a word
 * (a soft hyphen, a zero-width space); punctuation, bullets, quotes of any shape and every kind of
 * space only part words.
 */
function wordsOf(text: string): string[] {
  return (
    text
      .replace(/<?\b(?:https?:\/\/|mailto:)[^\s>]*>?/gi, ' ')
      .normalize('NFKC')
      .replace(/\p{Cf}/gu, '')
      .toLowerCase()
      .match(/[\p{L}\p{M}\p{N}]+/gu) ?? []
  );
}

/** A rendering of the sent message: its words, and the word each of its paragraphs begins with. */
interface QuotedForm {
  words: string[];
  paragraphStarts: Set<number>;
}

/**
 * The sent message's words, as its text part and as its HTML part renders. The text part's paragraphs
 * are its blank-line-separated blocks (each question one); the HTML's, each of its lines (a `<p>`, an `<li>`).
 */
function quotedForms(sent: { text?: string; htmlText?: string }): QuotedForm[] {
  const formOf = (text: string, breaks: RegExp): QuotedForm => {
    const words: string[] = [];
    const paragraphStarts = new Set<number>();
    for (const paragraph of text.split(breaks)) {
      paragraphStarts.add(words.length);
      words.push(...wordsOf(paragraph));
    }
    return { words, paragraphStarts };
  };
  return [
    ...(sent.text ? [formOf(sent.text, /\n[ \t]*\n/)] : []),
    ...(sent.htmlText ? [formOf(sent.htmlText, /\n/)] : []),
  ];
}

/** Where `words` run whole in `form` from `from` on, or -1. */
function runAt(form: string[], words: string[], from: number): number {
  outer: for (let at = Math.max(0, from); at + words.length <= form.length; at++) {
    for (let k = 0; k < words.length; k++) if (form[at + k] !== words[k]) continue outer;
    return at;
  }
  return -1;
}

/** A line of the sent message's, quoted: whether one of the sent message's paragraphs begins with it. */
interface QuotedLine {
  startsParagraph: boolean;
}

/**
 * Tells the lines of a quoted message apart from the lines the vendor wrote between them (answers
 * inline, under each question). A line is quoted when its words run whole in the sent message, after
 * the quoted line before it: right where that one ended (a line cut by rewrapping, however short), or
 * further on when it is long enough (four words) not to be the vendor's by chance ("Yes.").
 */
function quotedLines(lines: string[], forms: QuotedForm[]): (QuotedLine | undefined)[] {
  const cursors = forms.map(() => 0);
  return lines.map((line) => {
    const words = wordsOf(line.replace(/^[ \t]*(?:>[ \t]?)*/, ''));
    if (!words.length) return undefined;
    for (const [n, form] of forms.entries()) {
      const at = runAt(form.words, words, cursors[n]!);
      if (at < 0 || (at !== cursors[n] && words.length < 4)) continue;
      cursors[n] = at + words.length;
      return { startsParagraph: form.paragraphStarts.has(at) };
    }
    return undefined;
  });
}

/**
 * The vendor's own lines among the quoted message's, each run of them as a paragraph: what they wrote
 * inside or between the quoted blocks, answers under the question they answer (see withQuestions).
 * Below a block naming another message, all is that message's.
 */
function ownLinesAmong(lines: string[], forms: QuotedForm[]): string[] {
  const nested = lines.findIndex((line, n) => fieldOf(line)?.name === 'from' && lines.slice(n + 1, n + 12).some((l) => fieldOf(l)?.name === 'subject'));
  const below = nested < 0 ? lines : lines.slice(0, nested);
  const quoted = quotedLines(below, forms);
  const shown = withQuestions(below, quoted, below.map((_, n) => !quoted[n]), forms);
  const paragraphs: string[] = [];
  let run: string[] = [];
  for (const line of shown) {
    if (/\S/.test(line)) run.push(line);
    else {
      if (run.length) paragraphs.push(run.join('\n').trim());
      run = [];
    }
  }
  if (run.length) paragraphs.push(run.join('\n').trim());
  return paragraphs.filter((p) => wordsOf(p).length > 0);
}

/** The bullet a client's text part puts before a list item: Outlook's `*`, Gmail's `-`, Apple Mail's `•`. */
const LIST_BULLET = /^[ \t]*[*•·▪◦‣⁃-][ \t\u00a0]+/;

/**
 * Whether a line of the vendor's begins with a paragraph of the sent message (four words of it, and
 * more after): a question the vendor answered on its own line, which needs no question above it.
 */
function asksItself(line: string, forms: QuotedForm[]): boolean {
  const words = wordsOf(unmarked(line).replace(LIST_BULLET, ''));
  if (words.length < 5) return false;
  return forms.some((form) => [...form.paragraphStarts].some((at) => words.slice(0, 4).every((word, k) => form.words[at + k] === word)));
}

/** A line's text without the quote marks a client put before it. */
const unmarked = (line: string) => line.replace(/^[ \t]*(?:>[ \t]?)*/, '');

/**
 * The lines kept (`own`), each run of them that answers inline preceded by the quoted paragraph it
 * follows (the question, as quoted, behind `> ` marks), so the officer reads an answer with its
 * question; the rest of the quoted message stays out, and a blank line parts each paragraph. A reply
 * answers inline when some of its own words have quoted lines above and below them; one written
 * wholly above or below the quote (top- or bottom-posted) gets none of the quote back.
 */
function withQuestions(lines: string[], quoted: (QuotedLine | undefined)[], own: boolean[], forms: QuotedForm[]): string[] {
  // A line without words (a rule, a bare link, a bullet) neither answers nor parts an answer from its question.
  const blank = lines.map((line) => !wordsOf(line).length);
  const firstQuoted = quoted.findIndex(Boolean);
  const lastQuoted = quoted.reduce((last, q, n) => (q ? n : last), -1);
  const inline = firstQuoted >= 0 && own.some((o, n) => o && !blank[n] && n > firstQuoted && n < lastQuoted);
  const shown: string[] = [];
  const paragraphBreak = () => {
    if (shown.length && shown.at(-1) !== '') shown.push('');
  };
  let questionShown = -1;
  for (let n = 0; n < lines.length; n++) {
    if (!own[n] || !/\S/.test(unmarked(lines[n]!))) {
      paragraphBreak();
      continue;
    }
    let end = n - 1;
    while (end >= 0 && blank[end]) end--;
    if (inline && !blank[n] && end >= 0 && quoted[end] && end > questionShown && !asksItself(lines[n]!, forms)) {
      // Up from the quoted line above to the one that begins its paragraph in the sent message: the
      // question, not the whole list it is in.
      let start = end;
      while (start > 0 && !quoted[start]!.startsParagraph && quoted[start - 1]) start--;
      paragraphBreak();
      shown.push(...lines.slice(start, end + 1).map((line) => `> ${unmarked(line).replace(LIST_BULLET, '').trim()}`));
      questionShown = end;
    }
    shown.push(lines[n]!);
  }
  while (shown.at(-1) === '') shown.pop();
  return shown;
}

/** The line a mail client writes above the message it quotes with `>` marks (Gmail, Apple Mail, Thunderbird); the iPhone's Mail puts it inside the quote, marked. */
const ATTRIBUTION = /^[ \t]*(?:>[ \t]?)*(?:On\b.*\bwrote:|Le\b.*\ba [ée]crit[ \t\u00a0\u202f]?:)[ \t]*$/i;

/**
 * The text without the lines of a message Dossier sent that a client quoted behind `>` marks with the
 * vendor's answers written between them (Gmail, Apple Mail), so not whole, as withoutQuoted looks for
 * it: each marked line whose words are the sent message's goes, with the line that attributes the
 * quote; the vendor's unmarked lines stay, each answer under its question (see withQuestions), and so
 * does a marked line of anything else. Undefined when less of the sent message than withoutQuoted's
 * least is quoted (a vendor quoting one question), or when nothing would go.
 */
export function withoutInterleavedQuote(text: string, sent: { text: string; htmlText?: string }): string | undefined {
  const lines = text.split('\n');
  const marked = lines.map((line) => /^[ \t]*>/.test(line));
  const forms = quotedForms(sent);
  const quoted = quotedLines(lines, forms).map((q, n) => (marked[n] ? q : undefined));
  const dropped = lines.filter((_, n) => quoted[n]).join(' ');
  if (dropped.replace(/[>\s]+/g, ' ').trim().length < 80) return undefined;
  const own = lines.map(() => true);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    // The marks of the quote's blank lines, and the attribution above its first line, go with it
    // (Gmail wraps a long one before "wrote:").
    if (quoted[n] || (marked[n] && !wordsOf(line).length)) {
      own[n] = false;
      continue;
    }
    const attribution = ATTRIBUTION.test(line) ? 1 : ATTRIBUTION.test(`${line} ${lines[n + 1] ?? ''}`) ? 2 : 0;
    if (!attribution) continue;
    let next = n + attribution;
    while (next < lines.length && !wordsOf(lines[next]!).length) next++;
    if (quoted[next]) {
      for (let k = 0; k < attribution; k++) own[n + k] = false;
      n += attribution - 1;
    }
  }
  const kept = withQuestions(lines, quoted, own, forms).join('\n').trim();
  // All it found are the questions an earlier cut showed above their answers: nothing to cut.
  return collapsed(kept) === collapsed(text) ? undefined : kept;
}

function fieldOf(line: string): { name: string; value: string } | undefined {
  const match = QUOTED_FIELD.exec(line);
  const name = match && QUOTED_FIELDS[match[1]!.toLowerCase()];
  return name ? { name, value: match[2]! } : undefined;
}
