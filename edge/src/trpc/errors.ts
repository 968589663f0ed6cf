import type { DomainError } from "@gantry/shared/domain/domain-error";
import { shortfallText } from "@gantry/shared/domain/quota";
import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { ZodRealError } from "zod";
import { logEvent } from "../log.ts";
import { vmRefusalMessage } from "../provisioning/vm-refusals.ts";

const ALREADY_PROCESSED = "already processed or modified by another admin";

// the one table from domain error codes to tRPC codes; exhaustive, so a new code will not compile unmapped
const CODES: Readonly<Record<DomainError["code"], TRPC_ERROR_CODE_KEY>> = {
  REQUEST_NOT_FOUND: "NOT_FOUND",
  PROJECT_NOT_FOUND: "NOT_FOUND",
  SITE_NOT_CONFIGURED: "PRECONDITION_FAILED",
  INVALID_JOB: "PRECONDITION_FAILED",
  REQUEST_ALREADY_EXISTS: "CONFLICT",
  IDEMPOTENCY_KEY_REUSED: "CONFLICT",
  REQUEST_ALREADY_PROCESSED: "CONFLICT",
  STALE_REQUEST_VERSION: "CONFLICT",
  REQUEST_NOT_CANCELLABLE: "PRECONDITION_FAILED",
  SELF_APPROVAL_FORBIDDEN: "FORBIDDEN",
  APPROVAL_ALREADY_GIVEN: "CONFLICT",
  NOT_PROJECT_APPROVER: "FORBIDDEN",
  PROJECT_ARCHIVED: "PRECONDITION_FAILED",
  SIZE_NOT_OFFERED: "BAD_REQUEST",
  NOT_REQUESTER: "FORBIDDEN",
  INVALID_TRANSITION: "PRECONDITION_FAILED",
  CONCURRENT_MODIFICATION: "CONFLICT",
  JOB_MISMATCH: "CONFLICT",
  STALE_LEASE: "CONFLICT",
  NO_LEFTOVER: "PRECONDITION_FAILED",
  REQUEST_NOT_STOPPABLE: "PRECONDITION_FAILED",
  VM_NOT_FOUND: "NOT_FOUND",
  VM_BUSY: "CONFLICT",
  ACTION_NOT_APPLICABLE: "PRECONDITION_FAILED",
  CONFIRMATION_MISMATCH: "BAD_REQUEST",
  DISK_SHRINK_REFUSED: "PRECONDITION_FAILED",
  SNAPSHOT_CAP_REACHED: "PRECONDITION_FAILED",
  SNAPSHOT_NOT_FOUND: "NOT_FOUND",
  RESIZE_PENDING: "CONFLICT",
  APPROVAL_NOT_FOUND: "NOT_FOUND",
  NO_AGENT_CAN_RUN: "PRECONDITION_FAILED",
  VM_NAME_TAKEN: "CONFLICT",
  LEASE_REFUSED: "PRECONDITION_FAILED",
  QUOTA_EXCEEDED: "CONFLICT",
};

