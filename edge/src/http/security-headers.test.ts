import { Hono } from "hono";
import { describe, expect, it, vi } from "vitest";
import type { EdgeEnv } from "../env.ts";
import { onError } from "./on-error.ts";
import { securityHeadersMiddleware } from "./security-headers.ts";

const app = new Hono<EdgeEnv>()
  .use("*", securityHeadersMiddleware())
  .get("/boom", () => {
    throw new Error("deep inside");
  })
  // headers that cannot be changed, as a Durable Object's or a fetch's answer comes back
  .get("/frozen", () => Response.redirect("https://gantry.example.com/elsewhere", 302));
app.onError(onError);

describe("securityHeadersMiddleware", () => {
  it("puts the headers on an unexpected error's 500 too", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const response = await app.request("/boom");
    log.mockRestore();
    expect(response.status).toBe(500);
    expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("copies an answer whose headers cannot be changed", async () => {
    expect(() => Response.redirect("https://gantry.example.com/", 302).headers.set("x", "y")).toThrow();
    const response = await app.request("/frozen");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("https://gantry.example.com/elsewhere");
    expect(response.headers.get("strict-transport-security")).toContain("max-age=");
  });
});
