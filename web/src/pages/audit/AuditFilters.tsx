import { AUDIT_ACTIONS, type AuditFilter } from "@gantry/shared/api/audit";
import { createSignal, For } from "solid-js";
import { fromLocalInput, toLocalInput } from "../../lib/audit-params.ts";

const KINDS = [
  ["user", "A person, signed in"],
  ["token", "A person's API token"],
  ["agent", "An agent"],
  ["system", "Gantry itself"],
  ["policy", "An approval policy"],
] as const;

/** "REQUEST_SUBMITTED" → "Request submitted" */
export const actionLabel = (action: string): string =>
  action.charAt(0) + action.slice(1).toLowerCase().replaceAll("_", " ");

/** One filter's select: "any" first, then each choice as [value, label]. */
function SelectField(props: {
  id: string;
  label: string;
  any: string;
  value: string;
  options: readonly (readonly [string, string])[];
  onChange: (value: string) => void;
}) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <select id={props.id} class="select" onChange={(e) => props.onChange(e.currentTarget.value)}>
        <option value="" selected={props.value === ""}>
          {props.any}
        </option>
        <For each={props.options}>
          {([value, label]) => (
            <option value={value} selected={props.value === value}>
              {label}
            </option>
          )}
        </For>
      </select>
    </div>
  );
}

/** The audit page's filters: applied together with one button, so each change is one navigation. */
export function AuditFilters(props: {
  filter: AuditFilter;
  projects: readonly { projectId: string; name: string }[];
  onApply: (filter: AuditFilter) => void;
}) {
  const [actorId, setActorId] = createSignal(props.filter.actorId ?? "");
  const [actorKind, setActorKind] = createSignal(props.filter.actorKind ?? "");
  const [action, setAction] = createSignal(props.filter.action ?? "");
  const [projectId, setProjectId] = createSignal(props.filter.projectId ?? "");
  const [from, setFrom] = createSignal(toLocalInput(props.filter.from));
  const [to, setTo] = createSignal(toLocalInput(props.filter.to));

  const apply = (event: SubmitEvent) => {
    event.preventDefault();
    const next: AuditFilter = {};
    if (actorId().trim()) next.actorId = actorId().trim();
    if (actorKind()) next.actorKind = actorKind() as AuditFilter["actorKind"];
    if (action()) next.action = action() as AuditFilter["action"];
    if (projectId()) next.projectId = projectId();
    const start = fromLocalInput(from());
    const end = fromLocalInput(to());
    if (start) next.from = start;
    if (end) next.to = end;
    props.onApply(next);
  };

  return (
    <form class="toolbar" aria-label="Filter the audit log" onSubmit={apply}>
      <div class="field">
        <label for="audit-actor">Actor id</label>
        <input
          id="audit-actor"
          class="input"
          value={actorId()}
          onInput={(e) => setActorId(e.currentTarget.value)}
          autocomplete="off"
        />
      </div>
      <SelectField
        id="audit-actor-kind"
        label="Actor kind"
        any="Anyone"
        value={actorKind()}
        options={KINDS}
        onChange={setActorKind}
      />
      <SelectField
        id="audit-action"
        label="Action"
        any="Any action"
        value={action()}
        options={AUDIT_ACTIONS.map((a) => [a, actionLabel(a)] as const)}
        onChange={setAction}
      />
      <SelectField
        id="audit-project"
        label="Project"
        any="Any project"
        value={projectId()}
        options={props.projects.map((p) => [p.projectId, p.name] as const)}
        onChange={setProjectId}
      />
      <div class="field">
        <label for="audit-from">From</label>
        <input
          id="audit-from"
          type="datetime-local"
          class="input"
          value={from()}
          onInput={(e) => setFrom(e.currentTarget.value)}
        />
      </div>
      <div class="field">
        <label for="audit-to">Until</label>
        <input
          id="audit-to"
          type="datetime-local"
          class="input"
          value={to()}
          onInput={(e) => setTo(e.currentTarget.value)}
        />
      </div>
      <button type="submit" class="button">
        Apply filters
      </button>
    </form>
  );
}
