import { createSignal, Show } from "solid-js";

/**
 * A value with "Copy" beside it; "Copied." is said through a polite live region. (The request page's
 * copy button does the same with a toast; the two can become one once both pages share the toasts.)
 */
export function CopyValue(props: { value: string; what: string; testId: string }) {
  const [said, setSaid] = createSignal<string | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.value);
      setSaid("Copied.");
    } catch {
      setSaid(`Could not copy: select the ${props.what} and copy it by hand.`);
    }
  };
  return (
    <>
      <span class="mono" data-testid={props.testId}>
        {props.value}
      </span>{" "}
      <button type="button" class="button button--small" onClick={() => void copy()}>
        Copy<span class="visually-hidden"> {props.what}</span>
      </button>
      <span class="muted" aria-live="polite">
        <Show when={said()}>{(text) => ` ${text()}`}</Show>
      </span>
    </>
  );
}
