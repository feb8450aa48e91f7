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
  /** The text of each message sent, with its step. */
  texts: { step: string; text: string }[];
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
    if (parsed.text?.trim()) found.texts.push({ step, text: parsed.text });
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
