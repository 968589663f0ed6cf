import type { ObjectProps } from "./property-spec.ts";
import { type MoRef, refKey } from "./values.ts";

/**
 * Inventory paths (`/DC0/vm/folder/name`) from each entity's `name` and `parent`, the form
 * FindByInventoryPath accepts. Names come escaped from vCenter (`/` as `%2f`), so joining is safe.
 */
export class InventoryPaths {
  readonly #byKey = new Map<string, { name: string; parent: MoRef | undefined }>();
  readonly #root: MoRef;
  readonly #memo = new Map<string, string | undefined>();

  constructor(root: MoRef, objects: readonly ObjectProps[]) {
    this.#root = root;
    for (const o of objects) {
      const parent = o.raw.get("parent");
      this.#byKey.set(refKey(o.obj), {
        name: o.text("name") ?? "",
        parent: parent?.type === undefined ? undefined : { type: parent.type, value: parent.text },
      });
    }
  }

  parent(ref: MoRef): MoRef | undefined {
    return this.#byKey.get(refKey(ref))?.parent;
  }

  /** The path of `ref`, or undefined when its chain does not reach the root (e.g. VMs in vApps). */
  pathOf(ref: MoRef): string | undefined {
    const key = refKey(ref);
    if (this.#memo.has(key)) return this.#memo.get(key);
    const names: string[] = [];
    let current: MoRef | undefined = ref;
    for (let depth = 0; current !== undefined && depth < 64; depth += 1) {
      if (current.value === this.#root.value && current.type === this.#root.type) {
        const path = `/${names.reverse().join("/")}`;
        this.#memo.set(key, path);
        return path;
      }
      const entry = this.#byKey.get(refKey(current));
      if (entry === undefined) break;
      names.push(entry.name);
      current = entry.parent;
    }
    this.#memo.set(key, undefined);
    return undefined;
  }
}
