import { type BrowserServer, chromium, request } from "playwright-core";

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
  gina: "gina@globex.test",
  gary: "gary@globex.test",
} as const;

export type SessionCookies = Array<{
  name: string;
  value: string;
  domain: string;
  path: string;
  expires: number;
  httpOnly: boolean;
  secure: boolean;
  sameSite: "Strict" | "Lax" | "None";
}>;

/** One Chromium for the whole run: every test file connects to it instead of starting its own. */
export const launchBrowserServer = (): Promise<BrowserServer> => chromium.launchServer(CHROMIUM);

/**
 * Signs each demo user in once through the dev login (what the sign-in page does) and keeps the
 * session cookie, so a test's fresh context starts signed in without a request of its own.
 */
export async function signInAll(edgeUrl: string): Promise<Record<string, SessionCookies>> {
  const sessions: Record<string, SessionCookies> = {};
  for (const email of Object.values(USERS)) {
    const api = await request.newContext({ baseURL: edgeUrl });
    const response = await api.post("/auth/dev-login", { data: { email }, headers: { Origin: edgeUrl } });
    if (!response.ok())
      throw new Error(`dev login for ${email} failed: ${response.status()} ${await response.text()}`);
    sessions[email] = (await api.storageState()).cookies;
    await api.dispose();
  }
  return sessions;
}
