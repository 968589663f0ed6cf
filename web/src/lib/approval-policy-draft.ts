import {
  APPROVAL_SUBJECTS,
  type ApprovalPolicy,
  ApprovalRule,
  type ApprovalSubject,
} from "@gantry/shared/domain/approval-policy";
import { formatSpan, parseSpan } from "./lease-view.ts";

/** One rule as the settings form holds it: every field a string (or a set), checked on save. */
export interface RuleDraft {
  id: string;
  maxCpu: string;
  maxMemoryGb: string;
  maxDiskGb: string;
  /** size codes, comma-separated; blank: any */
  sizes: string;
  subjects: ApprovalSubject[];
  outcome: "auto-approve" | "1" | "2";
  /** `3d`, `12h`, `90s`; blank: no deadline */
  deadline: string;
  deadlineReason: string;
}

export const emptyRule = (index: number): RuleDraft => ({
  id: `rule-${index + 1}`,
  maxCpu: "",
  maxMemoryGb: "",
  maxDiskGb: "",
  sizes: "",
  subjects: [...APPROVAL_SUBJECTS],
  outcome: "auto-approve",
  deadline: "",
  deadlineReason: "",
});

const text = (n: number | undefined) => (n === undefined ? "" : String(n));

export function toDrafts(policy: ApprovalPolicy | null): RuleDraft[] {
  return (policy?.rules ?? []).map((rule) => ({
    id: rule.id,
    maxCpu: text(rule.when.maxCpu),
    maxMemoryGb: text(rule.when.maxMemoryGb),
    maxDiskGb: text(rule.when.maxDiskGb),
    sizes: rule.when.sizes?.join(", ") ?? "",
    subjects: rule.when.subjects ?? [...APPROVAL_SUBJECTS],
    outcome: rule.outcome.kind === "auto-approve" ? "auto-approve" : rule.outcome.count === 1 ? "1" : "2",
    deadline: rule.pendingDeadline ? formatSpan(rule.pendingDeadline.afterSeconds) : "",
    deadlineReason: rule.pendingDeadline?.reason ?? "",
  }));
}

/** Errors keyed `<rule index>.<field>`, the form's field ids. */
export type DraftErrors = Record<string, string>;

const number = (value: string): number | undefined | null => {
  if (!value.trim()) return undefined;
  const n = Number(value.trim());
  return Number.isInteger(n) ? n : null;
};

/** The drafts as a policy the edge takes, or an error per field (checked with the edge's own schema). */
export function fromDrafts(
  drafts: readonly RuleDraft[],
): { ok: true; policy: ApprovalPolicy } | { ok: false; errors: DraftErrors } {
  const errors: DraftErrors = {};
  const rules: ApprovalRule[] = [];
  const seen = new Set<string>();
  drafts.forEach((d, i) => {
    const fail = (field: string, message: string) => {
      errors[`${i}.${field}`] ??= message;
    };
    const limits = {
      maxCpu: number(d.maxCpu),
      maxMemoryGb: number(d.maxMemoryGb),
      maxDiskGb: number(d.maxDiskGb),
    };
    for (const [field, value] of Object.entries(limits))
      if (value === null) fail(field, "a whole number, or blank");
    const sizes = d.sizes
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    // an automatic approval never waits: its (hidden) deadline fields are left out
    const deadlineText = d.outcome === "auto-approve" ? "" : d.deadline.trim();
    const deadline = deadlineText ? parseSpan(deadlineText) : null;
    if (deadlineText && deadline === null) fail("deadline", "a number with s, m, h or d, e.g. 3d");
    if (deadlineText && !d.deadlineReason.trim()) fail("deadlineReason", "say why it is rejected");
    if (d.subjects.length === 0) fail("subjects", "choose at least one kind");
    if (seen.has(d.id)) fail("id", "another rule has this id");
    seen.add(d.id);
    const candidate = {
      id: d.id.trim(),
      when: {
        ...Object.fromEntries(Object.entries(limits).filter(([, v]) => typeof v === "number")),
        ...(sizes.length > 0 ? { sizes } : {}),
        ...(d.subjects.length > 0 && d.subjects.length < APPROVAL_SUBJECTS.length
          ? { subjects: d.subjects }
          : {}),
      },
      outcome:
        d.outcome === "auto-approve"
          ? { kind: "auto-approve" }
          : { kind: "require-approvals", count: d.outcome === "1" ? 1 : 2 },
      pendingDeadline: deadline === null ? null : { afterSeconds: deadline, reason: d.deadlineReason.trim() },
    };
    const parsed = ApprovalRule.safeParse(candidate);
    if (!parsed.success)
      for (const issue of parsed.error.issues) {
        const path = issue.path.map(String);
        const field =
          path[0] === "when"
            ? (path[1] ?? "sizes")
            : path[0] === "pendingDeadline"
              ? path[1] === "reason"
                ? "deadlineReason"
                : "deadline"
              : (path[0] ?? "id");
        fail(field, issue.message);
      }
    else rules.push(parsed.data);
  });
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, policy: { rules } };
}
