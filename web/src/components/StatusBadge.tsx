import type { VmRequestStatus } from "@gantry/shared/domain/request-status";
import { statusLabel, statusTone } from "../lib/request-status.ts";

export function StatusBadge(props: { status: VmRequestStatus }) {
  return <span class={`badge badge--${statusTone(props.status)}`}>{statusLabel(props.status)}</span>;
}
