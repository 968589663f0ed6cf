import { For, Match, Show, Switch } from "solid-js";
import { formatClock } from "../lib/format.ts";
import type { FailureView } from "../lib/request-live-view.ts";
import type { Step } from "../lib/stepper.ts";
import { FailureNotice } from "./FailureNotice.tsx";

function StepIcon(props: { step: Step; index: number }) {
  return (
    <span class="step__icon" aria-hidden="true">
      <Switch fallback={props.index + 1}>
        <Match when={props.step.state === "done"}>✓</Match>
        <Match when={props.step.state === "failed"}>✕</Match>
        <Match when={props.step.state === "current"}>{""}</Match>
      </Switch>
    </span>
  );
}

const STATE_TEXT: Record<Step["state"], string> = {
  done: "done",
  current: "in progress",
  failed: "failed",
  pending: "not started",
};

function StepRow(props: { step: Step; index: number }) {
  return (
    <li
      class={`step step--${props.step.state}`}
      aria-current={props.step.state === "current" ? "step" : undefined}
      data-step={props.step.key}
      data-state={props.step.state}
    >
      <StepIcon step={props.step} index={props.index} />
      <span class="step__label">
        {props.step.label}
        <span class="visually-hidden">, {STATE_TEXT[props.step.state]}</span>
        <span class="step__detail">
          <Switch>
            <Match when={props.step.percent !== null && props.step.state === "current"}>
              <span class="tabular">{props.step.percent}% copied</span>
              <span
                class="progress-bar"
                role="progressbar"
                aria-label={`${props.step.label} progress`}
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow={props.step.percent ?? 0}
              >
                <span class="progress-bar__fill" style={{ width: `${props.step.percent ?? 0}%` }} />
              </span>
            </Match>
            <Match when={props.step.state === "current" && props.step.at}>
              {(at) => <span class="tabular">Started {formatClock(at())}</span>}
            </Match>
            <Match when={props.step.state === "failed"}>Stopped here</Match>
          </Switch>
        </span>
      </span>
      <span class="step__time tabular">
        <Show when={props.step.state === "done" && props.step.at}>
          {(at) => <time dateTime={at()}>{formatClock(at())}</time>}
        </Show>
      </span>
    </li>
  );
}

/**
 * Created → Cloning → Configuring → Powering on → Waiting for network → Ready.
 * Every row and the status line keep a fixed height so frames never move the page.
 */
export function ProgressStepper(props: {
  steps: readonly Step[];
  announcement: string;
  /** the line under the steps: ETA, or what the request is waiting for */
  status: string | null;
  tooLong: boolean;
  /** replaces the status line once the run has failed */
  failure: FailureView | null;
  showTechnicalDetail: boolean;
  /** the request to fill the form in from after a failure; null unless the viewer asked for it */
  requestAgain: string | null;
}) {
  return (
    <div class="stepper-frame">
      <ol class="stepper" aria-label="Provisioning steps">
        <For each={props.steps}>{(step, i) => <StepRow step={step} index={i()} />}</For>
      </ol>
      <p class="visually-hidden" role="status" aria-live="polite">
        {props.announcement}
      </p>
      <div class="stepper-status">
        <Switch>
          <Match when={props.failure}>
            {(failure) => (
              <FailureNotice
                requestAgain={props.requestAgain}
                message={failure().message}
                retriable={failure().retriable}
                cleanupFailed={failure().cleanupFailed}
                technicalDetail={props.showTechnicalDetail ? failure().technicalDetail : null}
              />
            )}
          </Match>
          <Match when={props.tooLong}>
            <p class="notice notice--warning" data-testid="too-long">
              This is taking longer than usual. Gantry is still working on it; there is nothing you need to
              do.
            </p>
          </Match>
          <Match when={props.status}>
            {(status) => (
              <p class="muted tabular" data-testid="stepper-status">
                {status()}
              </p>
            )}
          </Match>
        </Switch>
      </div>
    </div>
  );
}
