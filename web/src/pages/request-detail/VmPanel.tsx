import { VmDetails } from "../../components/VmDetails.tsx";
import type { VmView } from "../../lib/request-live-view.ts";

/** The VM card. Live status (read through the agent) joins once the edge offers it. */
export function VmPanel(props: { requestId: string; ready: boolean; failed: boolean; vm: VmView | null }) {
  return (
    <VmDetails
      ready={props.ready && props.vm !== null}
      failed={props.failed}
      ipAddress={props.vm?.ipAddress ?? null}
      hostname={props.vm?.hostname ?? null}
      vmName={props.vm?.vmName ?? null}
      warning={props.vm?.warning ?? null}
      live={undefined}
      liveError={null}
      refreshing={false}
      onRefresh={() => undefined}
    />
  );
}
