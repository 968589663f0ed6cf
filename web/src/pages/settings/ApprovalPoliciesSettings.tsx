import type { ApprovalPreview } from "@gantry/shared/api/approval-policies";
import { APPROVAL_SUBJECTS, type ApprovalSubject } from "@gantry/shared/domain/approval-policy";
import { createAsync, useAction } from "@solidjs/router";
import { createEffect, createSignal, For, Index, on, Show } from "solid-js";
import { FieldError } from "../../components/FieldError.tsx";
import { asSentence, plainMessage } from "../../lib/api-errors.ts";
import {
  type DraftErrors,
  emptyRule,
  fromDrafts,
  type RuleDraft,
  toDrafts,
} from "../../lib/approval-policy-draft.ts";
import {
  getApprovalPolicies,
  getSizes,
  previewApproval,
  setApprovalPolicyAction,
} from "../../lib/queries.ts";
import { toast } from "../../lib/toasts.ts";

const SUBJECT_LABELS: Readonly<Record<ApprovalSubject, string>> = {
  "new-vm": "New VM",
  resize: "Resize",
  "lease-extension": "Lease extension",
};

const LIMITS = [
  ["maxCpu", "vCPU at most"],
  ["maxMemoryGb", "Memory (GB) at most"],
  ["maxDiskGb", "Disk (GB) at most"],
] as const;

/** One rule's fields; every error sits under its field. */
function RuleFields(props: {
  index: number;
  rule: RuleDraft;
  errors: DraftErrors;
  onChange: (rule: RuleDraft) => void;
  onRemove: () => void;
}) {
  const id = (field: string) => `rule-${props.index}-${field}`;
  const error = (field: string) => props.errors[`${props.index}.${field}`];
  const set = (patch: Partial<RuleDraft>) => props.onChange({ ...props.rule, ...patch });
  const input = (
    field: "id" | "maxCpu" | "maxMemoryGb" | "maxDiskGb" | "sizes" | "deadline" | "deadlineReason",
    label: string,
  ) => (
    <div class="field">
      <label for={id(field)}>{label}</label>
      <input
        id={id(field)}
        class="input"
        value={props.rule[field]}
        onInput={(e) => set({ [field]: e.currentTarget.value })}
        aria-invalid={error(field) ? "true" : "false"}
        aria-describedby={`${id(field)}-error`}
      />
      <FieldError id={`${id(field)}-error`} message={error(field)} />
    </div>
  );
  return (
    <fieldset class="card" data-testid={`rule-${props.index}`}>
      <legend>Rule {props.index + 1}</legend>
      {input("id", "Rule id")}
      <For each={LIMITS}>{([field, label]) => input(field, label)}</For>
      {input("sizes", "Only these sizes (comma-separated, blank: any)")}
      <fieldset class="field">
        <legend>Applies to</legend>
        <For each={APPROVAL_SUBJECTS}>
          {(subject) => (
            <label>
              <input
                type="checkbox"
                checked={props.rule.subjects.includes(subject)}
                onChange={(e) =>
                  set({
                    subjects: e.currentTarget.checked
                      ? [...props.rule.subjects, subject]
                      : props.rule.subjects.filter((s) => s !== subject),
                  })
                }
              />{" "}
              {SUBJECT_LABELS[subject]}
            </label>
          )}
        </For>
        <FieldError id={`${id("subjects")}-error`} message={error("subjects")} />
      </fieldset>
      <div class="field">
        <label for={id("outcome")}>Outcome</label>
        <select
          id={id("outcome")}
          class="input"
          value={props.rule.outcome}
          onChange={(e) => set({ outcome: e.currentTarget.value as RuleDraft["outcome"] })}
        >
          <option value="auto-approve">Approve automatically</option>
          <option value="1">Needs 1 approval</option>
          <option value="2">Needs 2 approvals</option>
        </select>
      </div>
      <Show when={props.rule.outcome !== "auto-approve"}>
        {input("deadline", "Reject when pending longer than (e.g. 3d, 12h, 90s; blank: never)")}
        {input("deadlineReason", "Reason given on that rejection")}
      </Show>
      <button type="button" class="button" onClick={() => props.onRemove()}>
        Remove rule {props.index + 1}
      </button>
    </fieldset>
  );
}

/**
 * Approval policies (issue 18): a project's ordered rules (or the tenant's default), first match wins,
 * with a preview of what a request of a given size would get under the rules as edited.
 */
