import { revalidate } from "@solidjs/router";
import { onCleanup } from "solid-js";

/**
 * Refreshes the given query keys (none while `keys()` is null) every `intervalMs` while the tab is visible (and once when it
 * becomes visible again). Revalidation keeps the old data on screen until the new data arrives.
 */
export function createPolling(keys: () => string | string[] | null, intervalMs: number): void {
  const tick = () => {
    const current = keys();
    if (current !== null && document.visibilityState === "visible") void revalidate(current);
  };
  const timer = setInterval(tick, intervalMs);
  document.addEventListener("visibilitychange", tick);
  onCleanup(() => {
    clearInterval(timer);
    document.removeEventListener("visibilitychange", tick);
  });
}
