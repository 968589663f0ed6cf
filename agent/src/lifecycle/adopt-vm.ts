import type { VmActionResult, VmAdoptJob } from "@gantry/shared/jobs/vm-action-job";
import { MARKER_JOB_ID, MARKER_REQUEST_ID } from "../provisioning/vm-marker.ts";
import { reconfigVmTask } from "../vsphere/methods/reconfig-vm-task.ts";
import { waitForTask } from "../vsphere/task.ts";
import type { ActionRun } from "./action-run.ts";
import { ourVm } from "./action-run.ts";
import { ActionStop } from "./action-stop.ts";
import { readActionVm } from "./action-vm.ts";
import { resultNow } from "./power.ts";

/**
 * Adopts an unowned marker VM: its marker is rewritten from the value the scan saw (`job.marker`) to the
 * adopted VM's id (`job.requestId`) — only while it still holds the old value (re-read right before the
 * reconfigure; MARKER_MISMATCH otherwise, nothing changed). A re-run after the rewrite finds the new id and
 * is done, so a redelivered job never fails on its own success.
 */
export async function adoptVm(run: ActionRun<VmAdoptJob>): Promise<VmActionResult> {
  const { job } = run;
  const before = await readActionVm(run.vim, run.vm);
  if (before?.extraConfig.get(MARKER_REQUEST_ID) === job.requestId) return resultNow(run);
  await ourVm(run); // the old marker, or MARKER_MISMATCH
  run.reach("REWRITING_MARKER");
  run.ctx.assertLease();
  const task = await reconfigVmTask(run.vim, run.vm, {
    extraConfig: { [MARKER_REQUEST_ID]: job.requestId, [MARKER_JOB_ID]: job.jobId },
  });
  await waitForTask(run.client.waiter, task, { signal: run.signal, counter: run.counter });
  const after = await readActionVm(run.vim, run.vm);
  if (after?.extraConfig.get(MARKER_REQUEST_ID) !== job.requestId)
    throw new ActionStop({
      code: "MARKER_MISMATCH",
      userMessage: "",
      detail: `${run.vm.value} carries ${MARKER_REQUEST_ID}=${after?.extraConfig.get(MARKER_REQUEST_ID) ?? "(none)"} after the rewrite, not ${job.requestId}`,
    });
  return resultNow(run);
}
