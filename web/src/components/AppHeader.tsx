import { A } from "@solidjs/router";
import { For, Show } from "solid-js";

export interface NavItem {
  href: string;
  label: string;
}

/** Brand, navigation and who is signed in (name, tenant, role) with sign-out. */
export function AppHeader(props: {
  nav: readonly NavItem[];
  name: string;
  email: string;
  tenant: string;
  role: string;
  signingOut: boolean;
  /** `everywhere`: every session of the person, on every device */
  onSignOut: (everywhere: boolean) => void;
}) {
  return (
    <header class="app-header">
      <div class="app-header__inner">
        <A href="/requests" class="brand">
          Gantry
        </A>
        <nav class="main-nav" aria-label="Main">
          <ul>
            <For each={props.nav}>
              {(item) => (
                <li>
                  <A href={item.href} end={item.href === "/requests"}>
                    {item.label}
                  </A>
                </li>
              )}
            </For>
          </ul>
        </nav>
        <div class="user-menu" data-testid="user-menu">
          <span class="user-menu__who">
            <span>
              <strong>{props.name}</strong>
              <Show when={props.name !== props.email}>
                <span class="visually-hidden"> ({props.email})</span>
              </Show>
            </span>
            <span class="muted">
              {props.tenant} · <span data-testid="user-role">{props.role}</span>
            </span>
          </span>
          <button
            type="button"
            class="button button--small"
            onClick={() => props.onSignOut(false)}
            disabled={props.signingOut}
          >
            Sign out
          </button>
          <button
            type="button"
            class="button button--small"
            onClick={() => props.onSignOut(true)}
            disabled={props.signingOut}
          >
            Sign out everywhere
          </button>
        </div>
      </div>
    </header>
  );
}
