import { createHmac, timingSafeEqual } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { type LocalEdge, startEdge } from "@gantry/dev/edge-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrowserSession } from "./support/browser-session.ts";

// Notifications end to end on the local stack's edge (Miniflare, as `npm run dev` runs it): a member's
// request reaches the admin's signed webhook through the real queue — a receiver that first answers 503
// gets the retry — and the admin's e-mail through the Email binding, read back from where Miniflare
// writes local sends (the file its log line names).

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

/** A webhook receiver on loopback: answers 503 to the first post, 200 after. */
function startReceiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const status = received.length === 0 ? 503 : 200;
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), status });
      res.writeHead(status).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/gantry`, received }),
    ),
  );
}

/** The receiver's check as README "Webhooks" documents it. */
function verifyGantrySignature(secret: string, headers: IncomingHttpHeaders, rawBody: string): boolean {
  const timestamp = Number(headers["x-gantry-timestamp"]);
  if (!Number.isInteger(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > 300) return false;
  const expected = `v1=${createHmac("sha256", secret).update(`${timestamp}.${rawBody}`).digest("hex")}`;
  const given = String(headers["x-gantry-signature"] ?? "");
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

let edge: LocalEdge;
let persistTo: string;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const lines: string[] = [];

beforeAll(async () => {
  persistTo = mkdtempSync(path.join(tmpdir(), "gantry-notify-"));
  [edge, receiver] = await Promise.all([
    startEdge({ persistTo, vars: { NOTIFY_RETRY_BASE_SECONDS: "1" } }),
    startReceiver(),
  ]);
  edge.output.on("data", (chunk: string) => lines.push(...chunk.split("\n")));
});
afterAll(async () => {
  await edge?.stop();
  receiver?.server.close();
  if (persistTo) rmSync(persistTo, { recursive: true, force: true });
});

describe("notifications on the local stack", () => {
  it("posts a signed webhook (retried after a 503) and e-mails the approver when a request waits", async () => {
    const admin = await BrowserSession.signIn(edge.url, "adam@acme.test");
    const member = await BrowserSession.signIn(edge.url, "alice@acme.test");
    const hook = (await admin.mutation("notifications.createWebhook", {
      url: receiver.url,
      format: "generic",
    })) as {
      id: string;
      secret: string;
    };
    const created = (await member.mutation("requests.create", {
      idempotencyKey: `e2e-${Date.now()}`,
      projectId: "proj-acme-web",
      name: "notify-e2e",
      size: "S",
      justification: "end-to-end notifications",
    })) as { requestId: string };

    await expect
      .poll(() => receiver.received.filter((r) => r.status === 200).length, { timeout: 30_000 })
      .toBe(1);
    const [refused, delivered] = receiver.received;
    expect(refused?.status).toBe(503);
    // the retry carries the same delivery (its id is the idempotency key)
    expect(JSON.parse(delivered?.body ?? "{}").id).toBe(JSON.parse(refused?.body ?? "{}").id);
    expect(verifyGantrySignature(hook.secret, delivered?.headers ?? {}, delivered?.body ?? "")).toBe(true);
    expect(JSON.parse(delivered?.body ?? "{}")).toMatchObject({
      kind: "request.pending",
      title: 'Request "notify-e2e" waits for approval',
      url: `http://127.0.0.1:8787/requests/${created.requestId}`,
    });

    // Miniflare's Email simulation logs each send (From, To, Subject) and the files it wrote the parts to
    const sent = () => lines.findIndex((l) => l.startsWith("To: ") && l.includes("adam@acme.test"));
    await expect
      .poll(() => lines.slice(sent() + 1).some((l) => l.startsWith("Text: ")), { timeout: 30_000 })
      .toBe(true);
    const textFile = (lines.slice(sent() + 1).find((l) => l.startsWith("Text: ")) ?? "")
      .slice("Text: ".length)
      .trim();
    const text = readFileSync(textFile, "utf8");
    expect(text).toContain('Request "notify-e2e" waits for approval');
    expect(text).toContain(`Open: http://127.0.0.1:8787/requests/${created.requestId}`);
    expect(text).toContain("http://127.0.0.1:8787/notifications/preferences");

    const log = (await admin.query("notifications.deliveries", {})) as {
      channel: string;
      status: string;
      attempts: number;
    }[];
    expect(log.find((d) => d.channel === "webhook")).toMatchObject({ status: "sent", attempts: 2 });
    expect(log.find((d) => d.channel === "email")).toMatchObject({ status: "sent", attempts: 1 });
  });
});
