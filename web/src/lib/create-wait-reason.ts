import type { RequestDetail, RequestWait } from "@gantry/shared/api/requests";
import { type Accessor, createEffect, createSignal, on, onCleanup } from "solid-js";
import { trpc } from "./trpc.ts";

/**
 * Why an approved request's job has not started, or why a provisioning one is being stopped
 * (`requests.waiting`), asked again whenever the
 * request's detail is reloaded — the change feed reloads it on every pushed change and on reconnect.
 * A plain signal rather than a router query: the stepper's status line must never suspend (no layout
 * shift), and a failed ask just leaves the generic line.
 */
export function createWaitReason(detail: Accessor<RequestDetail>): Accessor<RequestWait | null> {
  const [reason, setReason] = createSignal<RequestWait | null>(null);
  createEffect(
    on(detail, (current) => {
      const { requestId, status } = current.request;
      if (status !== "APPROVED" && status !== "PROVISIONING") {
        setReason(null);
        return;
      }
      let alive = true;
      onCleanup(() => {
        alive = false;
      });
      trpc.requests.waiting.query({ requestId }).then(
        (wait) => {
          if (alive) setReason(wait);
        },
        () => {},
      );
    }),
  );
  return reason;
}
