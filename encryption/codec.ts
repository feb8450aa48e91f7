// The payload codec: every payload client and worker send to Temporal is encrypted with AES-256-GCM
// under the data key of the campaign it belongs to (from the serialization context's workflow ID),
// its key id in the metadata so any holder of the key can decrypt it without knowing the context.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec, SerializationContext } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { FAILURE_PART_METADATA } from './failure-converter.js';
import { failureIfShredded, GLOBAL_KEY_ID, KeyError, keyIdForWorkflow, type KeyStore } from './keystore';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
const KEY_ID_METADATA = 'encryption-key-id';
const CIPHER_METADATA = 'encryption-cipher';

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null | undefined) => (b ? new TextDecoder().decode(b) : undefined);

/**
 * The payloads of a failure, marked as such by the failure converter, in clear and saying only why:
 * its message and stack become the key error's sentence (a shredding, a key not in this store, a
 * master key not configured here), its details nothing. Undefined when `err` is not a key error or a
 * payload is not a failure's part. The SDK encodes the failure of a task it could not read, and the
 * failure of an activity, without catching a codec error there: one would stop the whole worker.
 */
function withheldFailureParts(payloads: Payload[], err: unknown): Payload[] | undefined {
  if (!(err instanceof KeyError)) return undefined;
  const parts = payloads.map((p) => text(p.metadata?.[FAILURE_PART_METADATA]));
  if (!parts.every((part) => part === 'attributes' || part === 'details')) return undefined;
  return parts.map((part) =>
    part === 'attributes'
      ? { metadata: { encoding: utf8('json/plain') }, data: utf8(JSON.stringify({ message: `${err.message} (the failure's own message was withheld)`, stack_trace: '' })) }
      : { metadata: { encoding: utf8('binary/null') } },
  );
}

function areFailureParts(payloads: Payload[]): boolean {
  return payloads.every((p) => p.metadata?.[FAILURE_PART_METADATA] !== undefined);
}

function withoutFailurePartMark(payload: Payload): Payload {
  if (!payload.metadata?.[FAILURE_PART_METADATA]) return payload;
  const { [FAILURE_PART_METADATA]: _mark, ...metadata } = payload.metadata;
  return { ...payload, metadata };
}

export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keys: KeyStore) {}

  async encode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    // Nothing to encrypt (a query without arguments) needs no key, and must not fail for a shredded campaign.
    if (!payloads.length) return payloads;
    const keyId = keyIdForWorkflow(context?.workflowId);
    let key: Buffer;
    try {
      // A campaign's key is made when the campaign starts, never for a failure: a failure under a key
      // absent here (a host reading another store) would otherwise make the campaign a second key.
      key = keyId !== GLOBAL_KEY_ID && areFailureParts(payloads) ? await this.keys.existingKey(keyId) : await this.keys.encryptionKey(keyId);
    } catch (err) {
      // A failure of a campaign whose key cannot be had here (shredded while the activity ran, not in
      // this store, wrapped by a master key this process lacks): the SDK does not catch a codec error
      // there, and the worker would stop for every campaign. Its parts are withheld instead; anything
      // else is refused as before (a shredding non-retryably, the others retryably).
      const withheld = withheldFailureParts(payloads, err);
      if (withheld) return withheld;
      throw failureIfShredded(err);
    }
    return payloads.map((marked) => {
      const payload = withoutFailurePartMark(marked);
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: {
          encoding: utf8(ENCRYPTED_ENCODING),
          [KEY_ID_METADATA]: utf8(keyId),
          [CIPHER_METADATA]: utf8('AES-256-GCM'),
        },
        data,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    // Each key is read from the store once per call, not once per payload: a board decoding 1,000
    // memos of one campaign in one call reads its key once. A shredded key still fails the next call.
    const keys = new Map<string, Promise<Buffer>>();
    const keyFor = (keyId: string) => {
      let key = keys.get(keyId);
      if (!key) keys.set(keyId, (key = this.keys.decryptionKey(keyId)));
      return key;
    };
    const decoded: Payload[] = [];
    for (const payload of payloads) decoded.push(await this.decodeOne(payload, keyFor));
    return decoded;
  }

  private async decodeOne(payload: Payload, keyFor: (keyId: string) => Promise<Buffer>): Promise<Payload> {
    if (text(payload.metadata?.encoding) !== ENCRYPTED_ENCODING) return payload;
    const keyId = text(payload.metadata?.[KEY_ID_METADATA]);
    if (!keyId || !payload.data) throw new Error('encrypted payload without key id or data');
    const key = await keyFor(keyId);
    const data = Buffer.from(payload.data);
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
    decipher.setAuthTag(data.subarray(data.length - 16));
    const plain = Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
    return temporal.api.common.v1.Payload.decode(plain);
  }
}