function messageFor(error: DomainError): string {
  switch (error.code) {
    case "REQUEST_NOT_FOUND":
      return "request not found";
    case "PROJECT_NOT_FOUND":
      return "project not found";
    case "SITE_NOT_CONFIGURED":
      return "the project's site has no placement yet; an admin must configure it first";
    case "INVALID_JOB":
      return `this request cannot be sent to its site's agent: ${error.field} ${error.problem}; an admin must fix the project or site settings first`;
    case "REQUEST_ALREADY_EXISTS":
      return "request already exists";
    case "IDEMPOTENCY_KEY_REUSED":
      return "this idempotency key was already used for a different request";
    case "REQUEST_ALREADY_PROCESSED":
    case "STALE_REQUEST_VERSION":
      return ALREADY_PROCESSED;
    case "REQUEST_NOT_CANCELLABLE":
      return `only pending requests can be cancelled; this one is ${error.status}`;
    case "SELF_APPROVAL_FORBIDDEN":
      return "you cannot approve or reject your own request";
    case "APPROVAL_ALREADY_GIVEN":
      return "you have approved this request already; it needs another approver";
    case "NOT_PROJECT_APPROVER":
      return "only a tenant admin or an approver of this request's project can decide it";
    case "PROJECT_ARCHIVED":
      return "this project is archived and takes no new request";
    case "SIZE_NOT_OFFERED":
      return "is not a size your tenant offers (it may have been retired); pick another";
    case "NOT_REQUESTER":
      return "only the requester can cancel a request";
    case "INVALID_TRANSITION":
      return `cannot ${error.attempted} from ${error.from}`;
    case "CONCURRENT_MODIFICATION":
      return "the request changed while saving; try again";
    case "JOB_MISMATCH":
      return "the job does not belong to this request";
    case "STALE_LEASE":
      return "the job has been handed to another agent since this update was sent";
    case "REQUEST_NOT_STOPPABLE":
      return `only approved or provisioning requests can be stopped; this one is ${error.status}`;
    case "NO_LEFTOVER":
      return "this request's provisioning left no VM behind in vCenter";
    case "VM_NOT_FOUND":
    case "VM_BUSY":
    case "ACTION_NOT_APPLICABLE":
    case "CONFIRMATION_MISMATCH":
    case "DISK_SHRINK_REFUSED":
    case "SNAPSHOT_CAP_REACHED":
    case "SNAPSHOT_NOT_FOUND":
    case "RESIZE_PENDING":
    case "APPROVAL_NOT_FOUND":
    case "NO_AGENT_CAN_RUN":
      return vmRefusalMessage(error);
    case "VM_NAME_TAKEN":
      return "is already used by a live request in this project; choose another name";
    case "LEASE_REFUSED":
      return error.why;
    case "QUOTA_EXCEEDED":
      return shortfallText({ kind: error.scope, name: error.scopeName }, error.shortfall, error.what);
  }
}

// domain refusals about one input field: clients show them under that field, like a schema failure
function fieldOf(error: DomainError): { path: string; input: unknown } | null {
  if (error.code === "VM_NAME_TAKEN") return { path: "name", input: error.name };
  if (error.code === "QUOTA_EXCEEDED" && error.field) return { path: error.field, input: null };
  if (error.code === "SIZE_NOT_OFFERED") return { path: "size", input: error.size };
  return null;
}

/**
 * A refusal of one input field, shaped like a schema failure (`data.fields` names it), so clients show
 * it under that field. The cause is a ZodRealError, not a ZodError: zod 4's ZodError is no Error, so
 * tRPC would wrap it and the error formatter would lose the field.
 */
export function fieldError(
  code: TRPC_ERROR_CODE_KEY,
  field: { path: string; message: string; input: unknown },
): TRPCError {
  return new TRPCError({
    code,
    message: `${field.path} ${field.message}`,
    cause: new ZodRealError([
      { code: "custom", path: [field.path], message: field.message, input: field.input },
    ]),
  });
}

/** Maps an expected domain failure to the error tRPC clients understand (R7: once, at the edge). */
export function toTRPCError(error: DomainError): TRPCError {
  const field = fieldOf(error);
  if (field) return fieldError(CODES[error.code], { ...field, message: messageFor(error) });
  return new TRPCError({ code: CODES[error.code], message: messageFor(error), cause: error });
}

/** Unwraps a use-case result or throws its mapped tRPC error. */
export function unwrap<T>(result: { ok: true; value: T } | { ok: false; error: DomainError }): T {
  if (!result.ok) throw toTRPCError(result.error);
  return result.value;
}

/** tRPC's onError hook: unexpected failures are logged with their stack, which clients never see. */
export function logUnexpectedError(opts: { error: TRPCError; path?: string | undefined }): void {
  if (opts.error.code !== "INTERNAL_SERVER_ERROR") return;
  const cause = opts.error.cause;
  logEvent("error", "procedure failed", {
    path: opts.path,
    error: String(cause ?? opts.error),
    stack: cause instanceof Error ? cause.stack : undefined,
  });
}

/** One person holds too many live streams: close a tab (or wait for stale ones to drop) and retry. */
export const tooManyStreams = (): TRPCError =>
  new TRPCError({
    code: "TOO_MANY_REQUESTS",
    message: "too many live updates open for you at once; close some tabs and try again",
  });
