/**
 * Refreshes query keys at most once per `intervalMs`: the first request goes out at once, the ones that
 * follow within the interval are merged into one trailing refresh. A burst of pushed changes (a hundred
 * submissions in a second) costs the approval queue two refetches, not a hundred. The caller must
 * call `close()`.
 */
export function makeRefreshThrottle(options: {
  refresh: (keys: string[]) => void;
  intervalMs: number;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => () => void;
}): { request(keys: readonly string[]): void; close(): void } {
  const now = options.now ?? Date.now;
  const setTimer =
    options.setTimer ??
    ((fn, ms) => {
      const handle = setTimeout(fn, ms);
      return () => clearTimeout(handle);
    });
  let pending = new Set<string>();
  let lastFlush = Number.NEGATIVE_INFINITY;
  let cancel: (() => void) | null = null;

  const flush = () => {
    cancel = null;
    if (pending.size === 0) return;
    const keys = [...pending];
    pending = new Set();
    lastFlush = now();
    options.refresh(keys);
  };

  return {
    request(keys) {
      for (const key of keys) pending.add(key);
      if (cancel || pending.size === 0) return;
      const wait = lastFlush + options.intervalMs - now();
      if (wait <= 0) flush();
      else cancel = setTimer(flush, wait);
    },
    close() {
      cancel?.();
      cancel = null;
      pending.clear();
    },
  };
}
