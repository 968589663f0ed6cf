import { isVmEvent, isVmRequestEvent } from "@gantry/shared/events/catalog";
import { type LoadedStream, readStream, readStreamsByVersion } from "../event-store/read-stream.ts";
import { type SqlDatabase, streamIds } from "../event-store/stored-event.ts";
import { vmIdFor } from "../provisioning/ids.ts";
import {
  evolveSaga,
  initialSagaState,
  type ProvisioningSagaState,
} from "../provisioning/provisioning-saga.ts";
import { evolveVm, initialVmState, type VmState } from "../provisioning/vm.ts";
import {
  evolveVmRequest,
  initialVmRequestState,
  type VmRequestState,
  withVmEvents,
} from "../provisioning/vm-request.ts";

export interface LoadedVmRequest {
  streamId: string;
  version: number;
  state: VmRequestState;
  saga: ProvisioningSagaState;
  /** from the first event's metadata; null when the request does not exist */
  tenantId: string | null;
  /** every event id in the stream: an admin's repeated approval recognises its own first one */
  eventIds: string[];
}

/** A request as its commands decide on it: its own stream, and its VM's (whose start and outcome move it on). */
export async function loadVmRequest(db: SqlDatabase, requestId: string): Promise<LoadedVmRequest> {
  return (await loadVmRequestAndVm(db, requestId, vmIdFor(requestId))).request;
}

function foldVmRequest(
  streamId: string,
  { version, events }: LoadedStream,
  vmStream: LoadedStream,
): LoadedVmRequest {
  let state = initialVmRequestState;
  let saga = initialSagaState;
  for (const { event } of events) {
    if (isVmRequestEvent(event)) state = evolveVmRequest(state, event);
    saga = evolveSaga(saga, event);
  }
  // after the request's own events: the VM's stream begins only once the request is approved
  state = withVmEvents(
    state,
    vmStream.events.map((e) => e.event),
  );
  return {
    streamId,
    version,
    state,
    saga,
    tenantId: events[0]?.metadata.tenantId ?? null,
    eventIds: events.map((e) => e.eventId),
  };
}

export interface LoadedVm {
  streamId: string;
  version: number;
  state: VmState;
  /** every event id in the stream: job updates use them to recognise a frame already recorded */
  eventIds: string[];
}

export async function loadVm(db: SqlDatabase, vmId: string): Promise<LoadedVm> {
  const streamId = streamIds.vm(vmId);
  return foldVm(streamId, await readStream(db, streamId));
}

function foldVm(streamId: string, { version, events }: LoadedStream): LoadedVm {
  let state = initialVmState;
  for (const { event, occurredAt, metadata } of events) {
    if (isVmEvent(event)) state = evolveVm(state, { event, occurredAt, metadata });
  }
  return { streamId, version, state, eventIds: events.map((e) => e.eventId) };
}

/** A request and its VM as of one read or commit: what every job update decides on. */
export interface LoadedJobStreams {
  request: LoadedVmRequest;
  vm: LoadedVm;
}

/** A request and its VM, read in one D1 call. */
export async function loadVmRequestAndVm(
  db: SqlDatabase,
  requestId: string,
  vmId: string,
): Promise<LoadedJobStreams> {
  const requestStream = streamIds.vmRequest(requestId);
  const vmStream = streamIds.vm(vmId);
  const streams = await readStreamsByVersion(db, [requestStream, vmStream]);
  const empty: LoadedStream = { version: 0, events: [] };
  const vmEvents = streams.get(vmStream) ?? empty;
  return {
    request: foldVmRequest(requestStream, streams.get(requestStream) ?? empty, vmEvents),
    vm: foldVm(vmStream, vmEvents),
  };
}
