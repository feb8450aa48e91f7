// The files a vendor sent with its response, as an officer attaches them when recording it: the CLI's
// `engagement respond --attach FILE` and the workspace's respond form both come through here, so both
// take the same files (each at most MAX_DOCUMENT_BYTES, any type, typed by its name), keep them alike
// (sealed in the document store under the campaign's key) and name them on the response the same way.
import { MAX_DOCUMENT_BYTES, type CaseDocuments } from '../documents/document-store';
import { typeFromName } from '../documents/file-types';
import type { SharedStore } from '../store';
import type { RecordResponseInput } from '../workflows/messages';
import type { DocumentRef } from '../workflows/types';
import type { DossierClient, EngagementRef, UpdateOptions } from './api';
import { caseDocumentsOf } from './received-documents';

/** The largest file an officer may attach to a response, as the document store keeps it. */
export const MAX_ATTACHED_FILE_BYTES = MAX_DOCUMENT_BYTES;

/** A file to keep with a response: its bare name, a media type, its bytes. */
export interface AttachedFile {
  name: string;
  type: string;
  content: Buffer;
}

/**
 * A file as it is attached: the media type its extension names, not the one a browser or a file
 * system claims. `name` is kept as given: a path is the engagement's to refuse, as it refuses one typed.
 */
export function attachedFile(name: string, content: Buffer): AttachedFile {
  return { name, type: typeFromName(name), content };
}

/** Whether a file of `size` bytes is too large to attach (the caller names it in its own words). */
export function tooLargeToAttach(size: number): boolean {
  return size > MAX_ATTACHED_FILE_BYTES;
}

/**
 * The response's attachments: those it lists, then each file attached that the list does not already
 * name. The walkthrough lists a document in the file and attaches it too: it is one document, not two.
 */
export function withAttached(listed: readonly string[], attached: readonly string[]): string[] {
  return [...listed, ...attached.filter((name) => !listed.includes(name))];
}

/** Keeps files in the document store, sealed under their campaign's key; their references, in order. */
export type DocumentKeeper = (campaignId: string, files: readonly AttachedFile[]) => Promise<DocumentRef[]>;

/** Keeps them through `store` (opened on first use) and the master keys `env` configures. */
export function documentKeeper(env: NodeJS.ProcessEnv, store: () => SharedStore): DocumentKeeper {
  let documents: CaseDocuments | undefined;
  return async (campaignId, files) => {
    documents ??= caseDocumentsOf(env, store());
    const kept: DocumentRef[] = [];
    for (const file of files) kept.push(await documents.save(campaignId, file));
    return kept;
  };
}

/**
 * Records the vendor's response with `files` kept and named on it. A stored document cannot be taken
 * back (another case may hold the same bytes), so with files the engagement's own rules are asked
 * first, and a response it would refuse leaves nothing in the store; the update still decides.
 */
export async function recordResponseWithFiles(
  dossier: Pick<DossierClient, 'checkResponse' | 'recordResponse'>,
  keep: DocumentKeeper,
  ref: EngagementRef,
  input: RecordResponseInput,
  files: readonly AttachedFile[],
  options: UpdateOptions = {},
): Promise<Awaited<ReturnType<DossierClient['recordResponse']>>> {
  const request = { ...input, attachments: withAttached(input.attachments, files.map((f) => f.name)) };
  if (!files.length) return dossier.recordResponse(ref, request, options);
  await dossier.checkResponse(ref, request);
  const documents = await keep(ref.campaignId, files);
  return dossier.recordResponse(ref, { ...request, documents }, options);
}
