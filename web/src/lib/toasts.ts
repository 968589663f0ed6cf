import { createSignal } from "solid-js";

// The app's one way to confirm that something happened (submitted, approved, saved, copied): a short
// message in the toast region (AppLayout), announced politely and gone after a while or when dismissed.
// What went wrong is told where it happened instead (under the field, in the dialog), so it stays.

export type ToastTone = "success" | "info";

export interface Toast {
  id: number;
  tone: ToastTone;
  text: string;
}

/** Long enough to read a sentence twice; a toast only confirms what the page itself shows too. */
export const TOAST_MS = 8000;
/** Older toasts give way to newer ones beyond this many. */
const MAX_TOASTS = 3;

const [list, setList] = createSignal<readonly Toast[]>([]);
let nextId = 1;

/** The toasts on screen, oldest first. */
export const toasts = list;

export function dismissToast(id: number): void {
  setList((current) => current.filter((t) => t.id !== id));
}

/** Shows `text` as a toast; returns its id (for `dismissToast`). */
export function toast(text: string, tone: ToastTone = "success"): number {
  const id = nextId++;
  setList((current) => [...current.slice(-(MAX_TOASTS - 1)), { id, tone, text }]);
  setTimeout(() => dismissToast(id), TOAST_MS);
  return id;
}
