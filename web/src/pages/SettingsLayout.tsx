import { A, type RouteSectionProps } from "@solidjs/router";
import { PageHeader } from "../components/PageHeader.tsx";

// the settings area's own navigation; one line per section (the lead adds lease policies, reconciliation,
// audit and API tokens here)
const SECTIONS = [
  { href: "/settings/projects", label: "Projects", title: "Projects" },
  { href: "/settings/sites", label: "Sites", title: "Sites" },
  { href: "/settings/people", label: "People and roles", title: "People and roles" },
  // { href: "/admin/leases", label: "Lease policies", title: "Lease policies" },
  // { href: "/admin/reconciliation", label: "Reconciliation", title: "Reconciliation" },
  // { href: "/settings/audit", label: "Audit", title: "Audit" },
  // { href: "/settings/tokens", label: "API tokens", title: "API tokens" },
] as const;

/** Tenant admins' settings: projects, sites, people and roles, each a section under one sub-navigation. */
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
