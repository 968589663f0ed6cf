import type { ObjectUpdate } from "./methods/wait-for-updates-ex.ts";
import type { ObjectProps } from "./property-spec.ts";
import { type MoRef, refKey } from "./values.ts";
import { toValue, type XmlElement } from "./xml.ts";

/** The accumulated properties of a watch's objects, as the updates have reported them so far. */
export class WatchState {
  readonly #objects = new Map<string, Map<string, XmlElement>>();
  readonly #gone = new Set<string>();

  get(obj: MoRef, path: string): XmlElement | undefined {
    return this.#objects.get(refKey(obj))?.get(path);
  }

  value(obj: MoRef, path: string): unknown {
    const raw = this.get(obj, path);
    return raw === undefined ? undefined : toValue(raw);
  }

  /** The object was deleted (a `leave` update). */
  gone(obj: MoRef): boolean {
    return this.#gone.has(refKey(obj));
  }

  /** Takes objects read with RetrievePropertiesEx as their current state (an `enter` each). */
  applyRetrieved(objects: readonly ObjectProps[]): void {
    for (const o of objects) {
      this.apply({
        kind: "enter",
        obj: o.obj,
        changes: [...o.raw].map(([name, val]) => ({ name, op: "assign" as const, val })),
      });
    }
  }

  apply(update: ObjectUpdate): void {
    const key = refKey(update.obj);
    if (update.kind === "leave") {
      this.#gone.add(key);
      this.#objects.delete(key);
      return;
    }
    const props = this.#objects.get(key) ?? new Map<string, XmlElement>();
    this.#objects.set(key, props);
    for (const change of update.changes) {
      const removed = change.op === "remove" || change.op === "indirectRemove" || change.val === undefined;
      if (removed || change.val?.nil) props.delete(change.name);
      else props.set(change.name, change.val);
    }
  }
}
