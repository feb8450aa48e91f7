// The local store's refreshes of session tokens (store/local.ts): a refresh that rotated the token is
// kept until its session ends (8 hours by default, a rotation every few minutes), so the folder holds
// hundreds of entries per signed-in officer. Each claim used to read every one of them to clear those
// past their time; this test counts the entry files read instead of timing it. Several processes on
// one folder take over a lapsed claim: exactly one may win, or both spend the same refresh token.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';

const reads = vi.hoisted(() => ({ entries: 0 }));

// Entries are read with readFileSync; only those in the refreshes' folder are counted.
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const readFileSync = ((path: import('node:fs').PathOrFileDescriptor, ...rest: unknown[]) => {
    if (basename(dirname(String(path))) === 'token-refreshes') reads.entries++;
    return (fs.readFileSync as (...a: unknown[]) => unknown)(path, ...rest);
  }) as typeof fs.readFileSync;
  return { ...fs, default: { ...fs, readFileSync }, readFileSync };
});

const { openLocalStore } = await import('../../store/local');
const { PROJECT_ROOT } = await import('../../paths');

const root = mkdtempSync(join(tmpdir(), 'dossier-local-refreshes-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => vi.useRealTimers());

const digestOf = (token: string) => createHash('sha256').update(token).digest('hex');

const foldersIn = (name: string) => ({ outputDir: join(root, name, 'out'), stateDir: join(root, name, 'state'), keysDir: join(root, name, 'keys') });
const refreshesIn = (name: string) => openLocalStore(foldersIn(name)).refreshes;

/** How many of the claims of `digest` won that a process made from `at` (epoch ms) on. */
function claimInChild(name: string, digest: string, at: number): Promise<number> {
  const argument = JSON.stringify({ settings: foldersIn(name), digest, at, until: at + 60_000 });
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'test', 'helpers', 'refresh-claim-child.ts'), argument], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(Number(output.trim())) : reject(new Error(`the claiming process ended with ${code}: ${output}`))));
  });
}

/** The id of a process that has ended. */
function endedPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  return new Promise((resolve) => child.on('exit', () => resolve(child.pid!)));
}

describe("the local store's refreshes of session tokens", () => {
  it('does not read every kept refresh at each claim, and still clears those past their time', async () => {
    const refreshes = refreshesIn('kept');
    const sessionEnds = new Date(Date.now() + 8 * 3_600_000);
    const entries = 200;
    for (let n = 0; n < entries; n++) {
      const holder = await refreshes.claim(digestOf(`kept-${n}`), new Date(Date.now() + 60_000));
      expect(holder).toBeDefined();
      expect(await refreshes.settle(digestOf(`kept-${n}`), holder!, `sealed-${n}`, sessionEnds)).toBe(true);
    }
    // A claim that ran out (its holder died), among them.
    expect(await refreshes.claim(digestOf('dead'), new Date(Date.now() + 60_000))).toBeDefined();

    reads.entries = 0;
    for (let n = 0; n < 20; n++) expect(await refreshes.claim(digestOf(`new-${n}`), new Date(Date.now() + 60_000))).toBeDefined();
    // Twenty claims read a few entries each (their own), not the two hundred kept.
    expect(reads.entries).toBeLessThan(entries);

    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 61_000 });
    expect(await refreshes.outcome(digestOf('dead'))).toEqual({ state: 'none' });
    expect(await refreshes.claim(digestOf('later'), new Date(Date.now() + 60_000))).toBeDefined();
    // Once the dead claim is past its time, a claim clears it; the kept ones stay.
    const { readdirSync } = await import('node:fs');
    const names = readdirSync(join(root, 'kept', 'state', 'token-refreshes'));
    expect(names).not.toContain(digestOf('dead'));
    expect(names).toContain(digestOf('kept-0'));
    expect(await refreshes.outcome(digestOf('kept-0'))).toEqual({ state: 'settled', outcome: 'sealed-0' });
  });

  it('lets exactly one of several processes take over a claim past its time', async () => {
    const refreshes = refreshesIn('processes');
    for (let round = 0; round < 2; round++) {
      const lapsed = digestOf(`lapsed-${round}`);
      expect(await refreshes.claim(lapsed, new Date(Date.now() - 1_000))).toBeDefined();
      // Each process starts (tsx compiles for a second or two), then all claim from one moment on.
      const at = Date.now() + 6_000;
      const won = await Promise.all(Array.from({ length: 5 }, () => claimInChild('processes', lapsed, at)));
      expect(won.reduce((sum, count) => sum + count, 0)).toBe(1);
      expect(await refreshes.outcome(lapsed)).toEqual({ state: 'pending' });
    }
  }, 60_000);

  it('takes over a claim past its time whose marker a process left when it died', async () => {
    const refreshes = refreshesIn('abandoned');
    const lapsed = digestOf('abandoned');
    expect(await refreshes.claim(lapsed, new Date(Date.now() - 1_000))).toBeDefined();
    // A claimant killed between making its marker on the lapsed entry and replacing the entry.
    const path = join(root, 'abandoned', 'state', 'token-refreshes', lapsed);
    const host = createHash('sha256').update(hostname()).digest('hex').slice(0, 12);
    const marker = `${path}.${createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 16)}.swap`;
    symlinkSync(`${await endedPid()} ${host}`, marker);
    expect(await refreshes.claim(lapsed, new Date(Date.now() + 60_000))).toBeDefined();
    expect(await refreshes.claim(lapsed, new Date(Date.now() + 60_000))).toBeUndefined();

    // One whose process still runs (another, in the middle of its change) is waited for, not taken over.
    const held = digestOf('held');
    expect(await refreshes.claim(held, new Date(Date.now() - 1_000))).toBeDefined();
    const heldPath = join(root, 'abandoned', 'state', 'token-refreshes', held);
    const running = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
    try {
      symlinkSync(`${running.pid} ${host} 0123456789ab`, `${heldPath}.${createHash('sha256').update(readFileSync(heldPath)).digest('hex').slice(0, 16)}.swap`);
      expect(await refreshes.claim(held, new Date(Date.now() + 60_000))).toBeUndefined();
      expect(await refreshes.outcome(held)).toEqual({ state: 'none' });
    } finally {
      running.kill();
    }
  });

  it('takes over a marker left by an earlier process that had the id this one has (a container restarted)', async () => {
    const refreshes = refreshesIn('restarted');
    const lapsed = digestOf('restarted');
    expect(await refreshes.claim(lapsed, new Date(Date.now() - 1_000))).toBeDefined();
    // The process before a restart is often given the same id on the same host (pid 1 in a container
    // whose hostname outlives it): it died holding its marker, which names this process's id.
    const path = join(root, 'restarted', 'state', 'token-refreshes', lapsed);
    const host = createHash('sha256').update(hostname()).digest('hex').slice(0, 12);
    const marker = `${path}.${createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 16)}.swap`;
    symlinkSync(`${process.pid} ${host}`, marker);
    expect(await refreshes.claim(lapsed, new Date(Date.now() + 60_000))).toBeDefined();
    expect(await refreshes.claim(lapsed, new Date(Date.now() + 60_000))).toBeUndefined();
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(dirname(path)).filter((name) => name.endsWith('.swap'))).toEqual([]);
  });
});
