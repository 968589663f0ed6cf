import { createSignal, For, Show } from "solid-js";

/** A secret shown exactly once, with a copy button, a plain warning and the commands that use it, in order. */
export function SecretReveal(props: {
  label: string;
  secret: string;
  hint: string;
  commands?: readonly string[];
}) {
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
      <Show when={props.commands?.length}>
        <p>On the agent's machine:</p>
        <ol class="command-steps">
          <For each={props.commands}>
            {(command) => (
              <li>
                <code class="secret-box" data-testid="command">
                  {command}
                </code>
              </li>
            )}
          </For>
        </ol>
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
