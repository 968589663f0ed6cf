import {
  CreateProjectInput,
  type ProjectSetting,
  type SiteSetting,
  UpdateProjectInput,
} from "@gantry/shared/api/settings";
import { useAction, useSubmission } from "@solidjs/router";
import { createSignal, For } from "solid-js";
import { FieldError } from "../../components/FieldError.tsx";
import { TextField } from "../../components/TextField.tsx";
import { createProjectAction, updateProjectAction } from "../../lib/queries.ts";
import { checkForm, showServerErrors } from "../../lib/settings-form.ts";
import { toast } from "../../lib/toasts.ts";
import { FormFooter } from "./FormFooter.tsx";

interface Values {
  name: string;
  slug: string;
  vmPrefix: string;
  siteId: string;
  networkPath: string;
}

const initial = (project: ProjectSetting | null, sites: readonly SiteSetting[]): Values => ({
  name: project?.name ?? "",
  slug: project?.slug ?? "",
  vmPrefix: project?.vmPrefix ?? "",
  siteId: project?.siteId ?? sites[0]?.siteId ?? "",
  networkPath: project?.networkPath ?? "",
});

/**
 * Creates a project, or (with `project`) changes one: its name, site and default network, and its slug
 * and VM name prefix while it has no request. Checked with the edge's schemas as sent; the edge's answer
 * lands under its field.
 */
export function ProjectForm(props: {
  project: ProjectSetting | null;
  sites: readonly SiteSetting[];
  onDone: () => void;
}) {
  const id = (field: string) => `project-${field}`;
  const [values, setValues] = createSignal<Values>(initial(props.project, props.sites));
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  const [formError, setFormError] = createSignal<string | null>(null);
  const create = useAction(createProjectAction);
  const update = useAction(updateProjectAction);
  const creating = useSubmission(createProjectAction);
  const updating = useSubmission(updateProjectAction);
  const pending = () => creating.pending === true || updating.pending === true;
  // slug, prefix and site name the project's VMs and history once it has a request
  const fixed = () => (props.project?.requests ?? 0) > 0;
  const set = (field: keyof Values) => (value: string) => setValues({ ...values(), [field]: value });

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (pending()) return;
    setFormError(null);
    const v = values();
    // the select shows the first live site until another is picked (the sites may load after the form)
    const siteId = v.siteId || props.sites.find((s) => s.archivedAt === null)?.siteId || "";
    const input = { ...v, siteId, name: v.name.trim(), networkPath: v.networkPath.trim() || null };
    const checked = props.project
      ? checkForm(UpdateProjectInput, { projectId: props.project.projectId, ...input })
      : checkForm(CreateProjectInput, input);
    if (!checked.ok) {
      setErrors(checked.errors);
      document.getElementById(id(Object.keys(checked.errors)[0] ?? "name"))?.focus();
      return;
    }
    setErrors({});
    try {
      if (props.project) await update(checked.value as UpdateProjectInput);
      else await create(checked.value as CreateProjectInput);
      toast(
        props.project
          ? `Saved project ${input.name}.`
          : `Created project ${input.name}. Members can request VMs in it now.`,
      );
      if (!props.project) setValues(initial(null, props.sites));
      props.onDone();
    } catch (e) {
      showServerErrors(e, { setErrors, setFormError });
    }
  };

  return (
    <form class="card" onSubmit={(e) => void onSubmit(e)} noValidate aria-labelledby="project-form-title">
      <h2 id="project-form-title">{props.project ? `Edit project ${props.project.name}` : "New project"}</h2>
      <TextField
        id={id("name")}
        label="Name"
        value={values().name}
        onInput={set("name")}
        error={errors().name}
      />
      <TextField
        id={id("slug")}
        label="Slug"
        hint={
          fixed()
            ? "Fixed: the project already has requests."
            : "Lowercase letters, digits and hyphens; the project's folder in vCenter."
        }
        value={values().slug}
        onInput={set("slug")}
        error={errors().slug}
        disabled={fixed()}
        mono
      />
      <TextField
        id={id("vmPrefix")}
        label="VM name prefix"
        hint={
          fixed()
            ? "Fixed: the project already has requests."
            : "VMs are named <prefix>-<name> in vCenter; unique in your organisation."
        }
        value={values().vmPrefix}
        onInput={set("vmPrefix")}
        error={errors().vmPrefix}
        disabled={fixed()}
        mono
      />
      <div class="field">
        <label for={id("siteId")}>Site</label>
        <select
          id={id("siteId")}
          class="select"
          disabled={fixed()}
          onChange={(e) => set("siteId")(e.currentTarget.value)}
          aria-describedby={id("siteId-error")}
        >
          <For each={props.sites.filter((s) => s.archivedAt === null)}>
            {(site) => (
              <option value={site.siteId} selected={site.siteId === values().siteId}>
                {site.name}
              </option>
            )}
          </For>
        </select>
        <FieldError id={id("siteId-error")} message={errors().siteId} />
      </div>
      <TextField
        id={id("networkPath")}
        label="Default network (optional)"
        hint="An inventory path such as /DC0/network/VM Network; empty: the site's default network."
        value={values().networkPath}
        onInput={set("networkPath")}
        error={errors().networkPath}
        mono
      />
      <FormFooter
        error={formError()}
        pending={pending()}
        submit={props.project ? "Save project" : "Create project"}
        onCancel={props.project ? () => props.onDone() : null}
      />
    </form>
  );
}
