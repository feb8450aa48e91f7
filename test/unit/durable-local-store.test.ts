// The local store's writes must survive a power cut, not only a crash: the Temporal dev server
// commits histories encrypted under a new data key with synchronous=full, so the key file must be on
// disk no later. No test can cut the power; this one watches the file-system calls instead: every
// file is flushed before it is linked or renamed into place, and its folder after.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';

const calls = vi.hoisted(() => ({ log: [] as string[] }));

// The store writes through node:fs/promises (a flush must not hold the event loop); sync() is
// watched on each file handle opened, named by the path it was opened with.
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const named = (p: unknown) => String(p);
  const mocked = {
    ...fs,
    open: async (path: import('node:fs').PathLike, ...rest: unknown[]) => {
      const handle = await (fs.open as (...a: unknown[]) => Promise<import('node:fs/promises').FileHandle>)(path, ...rest);
      const sync = handle.sync.bind(handle);
      handle.sync = async () => {
        calls.log.push(`fsync ${named(path)}`);
        return sync();
      };
      return handle;
    },
    link: async (from: import('node:fs').PathLike, to: import('node:fs').PathLike) => {
      calls.log.push(`link ${named(from)} -> ${named(to)}`);
      return fs.link(from, to);
    },
    rename: async (from: import('node:fs').PathLike, to: import('node:fs').PathLike) => {
      calls.log.push(`rename ${named(from)} -> ${named(to)}`);
      return fs.rename(from, to);
    },
    rm: async (path: import('node:fs').PathLike, options?: import('node:fs').RmOptions) => {
      calls.log.push(`rm ${named(path)}`);
      return fs.rm(path, options);
    },
  };
  return { ...mocked, default: mocked };
});

const { openLocalStore } = await import('../../store/local');
const { generateMasterKeySpec, KeyStore, parseMasterKeys } = await import('../../encryption/keystore');
const { createEmailActivities } = await import('../../activities/email');
const { testCampaign, testVendor } = await import('../helpers/fixtures');
const { engagementWorkflowId } = await import('../../workflows/workflow-ids');

