/** Runs `work` over `items` with at most `limit` at once; results keep the input order. */
export async function mapLimit<TItem, TResult>(
  items: readonly TItem[],
  limit: number,
  work: (item: TItem, index: number) => Promise<TResult>,
): Promise<TResult[]> {
  const results: TResult[] = new Array(items.length);
  // one iterator shared by the workers: each entry is taken exactly once
  const queue = items.entries();
  const worker = async () => {
    for (const [i, item] of queue) results[i] = await work(item, i);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A uniformly random duration in [min, max) ms. */
export const between = (min: number, max: number): number => min + Math.random() * (max - min);
