import { AUDIT_ACTIONS, type AuditFilter } from "@gantry/shared/api/audit";
import { createSignal, For } from "solid-js";
import { fromLocalInput, toLocalInput } from "../../lib/audit-params.ts";

const KINDS = [
  ["user", "A person, signed in"],
  ["token", "A person's API token"],
  ["agent", "An agent"],
  ["system", "Gantry itself"],
] as const;

/** "REQUEST_SUBMITTED" → "Request submitted" */
export const actionLabel = (action: string): string =>
  action.charAt(0) + action.slice(1).toLowerCase().replaceAll("_", " ");

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
      <div class="field">
        <label for="audit-actor-kind">Actor kind</label>
        <select id="audit-actor-kind" class="select" onChange={(e) => setActorKind(e.currentTarget.value)}>
          <option value="" selected={actorKind() === ""}>
            Anyone
          </option>
          <For each={KINDS}>
            {([kind, label]) => (
              <option value={kind} selected={actorKind() === kind}>
                {label}
              </option>
            )}
          </For>
        </select>
      </div>
      <div class="field">
        <label for="audit-action">Action</label>
        <select id="audit-action" class="select" onChange={(e) => setAction(e.currentTarget.value)}>
          <option value="" selected={action() === ""}>
            Any action
          </option>
          <For each={AUDIT_ACTIONS}>
            {(a) => (
              <option value={a} selected={action() === a}>
                {actionLabel(a)}
              </option>
            )}
          </For>
        </select>
      </div>
      <div class="field">
        <label for="audit-project">Project</label>
        <select id="audit-project" class="select" onChange={(e) => setProjectId(e.currentTarget.value)}>
          <option value="" selected={projectId() === ""}>
            Any project
          </option>
          <For each={props.projects}>
            {(p) => (
              <option value={p.projectId} selected={projectId() === p.projectId}>
                {p.name}
              </option>
            )}
          </For>
        </select>
      </div>
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
