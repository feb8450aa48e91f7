// A data key wrapped by a master key this process was not given (a rotation done while it ran with
// the old key only) must not take the worker down: the SDK encodes the failure of the task that could
// not be read under a key too, and a codec error there ends the whole worker. The failure is then
// withheld in clear, saying why, and the task fails retryably. The message says where the master keys
// were read from and how to add the new one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApplicationFailure, DefaultPayloadConverter } from '@temporalio/common';
import { decodeFailure, encodeErrorToFailure } from '@temporalio/common/lib/internal-non-workflow';
import { loadEncryption } from '../../encryption/config';
import { failureConverter } from '../../encryption/failure-converter.js';
import { generateMasterKeySpec, GLOBAL_KEY_ID } from '../../encryption/keystore';

const scratch = mkdtempSync(join(tmpdir(), 'dossier-master-missing-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A keystore folder whose keys were rewrapped under `rot1`, and a process still holding only the old master key. */
async function rotatedUnderneath(name: string, env: Record<string, string> = {}) {
  const keysDir = join(scratch, name);
  const old = generateMasterKeySpec('old1');
  await loadEncryption({ DOSSIER_MASTER_KEYS: old, DOSSIER_KEYSTORE_DIR: keysDir }).keystore.encryptionKey(GLOBAL_KEY_ID);
  await loadEncryption({ DOSSIER_MASTER_KEYS: old, DOSSIER_KEYSTORE_DIR: keysDir }).keystore.encryptionKey('campaign-vc');
  const rotated = await loadEncryption({ DOSSIER_MASTER_KEYS: `${generateMasterKeySpec('rot1')},${old}`, DOSSIER_KEYSTORE_DIR: keysDir }).keystore.rewrapAll();
  expect(rotated.rewrapped.sort()).toEqual(['campaign-vc', GLOBAL_KEY_ID]);
  return loadEncryption({ DOSSIER_MASTER_KEYS: old, DOSSIER_KEYSTORE_DIR: keysDir, ...env });
}

describe('a data key wrapped by a master key this process lacks', () => {
  it('still lets the SDK encode a task’s failure, with no context (the global key): the failure says why, in clear', async () => {
    const { codec } = await rotatedUnderneath('failure');
    const dataConverter = { payloadConverter: new DefaultPayloadConverter(), failureConverter, payloadCodecs: [codec] };
    const failure = ApplicationFailure.create({ type: 'MasterKeyMissing', message: 'data key "campaign-vc" is wrapped by master key "rot1", which is not configured' });
    // The SDK's "Failed to process Workflow Activation" path: encodeErrorToFailure without a context.
    const encoded = await encodeErrorToFailure(dataConverter, failure, undefined);
    const read = failureConverter.failureToError(await decodeFailure([codec], encoded), dataConverter.payloadConverter) as ApplicationFailure;
    expect(read.message).toMatch(/master key "rot1", which is not configured/);
    expect(read.type).toBe('MasterKeyMissing');
    expect(read.nonRetryable).toBeFalsy();
  });

  it('still lets an activity’s failure of that campaign be encoded, and refuses its results', async () => {
    const { codec } = await rotatedUnderneath('activity');
    const dataConverter = { payloadConverter: new DefaultPayloadConverter(), failureConverter, payloadCodecs: [codec] };
    const context = { type: 'activity', workflowId: 'engagement:vc:zoom' } as never;
    const encoded = await encodeErrorToFailure(dataConverter, ApplicationFailure.create({ message: 'relay said 550 for privacy@zoom.test' }), context);
    expect(JSON.stringify(encoded, (_, v) => (v instanceof Uint8Array ? Buffer.from(v).toString() : v))).not.toContain('privacy@zoom.test');
    await expect(codec.encode([new DefaultPayloadConverter().toPayload({ sent: true })], context)).rejects.toMatchObject({ code: 'MasterKeyMissing' });
  });

  it('names where the master keys were read from and how to add the new one', async () => {
    const { keystore } = await rotatedUnderneath('words');
    await expect(keystore.decryptionKey('campaign-vc')).rejects.toThrow(/master key "rot1", which is not configured: this process reads its master keys from DOSSIER_MASTER_KEYS; add "rot1" there/);
    const fromFile = join(scratch, 'master.keys');
    const { keystore: filed } = await rotatedUnderneath('words-file');
    expect(filed).toBeDefined();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(fromFile, generateMasterKeySpec('old2'));
    const err = await loadEncryption({ DOSSIER_MASTER_KEYS_FILE: fromFile, DOSSIER_KEYSTORE_DIR: join(scratch, 'words') }).keystore.decryptionKey('campaign-vc').catch((e: unknown) => e);
    expect((err as Error).message).toContain(`DOSSIER_MASTER_KEYS_FILE (${fromFile})`);
  });
});
