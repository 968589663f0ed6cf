import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { DeliveryRow } from "../src/notifications/deliveries.ts";
import { webhookSender } from "../src/notifications/senders.ts";
import { checkWebhookUrl, isNonPublicAddress, type ResolveHost } from "../src/notifications/webhook-url.ts";
import { callerFor, codeOf } from "./support/callers.ts";
import { seedReferenceData } from "./support/seed.ts";
import { testWorkflow } from "./support/test-deps.ts";
import { createTestTenant, type TestTenant } from "./support/test-tenant.ts";

let t: TestTenant;
let other: TestTenant;
beforeAll(async () => {
  await seedReferenceData(env.DB);
  t = await createTestTenant(env.DB);
  other = await createTestTenant(env.DB);
});

/**
 * The receiver's check of README "Webhooks" in a Worker's terms (WebCrypto instead of node:crypto, whose
 * types the edge's tests do not load; the Node snippet itself runs in e2e/link/notifications.test.ts):
 * HMAC-SHA256 over `timestamp.rawBody`, verified in constant time by `subtle.verify`, within the window.
 */
async function verifyGantrySignature(
  secret: string,
  headers: { timestamp: string | null; signature: string | null },
  rawBody: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<boolean> {
  const timestamp = Number(headers.timestamp);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > 300) return false;
  const hex = /^v1=([0-9a-f]{64})$/.exec(headers.signature ?? "")?.[1];
  if (!hex) return false;
  const mac = new Uint8Array(hex.match(/../g)?.map((h) => Number.parseInt(h, 16)) ?? []);
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["verify"],
  );
  return crypto.subtle.verify("HMAC", key, mac, encoder.encode(`${timestamp}.${rawBody}`));
}

/** A DNS double: the only resolver a Worker has is the network's, which tests do not reach. */
const resolvesTo =
  (addresses: string[]): ResolveHost =>
  async () =>
    addresses;

