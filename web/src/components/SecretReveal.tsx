import { createSignal, Show } from "solid-js";

/** A secret shown exactly once, with a copy button and a plain warning. */
export function SecretReveal(props: { label: string; secret: string; hint: string; command?: string }) {
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
      <Show when={props.command}>
        {(command) => (
          <>
            <p>On the agent's machine:</p>
            <code class="secret-box">{command()}</code>
          </>
        )}
      </Show>
      <button type="button" class="button button--small" onClick={() => void copy()}>
        Copy token
      </button>
      <span class="muted" aria-live="polite">
        <Show when={copied()}> Copied.</Show>
      </span>
    </div>
  );
}
