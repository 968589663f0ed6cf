import { SCAN_PAGE_SIZE, scanMarkedVms } from "@gantry/agent/reconcile/marker-scan";
import { reportScan } from "@gantry/agent/reconcile/scan-reporter";
import type { VsphereClient } from "@gantry/agent/vsphere/client";
import { createContainerView } from "@gantry/agent/vsphere/methods/create-container-view";
import { retrievePropertiesEx } from "@gantry/agent/vsphere/methods/retrieve-properties-ex";
import { RoundTripCounter } from "@gantry/agent/vsphere/round-trips";
import { AgentToEdge } from "@gantry/shared/protocol/agent";
import { utf8Length } from "@gantry/shared/protocol/utf8";
import { MAX_AGENT_FRAME_BYTES, PROTOCOL_VERSION } from "@gantry/shared/protocol/version";
import { ScannedVm } from "@gantry/shared/protocol/vm-scan";
import type { VcsimHandle } from "@gantry/vcsim/handle";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientFor, memoryLogger, startTestVcsim } from "./fixture.ts";

// A few hundred VMs (the launcher's -scale vms), a hundred of them created with our marker behind
// Gantry's back (gantry.requestId=unowned-NNNN, as a failed cleanup or a restored backup leaves them)
const VMS = 300;
const MARKERS = 100;

describe("reconciliation scan against vcsim", () => {
  let vcsim: VcsimHandle;
  let client: VsphereClient;
  const marked = new Map<string, string>();
  let allVms = 0;

  beforeAll(async () => {
    vcsim = await startTestVcsim({ scale: { vms: VMS, markers: MARKERS } });
    client = clientFor(vcsim);
    const content = await client.connect();
    const vim = client.scope();
    const view = await createContainerView(vim, {
      container: content.rootFolder,
      types: ["VirtualMachine"],
      recursive: true,
    });
    const vms = await retrievePropertiesEx(vim, [
      {
        propSet: [{ type: "VirtualMachine", paths: ["name"] }],
        objectSet: [
          { obj: view, skip: true, selectSet: [{ type: "ContainerView", path: "view", skip: false }] },
        ],
      },
    ]);
    allVms = vms.length;
    for (const vm of vms) {
      const name = vm.text("name") ?? "";
      const n = /^vm-(\d{4})$/.exec(name)?.[1];
      if (n !== undefined && Number(n) < MARKERS) marked.set(vm.obj.value, `unowned-${n}`);
    }
  }, 240_000);
  afterAll(async () => {
    await client?.close();
    await vcsim?.stop();
  });

  it("finds exactly the VMs with our marker, with their facts, in one view and one paged retrieval", async () => {
    expect(allVms).toBeGreaterThan(VMS);
    expect(marked.size).toBe(MARKERS);
    const counter = new RoundTripCounter();
    const found = await scanMarkedVms(client, { counter }, 100);
    expect(new Map(found.map((vm) => [vm.vmwareId, vm.markerRequestId]))).toEqual(marked);
    for (const vm of found) expect(ScannedVm.safeParse(vm).success).toBe(true);
    const sample = found[0];
    expect(sample?.facts.cpu).toBeGreaterThan(0);
    expect(sample?.facts.memoryMb).toBeGreaterThan(0);
    expect(sample?.instanceUuid).toMatch(/^[0-9a-f-]{36}$/);
    // paged as vCenter pages (our launcher cuts the answer into pages of maxObjects: VCSIM would not):
    // the view, the first page, one continuation per further page, DestroyView
    const continuations = Math.ceil(allVms / 100) - 1;
    expect(continuations).toBeGreaterThanOrEqual(3);
    expect(counter.snapshot().byMethod).toEqual({
      CreateContainerView: 1,
      RetrievePropertiesEx: 1,
      ContinueRetrievePropertiesEx: continuations,
      DestroyView: 1,
    });
    expect(counter.total).toBe(3 + continuations);
  });

  it("sends the scan in parts of at most 60 KiB under one scan id, then a summary with the cost", async () => {
    const frames: string[] = [];
    const summary = await reportScan(
      {
        scan: (counter) => scanMarkedVms(client, { counter }),
        send: (body) => {
          frames.push(JSON.stringify({ v: PROTOCOL_VERSION, id: `f${frames.length}`, ...body }));
          return `f${frames.length}`;
        },
        log: memoryLogger().log,
      },
      "scan-1",
    );
    // ~100 marker VMs fit one part; shared/src/protocol/vm-scan.test.ts splits thousands into several
    expect(summary).toMatchObject({ scanId: "scan-1", vmCount: marked.size, parts: frames.length });
    // the agent's page size (250 VMs): a few hundred VMs cost one continuation
    expect(summary.roundTrips).toBe(3 + Math.ceil(allVms / SCAN_PAGE_SIZE) - 1);
    const ids = new Set<string>();
    for (const raw of frames) {
      expect(utf8Length(raw)).toBeLessThanOrEqual(60 * 1024);
      const frame = AgentToEdge.parse(JSON.parse(raw));
      if (frame.type !== "scan.part") throw new Error(`unexpected ${frame.type}`);
      expect(frame.scanId).toBe("scan-1");
      expect(frame.total).toBe(frames.length);
      for (const vm of frame.part.vms) ids.add(vm.vmwareId);
    }
    expect(ids).toEqual(new Set(marked.keys()));
    expect(MAX_AGENT_FRAME_BYTES).toBeGreaterThan(60 * 1024);
  });
});
