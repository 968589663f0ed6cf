import type { AddSizeInput, EditSizeInput } from "@gantry/shared/api/sizes";
import { err, ok, type Result } from "@gantry/shared/result";
import type { z } from "zod";
import type { Principal } from "../auth/principal.ts";
import { EventStoreUnavailableError } from "../event-store/event-store-errors.ts";
import { streamIds } from "../event-store/stored-event.ts";
import { usageOfSize } from "../projections/size-usage.ts";
import { getSize, insertSize, retireSize, updateSize } from "../tenancy/vm-sizes.ts";
import type { CommandDeps } from "./command-deps.ts";
import { personActor, recordTenancyEvent } from "./record-tenancy-event.ts";
import { fieldRefusal, type SettingsError } from "./settings-error.ts";

// The tenant's size catalogue (issue 17): admins add sizes, change one no request used yet, and retire
// one (never delete it: requests and VMs name it). Each change a `Size*` event on `sizes:<tenantId>`.

type NewSize = z.output<typeof AddSizeInput>;
type ChangedSize = z.output<typeof EditSizeInput>;

const TAKEN = "is already a size of this tenant (retired sizes keep their code)";

export async function addSize(
  deps: CommandDeps,
  input: { principal: Principal; size: NewSize },
): Promise<Result<{ code: string }, SettingsError>> {
  const { principal } = input;
  const { code, label, ...spec } = input.size;
  const tenantId = principal.tenantId;
  if (await getSize(deps.db, { tenantId, code })) return err(fieldRefusal("code", TAKEN, code));
  try {
    const recorded = await recordTenancyEvent(deps, {
      tenantId,
      streamId: streamIds.sizes(tenantId),
      event: { type: "SizeAdded", data: { code, label, spec } },
      actor: personActor(principal),
      sideEffects: [insertSize(deps.db, { tenantId, code, label, spec, now: deps.clock().toISOString() })],
    });
    return recorded.ok ? ok({ code }) : err({ code: "CONCURRENT_MODIFICATION" });
  } catch (error) {
    // another admin added the same code a moment before: the primary key refused this batch
    if (error instanceof EventStoreUnavailableError && (await getSize(deps.db, { tenantId, code })))
      return err(fieldRefusal("code", TAKEN, code));
    throw error;
  }
}

/** New label or resources for a size no request has named: a used one's values are history. */
export async function editSize(
  deps: CommandDeps,
  input: { principal: Principal; size: ChangedSize },
): Promise<Result<{ code: string }, SettingsError>> {
  const { principal } = input;
  const { code, label, ...spec } = input.size;
  const tenantId = principal.tenantId;
  const current = await getSize(deps.db, { tenantId, code });
  if (!current) return err({ code: "NOT_FOUND", what: "size" });
  if (current.retiredAt !== null)
    return err({ code: "IN_USE", message: "this size is retired; it can no longer be changed" });
  const requests = await usageOfSize(deps.db, { tenantId, code });
  if (requests > 0)
    return err({
      code: "IN_USE",
      message: `cannot change: ${requests} request(s) use this size and their history shows it; retire it and add a new size instead`,
    });
  const recorded = await recordTenancyEvent(deps, {
    tenantId,
    streamId: streamIds.sizes(tenantId),
    event: { type: "SizeChanged", data: { code, label, spec } },
    actor: personActor(principal),
    sideEffects: [updateSize(deps.db, { tenantId, code, label, spec })],
  });
  return recorded.ok ? ok({ code }) : err({ code: "CONCURRENT_MODIFICATION" });
}

/** Retires a size: the form and the resize picker no longer offer it; requests and VMs keep naming it. */
export async function retireSizeSettings(
  deps: CommandDeps,
  input: { principal: Principal; code: string },
): Promise<Result<{ code: string }, SettingsError>> {
  const { principal, code } = input;
  const tenantId = principal.tenantId;
  const current = await getSize(deps.db, { tenantId, code });
  if (!current) return err({ code: "NOT_FOUND", what: "size" });
  if (current.retiredAt !== null) return ok({ code });
  const recorded = await recordTenancyEvent(deps, {
    tenantId,
    streamId: streamIds.sizes(tenantId),
    event: { type: "SizeRetired", data: { code } },
    actor: personActor(principal),
    sideEffects: [retireSize(deps.db, { tenantId, code, at: deps.clock().toISOString() })],
  });
  return recorded.ok ? ok({ code }) : err({ code: "CONCURRENT_MODIFICATION" });
}
