// Vendors' documents (reply attachments, files an officer attaches) kept outside Temporal: payloads
// carry only a reference (name, type, size, SHA-256), never the bytes, so histories stay small.
// Each document is encrypted under its campaign's data key, so crypto-shredding the campaign makes
// its documents unreadable along with its histories. The sealed bytes live in the shared store's
// document store (store/: local files, or PostgreSQL), which never sees plaintext.
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { campaignKeyId, KeyError, type KeyStore } from '../encryption/keystore';
import type { DocumentStore } from '../store/types';
import type { DocumentRef, LateReply } from '../workflows/types';
import { engagementWorkflowId } from '../workflows/workflow-ids';

export class DocumentError extends Error {
  constructor(
    readonly code: 'DocumentShredded' | 'DocumentMissing' | 'DocumentCorrupt' | 'DocumentTooLarge',
    message: string,
  ) {
    super(message);
  }
}

/** Larger files are refused (an officer gets the reason); mail servers seldom carry more anyway. */
export const MAX_DOCUMENT_BYTES = 25 * 1024 * 1024;

const MAGIC = Buffer.from('DOSSIER-DOC-1\n');
/** What the store holds of a vendor's document: sealed bytes, whatever the file was. */
const SEALED_TYPE = 'application/octet-stream';

export class CaseDocuments {
  constructor(
    private readonly store: DocumentStore,
    private readonly keystore: KeyStore,
  ) {}

  /**
   * Encrypts and keeps a document. Its id is a keyed hash of the bytes, so storing the same file
   * twice (an intake retrying after a crash) gives the same reference and one copy.
   */
  async save(campaignId: string, file: { name: string; type: string; content: Buffer }): Promise<DocumentRef> {
    const ref = await this.reference(campaignId, file);
    if (await this.store.get(campaignId, ref.id)) return ref;
    const key = await this.keystore.encryptionKey(campaignKeyId(campaignId));
    // The name a vendor gave its file can be as telling as its content, and the store's metadata is
    // plaintext that shredding never reaches: the name travels only in the (encrypted) reference.
    await this.store.put(campaignId, ref.id, seal(key, `${campaignId}/${ref.id}`, file.content), { name: ref.id, type: SEALED_TYPE });
    return ref;
  }

  /**
   * The reference `save` gives the file, without storing anything: the intake names a vendor's
   * attachments to the engagement first and saves them only once it accepted the message, so mail
   * it refuses leaves nothing in the store. Refuses a file too large to keep, as `save` does.
   */
  async reference(campaignId: string, file: { name: string; type: string; content: Buffer }): Promise<DocumentRef> {
    if (file.content.length > MAX_DOCUMENT_BYTES) {
      throw new DocumentError('DocumentTooLarge', `${file.name} is ${megabytes(file.content.length)}; documents may be at most ${megabytes(MAX_DOCUMENT_BYTES)}.`);
    }
    const key = await this.keystore.encryptionKey(campaignKeyId(campaignId));
    return {
      id: createHmac('sha256', key).update(file.content).digest('hex').slice(0, 32),
      name: file.name,
      type: file.type,
      size: file.content.length,
      sha256: createHash('sha256').update(file.content).digest('hex'),
    };
  }

  /**
   * Keeps a copy of a message Dossier sent (its raw MIME), so the workspace can show it later. Its
   * id derives from the thread and step under the campaign's key: the same send kept twice (a
   * retried activity) is one copy, and the id says nothing to whoever reads the store.
   */
  async saveSentCopy(campaignId: string, threadId: string, step: string, raw: Buffer): Promise<void> {
    const key = await this.keystore.encryptionKey(campaignKeyId(campaignId));
    const id = sentCopyId(key, threadId, step);
    if (await this.store.get(campaignId, id)) return;
    await this.store.put(campaignId, id, seal(key, `${campaignId}/${id}`, raw), { name: `${step}.eml`, type: 'message/rfc822' });
  }

  /** The copy of a sent message, or undefined when none was kept (sent before copies were kept). */
  async readSentCopy(campaignId: string, threadId: string, step: string): Promise<Buffer | undefined> {
    const key = await this.readKey(campaignId, `${step}.eml`);
    const id = sentCopyId(key, threadId, step);
    const blob = (await this.store.get(campaignId, id))?.bytes;
    if (!blob) return undefined;
    try {
      return unseal(key, `${campaignId}/${id}`, blob);
    } catch (err) {
      throw new DocumentError('DocumentCorrupt', `the copy of ${step} (${id}) cannot be decrypted: ${(err as Error).message}`);
    }
  }

