// The holder of a refresh claim past its time is presumed dead, and another request may claim the old
// token again; but it may only have been slow (a provider that answered after the claim ran out).
// Shared by the stores' contract test and the in-process refreshes' test: a late holder's release or
// settle must leave the newer claimant's claim and outcome, which carry the newest refresh token.
import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import type { TokenRefreshes } from '../../store/types';

const digest = () => createHash('sha256').update(randomBytes(16)).digest('hex');
const minuteOn = () => new Date(Date.now() + 60_000);

/** `store` and `other`: two instances on one home (or the same instance twice, for one process's store). */
export function lateClaimHolderCases(instances: () => { store: TokenRefreshes; other: TokenRefreshes }) {
  /** The old token claimed by `store` until a moment ago (`late`), then by `other` (`newer`). */
  async function claimedTwice() {
    const { store, other } = instances();
    const old = digest();
    const late = await store.claim(old, new Date(Date.now() + 200));
    expect(late).toBeDefined();
    await sleep(300);
    const newer = await other.claim(old, minuteOn());
    expect(newer).toBeDefined();
    return { store, other, old, late: late!, newer: newer! };
  }

  it("leaves a newer claimant's claim and outcome when the holder of a claim past its time gives it up late", async () => {
    const { store, other, old, late, newer } = await claimedTwice();
    await store.release(old, late);
    expect(await other.outcome(old), 'the newer claim, after the late holder gave its own up').toEqual({ state: 'pending' });
    expect(await store.claim(old, minuteOn())).toBeUndefined();
    expect(await other.settle(old, newer, 'newer outcome', minuteOn())).toBe(true);
    await store.release(old, late);
    expect(await store.outcome(old), 'the newer outcome, after the late holder gave its claim up').toEqual({ state: 'settled', outcome: 'newer outcome' });
  });

  it("keeps a newer claimant's claim and outcome when the holder of a claim past its time settles late", async () => {
    const { store, other, old, late, newer } = await claimedTwice();
    expect(await store.settle(old, late, 'late outcome', minuteOn())).toBe(false);
    expect(await other.outcome(old), 'the newer claim, after the late holder settled').toEqual({ state: 'pending' });
    expect(await other.settle(old, newer, 'newer outcome', minuteOn())).toBe(true);
    expect(await store.outcome(old)).toEqual({ state: 'settled', outcome: 'newer outcome' });
    expect(await store.settle(old, late, 'late outcome', minuteOn())).toBe(false);
    expect(await store.outcome(old), 'the newer outcome, after the late holder settled').toEqual({ state: 'settled', outcome: 'newer outcome' });
  });

  // Its old token is spent at the provider: recorded, later requests follow it instead of asking again.
  it('records the outcome of a holder whose claim ran out while nobody else held the token', async () => {
    const { store, other } = instances();
    const lapsed = digest();
    const holder = await store.claim(lapsed, new Date(Date.now() + 200));
    expect(holder).toBeDefined();
    await sleep(300);
    expect(await store.settle(lapsed, holder!, 'late outcome', minuteOn())).toBe(true);
    expect(await other.outcome(lapsed), 'its own claim, past its time').toEqual({ state: 'settled', outcome: 'late outcome' });

    const { old, late, newer } = await claimedTwice();
    // The newer claimant's provider did not answer: it gave the claim up.
    await other.release(old, newer);
    expect(await store.settle(old, late, 'late outcome', minuteOn())).toBe(true);
    expect(await other.outcome(old), 'once the newer claimant gave its claim up').toEqual({ state: 'settled', outcome: 'late outcome' });
    expect(await other.claim(old, minuteOn())).toBeUndefined();
  });

  // The late holder's settle and the claimants' take-over both replace the same lapsed claim.
  it('lets either the late holder settle or one claimant take its claim over at once, never both', async () => {
    const { store, other } = instances();
    const later = <T>(ms: number, act: () => Promise<T>) => sleep(ms).then(act);
    for (let round = 0; round < 6; round++) {
      const lapsed = digest();
      const late = await store.claim(lapsed, new Date(Date.now() - 1_000));
      expect(late).toBeDefined();
      const [settled, claims] = await Promise.all([
        later(round % 3, () => store.settle(lapsed, late!, 'late outcome', minuteOn())),
        Promise.all(Array.from({ length: 8 }, (_, n) => later(n % 4, () => (n % 2 ? other : store).claim(lapsed, minuteOn())))),
      ]);
      expect(claims.filter((holder) => holder !== undefined).length + (settled ? 1 : 0)).toBe(1);
      expect(await other.outcome(lapsed)).toEqual(settled ? { state: 'settled', outcome: 'late outcome' } : { state: 'pending' });
    }
  });

  it('gives up or settles only the claim its holder names', async () => {
    const { store, other } = instances();
    const old = digest();
    expect(await store.claim(old, minuteOn())).toBeDefined();
    const stranger = createHash('md5').update(randomBytes(16)).digest('hex');
    await other.release(old, stranger);
    expect(await other.settle(old, stranger, 'outcome of no claim', minuteOn())).toBe(false);
    expect(await store.outcome(old)).toEqual({ state: 'pending' });
  });
}
