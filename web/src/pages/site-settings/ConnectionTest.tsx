import { useAction, useSubmission } from "@solidjs/router";
import { createSignal, Show } from "solid-js";
import { ConnectionChecks } from "../../components/ConnectionChecks.tsx";
import { errorCode, plainMessage } from "../../lib/api-errors.ts";
import { testConnectionAction } from "../../lib/queries.ts";

/** "Test vCenter connection": login, inventory and the saved template, checked through the site's agent. */
export function ConnectionTest(props: { siteId: string }) {
  const test = useAction(testConnectionAction);
  const testing = useSubmission(testConnectionAction);
  const [testResult, setTestResult] = createSignal<Awaited<ReturnType<typeof test>> | null>(null);
  const [testError, setTestError] = createSignal<string | null>(null);

  const onTest = async () => {
    if (testing.pending) return;
    setTestError(null);
    setTestResult(null);
    try {
      setTestResult(await test(props.siteId));
    } catch (e) {
      // the agent may be missing or slow: say which, in the edge's words
      setTestError(
        errorCode(e) === "TIMEOUT" || errorCode(e) === "PRECONDITION_FAILED"
          ? capitalize(e)
          : plainMessage(e),
      );
    }
  };

  return (
    <section class="card" aria-labelledby="test-title">
      <h2 id="test-title">vCenter connection</h2>
      <p class="muted">Runs through the site's agent: login, inventory and the saved template.</p>
      <button
        type="button"
        class="button"
        onClick={() => void onTest()}
        disabled={testing.pending === true}
        aria-busy={testing.pending === true}
      >
        {testing.pending ? "Testing…" : "Test vCenter connection"}
      </button>
      <div aria-live="polite">
        <Show when={testError()}>
          {(message) => (
            <p class="notice notice--danger" role="alert" data-testid="connection-error">
              {message()}
            </p>
          )}
        </Show>
        <Show when={testResult()}>
          {(result) => <ConnectionChecks checks={result().checks} failed={result().failed} />}
        </Show>
      </div>
    </section>
  );
}

function capitalize(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}
