import type { DomainEvent } from "@gantry/shared/events/catalog";
import { describe, expect, it } from "vitest";
import { decideSaga, evolveSaga, initialSagaState, type PlacementContext } from "./provisioning-saga.ts";

const requestId = "req-1";
const submitted: DomainEvent = {
  type: "VmRequestSubmitted",
  data: {
    requestId,
    requester: { id: "user-alice", name: "Alice", email: "alice@acme.test" },
    projectId: "proj-acme-web",
    name: "api-01",
    size: "L",
    spec: { cpu: 8, memoryGb: 16, diskGb: 200 },
    justification: "for the load tests",
    networkPath: null,
  },
};
const approved: DomainEvent = { type: "VmRequestApproved", data: { requestId, jobId: "job-req-1" } };
const placement: PlacementContext = {
  tenantId: "acme",
  tenant: { slug: "acme" },
  project: { slug: "web", vmPrefix: "web" },
  site: {
    id: "site-acme-vcsim",
    networkPath: "/DC0/network/DC0_DVPG0",
    placement: {
      datacenterPath: "/DC0",
      templatePath: "/DC0/vm/ubuntu-22.04-tmpl",
      folderPath: "/DC0/vm",
      poolPath: "/DC0/host/DC0_C0/Resources",
    },
  },
};
const stateAfter = (...events: DomainEvent[]) => events.reduce(evolveSaga, initialSagaState);

describe("provisioning saga", () => {
  it("dispatches one provision-vm job when a request is approved", () => {
    const result = decideSaga({ event: approved, state: stateAfter(submitted), placement });
    expect(result).toEqual({
      ok: true,
      value: [
        {
          type: "DispatchProvisioningJob",
          data: {
            tenantId: "acme",
            siteId: "site-acme-vcsim",
            job: {
              kind: "provision-vm",
              jobId: "job-req-1",
              requestId,
              tenantSlug: "acme",
              projectSlug: "web",
              vmName: "web-api-01",
              hostname: "api-01",
              cpu: 8,
              memoryMb: 16_384,
              diskGb: 200,
              networkPath: "/DC0/network/DC0_DVPG0",
              placement: placement.site.placement,
              annotation: "Gantry request req-1 by alice@acme.test (acme/web)",
            },
          },
        },
      ],
    });
  });

  it("puts the VM on the network the requester picked instead of the site's default", () => {
    const picked: DomainEvent = {
      ...submitted,
      data: { ...submitted.data, networkPath: "/DC0/network/VM Network" },
    } as DomainEvent;
    const result = decideSaga({ event: approved, state: stateAfter(picked), placement });
    expect(result.ok && result.value[0]).toMatchObject({
      data: { job: { networkPath: "/DC0/network/VM Network" } },
    });
  });

  it("dispatches nothing for an approval it has already seen", () => {
    expect(decideSaga({ event: approved, state: stateAfter(submitted, approved), placement })).toEqual({
      ok: true,
      value: [],
    });
  });

  it("refuses to dispatch to a site without placement", () => {
    const unconfigured = { ...placement, site: { ...placement.site, placement: null } };
    const result = decideSaga({ event: approved, state: stateAfter(submitted), placement: unconfigured });
    expect(result).toEqual({ ok: false, error: { code: "SITE_NOT_CONFIGURED", siteId: "site-acme-vcsim" } });
  });

  it("has nothing to say when the VM starts or fails: the request folds those itself", () => {
    const state = stateAfter(submitted, approved);
    const started = decideSaga({
      event: { type: "VmProvisioningStarted", data: { vmId: requestId, requestId, jobId: "job-req-1" } },
      state,
    });
    expect(started).toEqual({ ok: true, value: [] });
  });

  it("ignores events it has no reaction to", () => {
    expect(decideSaga({ event: submitted, state: initialSagaState })).toEqual({ ok: true, value: [] });
  });
});
