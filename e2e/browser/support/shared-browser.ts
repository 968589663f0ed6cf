import { type BrowserServer, chromium } from "playwright-core";

/** Debian's Chromium, headless, without the background traffic a test run never needs. */
export const CHROMIUM = {
  executablePath: "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
};

/** The demo users the browser tests sign in as. */
export const USERS = {
  alice: "alice@acme.test",
  adam: "adam@acme.test",
  /** only sessions.test.ts signs in as Sam: it ends Sam's sessions, which would sign out any other file */
  sam: "sam@acme.test",
  /** only settings.test.ts signs in as Pat: it names Pat a project approver */
  pat: "pat@acme.test",
  /** only notifications.test.ts signs in as Nora: her inbox holds exactly what that file causes */
  nora: "nora@acme.test",
  gina: "gina@globex.test",
  gary: "gary@globex.test",
} as const;

/** One Chromium for the whole run: every test file connects to it instead of starting its own. */
export const launchBrowserServer = (): Promise<BrowserServer> => chromium.launchServer(CHROMIUM);
