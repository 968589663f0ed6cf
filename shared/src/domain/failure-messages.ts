import type { ProvisioningFailureCode } from "../jobs/provision-vm-job.ts";

// one plain sentence per failure code, for when the agent sent no message of its own
const MESSAGES: Readonly<Record<ProvisioningFailureCode, string>> = {
  INSUFFICIENT_RESOURCES:
    "The cluster has no room for this VM right now. Try a smaller size or ask your admin.",
  NO_PERMISSION: "Gantry is not allowed to create VMs at this site. Your admin has been told.",
  INVALID_LOGIN: "Gantry could not sign in to vCenter. Your admin has been told.",
  TEMPLATE_NOT_FOUND: "The VM template for this project is missing. Your admin has been told.",
  PLACEMENT_NOT_FOUND: "The folder, pool or datastore for this project is missing. Your admin has been told.",
  PLACEMENT_NOT_ALLOWED: "This project's placement is not allowed at the site. Your admin has been told.",
  NAME_CONFLICT: "A VM with this name already exists. Submit a new request with another name.",
  INVALID_SPEC: "vCenter rejected the VM's configuration. Your admin has been told.",
  VCENTER_UNREACHABLE: "vCenter could not be reached. Provisioning can be retried once it is back.",
  VCENTER_BUSY: "vCenter was too busy to finish the job. Provisioning can be retried later.",
  TASK_FAILED: "vCenter could not finish creating the VM. Your admin has been told.",
  CANCELLED: "Provisioning was stopped before it finished.",
  UNDELIVERABLE: "The request could not be handed to the site's agents. Your admin has been told.",
  TIMED_OUT: "Provisioning took longer than this site allows and was stopped. Your admin has been told.",
  LEASE_LOST: "The agent lost contact while provisioning. Your admin has been told.",
  UNKNOWN: "Something unexpected went wrong while creating the VM. Your admin has been told.",
};

/** A sentence a requester can read, for a failure code the agent reported. */
export const userMessageFor = (code: ProvisioningFailureCode): string => MESSAGES[code];

/** What the requester reads about a failure: the agent's own sentence, else the code's. */
export const userMessageOf = (failure: { code: ProvisioningFailureCode; userMessage: string }): string =>
  failure.userMessage.trim() || userMessageFor(failure.code);
