import { createAsync, useAction, useSubmission } from "@solidjs/router";
import { createSignal, Show } from "solid-js";
import { DataTable } from "../components/DataTable.tsx";
import { plainMessage } from "../lib/api-errors.ts";
import { createNow } from "../lib/create-now.ts";
import { formatRelative } from "../lib/format.ts";
import { endSessionsAction, getSignedIn } from "../lib/queries.ts";

/**
 * Who is signed in to the tenant, and an admin's way to sign someone out on every device at once (their
 * next request is signed out). People and roles (the settings area) is where roles change; this page is
 * only about who is signed in now.
 */
export default function SessionsPage() {
  const people = createAsync(() => getSignedIn());
  const now = createNow(60_000);
  const end = useAction(endSessionsAction);
  const ending = useSubmission(endSessionsAction);
  const [error, setError] = createSignal<string | null>(null);

  const onEnd = async (userId: string) => {
    setError(null);
    try {
      await end(userId);
    } catch (e) {
      setError(plainMessage(e));
    }
  };

  return (
    <>
      <div class="page-header">
        <h1>Sessions</h1>
      </div>
      <Show when={error()}>
        {(message) => (
          <p class="notice notice--danger" role="alert">
            {message()}
          </p>
        )}
      </Show>
      <Show when={people()}>
        {(list) => (
          <DataTable
            caption="People signed in"
            columns={["Person", "Role", "Sessions", "Last sign-in"]}
            actions
            rows={list()}
            empty="Nobody is signed in"
          >
            {(person) => (
              <tr data-person={person.email}>
                <td data-label="Person">
                  {person.name} <span class="muted">{person.email}</span>
                </td>
                <td data-label="Role">{person.role}</td>
                <td data-label="Sessions" class="tabular">
                  {person.sessions}
                </td>
                <td data-label="Last sign-in" class="tabular">
                  {formatRelative(person.lastSignInAt, now())}
                </td>
                <td data-label="Actions">
                  <button
                    type="button"
                    class="button button--small"
                    disabled={ending.pending === true}
                    onClick={() => void onEnd(person.userId)}
                  >
                    End sessions
                  </button>
                </td>
              </tr>
            )}
          </DataTable>
        )}
      </Show>
    </>
  );
}