const scratch = mkdtempSync(join(tmpdir(), 'dossier-durable-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
beforeEach(() => {
  calls.log.length = 0;
});

const store = openLocalStore({ outputDir: join(scratch, 'out'), stateDir: join(scratch, 'state'), keysDir: join(scratch, 'keys') });
const keysDir = join(scratch, 'keys');

/** Asserts that `path` reached its name durably: its temporary flushed, moved into place, then its folder flushed. */
function expectDurable(path: string, how: 'link' | 'rename') {
  const placed = calls.log.findIndex((c) => c.startsWith(`${how} `) && c.endsWith(` -> ${path}`));
  expect(placed, `${how} into ${path} in:\n${calls.log.join('\n')}`).toBeGreaterThanOrEqual(0);
  const temporary = calls.log[placed].slice(`${how} `.length, calls.log[placed].indexOf(' -> '));
  const fileFlushed = calls.log.indexOf(`fsync ${temporary}`);
  expect(fileFlushed, `fsync ${temporary} before the ${how}, in:\n${calls.log.join('\n')}`).toBeGreaterThanOrEqual(0);
  expect(fileFlushed).toBeLessThan(placed);
  expect(calls.log.indexOf(`fsync ${dirname(path)}`, placed), `fsync ${dirname(path)} after the ${how}, in:\n${calls.log.join('\n')}`).toBeGreaterThan(placed);
}

describe('the local store on disk', () => {
  const [oldMaster, newMaster] = [parseMasterKeys(generateMasterKeySpec('m1'))[0], parseMasterKeys(generateMasterKeySpec('m2'))[0]];

  it('flushes a new data key file before linking it into place, and its folder after', async () => {
    await new KeyStore(store.keys, [oldMaster]).encryptionKey('campaign-alpha');
    expectDurable(join(keysDir, 'campaign-alpha.json'), 'link');
  });

  it('flushes a rewrapped key before renaming it over the old one, and its folder after', async () => {
    await new KeyStore(store.keys, [oldMaster]).encryptionKey('campaign-beta');
    calls.log.length = 0;
    expect((await new KeyStore(store.keys, [newMaster, oldMaster]).rewrapAll()).rewrapped).toContain('campaign-beta');
    expectDurable(join(keysDir, 'campaign-beta.json'), 'rename');
  });

  it('makes the tombstone of a shredded key durable before the key file is removed, and the removal durable', async () => {
    await new KeyStore(store.keys, [newMaster]).encryptionKey('campaign-gamma');
    calls.log.length = 0;
    expect(await new KeyStore(store.keys, [newMaster]).shred('campaign-gamma')).toBe(true);
    const tombstone = join(keysDir, 'campaign-gamma.shredded');
    expectDurable(tombstone, 'link');
    const removed = calls.log.indexOf(`rm ${join(keysDir, 'campaign-gamma.json')}`);
    expect(removed).toBeGreaterThan(calls.log.indexOf(`fsync ${keysDir}`));
    // The random bytes written over the key are flushed before the unlink.
    expect(calls.log.lastIndexOf(`fsync ${join(keysDir, 'campaign-gamma.json')}`, removed)).toBeGreaterThanOrEqual(0);
    expect(calls.log.indexOf(`fsync ${keysDir}`, removed)).toBeGreaterThan(removed);
  });

  it('flushes stored documents, published files and revoked sessions the same way', async () => {
    await store.documents.put('alpha', 'reply/1', new TextEncoder().encode('a reply'), { name: 'reply.txt', type: 'text/plain' });
    const documents = calls.log.filter((c) => c.startsWith('rename ')).map((c) => c.slice(c.indexOf(' -> ') + 4));
    expect(documents).toHaveLength(2);
    for (const path of documents) expectDurable(path, 'rename');

    await store.files.write('alpha/statement.pdf', new TextEncoder().encode('%PDF'));
    expectDurable(join(scratch, 'out', 'alpha', 'statement.pdf'), 'rename');
    // The new folders themselves are recorded in their parents.
    expect(calls.log).toContain(`fsync ${join(scratch, 'out')}`);
    expect(calls.log).toContain(`fsync ${scratch}`);

    const session = 'a'.repeat(43);
    await store.sessions.revoke(session, new Date(Date.now() + 60_000));
    expectDurable(join(scratch, 'state', 'revoked-sessions', session), 'rename');
  });
});

describe('the delivery ledger on disk', () => {
  // A retry of a send reads the ledger to learn who already has the message: the retry of a send whose
  // completion Temporal never committed (the host lost power), or whose deferred recipients are owed it.
  it('flushes the record of a send, and its folder, before the send is reported done', async () => {
    const transport = {
      sendMail: async () => {
        calls.log.push('accepted by the mail server');
        return { accepted: ['privacy@zoom.test'], rejected: [] };
      },
    };
    const { sendMessage } = createEmailActivities({
      transport: transport as unknown as Parameters<typeof createEmailActivities>[0]['transport'],
      mailFrom: 'Dossier <dossier@regulator.test>',
      ledger: store.ledger,
      outputDir: join(scratch, 'out'),
    });
    const campaign = testCampaign('ledger');
    const vendor = testVendor('zoom');
    const sent = await sendMessage({ threadId: engagementWorkflowId(campaign.id, vendor.id), step: 'acknowledgement', kind: 'acknowledgement', language: 'en', to: vendor.contacts, campaign, vendor, details: {} });
    calls.log.push('send reported done');
    expect(sent.accepted).toEqual(['privacy@zoom.test']);
    const deliveries = join(scratch, 'state', 'deliveries');
    const placed = calls.log.find((c) => c.startsWith('rename ') && dirname(c.slice(c.indexOf(' -> ') + 4)) === deliveries);
    expect(placed, `a record renamed into ${deliveries}, in:\n${calls.log.join('\n')}`).toBeDefined();
    const record = placed!.slice(placed!.indexOf(' -> ') + 4);
    expectDurable(record, 'rename');
    const [accepted, renamed, done] = ['accepted by the mail server', placed!, 'send reported done'].map((c) => calls.log.indexOf(c));
    expect(accepted).toBeGreaterThanOrEqual(0);
    expect(accepted).toBeLessThan(renamed);
    const folderFlushed = calls.log.indexOf(`fsync ${deliveries}`, renamed);
    expect(folderFlushed).toBeGreaterThan(renamed);
    expect(folderFlushed).toBeLessThan(done);
  });
});

describe('the local store and the event loop', () => {
  // A flush waits for the disk; done synchronously it held the worker's event loop (every activity
  // and poll on it) for each letter, document and sealed email.
  it('lets the event loop run while a document, a published file, a key and a delivery record are flushed', async () => {
    const writes: Array<[string, () => Promise<unknown>]> = [
      ['a document', () => store.documents.put('delta', 'reply/1', new TextEncoder().encode('a reply'), { name: 'reply.txt', type: 'text/plain' })],
      ['a published file', () => store.files.write('delta/letter.pdf', new TextEncoder().encode('%PDF-1.7'))],
      ['a data key', () => new KeyStore(store.keys, parseMasterKeys(generateMasterKeySpec('m3'))).encryptionKey('campaign-delta')],
      ['a delivery record', () => store.ledger.record({ messageId: '<letter.delta@test>', accepted: ['privacy@delta.test'], rejected: [], deliveredAt: new Date().toISOString() })],
    ];
    for (const [what, write] of writes) {
      let loopRan = false;
      setImmediate(() => (loopRan = true));
      await write();
      expect(loopRan, `the event loop ran while ${what} was written`).toBe(true);
    }
  });
});
