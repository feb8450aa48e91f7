// The local store's refreshes of session tokens (store/local.ts): a refresh that rotated the token is
// kept until its session ends (8 hours by default, a rotation every few minutes), so the folder holds
// hundreds of entries per signed-in officer. Each claim used to read every one of them to clear those
// past their time; this test counts the entry files read instead of timing it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

const root = mkdtempSync(join(tmpdir(), 'dossier-local-refreshes-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => vi.useRealTimers());

const digestOf = (token: string) => createHash('sha256').update(token).digest('hex');

function refreshesIn(name: string) {
  const dir = join(root, name);
  return openLocalStore({ outputDir: join(dir, 'out'), stateDir: join(dir, 'state'), keysDir: join(dir, 'keys') }).refreshes;
}

describe("the local store's refreshes of session tokens", () => {
  it('does not read every kept refresh at each claim, and still clears those past their time', async () => {
    const refreshes = refreshesIn('kept');
    const sessionEnds = new Date(Date.now() + 8 * 3_600_000);
    const entries = 200;
    for (let n = 0; n < entries; n++) {
      expect(await refreshes.claim(digestOf(`kept-${n}`), new Date(Date.now() + 60_000))).toBe(true);
      await refreshes.settle(digestOf(`kept-${n}`), `sealed-${n}`, sessionEnds);
    }
    // A claim that ran out (its holder died), among them.
    expect(await refreshes.claim(digestOf('dead'), new Date(Date.now() + 60_000))).toBe(true);

    reads.entries = 0;
    for (let n = 0; n < 20; n++) expect(await refreshes.claim(digestOf(`new-${n}`), new Date(Date.now() + 60_000))).toBe(true);
    // Twenty claims read a few entries each (their own), not the two hundred kept.
    expect(reads.entries).toBeLessThan(entries);

    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 61_000 });
    expect(await refreshes.outcome(digestOf('dead'))).toEqual({ state: 'none' });
    expect(await refreshes.claim(digestOf('later'), new Date(Date.now() + 60_000))).toBe(true);
    // Once the dead claim is past its time, a claim clears it; the kept ones stay.
    const { readdirSync } = await import('node:fs');
    const names = readdirSync(join(root, 'kept', 'state', 'token-refreshes'));
    expect(names).not.toContain(digestOf('dead'));
    expect(names).toContain(digestOf('kept-0'));
    expect(await refreshes.outcome(digestOf('kept-0'))).toEqual({ state: 'settled', outcome: 'sealed-0' });
  });
});
