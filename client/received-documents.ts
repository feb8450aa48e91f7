// Documents vendors sent, handed to the workspace's officers: the intake keeps each attachment of a
// recorded message sealed in the document store under its campaign's key (documents/), and this reads
// one back decrypted, with the same store and keys as `dossier engagement documents --save`.
import { CaseDocuments } from '../documents/document-store';
import { loadEncryption } from '../encryption/config';
import type { SharedStore } from '../store';
import type { DocumentRef } from '../workflows/types';

/** The bytes of `document`, as the vendor sent them; throws DocumentError when they cannot be read. */
export type ReceivedDocumentReader = (campaignId: string, document: DocumentRef) => Promise<Buffer>;

/**
 * Reads documents through `store` (opened on first use, see sharedStoreOnce) and the master keys `env`
 * configures: a download opens no connection of its own.
 */
export function receivedDocumentReader(env: NodeJS.ProcessEnv, store: () => SharedStore): ReceivedDocumentReader {
  let documents: CaseDocuments | undefined;
  return (campaignId, document) => {
    documents ??= caseDocumentsOf(env, store());
    return documents.read(campaignId, document);
  };
}

/** The case documents of `store`, sealed and opened with the master keys `env` configures. */
export function caseDocumentsOf(env: NodeJS.ProcessEnv, store: SharedStore): CaseDocuments {
  return new CaseDocuments(store.documents, loadEncryption(env, store.keys).keystore);
}
