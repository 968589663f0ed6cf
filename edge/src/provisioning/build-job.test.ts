import { ProvisionVmJob } from "@gantry/shared/jobs/provision-vm-job";
import { describe, expect, it } from "vitest";
import { buildProvisionVmJob, type JobSource } from "./build-job.ts";

const source = (overrides: Partial<JobSource> = {}): JobSource => ({
  requestId: "req_0123456789abcdef0123456789abcdef",
  name: "api-01",
  spec: { cpu: 2, memoryGb: 4, diskGb: 50 },
  networkPath: null,
  requester: { id: "user-1", name: "Alice", email: "alice@acme.test" },
  tenant: { slug: "acme" },
  project: { slug: "web", vmPrefix: "web" },
  site: {
    id: "site-1",
    networkPath: "/DC0/network/DC0_DVPG0",
    placement: {
      datacenterPath: "/DC0",
      templatePath: "/DC0/vm/ubuntu",
      folderPath: "/DC0/vm",
      poolPath: "/DC0/host/DC0_C0",
    },
  },
  ...overrides,
});

describe("buildProvisionVmJob", () => {
  it("builds a job the hub and the agent accept", () => {
    const job = buildProvisionVmJob(source());
    expect(job.ok && ProvisionVmJob.safeParse(job.value).success).toBe(true);
  });

  it("shortens a very long e-mail claim in the annotation instead of building an invalid job", () => {
    const email = `${"x".repeat(980)}@acme.test`;
    const job = buildProvisionVmJob(source({ requester: { id: "user-1", name: "X", email } }));
    if (!job.ok) throw new Error(JSON.stringify(job.error));
    expect(ProvisionVmJob.safeParse(job.value).success).toBe(true);
    expect(job.value.annotation.length).toBeLessThanOrEqual(1000);
    expect(job.value.annotation).toMatch(
      /^Gantry request req_0123456789abcdef0123456789abcdef by x+… \(acme\/web\)$/,
    );
  });

  it("refuses a tenant slug the job schema does not allow, naming the field", () => {
    expect(buildProvisionVmJob(source({ tenant: { slug: "acme_corp" } }))).toEqual({
      ok: false,
      error: {
        code: "INVALID_JOB",
        requestId: "req_0123456789abcdef0123456789abcdef",
        field: "tenantSlug",
        problem: expect.stringContaining("lowercase letters, digits and hyphens"),
      },
    });
  });

  it("refuses a project slug and a placement path the job schema does not allow", () => {
    const project = buildProvisionVmJob(source({ project: { slug: "Web App", vmPrefix: "web" } }));
    expect(project).toMatchObject({ ok: false, error: { code: "INVALID_JOB", field: "projectSlug" } });
    const placement = buildProvisionVmJob(
      source({
        site: {
          id: "site-1",
          networkPath: "/DC0/network/DC0_DVPG0",
          placement: {
            datacenterPath: "/DC0",
            templatePath: "/DC0/vm/ubuntu",
            folderPath: "/DC0/vm",
            poolPath: `/DC0/${"p".repeat(600)}`,
          },
        },
      }),
    );
    expect(placement).toMatchObject({
      ok: false,
      error: { code: "INVALID_JOB", field: "placement.poolPath" },
    });
  });
});
