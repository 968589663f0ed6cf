import type { VmRequestStatus } from "@gantry/shared/domain/request-status";

export type Tone = "info" | "success" | "warning" | "danger" | "neutral";

const PRESENTATION: Readonly<Record<VmRequestStatus, { label: string; tone: Tone }>> = {
  PENDING: { label: "Waiting for approval", tone: "warning" },
  APPROVED: { label: "Approved", tone: "info" },
  PROVISIONING: { label: "Provisioning", tone: "info" },
  READY: { label: "Ready", tone: "success" },
  REJECTED: { label: "Rejected", tone: "danger" },
  FAILED: { label: "Failed", tone: "danger" },
  CANCELLED: { label: "Cancelled", tone: "neutral" },
};

export const statusLabel = (status: VmRequestStatus): string => PRESENTATION[status].label;
export const statusTone = (status: VmRequestStatus): Tone => PRESENTATION[status].tone;