export default function ApprovalPoliciesSettings() {
  const policies = createAsync(() => getApprovalPolicies());
  const sizes = createAsync(() => getSizes());
  const save = useAction(setApprovalPolicyAction);
  // "" is the tenant's default
  const [projectId, setProjectId] = createSignal("");
  const [drafts, setDrafts] = createSignal<RuleDraft[]>([]);
  const [errors, setErrors] = createSignal<DraftErrors>({});
  const [formError, setFormError] = createSignal<string | null>(null);
  const [previewSize, setPreviewSize] = createSignal("M");
  const [previewSubject, setPreviewSubject] = createSignal<ApprovalSubject>("new-vm");
  const [preview, setPreview] = createSignal<ApprovalPreview | null>(null);

  const current = () => {
    const all = policies();
    if (!all) return null;
    if (projectId() === "") return all.tenantDefault;
    const project = all.projects.find((p) => p.projectId === projectId());
    return project?.source === "project" ? project.policy : null;
  };
  createEffect(on([policies, projectId], () => setDrafts(toDrafts(current()))));

  const update = (index: number, rule: RuleDraft) =>
    setDrafts(drafts().map((d, i) => (i === index ? rule : d)));

  const onSave = async (event: SubmitEvent) => {
    event.preventDefault();
    setFormError(null);
    const checked = fromDrafts(drafts());
    if (!checked.ok) {
      setErrors(checked.errors);
      const [first] = Object.keys(checked.errors);
      if (first) document.getElementById(`rule-${first.replace(".", "-")}`)?.focus();
      return;
    }
    setErrors({});
    try {
      await save({ projectId: projectId() || null, policy: checked.policy });
      toast("Approval policy saved. Requests submitted from now on follow it.");
    } catch (e) {
      setFormError(asSentence(plainMessage(e)));
    }
  };

  const onPreview = async () => {
    setPreview(null);
    const checked = fromDrafts(drafts());
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    const size = sizes()?.find((s) => s.size === previewSize());
    if (!size) return;
    try {
      setPreview(
        await previewApproval({
          policy: checked.policy,
          subject: previewSubject(),
          size: size.size,
          spec: { cpu: size.cpu, memoryGb: size.memoryGb, diskGb: size.diskGb },
        }),
      );
    } catch (e) {
      setFormError(asSentence(plainMessage(e)));
    }
  };

  return (
    <section aria-labelledby="approval-policies-title">
      <h2 id="approval-policies-title">Approval policies</h2>
      <p>
        The first rule a request matches decides: approve it automatically, or ask for one or two approvals
        (by different people; nobody approves their own), rejecting it if it waits too long. A request no rule
        matches needs one approval.
      </p>
      <div class="field">
        <label for="policy-project">Policy of</label>
        <select
          id="policy-project"
          class="input"
          value={projectId()}
          onChange={(e) => setProjectId(e.currentTarget.value)}
        >
          <option value="">The tenant's default</option>
          <For each={policies()?.projects ?? []}>
            {(p) => <option value={p.projectId}>{p.projectName}</option>}
          </For>
        </select>
      </div>
      <form onSubmit={(e) => void onSave(e)} noValidate>
        <Index each={drafts()}>
          {(rule, index) => (
            <RuleFields
              index={index}
              rule={rule()}
              errors={errors()}
              onChange={(r) => update(index, r)}
              onRemove={() => setDrafts(drafts().filter((_, i) => i !== index))}
            />
          )}
        </Index>
        <div class="form-actions">
          <button
            type="button"
            class="button"
            onClick={() => setDrafts([...drafts(), emptyRule(drafts().length)])}
          >
            Add rule
          </button>
          <button type="submit" class="button button--primary">
            Save policy
          </button>
        </div>
        <div role="alert">
          <Show when={formError()}>{(message) => <p class="notice notice--danger">{message()}</p>}</Show>
        </div>
      </form>
      <section class="card" aria-labelledby="preview-title">
        <h3 id="preview-title">Preview</h3>
        <div class="field">
          <label for="preview-size">A request of size</label>
          <select
            id="preview-size"
            class="input"
            value={previewSize()}
            onChange={(e) => setPreviewSize(e.currentTarget.value)}
          >
            <For each={sizes() ?? []}>
              {(s) => (
                <option value={s.size}>
                  {s.size}: {s.cpu} vCPU, {s.memoryGb} GB, {s.diskGb} GB disk
                </option>
              )}
            </For>
          </select>
        </div>
        <div class="field">
          <label for="preview-subject">for</label>
          <select
            id="preview-subject"
            class="input"
            value={previewSubject()}
            onChange={(e) => setPreviewSubject(e.currentTarget.value as ApprovalSubject)}
          >
            <For each={APPROVAL_SUBJECTS}>{(s) => <option value={s}>{SUBJECT_LABELS[s]}</option>}</For>
          </select>
        </div>
        <button type="button" class="button" onClick={() => void onPreview()}>
          Preview
        </button>
        <p aria-live="polite" data-testid="approval-preview">
          {(() => {
            const p = preview();
            if (!p) return "";
            return p.approvalsRequired === 0
              ? `This request would be ${p.explanation}.`
              : `This request ${p.explanation}.`;
          })()}
        </p>
      </section>
    </section>
  );
}
