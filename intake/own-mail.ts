// What a vendor sends back of Dossier's own mail: a colleague forwarding the open letter returns its
// PDF and its text. Both are read from the copies of what Dossier sent on the engagement (kept in the
// document store, documents/), so an attachment is Dossier's only when its bytes are one it sent, and
// the text is left out only where the sent message's own words are quoted back, whatever the wrapping.
import { createHash } from 'node:crypto';
import { simpleParser } from 'mailparser';
import type { CaseDocuments } from '../documents/document-store';
import { engagementWorkflowId } from '../workflows/workflow-ids';
import type { Directory } from './correlate';

export interface SentByDossier {
  /** The step that sent each document, by the SHA-256 of its bytes. */
  documents: Map<string, string>;
  /** The text of each message sent, with its step and subject (as its recipient's client quotes it). */
  texts: { step: string; text: string; subject?: string }[];
}

/** What Dossier sent on the engagement, as its copies keep it; nothing when the directory cannot say. */
export async function sentByDossier(
  documents: Pick<CaseDocuments, 'readSentCopy'>,
  directory: Directory,
  engagement: { campaignId: string; vendorId: string },
): Promise<SentByDossier> {
  const found: SentByDossier = { documents: new Map(), texts: [] };
  const steps = (await directory.sentSteps?.(engagement)) ?? [];
  for (const step of steps) {
    const raw = await documents.readSentCopy(engagement.campaignId, engagementWorkflowId(engagement.campaignId, engagement.vendorId), step);
    if (!raw) continue;
    const parsed = await simpleParser(raw);
    for (const a of parsed.attachments) found.documents.set(createHash('sha256').update(a.content).digest('hex'), step);
    if (parsed.text?.trim()) found.texts.push({ step, text: parsed.text, ...(parsed.subject ? { subject: parsed.subject } : {}) });
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
  // The quote marks of the quoted text's blank lines go with it.
  const before = text.slice(0, from).replace(/(?:^|\n)[ \t>]*$/, '').replace(/(?:\n[ \t>]*)+$/, '');
  const after = text.slice(to).replace(/^(?:[ \t>]*(?:\n|$))+/, '');
  return `${before}\n${after}`.trim();
}

/** A header line of the block Outlook writes above the message it quotes: `From: …`, `De : …`, `*Sent:* …`. */
const QUOTED_FIELD = /^[ \t>]*\*?([A-Za-zÀ-ÿ]+)\*?[ \t\u00a0\u202f]?:\*?[ \t\u00a0]*(.*)$/;
const QUOTED_FIELDS: Record<string, 'from' | 'sent' | 'to' | 'cc' | 'subject'> = {
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
};
/**
 * What Outlook puts above that block: a rule of underscores (the text part of Outlook on the web and
 * the new Outlook), its `<hr>` as an HTML-only message's text renders it (dashes), or an "Original
 * Message" line.
 */
const QUOTE_SEPARATOR = /^[ \t>]*(?:_{8,}|-{8,}|-{3,}[ \t]*(?:Original Message|Message d['’]origine)[ \t]*-{3,})[ \t]*$/i;

const collapsed = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();

/**
 * The text without a message Dossier sent that Outlook quoted below the vendor's words: not behind
 * `>` marks but under a block of its headers (`From:`, `Sent:`, `To:`, `Subject:`, or in French
 * `De :`, `Envoyé :`, `À :`, `Objet :`), rendered from the HTML part, so not in the words of the text
 * part that withoutQuoted looks for. The block names the message by its subject; only one that
 * names a message Dossier sent on the engagement is cut, with everything below it (the older
 * messages it quotes in turn). Undefined when there is none.
 */
export function withoutQuotedReply(text: string, sent: { step: string; subject?: string }[]): { text: string; step: string } | undefined {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (fieldOf(lines[i]!)?.name !== 'from') continue;
    const seen = new Set<string>();
    let subject: string | undefined;
    // A block read from HTML may have blank lines between its fields (the markup's own line breaks).
    for (let j = i + 1; j < lines.length && j <= i + 12; j++) {
      if (/^[ \t>\u00a0]*$/.test(lines[j]!)) continue;
      const field = fieldOf(lines[j]!);
      if (!field || field.name === 'from') break;
      if (field.name === 'subject') {
        subject = field.value;
        break;
      }
      seen.add(field.name);
    }
    if (subject === undefined || !seen.has('sent') || !seen.has('to')) continue;
    const quoted = sent.find((s) => s.subject !== undefined && collapsed(s.subject) === collapsed(subject!));
    if (!quoted) continue;
    let start = i;
    while (start > 0 && /^[ \t>\u00a0]*$/.test(lines[start - 1]!)) start--;
    if (start > 0 && QUOTE_SEPARATOR.test(lines[start - 1]!)) start--;
    return { text: lines.slice(0, start).join('\n').trim(), step: quoted.step };
  }
  return undefined;
}

function fieldOf(line: string): { name: string; value: string } | undefined {
  const match = QUOTED_FIELD.exec(line);
  const name = match && QUOTED_FIELDS[match[1]!.toLowerCase()];
  return name ? { name, value: match[2]! } : undefined;
}
