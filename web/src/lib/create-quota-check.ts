import type { VmSpec } from "@gantry/shared/domain/vm-size";
import { type Accessor, createMemo, createResource } from "solid-js";
import { getQuotaLeft } from "./quota-queries.ts";
import { leftSummary, sizeRefusal } from "./quota-view.ts";

/**
 * What is left in the chosen project (and its tenant), read again when the project changes, and
 * whether the chosen size fits: the form refuses an over-quota size at the field with the words the
 * edge would use. The edge checks again on submit (and on approval, atomically).
 */
export function createQuotaCheck(sources: {
  projectId: Accessor<string>;
  spec: Accessor<VmSpec | undefined>;
}) {
  // a resource, not createAsync: a failed read (say, an archived project) only leaves the note out
  const [left] = createResource(
    () => sources.projectId() || null,
    (projectId) => getQuotaLeft(projectId).catch(() => null),
  );
  return {
    /** "Left in Data: 12 vCPU, …", or null when nothing limits the project */
    summary: createMemo(() => {
      const l = left.latest;
      return l ? leftSummary(l) : null;
    }),
    /** why the chosen size cannot be requested, or null */
    refusal: createMemo(() => {
      const l = left.latest;
      const spec = sources.spec();
      return l && spec ? sizeRefusal(l, spec) : null;
    }),
  };
}
