import type { RequestDetail } from "@gantry/shared/api/requests";
import { createAsync, revalidate } from "@solidjs/router";
import { createSignal, Suspense } from "solid-js";
import { VmDetails } from "../../components/VmDetails.tsx";
import { getRequest, getVmStatus } from "../../lib/queries.ts";
import type { VmView } from "../../lib/request-live-view.ts";
import { vmAccess } from "../../lib/vm-access.ts";

/**
 * The VM card with its live status, read through the agent once ready and on "Refresh status". The
 * address shown is the live one when the agent answered (the edge records it if it was new), else the
 * one on record.
 */
export function VmPanel(props: {
  requestId: string;
  ready: boolean;
  failed: boolean;
  vm: VmView | null;
  access: RequestDetail["access"];
}) {
  const [liveError, setLiveError] = createSignal<unknown>(null);
  const [refreshing, setRefreshing] = createSignal(false);
  const live = createAsync(async () => {
    if (!props.ready) return undefined;
    try {
      const status = await getVmStatus(props.requestId);
      setLiveError(null);
      // an address the record did not have yet is recorded by the edge: reload the history to show it
      if (status.ipAddress !== null && status.ipAddress !== props.vm?.ipAddress)
        void revalidate(getRequest.keyFor(props.requestId));
      return status;
    } catch (error) {
      // the agent may be offline: say so beside the status instead of failing the page
      setLiveError(error);
      return undefined;
    }
  });
  const refresh = async () => {
    setRefreshing(true);
    try {
      await revalidate(getVmStatus.keyFor(props.requestId));
    } finally {
      setRefreshing(false);
    }
  };
  const card = (checking: boolean) => (
    <VmDetails
      ready={props.ready && props.vm !== null}
      failed={props.failed}
      ipAddress={(checking ? undefined : live()?.ipAddress) ?? props.vm?.ipAddress ?? null}
      hostname={props.vm?.hostname ?? null}
      vmName={props.vm?.vmName ?? null}
      access={props.vm ? vmAccess(props.vm, props.access) : { fqdn: null, login: null }}
      warning={props.vm?.warning ?? null}
      expiresAt={props.vm?.expiresAt ?? null}
      live={checking ? undefined : live()}
      liveError={checking ? null : liveError()}
      refreshing={checking || refreshing()}
      onRefresh={() => void refresh()}
    />
  );
  // the first read goes through the agent and may take a moment: show the card meanwhile, not a spinner page
  return <Suspense fallback={card(true)}>{card(false)}</Suspense>;
}
