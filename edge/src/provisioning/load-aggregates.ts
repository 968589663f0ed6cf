import { isVmEvent, isVmRequestEvent } from "@gantry/shared/events/catalog";
import { type LoadedStream, readStream, readStreamsByVersion } from "../event-store/read-stream.ts";
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
  return foldVmRequest(streamId, await readStream(db, streamId));
}

function foldVmRequest(streamId: string, { version, events }: LoadedStream): LoadedVmRequest {
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
  return foldVm(streamId, await readStream(db, streamId));
}

function foldVm(streamId: string, { version, events }: LoadedStream): LoadedVm {
  let state = initialVmState;
  for (const { event, occurredAt } of events) {
    if (isVmEvent(event)) state = evolveVm(state, { event, occurredAt });
  }
  return { streamId, version, state, events };
}

/** A request and its VM, read in one D1 call: what every job update needs. */
export async function loadVmRequestAndVm(
  db: SqlDatabase,
  requestId: string,
  vmId: string,
): Promise<{ request: LoadedVmRequest; vm: LoadedVm }> {
  const requestStream = streamIds.vmRequest(requestId);
  const vmStream = streamIds.vm(vmId);
  const streams = await readStreamsByVersion(db, [requestStream, vmStream]);
  const empty: LoadedStream = { version: 0, events: [] };
  return {
    request: foldVmRequest(requestStream, streams.get(requestStream) ?? empty),
    vm: foldVm(vmStream, streams.get(vmStream) ?? empty),
  };
}
