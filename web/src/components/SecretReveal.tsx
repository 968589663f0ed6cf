import { Show } from "solid-js";
import { CopyButton } from "./CopyButton.tsx";

/** A secret shown exactly once, with copy buttons (the secret; the command that uses it) and a plain warning. */
export function SecretReveal(props: {
  label: string;
  secret: string;
  hint: string;
  /** the command to run with the secret in it, shown and copied whole */
  command?: string;
  commandLabel?: string;
}) {
  return (
    <div class="notice notice--warning" data-testid="secret-reveal">
      <p>
        <strong>{props.label}</strong> — shown only this once. {props.hint}
      </p>
      <div class="copyable">
        <code class="secret-box" data-testid="secret">
          {props.secret}
        </code>
        <CopyButton value={props.secret} what={props.label.toLowerCase()} />
      </div>
      <Show when={props.command}>
        {(command) => (
          <>
            <p>{props.commandLabel ?? "On the agent's machine:"}</p>
            <div class="copyable">
              <pre class="secret-box" data-testid="secret-command">
                {command()}
              </pre>
              <CopyButton value={command()} what="command" />
            </div>
          </>
        )}
      </Show>
    </div>
  );
}