  /**
   * Keeps a late reply attached to an ended engagement's record (workflows/types.ts LateReply), sealed
   * like its documents, so shredding the campaign takes it too. Its id derives from the engagement and
   * the Message-ID under the campaign's key: attaching it again writes the same record, and the store
   * learns neither the vendor nor the message.
   */
  async saveLateReply(campaignId: string, vendorId: string, reply: LateReply): Promise<void> {
    const key = await this.keystore.encryptionKey(campaignKeyId(campaignId));
    const id = lateReplyId(key, engagementWorkflowId(campaignId, vendorId), reply.messageId);
    await this.store.put(campaignId, id, seal(key, `${campaignId}/${id}`, Buffer.from(JSON.stringify(reply), 'utf8')), { name: id, type: SEALED_TYPE });
  }

  /** The late replies attached to an engagement's record, in the order they were attached; none once its campaign is shredded. */
  async lateReplies(campaignId: string, vendorId: string): Promise<LateReply[]> {
    let key: Buffer;
    try {
      key = await this.keystore.decryptionKey(campaignKeyId(campaignId));
    } catch (err) {
      if (await this.nothingToReadWithout(campaignId, err)) return [];
      throw err;
    }
    const prefix = lateReplyPrefix(key, engagementWorkflowId(campaignId, vendorId));
    const replies: LateReply[] = [];
    for (const stored of await this.store.list(campaignId)) {
      if (!stored.key.startsWith(prefix)) continue;
      const blob = (await this.store.get(campaignId, stored.key))?.bytes;
      if (!blob) continue;
      try {
        replies.push(JSON.parse(unseal(key, `${campaignId}/${stored.key}`, blob).toString('utf8')) as LateReply);
      } catch (err) {
        throw new DocumentError('DocumentCorrupt', `a late reply kept for ${engagementWorkflowId(campaignId, vendorId)} (${stored.key}) cannot be decrypted: ${(err as Error).message}`);
      }
    }
    return replies.sort((a, b) => a.attachedAt.localeCompare(b.attachedAt));
  }

  /**
   * Whether a campaign's late replies, unreadable for `err`, are none: its key was shredded, or this
   * store has no key for it and holds no late reply either (nothing was ever attached here). A store
   * that holds some without their key is another host's configuration to fix, and says so.
   */
  private async nothingToReadWithout(campaignId: string, err: unknown): Promise<boolean> {
    if (!(err instanceof KeyError)) return false;
    if (err.code === 'KeyShredded') return true;
    return err.code === 'KeyNotInStore' && !(await this.store.list(campaignId)).some((stored) => stored.key.startsWith('late-'));
  }

  /**
   * The late replies of several engagements of one campaign, each vendor's in the order attached,
   * from one listing of the campaign's store (the statement asks for every vendor that never responded).
   */
  async lateRepliesOf(campaignId: string, vendorIds: readonly string[]): Promise<Map<string, LateReply[]>> {
    const found = new Map<string, LateReply[]>();
    if (!vendorIds.length) return found;
    let key: Buffer;
    try {
      key = await this.keystore.decryptionKey(campaignKeyId(campaignId));
    } catch (err) {
      if (await this.nothingToReadWithout(campaignId, err)) return found;
      throw err;
    }
    const byPrefix = new Map(vendorIds.map((vendorId) => [lateReplyPrefix(key, engagementWorkflowId(campaignId, vendorId)), vendorId]));
    for (const stored of await this.store.list(campaignId)) {
      if (!stored.key.startsWith('late-')) continue;
      const vendorId = byPrefix.get(stored.key.slice(0, LATE_PREFIX_LENGTH));
      if (vendorId === undefined) continue;
      const blob = (await this.store.get(campaignId, stored.key))?.bytes;
      if (!blob) continue;
      let reply: LateReply;
      try {
        reply = JSON.parse(unseal(key, `${campaignId}/${stored.key}`, blob).toString('utf8')) as LateReply;
      } catch (err) {
        throw new DocumentError('DocumentCorrupt', `a late reply kept for ${engagementWorkflowId(campaignId, vendorId)} (${stored.key}) cannot be decrypted: ${(err as Error).message}`);
      }
      found.set(vendorId, [...(found.get(vendorId) ?? []), reply]);
    }
    for (const replies of found.values()) replies.sort((a, b) => a.attachedAt.localeCompare(b.attachedAt));
    return found;
  }

