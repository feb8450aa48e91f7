// Putting back the copy of a vendor's open letter in its campaign's publication folder: the campaign
// lists `letter-copy-not-last-letter` when the folder holds an earlier letter and the last one cannot
// be made again. Only the very PDF the vendor received may take its place: the ledger's record of the
// last letter the mail server accepted keeps that PDF's SHA-256, and an upload is filed only when its
// own digest is that one. The copy goes where the letter's send files it (letterCopyPath).
import { sha256Hex } from '../store/rules';
import type { DeliveryLedger } from '../activities/delivery-ledger';
import { lastAcceptedLetter } from '../activities/letter-accepted';
import { letterCopyPath } from '../activities/published-paths';
import { mailDomain } from '../activities/threading';
import type { PublishedFiles } from '../store/types';
import { engagementWorkflowId } from '../workflows/workflow-ids';
import type { Language } from '../workflows/types';
import { cliSentence } from './cli-sentences';
import { ClientErrorCode, DossierClientError } from './errors';

/** A letter copy is a few pages of text: anything near the workspace's largest request is not one. */
export const MAX_LETTER_COPY_BYTES = 5 * 1024 * 1024;

/** Why an upload is not filed as the vendor's letter copy, each a sentence of its own (`error.letter-copy.<code>`). */
export type LetterCopyRefusal = 'too-large' | 'not-a-pdf' | 'no-letter-digest' | 'not-the-letter-received' | 'no-letter-copies';

/** What an upload was checked against: the digest the ledger keeps of the last letter the vendor received, if any. */
export interface LetterReceived {
  /** `letter`, `letter-2`, …: the step of the last letter the mail server accepted. */
  step: string;
  sha256?: string;
}

/** The copy filed: where, and the digest it matched. */
export interface LetterCopyFiled {
  path: string;
  sha256: string;
  step: string;
}

/**
 * Why `pdf` cannot be the copy of `received` (undefined: no letter of the vendor's on record), with
 * the values its sentence names; undefined when its bytes are the very PDF the vendor received.
 */
export function letterCopyProblem(pdf: Uint8Array, received: LetterReceived | undefined): { code: LetterCopyRefusal; values: Record<string, string> } | undefined {
  if (pdf.byteLength > MAX_LETTER_COPY_BYTES) return { code: 'too-large', values: { size: String(pdf.byteLength), max: String(MAX_LETTER_COPY_BYTES) } };
  if (!Buffer.from(pdf.buffer, pdf.byteOffset, Math.min(pdf.byteLength, 5)).equals(PDF_HEADER)) return { code: 'not-a-pdf', values: {} };
  if (received?.sha256 === undefined) return { code: 'no-letter-digest', values: {} };
  const sha256 = sha256Hex(pdf);
  if (sha256 !== received.sha256) return { code: 'not-the-letter-received', values: { sha256, expected: received.sha256, step: received.step } };
  return undefined;
}

const PDF_HEADER = Buffer.from('%PDF-');

export interface LetterCopyTarget {
  campaignId: string;
  vendor: { id: string; language: Language };
  /** The campaign's publication folder, as its engagements know it; undefined: its sends keep no copies. */
  folder: string | undefined;
}

/**
 * Files `pdf` as the vendor's letter copy if it is the PDF the vendor was sent last (its digest is the
 * one the ledger keeps of that letter), else refuses with what is wrong and leaves the folder as it is.
 */
export async function fileReceivedLetterCopy(
  { ledger, files, domain }: { ledger: DeliveryLedger; files: PublishedFiles; domain: string },
  { campaignId, vendor, folder }: LetterCopyTarget,
  pdf: Uint8Array,
): Promise<LetterCopyFiled> {
  if (folder === undefined) throw letterCopyRefused('no-letter-copies', { campaign: campaignId });
  const last = await lastAcceptedLetter((ids) => ledger.findMany(ids), engagementWorkflowId(campaignId, vendor.id), domain);
  const received: LetterReceived | undefined = last && { step: last.n === 1 ? 'letter' : `letter-${last.n}`, ...(last.record.letterSha256 === undefined ? {} : { sha256: last.record.letterSha256 }) };
  const problem = letterCopyProblem(pdf, received);
  if (problem || !received) throw letterCopyRefused(problem?.code ?? 'no-letter-digest', { vendor: vendor.id, ...problem?.values });
  const path = letterCopyPath(folder, vendor);
  await files.write(path, pdf);
  return { path, sha256: sha256Hex(pdf), step: received.step };
}

/**
 * Whether the copy on file is already the very PDF the vendor was sent last (its SHA-256 is the one
 * the ledger keeps of that letter): one put back since the campaign's last look, which alone takes
 * its listing off, and which a campaign that has ended never makes again.
 */
export async function letterCopyIsLetterReceived(
  { ledger, files, domain }: { ledger: DeliveryLedger; files: PublishedFiles; domain: string },
  { campaignId, vendor, folder }: LetterCopyTarget,
): Promise<boolean> {
  if (folder === undefined) return false;
  const last = await lastAcceptedLetter((ids) => ledger.findMany(ids), engagementWorkflowId(campaignId, vendor.id), domain);
  const digest = last?.record.letterSha256;
  if (digest === undefined) return false;
  const copy = await files.read(letterCopyPath(folder, vendor));
  return copy !== undefined && sha256Hex(copy) === digest;
}

/** The domain of the Message-IDs the workers write, from the same MAIL_FROM (and default) as theirs and the intake's. */
export function messageDomain(env: NodeJS.ProcessEnv): string {
  return mailDomain(env.MAIL_FROM?.trim() || 'Dossier <dossier@localhost>');
}

function letterCopyRefused(code: LetterCopyRefusal, values: Record<string, string>): DossierClientError {
  const key = `letter-copy.${code}`;
  return new DossierClientError(ClientErrorCode.Refused, cliSentence('en', `error.${key}`, values), { wording: { key, values } });
}

/** The refusal an upload met, by its code, so a page words it in its reader's language; undefined for any other error. */
export function letterCopyRefusal(err: unknown): { code: LetterCopyRefusal; values: Record<string, string> } | undefined {
  if (!(err instanceof DossierClientError) || err.code !== ClientErrorCode.Refused || !err.wording?.key.startsWith('letter-copy.')) return undefined;
  return { code: err.wording.key.slice('letter-copy.'.length) as LetterCopyRefusal, values: err.wording.values };
}
