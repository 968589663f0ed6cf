import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { launchBrowser, signedInPage, USERS } from "./support/browser.ts";
import { capturePage, expectAccessible } from "./support/checks.ts";
import { createRequestViaApi, trpcCall } from "./support/flows.ts";

// Nora's inbox holds only what this file causes (nothing else signs in as Nora or decides her requests).

/** A webhook receiver on loopback that records each post (the local stack allows loopback webhooks). */
function startReceiver(): Promise<{
  server: Server;
  url: string;
  posts: { headers: IncomingHttpHeaders; body: string }[];
}> {
  const posts: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      posts.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(204).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, posts }),
    ),
  );
}

describe("notifications", () => {
  let browser: Browser;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    [browser, receiver] = await Promise.all([launchBrowser(), startReceiver()]);
  });
  afterAll(async () => {
    await browser?.close();
    receiver?.server.close();
  });

  it("pushes a decision into the member's inbox: the count on Inbox rises without a reload, mark read clears it", async () => {
    const nora = await signedInPage(browser, USERS.nora, { at: "/notifications" });
    await nora.getByRole("heading", { name: "Inbox" }).waitFor();
    await nora.getByRole("heading", { name: "No notifications yet" }).waitFor();
    await expectAccessible(nora, "empty inbox");
    const admin = await signedInPage(browser, USERS.adam, { at: "/requests" });
    const requestId = await createRequestViaApi(nora.context(), { name: `inbox-${Date.now().toString(36)}` });
    const { version } = await trpcCall(admin.context(), {
      path: `requests.get?input=${encodeURIComponent(JSON.stringify({ requestId }))}`,
      schema: z.object({ request: z.object({ version: z.number() }) }).transform((r) => r.request),
    });
    await trpcCall(admin.context(), {
      path: "approvals.reject",
      input: { requestId, expectedVersion: version, reason: "Please use the shared test VM instead." },
      schema: z.unknown(),
    });

    // pushed: the nav's count and the list on the open page, no reload
    const inboxLink = nora.getByRole("link", { name: /^Inbox/ });
    await inboxLink.getByTestId("nav-count").getByText("1", { exact: false }).waitFor();
    const item = nora.locator("li.inbox-item", { hasText: "was rejected" });
    await item.getByText("Reason: Please use the shared test VM instead.").waitFor();
    expect(await item.getByRole("link").getAttribute("href")).toBe(`/requests/${requestId}`);
    await expectAccessible(nora, "inbox with an unread notification");
    await capturePage(nora, "inbox");

    await item.getByRole("button", { name: /^Mark read: / }).click();
    await inboxLink.getByTestId("nav-count").waitFor({ state: "detached" });
    await nora.getByTestId("inbox-unread").getByText("All read").waitFor();
    await nora.context().close();
    await admin.context().close();
  });

  it("keeps a person's e-mail choices per kind", async () => {
    const nora = await signedInPage(browser, USERS.nora, { at: "/notifications/preferences" });
    const ready = nora.getByRole("checkbox", { name: /My VM is ready/ });
    await ready.waitFor();
    expect(await ready.isChecked()).toBe(true);
    expect(await nora.getByRole("checkbox", { name: /An action on my VM ended/ }).isChecked()).toBe(false);
    await ready.uncheck();
    await nora.getByRole("status").getByText("My VM is ready: e-mail off.").waitFor();
    await expectAccessible(nora, "notification preferences");
    await nora.reload();
    await nora.getByRole("checkbox", { name: /My VM is ready/ }).waitFor();
    expect(await nora.getByRole("checkbox", { name: /My VM is ready/ }).isChecked()).toBe(false);
    await nora.getByRole("checkbox", { name: /My VM is ready/ }).check();
    await nora.context().close();
  });

  it("lets an admin add a webhook, send a signed test to a real receiver, and remove it", async () => {
    const admin = await signedInPage(browser, USERS.adam, { at: "/admin/notifications" });
    await admin.getByRole("heading", { name: "Webhooks", level: 1 }).waitFor();
    await admin.getByLabel("URL").fill(receiver.url);
    await admin.getByLabel("Format").selectOption("generic");
    await admin.getByRole("button", { name: "Add webhook" }).click();
    const secret = (await admin.getByTestId("webhook-secret").textContent()) ?? "";
    expect(secret).toMatch(/^whsec_/);
    const row = admin.locator(`tr[data-webhook="${receiver.url}"]`);
    await row.getByRole("button", { name: "Send test" }).click();
    await admin.getByTestId("webhook-test-result").getByText("The test was delivered.").waitFor();
    const test = receiver.posts.find((p) => JSON.parse(p.body).test === true);
    expect(test).toBeDefined();
    const timestamp = String(test?.headers["x-gantry-timestamp"]);
    const expected = `v1=${createHmac("sha256", secret).update(`${timestamp}.${test?.body}`).digest("hex")}`;
    expect(test?.headers["x-gantry-signature"]).toBe(expected);
    await expectAccessible(admin, "webhooks and delivery log");
    await capturePage(admin, "webhooks");
    await row.getByRole("button", { name: `Remove webhook ${receiver.url}` }).click();
    await row.waitFor({ state: "detached" });
    await admin.context().close();
  });
});
