import { type Accessor, createSignal } from "solid-js";
import { plainMessage } from "./api-errors.ts";

/**
 * A page's one line of failure: `attempt(work)` clears it, runs the work and shows the edge's plain message
 * if it fails (the page stays as it was).
 */
export function createFailure(): {
  message: Accessor<string | null>;
  attempt: (work: () => Promise<unknown>) => Promise<void>;
} {
  const [message, setMessage] = createSignal<string | null>(null);
  const attempt = async (work: () => Promise<unknown>) => {
    setMessage(null);
    try {
      await work();
    } catch (e) {
      setMessage(plainMessage(e));
    }
  };
  return { message, attempt };
}
