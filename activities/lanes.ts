// Many small reads of Temporal (queries, first events of histories) for a campaign of thousands of
// engagements: all at once, each query of an evicted case makes the worker replay it, so thousands
// in flight would starve the engagements' own tasks and outlast the activity's timeout.

/** Runs `task` for each item with at most `lanes` in flight; resolves once all have. */
export async function inLanes<T>(items: readonly T[], lanes: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await task(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(lanes, items.length) }, lane));
}
