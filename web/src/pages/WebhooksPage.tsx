import { mayRetryDelivery, type WebhookFormat } from "@gantry/shared/api/notifications";
import { createAsync, useAction } from "@solidjs/router";
import { createSignal, For, Show } from "solid-js";
import { DataTable } from "../components/DataTable.tsx";
import { PageHeader } from "../components/PageHeader.tsx";
import { createFailure } from "../lib/create-failure.ts";
import {
  createWebhookAction,
  deleteWebhookAction,
  getDeliveries,
  getWebhooks,
  retryDeliveryAction,
  testWebhookAction,
} from "../lib/notification-queries.ts";
import { toast } from "../lib/toasts.ts";

const FORMATS: readonly { value: WebhookFormat; label: string }[] = [
  { value: "generic", label: "Generic JSON (signed)" },
  { value: "slack", label: "Slack" },
  { value: "teams", label: "Microsoft Teams" },
];

/**
 * The tenant's webhooks (add, send a test, remove) and the delivery log of every e-mail and webhook post:
 * status, attempts and last error, with a retry for the ones that gave up.
 */
export default function WebhooksPage() {
  const hooks = createAsync(() => getWebhooks());
  const log = createAsync(() => getDeliveries());
  const create = useAction(createWebhookAction);
  const remove = useAction(deleteWebhookAction);
  const test = useAction(testWebhookAction);
  const retry = useAction(retryDeliveryAction);
  const [url, setUrl] = createSignal("");
  const [format, setFormat] = createSignal<WebhookFormat>("generic");
  const failure = createFailure();
  const [secret, setSecret] = createSignal<string | null>(null);
  const [testResult, setTestResult] = createSignal<string | null>(null);

  const run = failure.attempt;

  const onAdd = (e: SubmitEvent) => {
    e.preventDefault();
    void run(async () => {
      const created = await create({ url: url(), format: format() });
      setSecret(created.secret);
      setUrl("");
      toast("Webhook added.");
    });
  };

  const onTest = (id: string) =>
    void run(async () => {
      const result = await test(id);
      setTestResult(result.ok ? "The test was delivered." : `The test failed: ${result.error}`);
    });

  return (
    <>
      <PageHeader title="Webhooks" />
      <Show when={failure.message()}>
        {(message) => (
          <p class="notice notice--danger" role="alert">
            {message()}
          </p>
        )}
      </Show>
      <form class="card webhook-form" onSubmit={onAdd}>
        <h2>Add a webhook</h2>
        <div class="field">
          <label for="webhook-url">URL</label>
          <input
            id="webhook-url"
            type="url"
            required
            value={url()}
            onInput={(e) => setUrl(e.currentTarget.value)}
            placeholder="https://hooks.example.com/gantry"
          />
        </div>
        <div class="field">
          <label for="webhook-format">Format</label>
          <select
            id="webhook-format"
            value={format()}
            onChange={(e) => setFormat(e.currentTarget.value as WebhookFormat)}
          >
            <For each={FORMATS}>{(f) => <option value={f.value}>{f.label}</option>}</For>
          </select>
        </div>
        <button type="submit" class="button button--primary">
          Add webhook
        </button>
      </form>
      <Show when={secret()}>
        {(value) => (
          <div class="notice" role="status">
            <p>Signing secret (shown once; the receiver checks X-Gantry-Signature with it):</p>
            <code class="break-all" data-testid="webhook-secret">
              {value()}
            </code>
          </div>
        )}
      </Show>
      <p role="status" data-testid="webhook-test-result">
        {testResult() ?? ""}
      </p>
      <Show when={hooks()}>
        {(list) => (
          <DataTable
            caption="Webhooks"
            columns={["URL", "Format"]}
            actions
            rows={list()}
            empty="No webhooks yet"
          >
            {(hook) => (
              <tr data-webhook={hook.url}>
                <td data-label="URL" class="break-all">
                  {hook.url}
                </td>
                <td data-label="Format">{hook.format}</td>
                <td data-label="Actions">
                  <button type="button" class="button button--small" onClick={() => onTest(hook.id)}>
                    Send test
                  </button>{" "}
                  <button
                    type="button"
                    class="button button--small"
                    aria-label={`Remove webhook ${hook.url}`}
                    onClick={() => void run(() => remove(hook.id))}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            )}
          </DataTable>
        )}
      </Show>
      <h2>Delivery log</h2>
      <Show when={log()}>
        {(rows) => (
          <Show when={rows().length > 0} fallback={<p class="muted">Nothing sent yet.</p>}>
            <div class="table-frame">
              <table class="data-table">
                <caption class="visually-hidden">Deliveries, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">Notification</th>
                    <th scope="col">To</th>
                    <th scope="col">Status</th>
                    <th scope="col">Attempts</th>
                    <th scope="col">Last error</th>
                    <th scope="col">
                      <span class="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  <For each={rows()}>
                    {(d) => (
                      <tr data-delivery-status={d.status}>
                        <td data-label="Notification">{d.title}</td>
                        <td data-label="To" class="break-all">
                          {d.channel === "email"
                            ? d.target
                            : `webhook ${hooks()?.find((h) => h.id === d.target)?.url ?? ""}`}
                        </td>
                        <td data-label="Status">{d.status}</td>
                        <td data-label="Attempts" class="tabular">
                          {d.attempts}
                        </td>
                        <td data-label="Last error">{d.lastError ?? ""}</td>
                        <td data-label="Actions">
                          <Show when={mayRetryDelivery(d, Date.now())}>
                            <button
                              type="button"
                              class="button button--small"
                              aria-label={`Retry: ${d.title}`}
                              onClick={() => void run(() => retry(d.id))}
                            >
                              Retry
                            </button>
                          </Show>
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          </Show>
        )}
      </Show>
    </>
  );
}
