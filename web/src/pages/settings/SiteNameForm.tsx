import { CreateSiteInput, RenameSiteInput, type SiteSetting } from "@gantry/shared/api/settings";
import { useAction, useSubmission } from "@solidjs/router";
import { createSignal } from "solid-js";
import { TextField } from "../../components/TextField.tsx";
import { createSiteAction, renameSiteAction } from "../../lib/queries.ts";
import { checkForm, showServerErrors } from "../../lib/settings-form.ts";
import { toast } from "../../lib/toasts.ts";
import { FormFooter } from "./FormFooter.tsx";

/** Creates a site (name and slug), or (with `site`) renames one; its slug never changes. */
export function SiteNameForm(props: { site: SiteSetting | null; onDone: () => void }) {
  const id = (field: string) => `site-${field}`;
  const [name, setName] = createSignal(props.site?.name ?? "");
  const [slug, setSlug] = createSignal(props.site?.slug ?? "");
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  const [formError, setFormError] = createSignal<string | null>(null);
  const create = useAction(createSiteAction);
  const rename = useAction(renameSiteAction);
  const creating = useSubmission(createSiteAction);
  const renaming = useSubmission(renameSiteAction);
  const pending = () => creating.pending === true || renaming.pending === true;

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (pending()) return;
    setFormError(null);
    const site = props.site;
    const checked = site
      ? checkForm(RenameSiteInput, { siteId: site.siteId, name: name().trim() })
      : checkForm(CreateSiteInput, { name: name().trim(), slug: slug() });
    if (!checked.ok) {
      setErrors(checked.errors);
      document.getElementById(id(Object.keys(checked.errors)[0] ?? "name"))?.focus();
      return;
    }
    setErrors({});
    try {
      if (site) await rename(checked.value as RenameSiteInput);
      else await create(checked.value as CreateSiteInput);
      toast(
        site
          ? `Renamed the site to ${name().trim()}.`
          : `Created site ${name().trim()}. Next: enroll its agent (Agents), then pick its placement.`,
      );
      if (!site) {
        setName("");
        setSlug("");
      }
      props.onDone();
    } catch (e) {
      showServerErrors(e, { setErrors, setFormError });
    }
  };

  return (
    <form class="card" onSubmit={(e) => void onSubmit(e)} noValidate aria-labelledby="site-form-title">
      <h2 id="site-form-title">{props.site ? `Rename site ${props.site.name}` : "New site"}</h2>
      <TextField id={id("name")} label="Name" value={name()} onInput={setName} error={errors().name} />
      <TextField
        id={id("slug")}
        label="Slug"
        hint={props.site ? "A site's slug never changes." : "Lowercase letters, digits and hyphens."}
        value={slug()}
        onInput={setSlug}
        error={errors().slug}
        disabled={props.site !== null}
        mono
      />
      <FormFooter
        error={formError()}
        pending={pending()}
        submit={props.site ? "Save name" : "Create site"}
        onCancel={props.site ? () => props.onDone() : null}
      />
    </form>
  );
}
