import { isVmEvent, isVmRequestEvent } from "@gantry/shared/events/catalog";
import { readStream } from "../event-store/read-stream.ts";
import { type SqlDatabase, type StoredEvent, streamIds } from "../event-store/stored-event.ts";
import { evolveSaga, initialSagaState, type ProvisioningSagaState } from "./provisioning-saga.ts";
import { evolveVm, initialVmState, type VmState } from "./vm.ts";
import { evolveVmRequest, initialVmRequestState, type VmRequestState } from "./vm-request.ts";

export interface LoadedVmRequest {
  streamId: string;
  version: number;
  state: VmRequestState;
  saga: ProvisioningSagaState;
  /** from the first event's metadata; null when the request does not exist */
  tenantId: string | null;
  events: StoredEvent[];
}

export async function loadVmRequest(db: SqlDatabase, requestId: string): Promise<LoadedVmRequest> {
  const streamId = streamIds.vmRequest(requestId);
  const { version, events } = await readStream(db, streamId);
  let state = initialVmRequestState;
  let saga = initialSagaState;
  for (const { event } of events) {
    if (isVmRequestEvent(event)) state = evolveVmRequest(state, event);
    saga = evolveSaga(saga, event);
  }
  return { streamId, version, state, saga, tenantId: events[0]?.metadata.tenantId ?? null, events };
}

export interface LoadedVm {
  streamId: string;
  version: number;
  state: VmState;
  events: StoredEvent[];
}

export async function loadVm(db: SqlDatabase, vmId: string): Promise<LoadedVm> {
  const streamId = streamIds.vm(vmId);
  const { version, events } = await readStream(db, streamId);
  let state = initialVmState;
  for (const { event, occurredAt } of events) {
    if (isVmEvent(event)) state = evolveVm(state, { event, occurredAt });
  }
  return { streamId, version, state, events };
}
