import { A, type RouteSectionProps } from "@solidjs/router";
import { PageHeader } from "../components/PageHeader.tsx";

// the settings area's own navigation, one line per section; the admin pages that are not settings of the
// tenant's reference data (audit, reconciliation, lease policies, agents) have their own main-nav links
const SECTIONS = [
  { href: "/settings/projects", label: "Projects", title: "Projects" },
  { href: "/settings/sites", label: "Sites", title: "Sites" },
  { href: "/settings/people", label: "People and roles", title: "People and roles" },
  { href: "/settings/quotas", label: "Quotas", title: "Quotas" },
  { href: "/settings/sizes", label: "Sizes", title: "Sizes" },
  { href: "/settings/approval-policies", label: "Approval policies", title: "Approval policies" },
] as const;

/** Tenant admins' settings: projects, sites, people and roles, sizes, each a section under one sub-navigation. */
export default function SettingsLayout(props: RouteSectionProps) {
  const section = () => SECTIONS.find((s) => s.href === props.location.pathname) ?? SECTIONS[0];
  return (
    <>
      <PageHeader title={`Settings · ${section().title}`} heading={`Settings: ${section().title}`} />
      <nav class="sub-nav" aria-label="Settings">
        <ul>
          {SECTIONS.map((s) => (
            <li>
              <A href={s.href} end>
                {s.label}
              </A>
            </li>
          ))}
        </ul>
      </nav>
      {props.children}
    </>
  );
}
