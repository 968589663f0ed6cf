import { For, Show } from "solid-js";
import { CopyButton } from "./CopyButton.tsx";

/**
 * A secret shown exactly once, with a plain warning, a copy button, and the commands that use it in order,
 * each with its own copy button.
 */
export function SecretReveal(props: {
  label: string;
  secret: string;
  hint: string;
  commands?: readonly string[];
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
      <Show when={props.commands?.length}>
        <p>{props.commandLabel ?? "On the agent's machine:"}</p>
        <ol class="command-steps">
          <For each={props.commands}>
            {(command, index) => (
              <li>
                <div class="copyable">
                  <code class="secret-box" data-testid="command">
                    {command}
                  </code>
                  <CopyButton value={command} what={`command ${index() + 1}`} />
                </div>
              </li>
            )}
          </For>
        </ol>
      </Show>
    </div>
  );
}
