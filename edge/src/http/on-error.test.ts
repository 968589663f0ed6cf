import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { describe, expect, it, vi } from "vitest";
import type { EdgeEnv } from "../env.ts";
import { onError } from "./on-error.ts";

const app = new Hono<EdgeEnv>()
  .get("/boom", () => {
    throw new Error("secret detail from deep inside");
  })
  .get("/teapot", () => {
    throw new HTTPException(418, { message: "short and stout" });
  });
app.onError(onError);

describe("onError", () => {
  it("answers an unexpected exception with a bare 500 and logs the detail", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const response = await app.request("/boom");
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: "internal error" });
    expect(String(log.mock.calls[0]?.[0])).toContain("secret detail from deep inside");
    log.mockRestore();
  });

  it("passes an HTTPException's own response through", async () => {
    const response = await app.request("/teapot");
    expect(response.status).toBe(418);
    expect(await response.text()).toBe("short and stout");
  });
});
