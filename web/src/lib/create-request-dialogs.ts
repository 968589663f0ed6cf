import { createSignal } from "solid-js";
import { isConflict, plainMessage } from "./api-errors.ts";
import { fieldErrorsOf, sentence } from "./field-errors.ts";

export type RequestDialog = "cancel" | "approve" | "reject" | "stop";

/**
 * A request's action dialogs (on its page, or on its row in the approval queue): at most one open,
 * with the error of its last try (a bad reason under the reason field, anything else in the dialog).
 * A conflict — someone else decided first — closes the dialog and is remembered, so the page can say
 * so while it shows their decision.
 */
export function createRequestDialogs(options: { onConflict: () => Promise<unknown> }) {
  const [open, setOpen] = createSignal<RequestDialog | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [reasonError, setReasonError] = createSignal<string | null>(null);
  const [conflict, setConflict] = createSignal(false);

  return {
    open,
    error,
    reasonError,
    conflict,
    isOpen: (which: RequestDialog) => open() === which,
    onOpenChange: (which: RequestDialog) => (isOpen: boolean) => {
      setError(null);
      setReasonError(null);
      setOpen(isOpen ? which : null);
    },
    /**
     * Runs a dialog's action: closes it on success and calls `done` (which confirms it, a toast),
     * else keeps it open with what went wrong.
     */
    run: async (task: () => Promise<unknown>, done?: () => void) => {
      setError(null);
      try {
        await task();
        setOpen(null);
        done?.();
      } catch (e) {
        if (isConflict(e)) {
          // someone else decided first: close the dialog and show their decision
          setConflict(true);
          setOpen(null);
          await options.onConflict();
          return;
        }
        const reason = fieldErrorsOf(e).reason;
        if (reason) setReasonError(sentence("The reason", reason));
        else setError(plainMessage(e));
      }
    },
  };
}
