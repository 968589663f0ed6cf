import type { z } from "zod";
import {
  INVENTORY_KINDS,
  InventoryHeader,
  type InventoryKind,
  InventoryLists,
  InventoryReport,
} from "../jobs/inventory.ts";
import { err, ok, type Result } from "../result.ts";
import { utf8Length } from "./utf8.ts";
import { MAX_AGENT_FRAME_BYTES } from "./version.ts";

/**
 * A vCenter inventory travels in parts (protocol 2), each well inside the hub's 64 KiB frame limit,
 * so a vCenter of any size reaches the edge without one frame — or one JSON parse on the hub's single
 * thread — growing with it. The hub keeps a report's parts apart and replaces the site's report only
 * once every part of it arrived (see edge/src/agent-hub/inventory-cache.ts).
 */

/** Room left in a frame for the part's content: the envelope and report id take the rest. */
export const INVENTORY_PART_BYTES = MAX_AGENT_FRAME_BYTES - 4096;
/** The most parts one report may have: every list at its limit, items of the largest size, fits. */
export const MAX_INVENTORY_PARTS = 1024;

/** One part: the header (first part only) and a slice of some of the kinds' lists, in order. */
export const InventoryPart = InventoryHeader.partial().extend(InventoryLists.partial().shape);
export type InventoryPart = z.infer<typeof InventoryPart>;

/**
 * Splits a report into parts of at most `maxBytes` (UTF-8, as JSON), keeping every list's order: the
 * first part carries the header, each further item goes into the current part while it fits.
 */
export function splitInventory(report: InventoryReport, maxBytes = INVENTORY_PART_BYTES): InventoryPart[] {
  const parts: InventoryPart[] = [];
  let part: InventoryPart = { collectedAt: report.collectedAt, vcenter: report.vcenter };
  let bytes = utf8Length(JSON.stringify(part));
  for (const kind of INVENTORY_KINDS) {
    for (const item of report[kind] as readonly unknown[]) {
      const size = utf8Length(JSON.stringify(item)) + 1;
      const opening = part[kind] === undefined ? utf8Length(JSON.stringify(kind)) + 4 : 0;
      if (bytes + opening + size > maxBytes && bytes > 2) {
        parts.push(part);
        part = {};
        bytes = 2;
      }
      const list = (part[kind] ?? []) as unknown[];
      if (list.length === 0) bytes += utf8Length(JSON.stringify(kind)) + 4;
      list.push(item);
      (part as Record<InventoryKind, unknown[]>)[kind] = list;
      bytes += size;
    }
  }
  parts.push(part);
  return parts;
}

/** Joins a report's parts (in index order) back into the report, checked against its schema. */
export function assembleInventory(parts: readonly InventoryPart[]): Result<InventoryReport, string> {
  const [first] = parts;
  if (!first) return err("no parts");
  const lists = Object.fromEntries(
    INVENTORY_KINDS.map((kind) => [kind, parts.flatMap((p) => (p[kind] ?? []) as unknown[])]),
  );
  const report = InventoryReport.safeParse({
    collectedAt: first.collectedAt,
    vcenter: first.vcenter,
    ...lists,
  });
  if (report.success) return ok(report.data);
  const issue = report.error.issues[0];
  return err(`${issue?.path.join(".") || "(report)"}: ${issue?.message ?? "invalid"}`.slice(0, 300));
}
