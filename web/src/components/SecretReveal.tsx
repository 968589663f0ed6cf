import { createSignal, Show } from "solid-js";

/** A secret shown exactly once, with a copy button and a plain warning. */
export function SecretReveal(props: { label: string; secret: string; hint: string }) {
  const [copied, setCopied] = createSignal(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.secret);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <div class="notice notice--warning" data-testid="secret-reveal">
      <p>
        <strong>{props.label}</strong> — shown only this once. {props.hint}
      </p>
      <code class="secret-box" data-testid="secret">
        {props.secret}
      </code>
      <button type="button" class="button button--small" onClick={() => void copy()}>
        Copy
      </button>
      <span class="muted" aria-live="polite">
        <Show when={copied()}> Copied.</Show>
      </span>
    </div>
  );
}
