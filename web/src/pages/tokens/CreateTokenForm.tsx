import { type CreatedToken, CreateTokenInput, type TokenScope } from "@gantry/shared/api/tokens";
import { useAction, useSubmission } from "@solidjs/router";
import { createSignal, For, Show } from "solid-js";
import { FieldError } from "../../components/FieldError.tsx";
import { SecretReveal } from "../../components/SecretReveal.tsx";
import { plainMessage } from "../../lib/api-errors.ts";
import { fieldErrorsOf, sentence } from "../../lib/field-errors.ts";
import { formatDateTime } from "../../lib/format.ts";
import { createTokenAction } from "../../lib/queries.ts";
import { toast } from "../../lib/toasts.ts";

const SCOPES: { scope: TokenScope; label: string; hint: string; adminOnly?: boolean }[] = [
  { scope: "read", label: "Read", hint: "list and look at requests and VMs" },
  { scope: "request", label: "Request", hint: "submit and cancel requests, act on your VMs" },
  { scope: "approve", label: "Approve", hint: "decide on requests waiting for approval" },
  { scope: "admin", label: "Admin", hint: "the tenant's administration", adminOnly: true },
];

const EXPIRIES = [7, 30, 90, 365] as const;

const FIELD_NAMES: Record<string, string> = {
  name: "The name",
  scopes: "The scopes",
  expiresInDays: "The expiry",
};

/** Makes a personal API token and shows its secret exactly once, with a copy button. */
export function CreateTokenForm(props: { admin: boolean }) {
  const create = useAction(createTokenAction);
  const submission = useSubmission(createTokenAction);
  const [name, setName] = createSignal("");
  const [scopes, setScopes] = createSignal<TokenScope[]>(["read"]);
  const [days, setDays] = createSignal<number>(30);
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  const [formError, setFormError] = createSignal<string | null>(null);
  const [created, setCreated] = createSignal<CreatedToken | null>(null);

  const toggle = (scope: TokenScope, on: boolean) =>
    setScopes((now) => (on ? [...now.filter((s) => s !== scope), scope] : now.filter((s) => s !== scope)));

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (submission.pending) return;
    setFormError(null);
    setCreated(null);
    const input = { name: name(), scopes: scopes(), expiresInDays: days() };
    const local = CreateTokenInput.safeParse(input);
    if (!local.success) {
      const byField: Record<string, string> = {};
      for (const issue of local.error.issues) {
        const field = String(issue.path[0] ?? "name");
        byField[field] ??= sentence(FIELD_NAMES[field] ?? "The value", issue.message);
      }
      setErrors(byField);
      return;
    }
    setErrors({});
    try {
      const made = await create(local.data);
      setCreated(made);
      setName("");
      toast(`Created the token "${made.token.name}". Copy it now: it is not shown again.`);
    } catch (e) {
      const fields = fieldErrorsOf(e);
      if (Object.keys(fields).length > 0)
        setErrors(
          Object.fromEntries(
            Object.entries(fields).map(([f, m]) => [f, sentence(FIELD_NAMES[f] ?? "The value", m)]),
          ),
        );
      else setFormError(plainMessage(e));
    }
  };

  return (
    <section class="card" aria-labelledby="create-token-title">
      <h2 id="create-token-title">Create a token</h2>
      <p class="muted">
        A token lets a script call Gantry's API as you, within the scopes you pick and never beyond your own
        role. Send it as <code>Authorization: Bearer gpt_…</code>.
      </p>
      <form onSubmit={(e) => void onSubmit(e)} novalidate>
        <div class="field">
          <label for="token-name">Name</label>
          <input
            id="token-name"
            class="input"
            value={name()}
            maxLength={80}
            onInput={(e) => setName(e.currentTarget.value)}
            aria-invalid={errors().name ? "true" : "false"}
            aria-describedby="token-name-error"
            autocomplete="off"
          />
          <FieldError id="token-name-error" message={errors().name} />
        </div>
        <fieldset class="field" aria-describedby="token-scopes-error">
          <legend>Scopes</legend>
          <For each={SCOPES.filter((s) => !s.adminOnly || props.admin)}>
            {(s) => (
              <label class="choice">
                <input
                  type="checkbox"
                  name="scopes"
                  value={s.scope}
                  checked={scopes().includes(s.scope)}
                  onChange={(e) => toggle(s.scope, e.currentTarget.checked)}
                />{" "}
                {s.label} <span class="muted">— {s.hint}</span>
              </label>
            )}
          </For>
          <FieldError id="token-scopes-error" message={errors().scopes} />
        </fieldset>
        <div class="field">
          <label for="token-expiry">Expires after</label>
          <select
            id="token-expiry"
            class="select"
            value={String(days())}
            onChange={(e) => setDays(Number(e.currentTarget.value))}
            aria-describedby="token-expiry-error"
          >
            <For each={EXPIRIES}>
              {(d) => (
                <option value={String(d)} selected={d === days()}>
                  {d === 365 ? "1 year" : `${d} days`}
                </option>
              )}
            </For>
          </select>
          <FieldError id="token-expiry-error" message={errors().expiresInDays} />
        </div>
        <div class="form-actions">
          <button type="submit" class="button button--primary" disabled={submission.pending === true}>
            {submission.pending ? "Creating…" : "Create token"}
          </button>
          <Show when={formError()}>
            {(message) => (
              <span class="field__error" role="alert">
                {message()}
              </span>
            )}
          </Show>
        </div>
      </form>
      <Show when={created()}>
        {(made) => (
          <SecretReveal
            label="API token"
            secret={made().secret}
            hint={`Store it where your script can read it; it works until ${formatDateTime(made().token.expiresAt)}.`}
          />
        )}
      </Show>
    </section>
  );
}
