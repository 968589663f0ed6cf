import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { ProvisioningFailure } from "@gantry/shared/jobs/provision-vm-job";
import { err, ok } from "@gantry/shared/result";
import { z } from "zod";
import { LeaseLostError } from "./jobs/lease-lost-error.ts";
import type { VcenterPort } from "./vcenter-port.ts";

/**
 * TEST-ONLY stand-in for vCenter, selected by `GANTRY_AGENT_FAKE_VCENTER_DIR` (never by the config
 * file). Its effects are files, so process-level tests can count them: a clone creates
 * `<dir>/vms/<vmName>.json` and appends one `clone` line to `<dir>/effects.log`; a re-run adopts the
 * existing file like the real handler adopts a VM carrying its marker. `GANTRY_AGENT_FAKE_STEP_MS`
 * sets the pause after each stage.
 */
const FakeVm = z.object({ vmwareId: z.string(), jobId: z.string() });

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

const cancelled = (attempts: number): ProvisioningFailure => ({
  code: "CANCELLED",
  userMessage: "The request was cancelled.",
  technicalDetail: "fake vCenter run aborted",
  retriable: false,
  attempts,
  cleanupFailed: false,
});

export function createFakeVcenter(options: { dir: string; stepMs: number }): VcenterPort {
  const vmDir = path.join(options.dir, "vms");
  mkdirSync(vmDir, { recursive: true });
  const effects = path.join(options.dir, "effects.log");
  return {
    provision: async (job, ctx) => {
      const file = path.join(vmDir, `${job.vmName}.json`);
      try {
        ctx.reportStage("CLONING");
        if (!existsSync(file)) {
          ctx.assertLease();
          writeFileSync(file, JSON.stringify({ vmwareId: `vm-${job.jobId}`, jobId: job.jobId }), {
            flag: "wx",
          });
          appendFileSync(effects, `clone ${job.vmName} pid=${process.pid} attempt=${ctx.attempt}\n`);
        }
        const vm = FakeVm.parse(JSON.parse(readFileSync(file, "utf8")));
        for (const stage of ["CONFIGURING", "POWERING_ON", "WAITING_FOR_NETWORK"] as const) {
          ctx.reportPercent(stage === "CONFIGURING" ? "CLONING" : stage, 50);
          await sleep(options.stepMs, ctx.signal);
          ctx.assertLease();
          ctx.reportStage(stage);
        }
        await sleep(options.stepMs, ctx.signal);
        ctx.reportStage("READY");
        return ok({
          vmwareId: vm.vmwareId,
          vmName: job.vmName,
          hostname: job.hostname,
          ipAddress: "10.0.0.7",
        });
      } catch (error) {
        if (error instanceof LeaseLostError) throw error;
        if (ctx.signal.aborted) return err(cancelled(ctx.attempt));
        throw error;
      }
    },
    testConnection: async (o = {}) => ({
      checks: [
        { name: "reachable", ok: true, detail: "fake vCenter (test only)" },
        { name: "login", ok: true, detail: "fake vCenter accepts any login" },
        ...(o.templatePath ? [{ name: "template", ok: true, detail: `${o.templatePath} (fake)` }] : []),
      ],
    }),
    vmStatus: async (vmwareId) => {
      const known = readdirSync(vmDir).some(
        (f) =>
          FakeVm.safeParse(JSON.parse(readFileSync(path.join(vmDir, f), "utf8"))).data?.vmwareId === vmwareId,
      );
      if (!known) return err({ code: "NOT_FOUND", message: `no VM ${vmwareId}` });
      return ok({
        vmwareId,
        powerState: "poweredOn",
        toolsRunning: true,
        ipAddress: "10.0.0.7",
        hostname: null,
        checkedAt: new Date().toISOString(),
      });
    },
    inventory: async () => ({
      collectedAt: new Date().toISOString(),
      vcenter: { apiVersion: "8.0.2", fullName: "Gantry fake vCenter (test only)" },
      datacenters: [{ path: "/DC0", name: "DC0" }],
      templates: [
        { path: "/DC0/vm/templates/ubuntu-22.04", name: "ubuntu-22.04", cpu: 2, memoryMb: 2048, diskGb: 20 },
      ],
      networks: [{ path: "/DC0/network/VM Network", name: "VM Network", kind: "standard" }],
      folders: [{ path: "/DC0/vm/gantry", name: "gantry" }],
      datastores: [{ path: "/DC0/datastore/LocalDS_0", name: "LocalDS_0", capacityGb: 100, freeGb: 80 }],
      pools: [{ path: "/DC0/host/DC0_C0", name: "DC0_C0", kind: "cluster" }],
    }),
    close: async () => {},
  };
}
