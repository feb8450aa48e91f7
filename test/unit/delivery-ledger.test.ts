// The local delivery ledger's claims on disk: short symbolic links (cheap to create and remove),
// and the JSON claim files an earlier version wrote still respected while alive and taken over once dead.
import { spawn, type ChildProcess } from 'node:child_process';
import { lstatSync, mkdtempSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { FileDeliveryLedger } from '../../activities/delivery-ledger';
import { PROJECT_ROOT } from '../../paths';

const folder = mkdtempSync(join(tmpdir(), 'dossier-ledger-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const claimPathOf = (messageId: string) => join(folder, `${createHash('sha256').update(messageId).digest('hex')}.sending`);
/** The marker a process holds while it changes the claim `token` (swapClaim). */
const markerOf = (messageId: string, token: string) => `${claimPathOf(messageId)}.${createHash('sha256').update(token).digest('base64url').slice(0, 16)}.swap`;
const hostTag = createHash('sha256').update(hostname()).digest('base64url').slice(0, 11);
/** The marker of another live process of this host (the test runner's parent stands for it), changing `messageId`'s claim now. */
function holdMarker(messageId: string): string {
  const [, token] = readlinkSync(claimPathOf(messageId)).split(' ');
  const marker = markerOf(messageId, token);
  symlinkSync(`${process.ppid} another-process ${(Date.now() + 60_000).toString(36)} ${hostTag}`, marker);
  return marker;
}

/** A process that takes over `messageId`'s dead claim, stopping after it read it until `go` exists (test/helpers/take-over-child.ts). */
function takeOverInChild(messageId: string, go: string): { child: ChildProcess; output(): string; until(text: string, ms: number): Promise<boolean> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'test', 'helpers', 'take-over-child.ts'), JSON.stringify({ folder, messageId, go })], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const until = async (text: string, ms: number) => {
    const end = Date.now() + ms;
    while (!output.includes(text) && child.exitCode === null && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    return output.includes(text);
  };
  return { child, output: () => output, until };
}

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

  it('gives the turn to one of two processes that take over the same dead claim at once, and makes the other wait', async () => {
    const id = '<letter.race@test>';
    // Given up at a worker's shutdown grace, its lease since run out: any process may take it over.
    const stopped = await new FileDeliveryLedger(folder, { leaseMs: 200 }).begin(id);
    if (stopped.delivered) throw new Error('nothing was delivered yet');
    await stopped.abandon();
    await new Promise((r) => setTimeout(r, 300));
    const goFirst = join(folder, 'go-first');
    const goSecond = join(folder, 'go-second');
    const first = takeOverInChild(id, goFirst);
    const second = takeOverInChild(id, goSecond);
    try {
      // Both have read the dead claim and stand before their first change on disk.
      expect(await first.until('paused', 20_000), first.output()).toBe(true);
      expect(await second.until('paused', 20_000), second.output()).toBe(true);
      writeFileSync(goFirst, '');
      expect(await first.until('claimed', 5_000), first.output()).toBe(true);
      expect(first.output()).toContain('claimed true');
      // The second goes on with what it read before the first took the claim over.
      writeFileSync(goSecond, '');
      await second.until('claimed', 2_000);
      expect(second.output(), 'the second process got a turn too, while the first held the claim').toBe('paused\n');
    } finally {
      for (const { child } of [first, second]) {
        child.kill('SIGKILL');
        if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
      }
    }
  }, 60_000);

  it('takes over a dead claim whose take-over marker a process left behind when it died in the middle', async () => {
    const id = '<letter.marker@test>';
    const stopped = await new FileDeliveryLedger(folder, { leaseMs: 200 }).begin(id);
    if (stopped.delivered) throw new Error('nothing was delivered yet');
    await stopped.abandon();
    const [, deadToken] = readlinkSync(claimPathOf(id)).split(' ');
    // The marker of a take-over whose process died (the test runner's parent stands for it), its lease run out.
    const marker = markerOf(id, deadToken);
    symlinkSync(`${process.ppid} a-dead-take-over ${(Date.now() + 100).toString(36)} ${hostTag}`, marker);
    await new Promise((r) => setTimeout(r, 300));
    const turn = await new FileDeliveryLedger(folder, { pollMs: 20 }).begin(id, { signal: AbortSignal.timeout(3_000) });
    if (turn.delivered) throw new Error('nothing was delivered yet');
    expect(turn.tookOverFromCrash).toBe(true);
    expect(lstatSync(marker, { throwIfNoEntry: false })).toBeUndefined();
    await turn.release();
  });

  it('removes its claim on release while another process holds the claim marker for a moment, so its own retry is no take-over from a crash', async () => {
    const id = '<letter.release-busy@test>';
    const ledger = new FileDeliveryLedger(folder, { pollMs: 20 });
    const turn = await ledger.begin(id);
    if (turn.delivered) throw new Error('nothing was delivered yet');
    const marker = holdMarker(id);
    const letGo = setTimeout(() => rmSync(marker, { force: true }), 150);
    try {
      await turn.release();
    } finally {
      clearTimeout(letGo);
      rmSync(marker, { force: true });
    }
    expect(lstatSync(claimPathOf(id), { throwIfNoEntry: false }), 'the released claim is still on disk').toBeUndefined();
    const retry = await ledger.begin(id, { signal: AbortSignal.timeout(3_000) });
    if (retry.delivered) throw new Error('nothing was delivered yet');
    expect(retry.tookOverFromCrash).toBe(false);
    await retry.release();
  });

  it('says so when another process holds the claim marker throughout its release, and its own retry then takes the claim over as released, not crashed', async () => {
    const id = '<letter.release-stuck@test>';
    const ledger = new FileDeliveryLedger(folder, { pollMs: 20 });
    const turn = await ledger.begin(id);
    if (turn.delivered) throw new Error('nothing was delivered yet');
    await turn.stateDueDate('2026-12-31T00:00:00.000Z');
    const marker = holdMarker(id);
    try {
      await expect(turn.release()).rejects.toThrow(/has held its marker/);
    } finally {
      rmSync(marker, { force: true });
    }
    const retry = await ledger.begin(id, { signal: AbortSignal.timeout(3_000) });
    if (retry.delivered) throw new Error('nothing was delivered yet');
    expect(retry.tookOverFromCrash).toBe(false);
    expect(retry.dueDateStated).toBeUndefined();
    await retry.release();
    expect(lstatSync(claimPathOf(id), { throwIfNoEntry: false })).toBeUndefined();
  }, 10_000);
});
