import { A } from "@solidjs/router";
import { createSignal, For, Show, Suspense } from "solid-js";

export interface NavItem {
  href: string;
  label: string;
  /** a count beside the label (the requests waiting for approval); hidden while undefined or 0 */
  count?: () => number | undefined;
  /** what the count counts, for screen readers: "3 waiting" */
  countLabel?: string;
}

/** More links than this fold into a "Menu" button on a narrow screen instead of wrapping. */
const FOLD_AFTER = 2;

function NavLink(props: { item: NavItem; onFollow: () => void }) {
  const count = () => props.item.count?.() ?? 0;
  return (
    <A href={props.item.href} end={props.item.href === "/requests"} onClick={() => props.onFollow()}>
      {props.item.label}
      {/* the count loads on its own: the header never waits for it */}
      <Suspense>
        <Show when={count() > 0}>
          {/* on the link's corner, taking no room in the row (layout.css); the space is for screen readers */}
          <span class="nav-count" data-testid="nav-count">
            <span class="visually-hidden"> </span>
            {count()}
            <span class="visually-hidden"> {props.item.countLabel ?? ""}</span>
          </span>
        </Show>
      </Suspense>
    </A>
  );
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
  const [open, setOpen] = createSignal(false);
  const folds = () => props.nav.length > FOLD_AFTER;
  let toggle: HTMLButtonElement | undefined;
  return (
    <header class="app-header">
      <div class="app-header__inner" classList={{ "app-header__inner--folds": folds() }}>
        <A href="/requests" class="brand">
          Gantry
        </A>
        <Show when={folds()}>
          <button
            ref={toggle}
            type="button"
            class="button button--small nav-toggle"
            aria-expanded={open()}
            aria-controls="main-nav"
            onClick={() => setOpen(!open())}
          >
            Menu
          </button>
        </Show>
        <nav
          id="main-nav"
          class="main-nav"
          classList={{ "main-nav--open": open() }}
          aria-label="Main"
          onKeyDown={(e) => {
            if (e.key !== "Escape" || !open()) return;
            setOpen(false);
            toggle?.focus();
          }}
        >
          <ul>
            <For each={props.nav}>
              {(item) => (
                <li>
                  <NavLink item={item} onFollow={() => setOpen(false)} />
                </li>
              )}
            </For>
            {/* on a phone the header keeps one sign-out; the other waits in the menu (layout.css) */}
            <li class="main-nav__sign-out-everywhere">
              <button
                type="button"
                class="button button--small"
                onClick={() => props.onSignOut(true)}
                disabled={props.signingOut}
              >
                Sign out everywhere
              </button>
            </li>
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
            class="button button--small user-menu__sign-out-everywhere"
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
