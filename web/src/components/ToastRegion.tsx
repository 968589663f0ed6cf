import { For } from "solid-js";
import { dismissToast, toasts } from "../lib/toasts.ts";

/** Where toasts appear (once, in the signed-in frame): a polite live region, so each is read out once. */
export function ToastRegion() {
  return (
    <section class="toasts" aria-label="Notifications">
      <div role="status" aria-live="polite" class="toasts__list">
        <For each={toasts()}>
          {(t) => (
            <div class={`toast toast--${t.tone}`} data-testid="toast">
              <span class="toast__text">{t.text}</span>
              <button type="button" class="toast__close" onClick={() => dismissToast(t.id)}>
                <span aria-hidden="true">×</span>
                <span class="visually-hidden">Dismiss</span>
              </button>
            </div>
          )}
        </For>
      </div>
    </section>
  );
}
