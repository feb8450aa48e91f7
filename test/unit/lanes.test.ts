import { describe, expect, it } from 'vitest';
import { inLanes } from '../../activities/lanes';

describe('inLanes', () => {
  it('runs every item once with no more than its lanes in flight, and waits for the last', async () => {
    let inFlight = 0;
    let most = 0;
    const done: number[] = [];
    await inLanes(Array.from({ length: 50 }, (_, i) => i), 4, async (i) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, (i * 7) % 5));
      inFlight--;
      done.push(i);
    });
    expect(most).toBe(4);
    expect(done.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('passes a failure on', async () => {
    await expect(inLanes([1, 2, 3], 2, async (i) => { if (i === 2) throw new Error('no status'); })).rejects.toThrow('no status');
  });
});
