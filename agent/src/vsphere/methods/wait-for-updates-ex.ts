import type { MoRef } from "../values.ts";
import { type InvokeOptions, returnval, type Vim } from "../vim.ts";
import { child, childrenNamed, type XmlElement } from "../xml.ts";
import { el } from "../xml-write.ts";

export interface PropertyChange {
  readonly name: string;
  readonly op: string;
  /** Absent when the property became unset (op `assign` without `val`, or `remove`). */
  readonly val: XmlElement | undefined;
}

export interface ObjectUpdate {
  readonly kind: "enter" | "modify" | "leave";
  readonly obj: MoRef;
  readonly changes: readonly PropertyChange[];
}

export interface FilterUpdate {
  readonly filter: MoRef;
  readonly objects: readonly ObjectUpdate[];
}

export interface UpdateSet {
  /** Opaque; vcsim always answers `-`. */
  readonly version: string;
  readonly filters: readonly FilterUpdate[];
  readonly truncated: boolean;
}

const asRef = (e: XmlElement | undefined): MoRef | undefined =>
  e?.type === undefined ? undefined : { type: e.type, value: e.text };

function parseObjectUpdate(o: XmlElement): ObjectUpdate | undefined {
  const obj = asRef(child(o, "obj"));
  const kind = child(o, "kind")?.text;
  if (obj === undefined || (kind !== "enter" && kind !== "modify" && kind !== "leave")) return undefined;
  const changes = childrenNamed(o, "changeSet").map((c) => ({
    name: child(c, "name")?.text ?? "",
    op: child(c, "op")?.text ?? "assign",
    val: child(c, "val"),
  }));
  return { kind, obj, changes };
}

/** Parse an UpdateSet element. */
export function parseUpdateSet(set: XmlElement): UpdateSet {
  const filters: FilterUpdate[] = [];
  for (const f of childrenNamed(set, "filterSet")) {
    const filter = asRef(child(f, "filter"));
    if (filter === undefined) continue;
    const objects = childrenNamed(f, "objectSet")
      .map(parseObjectUpdate)
      .filter((o): o is ObjectUpdate => o !== undefined);
    filters.push({ filter, objects });
  }
  return {
    version: child(set, "version")?.text ?? "",
    filters,
    truncated: child(set, "truncated")?.text === "true",
  };
}

/**
 * PropertyCollector.WaitForUpdatesEx: blocks up to `maxWaitSeconds` for changes after `version`
 * ("" = the full current state). Resolves to undefined when the wait timed out without changes.
 */
export async function waitForUpdatesEx(
  vim: Vim,
  collector: MoRef,
  wait: { version: string; maxWaitSeconds: number },
  options?: InvokeOptions,
): Promise<UpdateSet | undefined> {
  const res = await vim.invoke(
    "WaitForUpdatesEx",
    collector,
    [el("version", wait.version), el("options", [el("maxWaitSeconds", wait.maxWaitSeconds)])],
    options,
  );
  const set = returnval(res);
  return set === undefined ? undefined : parseUpdateSet(set);
}
