/** Where the check of one name stands. */
export type NameCheck = "checking" | "available" | "taken" | "unknown";

export interface NameKey {
  projectId: string;
  name: string;
}

export const keyOf = (k: NameKey) => `${k.projectId}\u0000${k.name}`;

/**
 * Asks the edge whether a VM name is free while the person types: once they pause for `delayMs`, for
 * the latest name only (an answer about an older name is dropped). A failed ask reads as "unknown":
 * the submit checks again anyway. `setTimer` returns a cancel function.
 */
export function makeNameCheck(options: {
  ask: (key: NameKey) => Promise<{ available: boolean }>;
  delayMs: number;
  setTimer: (fn: () => void, ms: number) => () => void;
  onResult: (key: NameKey, result: NameCheck) => void;
}) {
  let latest: string | null = null;
  let cancel: (() => void) | null = null;
  return {
    /** Checks `key` after the pause; null (a name not worth asking about) cancels what is pending. */
    check(key: NameKey | null): void {
      cancel?.();
      cancel = null;
      latest = key ? keyOf(key) : null;
      if (!key) return;
      options.onResult(key, "checking");
      cancel = options.setTimer(() => {
        cancel = null;
        options.ask(key).then(
          (answer) => {
            if (latest === keyOf(key)) options.onResult(key, answer.available ? "available" : "taken");
          },
          () => {
            if (latest === keyOf(key)) options.onResult(key, "unknown");
          },
        );
      }, options.delayMs);
    },
    close(): void {
      cancel?.();
      latest = null;
    },
  };
}