  private async readKey(campaignId: string, name: string): Promise<Buffer> {
    try {
      return await this.keystore.decryptionKey(campaignKeyId(campaignId));
    } catch (err) {
      if (err instanceof KeyError && err.code === 'KeyShredded') {
        throw new DocumentError('DocumentShredded', `${name} cannot be read: campaign ${campaignId}'s data key was destroyed (crypto-shredding).`);
      }
      throw err;
    }
  }

  /** The document's bytes, checked against its SHA-256; fails once the campaign was shredded. */
  async read(campaignId: string, ref: DocumentRef): Promise<Buffer> {
    let key: Buffer;
    try {
      key = await this.keystore.decryptionKey(campaignKeyId(campaignId));
    } catch (err) {
      if (err instanceof KeyError && err.code === 'KeyShredded') {
        throw new DocumentError('DocumentShredded', `${ref.name} cannot be read: campaign ${campaignId}'s data key was destroyed (crypto-shredding).`);
      }
      throw err;
    }
    const blobKey = `${campaignId}/${ref.id}`;
    let blob: Buffer | undefined;
    try {
      blob = (await this.store.get(campaignId, ref.id))?.bytes;
    } catch (err) {
      throw new DocumentError('DocumentCorrupt', `${ref.name} (${ref.id}) cannot be read from the store: ${(err as Error).message}`);
    }
    if (!blob) throw new DocumentError('DocumentMissing', `${ref.name} (${ref.id}) is not in the document store (DOSSIER_STATE_DIR or DATABASE_URL of this process must be the intake's).`);
    const start = MAGIC.length;
    try {
      if (!blob.subarray(0, start).equals(MAGIC)) throw new Error('unknown format');
      const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(start, start + 12));
      decipher.setAAD(Buffer.from(blobKey));
      decipher.setAuthTag(blob.subarray(start + 12, start + 28));
      const content = Buffer.concat([decipher.update(blob.subarray(start + 28)), decipher.final()]);
      if (createHash('sha256').update(content).digest('hex') !== ref.sha256) throw new Error('SHA-256 differs from the reference');
      return content;
    } catch (err) {
      throw new DocumentError('DocumentCorrupt', `${ref.name} (${ref.id}) cannot be decrypted or does not match its reference: ${(err as Error).message}`);
    }
  }
}

function sentCopyId(key: Buffer, threadId: string, step: string): string {
  return 'sent-' + createHmac('sha256', key).update(`sent\n${threadId}\n${step}`).digest('hex').slice(0, 32);
}

/** The ids of one engagement's late replies begin alike, so they are listed without decrypting the campaign's other documents. */
function lateReplyPrefix(key: Buffer, workflowId: string): string {
  return 'late-' + createHmac('sha256', key).update(`late\n${workflowId}`).digest('hex').slice(0, 24) + '-';
}

/** 'late-', 24 hex digits, '-'. */
const LATE_PREFIX_LENGTH = 'late-'.length + 24 + 1;

function lateReplyId(key: Buffer, workflowId: string, messageId: string): string {
  return lateReplyPrefix(key, workflowId) + createHmac('sha256', key).update(`late\n${workflowId}\n${messageId}`).digest('hex').slice(0, 32);
}

function seal(key: Buffer, blobKey: string, content: Buffer): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(blobKey));
  const sealed = Buffer.concat([cipher.update(content), cipher.final()]);
  return Buffer.concat([MAGIC, iv, cipher.getAuthTag(), sealed]);
}

function unseal(key: Buffer, blobKey: string, blob: Buffer): Buffer {
  const start = MAGIC.length;
  if (!blob.subarray(0, start).equals(MAGIC)) throw new Error('unknown format');
  const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(start, start + 12));
  decipher.setAAD(Buffer.from(blobKey));
  decipher.setAuthTag(blob.subarray(start + 12, start + 28));
  return Buffer.concat([decipher.update(blob.subarray(start + 28)), decipher.final()]);
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * Crypto-shredding: the campaign's data key destroyed, then every document kept for its cases
 * removed. None could be opened again, but their rows or files would stay, and those kept before
 * names left the metadata still carry the vendor's file name. Idempotent: a retry finds the key gone
 * (`destroyed: false`) and nothing left to remove.
 */
export async function shredCampaign(keystore: Pick<KeyStore, 'shred'>, store: DocumentStore, campaignId: string): Promise<{ destroyed: boolean; documentsRemoved: number }> {
  const destroyed = await keystore.shred(campaignKeyId(campaignId));
  let documentsRemoved = 0;
  for (const document of await store.list(campaignId)) if (await store.delete(campaignId, document.key)) documentsRemoved++;
  return { destroyed, documentsRemoved };
}
