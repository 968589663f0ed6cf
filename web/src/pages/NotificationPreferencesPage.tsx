import type { NotificationKind } from "@gantry/shared/api/notifications";
import { createAsync, useAction } from "@solidjs/router";
import { createSignal, For, Show } from "solid-js";
import { PageHeader } from "../components/PageHeader.tsx";
import { createFailure } from "../lib/create-failure.ts";
import { KIND_LABELS } from "../lib/notification-kinds.ts";
import { getPreferences, setPreferenceAction } from "../lib/notification-queries.ts";

/**
 * Which notifications the signed-in person also gets by e-mail (the inbox always has them). Every e-mail
 * links here. Each box saves when it changes.
 */
export default function NotificationPreferencesPage() {
  const preferences = createAsync(() => getPreferences());
  const save = useAction(setPreferenceAction);
  const failure = createFailure();
  const [saved, setSaved] = createSignal<string | null>(null);

  const onChange = (kind: NotificationKind, enabled: boolean) => {
    setSaved(null);
    return failure.attempt(async () => {
      await save({ kind, channel: "email", enabled });
      setSaved(`${KIND_LABELS[kind].label}: e-mail ${enabled ? "on" : "off"}.`);
    });
  };

  return (
    <>
      <PageHeader title="Notification preferences" />
      <p class="muted">Every notification is in your inbox. Choose which ones also come by e-mail.</p>
      <Show when={failure.message()}>
        {(message) => (
          <p class="notice notice--danger" role="alert">
            {message()}
          </p>
        )}
      </Show>
      <p class="visually-hidden" role="status">
        {saved() ?? ""}
      </p>
      <Show when={preferences()}>
        {(list) => (
          <fieldset class="card preference-list">
            <legend>E-mail me when…</legend>
            <For each={list()}>
              {(p) => (
                <div class="checkbox-row">
                  <input
                    type="checkbox"
                    id={`pref-${p.kind}`}
                    checked={p.enabled}
                    onChange={(e) => void onChange(p.kind, e.currentTarget.checked)}
                  />
                  <label for={`pref-${p.kind}`}>
                    {KIND_LABELS[p.kind].label} <span class="muted">({KIND_LABELS[p.kind].who})</span>
                  </label>
                </div>
              )}
            </For>
          </fieldset>
        )}
      </Show>
    </>
  );
}
