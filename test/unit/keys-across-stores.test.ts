// A data key absent from the store in use is not a shredded key: a host pointed at another store
// (local files on one host, PostgreSQL on another) must fail retryably, saying which store it reads,
// so the operator can fix the configuration; only a shredding the store recorded is for good.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApplicationFailure, DefaultPayloadConverter } from '@temporalio/common';
import { decodeFailure, encodeErrorToFailure } from '@temporalio/common/lib/internal-non-workflow';
import { failureConverter } from '../../encryption/failure-converter.js';
import { loadEncryption } from '../../encryption/config';
import { campaignKeyId, failureIfShredded, generateMasterKeySpec } from '../../encryption/keystore';

const scratch = mkdtempSync(join(tmpdir(), 'dossier-keys-across-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('a data key absent from the store in use', () => {
  const master = generateMasterKeySpec('m1');

  it('is reported as not in this store, naming the local folder, not as shredded, and stays retryable', async () => {
    const keysDir = join(scratch, 'empty-keys');
    const { keystore } = loadEncryption({ DOSSIER_MASTER_KEYS: master, DOSSIER_KEYSTORE_DIR: keysDir });
    const err = await keystore.decryptionKey(campaignKeyId('older')).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'KeyNotInStore' });
    expect((err as Error).message).toContain(keysDir);
    expect((err as Error).message).toMatch(/README/);
    expect((err as Error).message).not.toMatch(/shredd(ed|ing)\?/);
    // Not turned into a non-retryable failure: a worker fixed by its operator picks the activity up again.
    expect(failureIfShredded(err)).toBe(err);
  });

  it('names the database, its password masked, when the store is PostgreSQL', async () => {
    const env = { DOSSIER_MASTER_KEYS: master, DATABASE_URL: 'postgres://dossier:s3cret@db.example:5432/dossier' };
    const absent = { list: async () => [], get: async () => undefined, shreddedAt: async () => undefined } as never;
    const err = await loadEncryption(env, absent).keystore.decryptionKey(campaignKeyId('older')).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'KeyNotInStore' });
    expect((err as Error).message).toContain('db.example:5432/dossier');
    expect((err as Error).message).not.toContain('s3cret');
  });

  it('is still KeyShredded, non-retryable, when the store recorded its shredding', async () => {
    const { keystore } = loadEncryption({ DOSSIER_MASTER_KEYS: master, DOSSIER_KEYSTORE_DIR: join(scratch, 'shredding') });
    await keystore.encryptionKey(campaignKeyId('gone'));
    await keystore.shred(campaignKeyId('gone'));
    const err = await keystore.decryptionKey(campaignKeyId('gone')).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'KeyShredded', message: expect.stringMatching(/campaign "gone" was shredded at \d{4}-/) });
    expect(failureIfShredded(err)).toMatchObject({ type: 'KeyShredded', nonRetryable: true });
    expect(failureIfShredded(err)).toBeInstanceOf(ApplicationFailure);
  });

  it('is not made afresh to encode the failure of a task of that campaign: the failure is withheld, saying why', async () => {
    const keysDir = join(scratch, 'failure-here');
    const { codec, keystore } = loadEncryption({ DOSSIER_MASTER_KEYS: master, DOSSIER_KEYSTORE_DIR: keysDir });
    const dataConverter = { payloadConverter: new DefaultPayloadConverter(), failureConverter, payloadCodecs: [codec] };
    // An activity of an older campaign, whose input could not be decoded here, fails: the SDK encodes its failure under the campaign's key.
    const context = { type: 'activity', workflowId: 'engagement:older:zoom' } as never;
    const encoded = await encodeErrorToFailure(dataConverter, ApplicationFailure.create({ type: 'KeyNotInStore', message: 'not here' }), context);
    const read = failureConverter.failureToError(await decodeFailure([codec], encoded), dataConverter.payloadConverter);
    expect(read.message).toMatch(/campaign "older"\) is not in the keystore this host reads/);
    // A key made here would differ from the campaign's own, which the right store still holds.
    expect(await keystore.list()).not.toContain(campaignKeyId('older'));
  });
});
