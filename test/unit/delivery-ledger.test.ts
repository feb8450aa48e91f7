// The local delivery ledger's claims on disk: short symbolic links (cheap to create and remove),
// and the JSON claim files an earlier version wrote still respected while alive and taken over once dead.
import { lstatSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { FileDeliveryLedger } from '../../activities/delivery-ledger';

const folder = mkdtempSync(join(tmpdir(), 'dossier-ledger-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const claimPathOf = (messageId: string) => join(folder, `${createHash('sha256').update(messageId).digest('hex')}.sending`);

describe('local delivery ledger claims', () => {
  it('claims a send with a symbolic link short enough to live in the inode, and removes it on release', async () => {
    const ledger = new FileDeliveryLedger(folder);
    const turn = await ledger.begin('<letter.short@test>');
    if (turn.delivered) throw new Error('nothing was delivered yet');
    const path = claimPathOf('<letter.short@test>');
    expect(lstatSync(path).isSymbolicLink()).toBe(true);
    expect(Buffer.byteLength(readlinkSync(path))).toBeLessThan(60);
    await turn.release();
    expect(lstatSync(path, { throwIfNoEntry: false })).toBeUndefined();
  });

  it('waits for a live claim an earlier version wrote as a JSON file, and takes over once it has expired', async () => {
    const ledger = new FileDeliveryLedger(folder, { pollMs: 20 });
    const id = '<letter.upgrade@test>';
    // A live process of this host (the test runner's parent) holds it.
    const claim = { host: hostname(), pid: process.ppid, token: 'an-earlier-token', expiresAt: Date.now() + 60_000 };
    writeFileSync(claimPathOf(id), JSON.stringify(claim));
    await expect(ledger.begin(id, { signal: AbortSignal.timeout(300) })).rejects.toThrow();
    writeFileSync(claimPathOf(id), JSON.stringify({ ...claim, expiresAt: Date.now() - 1 }));
    const turn = await ledger.begin(id, { signal: AbortSignal.timeout(5_000) });
    if (turn.delivered) throw new Error('nothing was delivered yet');
    expect(turn.tookOverFromCrash).toBe(true);
    await turn.release();
  });
});
