import { A, createAsync, useAction } from "@solidjs/router";
import { For, Show } from "solid-js";
import { EmptyState } from "../components/EmptyState.tsx";
import { PageHeader } from "../components/PageHeader.tsx";
import { createFailure } from "../lib/create-failure.ts";
import { createNow } from "../lib/create-now.ts";
import { formatRelative } from "../lib/format.ts";
import { getInbox, markAllReadAction, markReadAction } from "../lib/notification-queries.ts";

/**
 * The signed-in person's notifications, newest first: each links to its request or VM; unread ones are
 * marked, one at a time or all at once. New ones arrive pushed (the feed's `inbox` frame), never polled.
 */
export default function InboxPage() {
  const inbox = createAsync(() => getInbox());
  const now = createNow(60_000);
  const markRead = useAction(markReadAction);
  const markAll = useAction(markAllReadAction);
  const failure = createFailure();

  const run = failure.attempt;

  return (
    <>
      <PageHeader title="Inbox">
        <div class="page-header__actions">
          <A href="/notifications/preferences" class="button button--small">
            Preferences
          </A>
          <button
            type="button"
            class="button button--small"
            disabled={(inbox()?.unread ?? 0) === 0}
            onClick={() => void run(() => markAll())}
          >
            Mark all read
          </button>
        </div>
      </PageHeader>
      <Show when={failure.message()}>
        {(message) => (
          <p class="notice notice--danger" role="alert">
            {message()}
          </p>
        )}
      </Show>
      <Show when={inbox()}>
        {(data) => (
          <Show when={data().items.length > 0} fallback={<EmptyState title="No notifications yet" />}>
            <p class="muted" data-testid="inbox-unread">
              {data().unread === 0 ? "All read" : `${data().unread} unread`}
            </p>
            <ul class="inbox-list">
              <For each={data().items}>
                {(item) => (
                  <li
                    class="card inbox-item"
                    classList={{ "inbox-item--unread": item.readAt === null }}
                    data-kind={item.kind}
                  >
                    <div class="inbox-item__text">
                      <h2 class="inbox-item__title">
                        <Show when={item.readAt === null}>
                          <span class="visually-hidden">Unread: </span>
                        </Show>
                        <Show when={item.link} fallback={item.title}>
                          {(link) => <A href={link()}>{item.title}</A>}
                        </Show>
                      </h2>
                      <p>{item.body}</p>
                      <p class="muted tabular">{formatRelative(item.createdAt, now())}</p>
                    </div>
                    <Show when={item.readAt === null}>
                      <button
                        type="button"
                        class="button button--small"
                        aria-label={`Mark read: ${item.title}`}
                        onClick={() => void run(() => markRead([item.id]))}
                      >
                        Mark read
                      </button>
                    </Show>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        )}
      </Show>
    </>
  );
}
