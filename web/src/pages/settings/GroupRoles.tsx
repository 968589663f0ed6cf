import { GroupRoleInput } from "@gantry/shared/api/settings";
import { createAsync, useAction } from "@solidjs/router";
import { createSignal, For, Show } from "solid-js";
import { TextField } from "../../components/TextField.tsx";
import { getGroupRoles, setGroupRoleAction } from "../../lib/queries.ts";
import { checkForm, showServerErrors } from "../../lib/settings-form.ts";
import { toast } from "../../lib/toasts.ts";

/**
 * Which groups of the tenant's identity provider give which role: read from the IdP binding's roles
 * claim at each sign-in and session renewal.
 */
export function GroupRoles() {
  const mappings = createAsync(() => getGroupRoles());
  const save = useAction(setGroupRoleAction);
  const [group, setGroup] = createSignal("");
  const [role, setRole] = createSignal<"admin" | "member">("admin");
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  const [formError, setFormError] = createSignal<string | null>(null);

  const apply = async (input: GroupRoleInput, done: string) => {
    try {
      await save(input);
      toast(done);
      return true;
    } catch (e) {
      showServerErrors(e, { setErrors, setFormError });
      return false;
    }
  };
  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    setFormError(null);
    const checked = checkForm(GroupRoleInput, { group: group().trim(), role: role() });
    if (!checked.ok) {
      setErrors(checked.errors);
      document.getElementById("group-role-group")?.focus();
      return;
    }
    setErrors({});
    const mapped = `The group ${group().trim()} makes a tenant ${role()} from each person's next sign-in.`;
    if (await apply(checked.value, mapped)) setGroup("");
  };

  return (
    <form class="card" onSubmit={(e) => void onSubmit(e)} noValidate aria-labelledby="group-roles-title">
      <h2 id="group-roles-title">Groups from your identity provider</h2>
      <Show when={(mappings() ?? []).length > 0} fallback={<p class="muted">No group gives a role yet.</p>}>
        <ul>
          <For each={mappings()}>
            {(m) => (
              <li data-group={m.group}>
                <span class="mono">{m.group}</span> makes a tenant {m.role}{" "}
                <button
                  type="button"
                  class="button button--small"
                  onClick={() =>
                    void apply({ group: m.group, role: null }, `The group ${m.group} gives no role any more.`)
                  }
                >
                  Remove<span class="visually-hidden"> {m.group}</span>
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <TextField
        id="group-role-group"
        label="Group"
        hint="A value of the roles claim your identity provider sends."
        value={group()}
        onInput={setGroup}
        error={errors().group}
        mono
      />
      <div class="field">
        <label for="group-role-role">Role</label>
        <select
          id="group-role-role"
          class="input"
          value={role()}
          onChange={(e) => setRole(e.currentTarget.value === "member" ? "member" : "admin")}
        >
          <option value="admin">Tenant admin</option>
          <option value="member">Member</option>
        </select>
      </div>
      <div role="alert">
        <Show when={formError()}>{(message) => <p class="notice notice--danger">{message()}</p>}</Show>
      </div>
      <div class="form-actions">
        <button type="submit" class="button button--primary">
          Map group
        </button>
      </div>
    </form>
  );
}
