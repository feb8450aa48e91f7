// Mail Dossier sent on a case, read back for the workspace's message pages: the worker keeps a
// sealed copy of each message the mail server accepted (documents/, under the campaign's key), and
// this reads it with the same store and keys as the CLI, then parses it (mailparser) into headers,
// text and the list of attachments. A message sent before copies were kept has none.
import { simpleParser, type AddressObject } from 'mailparser';
import { CaseDocuments } from '../documents/document-store';
import { loadEncryption } from '../encryption/config';
import type { SharedStore } from '../store';
import type { EngagementRef } from './api';
import { engagementWorkflowId } from '../workflows/workflow-ids';
import { LANGUAGES, type Language } from '../workflows/types';

export interface SentMail {
  messageId: string;
  subject: string;
  from: string;
  recipients: string[];
  date?: string;
  text: string;
  /**
   * The language its subject and text are written in (its Content-Language: the vendor's), so a
   * page in the other language has a screen reader read them in theirs; absent if it names none.
   */
  language?: Language;
  /** In the message's order; the workspace downloads one by its place in this list (the copy never changes). */
  attachments: SentAttachment[];
}

export interface SentAttachment {
  name: string;
  type: string;
  size: number;
  content: Buffer;
}

export type SentMailReader = (ref: EngagementRef, step: string) => Promise<SentMail | undefined>;

/**
 * Reads copies through `store` (opened on first use, see sharedStoreOnce) and the master keys `env`
 * configures: a page view opens no connection of its own.
 */
export function sentMailReader(env: NodeJS.ProcessEnv, store: () => SharedStore): SentMailReader {
  let documents: CaseDocuments | undefined;
  return async (ref, step) => {
    if (!documents) {
      const shared = store();
      documents = new CaseDocuments(shared.documents, loadEncryption(env, shared.keys).keystore);
    }
    const raw = await documents.readSentCopy(ref.campaignId, engagementWorkflowId(ref.campaignId, ref.vendorId), step);
    return raw ? parseSentMail(raw) : undefined;
  };
}

export async function parseSentMail(raw: Buffer): Promise<SentMail> {
  const parsed = await simpleParser(raw);
  const addresses = (field: AddressObject | AddressObject[] | undefined) =>
    (Array.isArray(field) ? field : field ? [field] : []).flatMap((a) => a.value.map((v) => (v.name ? `${v.name} <${v.address}>` : (v.address ?? ''))));
  return {
    messageId: parsed.messageId ?? '',
    subject: parsed.subject ?? '',
    from: addresses(parsed.from).join(', '),
    recipients: [...addresses(parsed.to), ...addresses(parsed.cc)],
    date: parsed.date?.toISOString(),
    text: parsed.text ?? '',
    ...languageOf(parsed.headers.get('content-language')),
    attachments: parsed.attachments.map((a) => ({ name: a.filename ?? '(unnamed)', type: a.contentType, size: a.size, content: a.content })),
  };
}

function languageOf(header: unknown): { language?: Language } {
  const tag = typeof header === 'string' ? header.trim().toLowerCase() : '';
  return LANGUAGES.find((l) => l === tag) ? { language: tag as Language } : {};
}
