import type { VmDetail } from "@gantry/shared/api/vms";
import { createEffect, createMemo, Match, on, Show, Switch } from "solid-js";
import { formatClock } from "../../lib/format.ts";
import { toast } from "../../lib/toasts.ts";
import { lastOutcomeOf, runningActionText } from "../../lib/vm-view.ts";

/**
 * What is happening to the VM, the same on every open page (the change feed refetches `vms.get`): the
 * running action's step (a fallback called out), else the last action's outcome with the plain reason
 * of a failure. One polite live region, always in place, so screen readers hear each change and the
 * page below never moves when it appears. An action that succeeds while the page is open is also
 * confirmed with a toast ("Power off: done."); a failure stays here, where it happened.
 */
export function ActionFeedback(props: { detail: VmDetail }) {
  const running = () => props.detail.vm.action;
  const outcome = createMemo(() => lastOutcomeOf(props.detail.timeline));
  createEffect(
    on(
      () => outcome()?.at,
      (at, before) => {
        const last = outcome();
        if (at !== before && last && !last.failed) toast(`${props.detail.vm.name} — ${last.title}.`);
      },
      { defer: true },
    ),
  );
  return (
    <div class="vm-feedback" role="status" aria-live="polite" data-testid="vm-action-status">
      <Switch>
        <Match when={running()}>
          {(action) => {
            const line = () => runningActionText(action());
            return (
              <p
                class={`notice ${line().fallingBack ? "notice--warning" : "notice--info"}`}
                data-state="running"
                data-step={action().step ?? "QUEUED"}
              >
                {line().text}
              </p>
            );
          }}
        </Match>
        <Match when={outcome()}>
          {(last) => (
            <p
              class={`notice ${last().failed ? "notice--danger" : "notice--success"}`}
              data-state={last().failed ? "failed" : "done"}
            >
              {last().title}
              <Show when={last().detail}>{(detail) => <> — {detail()}</>}</Show>{" "}
              <span class="muted tabular">({formatClock(last().at)})</span>
            </p>
          )}
        </Match>
      </Switch>
    </div>
  );
}
