import type { VmDetail } from "@gantry/shared/api/vms";
import { A, createAsync, useParams } from "@solidjs/router";
import { ErrorBoundary, Match, Show, Switch } from "solid-js";
import { ErrorNotice } from "../components/ErrorNotice.tsx";
import { PageHeader } from "../components/PageHeader.tsx";
import { isNotFound } from "../lib/api-errors.ts";
import { createNow } from "../lib/create-now.ts";
import { getVm } from "../lib/queries.ts";
import { isActionable, latestDriftOf, VM_STATUS_LABELS } from "../lib/vm-view.ts";
import { ActionFeedback } from "./vm-detail/ActionFeedback.tsx";
import { DeleteVm } from "./vm-detail/DeleteVm.tsx";
import { Lease } from "./vm-detail/Lease.tsx";
import { PowerActions } from "./vm-detail/PowerActions.tsx";
import { Resize } from "./vm-detail/Resize.tsx";
import { Snapshots } from "./vm-detail/Snapshots.tsx";
import { VmFacts } from "./vm-detail/VmFacts.tsx";
import { VmHistory } from "./vm-detail/VmHistory.tsx";

function VmNotFound() {
  return (
    <section class="card" data-testid="not-found">
      <PageHeader title="VM not found" />
      <p>There is no VM at this address that you can see. It may belong to another team.</p>
      <A href="/vms" class="button">
        Back to my VMs
      </A>
    </section>
  );
}

/** Where the VM stands when it is not simply READY: drift seen in vCenter, gone, deleted. */
function StateNotices(props: { detail: VmDetail }) {
  const drift = () => latestDriftOf(props.detail.timeline);
  return (
    <Switch>
      <Match when={props.detail.vm.status === "DELETED"}>
        <p class="notice notice--info" data-testid="vm-state-notice">
          This VM was deleted. Its history stays below.
        </p>
      </Match>
      <Match when={props.detail.vm.status === "GONE"}>
        <p class="notice notice--danger" data-testid="vm-state-notice">
          This VM was deleted outside Gantry: vCenter no longer has it. Delete it here to clear it from the
          list.
        </p>
      </Match>
      <Match when={props.detail.vm.driftedAt !== null && drift()}>
        {(entry) => (
          <p class="notice notice--warning" data-testid="vm-drift">
            Changed outside Gantry: {entry().detail}
          </p>
        )}
      </Match>
    </Switch>
  );
}

function VmView(props: { detail: VmDetail }) {
  const now = createNow(60_000);
  const vm = () => props.detail.vm;
  const status = () => VM_STATUS_LABELS[vm().status];
  return (
    <>
      <PageHeader
        title={vm().name}
        heading={
          <>
            <span class="mono">{vm().name}</span>{" "}
            <span class={`badge badge--${status().tone}`} data-testid="vm-status">
              {status().label}
            </span>
          </>
        }
      >
        <A href="/vms" class="button">
          All VMs
        </A>
      </PageHeader>
      <StateNotices detail={props.detail} />
      <ActionFeedback detail={props.detail} />
      <div class="two-columns">
        <div>
          <VmFacts vm={vm()} now={now()} />
          <Show when={vm().status === "READY"}>
            <Lease detail={props.detail} />
          </Show>
          <Show when={isActionable(vm())}>
            <PowerActions detail={props.detail} />
            <Resize detail={props.detail} />
            <Snapshots detail={props.detail} />
          </Show>
          <Show when={vm().status !== "DELETED"}>
            <DeleteVm detail={props.detail} />
          </Show>
        </div>
        <div>
          <VmHistory entries={props.detail.timeline} />
        </div>
      </div>
    </>
  );
}

/** One VM: facts, what runs on it now, its actions and its history. Live through the app-wide feed. */
export default function VmDetailPage() {
  const params = useParams();
  const detail = createAsync(() => getVm(params.id ?? ""));
  return (
    <ErrorBoundary
      fallback={(error, reset) => (
        <Switch fallback={<ErrorNotice error={error} onRetry={reset} title="This VM could not be loaded" />}>
          <Match when={isNotFound(error)}>
            <VmNotFound />
          </Match>
        </Switch>
      )}
    >
      <Show when={detail()}>{(d) => <VmView detail={d()} />}</Show>
    </ErrorBoundary>
  );
}
