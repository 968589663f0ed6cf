import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type EdgeStack, startEdgeStack } from "@gantry/dev/local-stack";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, screenshot } from "./support/browser.ts";
import { expectAccessible } from "./support/checks.ts";
import { type LocalOidcProvider, type OidcAccount, startOidcProvider } from "./support/oidc-provider.ts";

// production sign-in: an edge and a web build of their own, configured for single sign-on against a real
// OpenID Provider this file starts (oidc-provider), with the dev login off (the suite's shared stack has
// it on). The edge renews sessions with the refresh token every 2 s here (SESSION_REVALIDATE_SECONDS), so
// a role taken away at the IdP, and a rotated signing key, show within seconds.

const CLIENT_ID = "gantry-web";
const AUDIENCE = "gantry-api";

const OLGA: OidcAccount = {
  sub: "oidc-olga",
  name: "Olga Okafor",
  email: "olga@acme.test",
  tenant: "acme",
  roles: ["gantry-user", "admin"],
};

describe("signing in with single sign-on (OIDC, PKCE)", () => {
  let idp: LocalOidcProvider;
  let stack: EdgeStack;
  let stateDir: string;
  let browser: Browser;

  beforeAll(async () => {
    const started = Date.now();
    stateDir = await mkdtemp(path.join(tmpdir(), "gantry-web-oidc-"));
    idp = await startOidcProvider({ audience: AUDIENCE });
    browser = await launchBrowser();
    stack = await startEdgeStack({
      stateDir,
      webEnv: {
        VITE_OIDC_ISSUER: idp.issuer,
        VITE_OIDC_CLIENT_ID: CLIENT_ID,
        VITE_OIDC_AUDIENCE: AUDIENCE,
      },
      vars: {
        DEV_LOGIN: "off",
        OIDC_ISSUER: idp.issuer,
        OIDC_AUDIENCE: AUDIENCE,
        OIDC_JWKS_URL: idp.jwksUrl,
        OIDC_ALGORITHMS: "ES256",
        OIDC_CLIENT_ID: CLIENT_ID,
        SESSION_REVALIDATE_SECONDS: "2",
        OIDC_JWKS_COOLDOWN_SECONDS: "1",
      },
      echo: process.env.GANTRY_ECHO === "1",
    });
    idp.registerClient({ clientId: CLIENT_ID, redirectUri: `${stack.edgeUrl}/sign-in/callback` });
    console.log(`OIDC edge up at ${stack.edgeUrl} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await idp?.stop();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  async function newContext(): Promise<BrowserContext> {
    const context = await browser.newContext({
      baseURL: stack.edgeUrl,
      viewport: { width: 1280, height: 900 },
    });
    context.setDefaultTimeout(20_000);
    return context;
  }

  /** Opens `/requests` signed out and clicks through single sign-on; returns the URLs the page visited. */
  async function continueWithSso(page: Page): Promise<string[]> {
    await page.goto("/requests");
    await page.getByRole("heading", { name: "Sign in to Gantry" }).waitFor();
    // requests, not commits: the IdP answers /authorize with a redirect, so that page never commits
    const visited: string[] = [];
    page.on("request", (request) => {
      if (request.isNavigationRequest() && request.frame() === page.mainFrame()) visited.push(request.url());
    });
    await page.getByRole("button", { name: "Continue with single sign-on" }).click();
    return visited;
  }

  /** Signed out: the app answers `/requests` with its sign-in page. */
  async function expectSignedOut(page: Page): Promise<void> {
    await page.goto("/requests");
    await page.getByRole("heading", { name: "Sign in to Gantry" }).waitFor();
    expect(await page.getByTestId("user-menu").count()).toBe(0);
  }

  it("goes through the IdP and back signed in, shows who, loads my requests, and signs out", async () => {
    idp.signInAs(OLGA);
    const context = await newContext();
    const page = await context.newPage();
    await page.goto("/requests");
    await page.getByRole("button", { name: "Continue with single sign-on" }).waitFor();
    // the dev login is off: no seeded users to pick
    expect(await page.getByRole("button", { name: /@(acme|globex)\.test/ }).count()).toBe(0);
    await expectAccessible(page, "the single sign-on page");
    await screenshot(page, "sign-in-sso");

    const visited = await continueWithSso(page);
    await page.getByRole("heading", { name: "My requests" }).waitFor();
    await page.getByRole("heading", { name: "You have no requests yet" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/requests");
    expect(visited.some((url) => url.startsWith(`${idp.issuer}/auth?`))).toBe(true);
    const callback = visited.map((url) => new URL(url)).find((url) => url.pathname === "/sign-in/callback");
    expect(callback?.origin).toBe(stack.edgeUrl);
    expect(callback?.searchParams.get("code")).toBeTruthy();
    expect(idp.log).toEqual(expect.arrayContaining(["POST /token 200", "GET /jwks 200"]));
    const menu = (await page.getByTestId("user-menu").textContent()) ?? "";
    expect(menu).toContain("Olga Okafor");
    expect(menu).toContain("Acme Corp");
    await page.getByTestId("user-role").filter({ hasText: "admin" }).waitFor();
    await page.getByRole("link", { name: "Approvals" }).waitFor();
    await screenshot(page, "requests-after-sso");

    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await page.getByRole("button", { name: "Continue with single sign-on" }).waitFor();
    await expectSignedOut(page);
    await context.close();
  });

  it("renews the session at the IdP: a role taken away there bites, a rotated key is picked up", async () => {
    const vera: OidcAccount = { ...OLGA, sub: "oidc-vera", name: "Vera Vogel", email: "vera@acme.test" };
    idp.signInAs(vera);
    const context = await newContext();
    const page = await context.newPage();
    await continueWithSso(page);
    await page.getByRole("heading", { name: "My requests" }).waitFor();
    await page.getByRole("link", { name: "Approvals" }).waitFor();
    const refreshes = () => idp.log.filter((line) => line === "POST /token 200").length;
    const signedInAt = refreshes();

    // the IdP takes the admin role away: at the next renewal (every 2 s here) the edge says member
    idp.update(vera.sub, { roles: ["gantry-user"] });
    await expect
      .poll(
        async () => {
          await page.reload();
          await page.getByRole("heading", { name: "My requests" }).waitFor();
          return page.getByTestId("user-role").textContent();
        },
        { timeout: 30_000, interval: 1000 },
      )
      .toBe("member");
    expect(await page.getByRole("link", { name: "Approvals" }).count()).toBe(0);
    expect(refreshes()).toBeGreaterThan(signedInAt);

    // a new signing key: the next renewed token carries its kid, and the edge fetches the key set again
    const jwksFetches = () => idp.log.filter((line) => line === "GET /jwks 200").length;
    const before = { refreshes: refreshes(), jwks: jwksFetches() };
    await idp.rotateKeys();
    await expect
      .poll(
        async () => {
          await page.reload();
          await page.getByRole("heading", { name: "My requests" }).waitFor();
          return refreshes() > before.refreshes && jwksFetches() > before.jwks;
        },
        { timeout: 30_000, interval: 1000 },
      )
      .toBe(true);
    // still signed in, by a token under the new key
    await page.getByTestId("user-menu").waitFor();
    expect((await page.getByTestId("user-menu").textContent()) ?? "").toContain("Vera Vogel");
    await context.close();
  });

  const refused: Array<{ what: string; shot: string; account: OidcAccount; audience: string }> = [
    {
      what: "an unknown tenant",
      shot: "sso-refused-unknown-tenant",
      account: { ...OLGA, sub: "oidc-ivan", name: "Ivan Initech", tenant: "initech" },
      audience: AUDIENCE,
    },
    { what: "another audience", shot: "sso-refused-audience", account: OLGA, audience: "someone-elses-api" },
  ];
  for (const { what, shot, account, audience } of refused) {
    it(`ends signed out, saying so, when the IdP issues a token for ${what}`, async () => {
      idp.signInAs(account, { audience });
      const context = await newContext();
      const page = await context.newPage();
      const seenBefore = idp.log.length;
      await continueWithSso(page);
      await page
        .getByRole("alert")
        // an unbound tenant is named as such, another audience as an unknown account: both send to an admin
        .filter({ hasText: "Ask your administrator for access." })
        .waitFor();
      await page.getByRole("link", { name: "Back to sign-in" }).waitFor();
      await expectAccessible(page, "a refused single sign-on");
      // the IdP did issue the token: the edge is the one that refused it
      expect(idp.log.slice(seenBefore)).toContain("POST /token 200");
      await screenshot(page, shot);
      await expectSignedOut(page);
      await context.close();
    });
  }
});
