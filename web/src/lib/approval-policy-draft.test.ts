import { describe, expect, it } from "vitest";
import { emptyRule, fromDrafts, toDrafts } from "./approval-policy-draft.ts";

describe("approval policy drafts", () => {
  it("round-trip a policy through the form's fields", () => {
    const policy = {
      rules: [
        {
          id: "xl-two",
          when: { maxCpu: 16, sizes: ["XL"], subjects: ["new-vm" as const] },
          outcome: { kind: "require-approvals" as const, count: 2 as const },
          pendingDeadline: { afterSeconds: 259_200, reason: "waited three days" },
        },
      ],
    };
    const drafts = toDrafts(policy);
    expect(drafts[0]).toMatchObject({ maxCpu: "16", sizes: "XL", outcome: "2", deadline: "3d" });
    expect(fromDrafts(drafts)).toEqual({ ok: true, policy });
  });

  it("names the field of each mistake", () => {
    const rule = { ...emptyRule(0), id: "Bad Id", maxCpu: "two", deadline: "1h" };
    const second = { ...emptyRule(1), id: "r", outcome: "1" as const, deadline: "soon", subjects: [] };
    const checked = fromDrafts([rule, second]);
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    // rule 0 approves automatically: its deadline is not asked for, so not checked
    expect(Object.keys(checked.errors).sort(), JSON.stringify(checked.errors)).toEqual([
      "0.id",
      "0.maxCpu",
      "1.deadline",
      "1.deadlineReason",
      "1.subjects",
    ]);
  });
});
