import { createAsync, useAction, useSubmission } from "@solidjs/router";
import { createMemo, createSignal, For, Show } from "solid-js";
import { FieldError } from "../../components/FieldError.tsx";
import { SecretReveal } from "../../components/SecretReveal.tsx";
import { plainMessage } from "../../lib/api-errors.ts";
import { EXAMPLE_AGENT_NAME, installCommands, isAgentName } from "../../lib/enroll-command.ts";
import { formatDateTime } from "../../lib/format.ts";
import { createEnrollmentTokenAction, getAgentRelease } from "../../lib/queries.ts";

/** Creates a one-time enrollment token for a site and shows it exactly once, in the commands that use it. */
export function EnrollAgentPanel(props: { sites: readonly { siteId: string; name: string }[] }) {
  const create = useAction(createEnrollmentTokenAction);
  const release = createAsync(() => getAgentRelease());
  const submission = useSubmission(createEnrollmentTokenAction);
  const [siteId, setSiteId] = createSignal<string | null>(null);
  const chosen = createMemo(() => siteId() ?? props.sites[0]?.siteId ?? "");
  const [agentName, setAgentName] = createSignal(EXAMPLE_AGENT_NAME);
  const [token, setToken] = createSignal<{ token: string; expiresAt: string } | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const nameError = () =>
    isAgentName(agentName())
      ? null
      : "The name may contain only letters, digits, dots, dashes and underscores.";

  const onCreate = async () => {
    if (submission.pending) return;
    setError(null);
    setToken(null);
    try {
      const issued = await create(chosen());
      setToken({ token: issued.token, expiresAt: issued.expiresAt });
    } catch (e) {
      setError(plainMessage(e));
    }
  };

  return (
    <section class="card" aria-labelledby="enroll-title">
      <h2 id="enroll-title">Add an agent</h2>
      <p class="muted">
        Create a one-time token, then run the three commands it shows on a Linux machine that can reach your
        vCenter
        <Show when={release()} fallback=": enroll, connect to vCenter, start.">
          {(r) => <>: install agent {r().version} and enroll it, connect it to vCenter, start it.</>}
        </Show>
      </p>
      <div class="toolbar">
        <Show when={props.sites.length > 1}>
          <div class="field">
            <label for="enroll-site">Site</label>
            <select
              id="enroll-site"
              class="select"
              value={chosen()}
              onChange={(e) => setSiteId(e.currentTarget.value)}
            >
              <For each={props.sites}>
                {(s) => (
                  <option value={s.siteId} selected={s.siteId === chosen()}>
                    {s.name}
                  </option>
                )}
              </For>
            </select>
          </div>
        </Show>
        <div class="field">
          <label for="enroll-name">Agent name</label>
          <input
            id="enroll-name"
            class="input mono"
            value={agentName()}
            onInput={(e) => setAgentName(e.currentTarget.value.trim())}
            aria-invalid={nameError() ? "true" : "false"}
            aria-describedby="enroll-name-error"
            autocomplete="off"
            spellcheck={false}
          />
          <FieldError id="enroll-name-error" message={nameError()} />
        </div>
        <button
          type="button"
          class="button button--primary"
          onClick={() => void onCreate()}
          disabled={submission.pending === true || chosen() === ""}
        >
          {submission.pending ? "Creating…" : "Create enrollment token"}
        </button>
      </div>
      <Show when={error()}>
        {(message) => (
          <p class="notice notice--danger" role="alert">
            {message()}
          </p>
        )}
      </Show>
      <Show when={token()}>
        {(issued) => (
          <SecretReveal
            label="Enrollment token"
            secret={issued().token}
            hint={`It works once, until ${formatDateTime(issued().expiresAt)}.`}
            commandLabel="On the agent's machine, in order:"
            commands={installCommands({
              origin: location.origin,
              token: issued().token,
              name: isAgentName(agentName()) ? agentName() : EXAMPLE_AGENT_NAME,
              release: release() ?? null,
            })}
          />
        )}
      </Show>
    </section>
  );
}