describe("webhook URLs", () => {
  const hosted = (resolve: ResolveHost = resolvesTo(["93.184.216.34"])) => ({
    allowLoopback: false,
    resolve,
  });

  it("takes https to a public host and refuses everything else from the hosted edge", async () => {
    expect((await checkWebhookUrl("https://hooks.example.com/x", hosted())).ok).toBe(true);
    const refused = [
      "http://hooks.example.com/x",
      "ftp://hooks.example.com/x",
      "https://user:pw@hooks.example.com/x",
      "https://127.0.0.1/x",
      "http://localhost:8080/x",
      "https://10.1.2.3/x",
      "https://172.20.0.1/x",
      "https://192.168.1.1/x",
      "https://169.254.169.254/latest/meta-data",
      "https://100.64.0.1/x",
      "https://0.0.0.0/x",
      "https://[::1]/x",
      "https://[fe80::1]/x",
      "https://[fd00::1]/x",
      "https://[::ffff:10.0.0.1]/x",
      "not a url",
    ];
    for (const url of refused) {
      expect((await checkWebhookUrl(url, hosted())).ok, url).toBe(false);
    }
  });

  it("refuses a name that resolves to a private address, or to nothing", async () => {
    const rebinding = await checkWebhookUrl(
      "https://evil.example.com/",
      hosted(resolvesTo(["93.184.216.34", "10.0.0.5"])),
    );
    expect(rebinding).toMatchObject({
      ok: false,
      error: { message: "evil.example.com resolves to a private or loopback address" },
    });
    expect((await checkWebhookUrl("https://nothing.example.com/", hosted(resolvesTo([])))).ok).toBe(false);
  });

  it("takes http to a loopback receiver only in the local stack", async () => {
    const local = { allowLoopback: true, resolve: resolvesTo([]) };
    expect((await checkWebhookUrl("http://127.0.0.1:9999/hook", local)).ok).toBe(true);
    expect((await checkWebhookUrl("http://10.0.0.1/hook", local)).ok).toBe(false);
  });

  it("classifies addresses", () => {
    expect(["8.8.8.8", "93.184.216.34", "2606:4700::1111"].map(isNonPublicAddress)).toEqual([
      false,
      false,
      false,
    ]);
    expect(["127.0.0.53", "172.31.255.255", "::", "ff02::1"].map(isNonPublicAddress)).toEqual([
      true,
      true,
      true,
      true,
    ]);
  });

  it("is checked when an admin adds a webhook; members may not, and the secret is shown only then", async () => {
    const w = testWorkflow();
    expect(
      await codeOf(
        callerFor(t.admin, w).notifications.createWebhook({ url: "ftp://x.test/", format: "slack" }),
      ),
    ).toBe("BAD_REQUEST");
    expect(
      await codeOf(
        callerFor(t.member, w).notifications.createWebhook({ url: "http://127.0.0.1:1/", format: "generic" }),
      ),
    ).toBe("FORBIDDEN");
    const created = await callerFor(t.admin, w).notifications.createWebhook({
      url: "http://127.0.0.1:1/h",
      format: "teams",
    });
    expect(created.secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    const listed = await callerFor(t.admin, w).notifications.webhooks();
    expect(listed).toEqual([
      expect.objectContaining({ id: created.id, format: "teams", url: "http://127.0.0.1:1/h" }),
    ]);
    expect(JSON.stringify(listed)).not.toContain(created.secret);
    // another tenant's admin neither sees nor tests nor deletes it
    expect(await callerFor(other.admin, w).notifications.webhooks()).toEqual([]);
    expect(await codeOf(callerFor(other.admin, w).notifications.testWebhook({ id: created.id }))).toBe(
      "NOT_FOUND",
    );
    expect(await codeOf(callerFor(other.admin, w).notifications.deleteWebhook({ id: created.id }))).toBe(
      "NOT_FOUND",
    );
    // the test button against a receiver that is not there: the reason, and a failed row in the log
    const tested = await callerFor(t.admin, w).notifications.testWebhook({ id: created.id });
    expect(tested).toMatchObject({
      ok: false,
      error: expect.stringContaining("could not reach the receiver"),
    });
    const log = await callerFor(t.admin, w).notifications.deliveries({});
    expect(log.find((d) => d.kind === "test")).toMatchObject({
      channel: "webhook",
      status: "failed",
      attempts: 1,
    });
    await callerFor(t.admin, w).notifications.deleteWebhook({ id: created.id });
  });
});

describe("webhook posts", () => {
  async function posted(format: "generic" | "slack" | "teams") {
    const secret = `whsec_${"ab".repeat(32)}`;
    const id = `hook-${crypto.randomUUID()}`;
    await env.DB.prepare(
      "INSERT INTO tenant_webhooks (id, tenant_id, url, format, secret, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
      .bind(
        id,
        t.tenantId,
        "https://hooks.example.com/in",
        format,
        secret,
        new Date().toISOString(),
        t.admin.userId,
      )
      .run();
    const requests: Request[] = [];
    // the network's last hop is recorded here; a real receiver answers in e2e/link/notifications.test.ts
    const send = webhookSender({
      db: env.DB,
      appUrl: "https://gantry.example.com",
      allowLoopback: false,
      resolve: resolvesTo(["93.184.216.34"]),
      clock: () => new Date(),
      fetch: async (input, init) => {
        requests.push(new Request(input, init));
        return new Response("ok");
      },
    });
    const row = {
      id: "d-1",
      tenant_id: t.tenantId,
      target: id,
      kind: "vm.ready",
      channel: "webhook",
    } as DeliveryRow;
    await send(row, {
      title: "VM web-01 is ready",
      body: "at 10.0.0.5",
      link: "/vms/r1",
      occurredAt: "2026-03-02T10:00:00.000Z",
    });
    const request = requests[0];
    if (!request) throw new Error("nothing was posted");
    return { request, raw: await request.text(), secret };
  }

  it("signs the generic payload so the documented check accepts it, and refuses it tampered or replayed", async () => {
    const { request, raw, secret } = await posted("generic");
    const headers = {
      timestamp: request.headers.get("X-Gantry-Timestamp"),
      signature: request.headers.get("X-Gantry-Signature"),
    };
    expect(await verifyGantrySignature(secret, headers, raw)).toBe(true);
    expect(await verifyGantrySignature(secret, headers, raw.replace("10.0.0.5", "10.0.0.6"))).toBe(false);
    expect(await verifyGantrySignature("whsec_other", headers, raw)).toBe(false);
    expect(await verifyGantrySignature(secret, headers, raw, Number(headers.timestamp) + 301)).toBe(false);
    expect(JSON.parse(raw)).toEqual({
      id: "d-1",
      kind: "vm.ready",
      tenantId: t.tenantId,
      occurredAt: "2026-03-02T10:00:00.000Z",
      title: "VM web-01 is ready",
      body: "at 10.0.0.5",
      url: "https://gantry.example.com/vms/r1",
      test: false,
    });
  });

  it("speaks Slack's and Teams' incoming-webhook formats", async () => {
    const slack = JSON.parse((await posted("slack")).raw);
    expect(slack.text).toBe(
      "*VM web-01 is ready*\nat 10.0.0.5\n<https://gantry.example.com/vms/r1|Open in Gantry>",
    );
    const teams = JSON.parse((await posted("teams")).raw);
    expect(teams).toMatchObject({ "@type": "MessageCard", title: "VM web-01 is ready" });
    expect(teams.potentialAction[0].targets[0].uri).toBe("https://gantry.example.com/vms/r1");
  });
});
