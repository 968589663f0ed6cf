import { type Accessor, createEffect, createSignal, onCleanup } from "solid-js";
import { keyOf, makeNameCheck, type NameCheck, type NameKey } from "./make-name-check.ts";
import { trpc } from "./trpc.ts";

/** A pause in typing this long before the edge is asked. */
const PAUSE_MS = 300;

/**
 * Whether the name typed (`key`: null while it is not a valid name) is free in the project, asked with
 * `requests.nameAvailable` as the person types. Plain signals, no resource: the form never suspends.
 * @returns the check's state for the current key, null while there is none
 */
export function createNameCheck(key: Accessor<NameKey | null>): Accessor<NameCheck | null> {
  const [state, setState] = createSignal<{ key: string; result: NameCheck } | null>(null);
  const check = makeNameCheck({
    ask: (k) => trpc.requests.nameAvailable.query(k),
    delayMs: PAUSE_MS,
    setTimer: (fn, ms) => {
      const timer = setTimeout(fn, ms);
      return () => clearTimeout(timer);
    },
    onResult: (k, result) => setState({ key: keyOf(k), result }),
  });
  createEffect(() => check.check(key()));
  onCleanup(() => check.close());
  return () => {
    const k = key();
    const s = state();
    return k && s && s.key === keyOf(k) ? s.result : null;
  };
}
