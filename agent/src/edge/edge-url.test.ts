import { describe, expect, it } from "vitest";
import { checkEdgeUrl, isLoopback } from "./edge-url.ts";

describe("checkEdgeUrl", () => {
  it("takes https anywhere and plain http on this machine", () => {
    for (const url of [
      "https://gantry.example.com",
      "http://127.0.0.1:8787",
      "http://localhost:8787",
      "http://[::1]:8787",
    ])
      expect(checkEdgeUrl(url, { allowInsecure: false })).toMatchObject({
        ok: true,
        value: { insecure: false },
      });
  });

  it("refuses plain http to another machine unless told to, and then says it is insecure", () => {
    const refused = checkEdgeUrl("http://gantry.example.com", { allowInsecure: false });
    expect(refused).toMatchObject({ ok: false, error: expect.stringContaining("clear text") });
    expect(checkEdgeUrl("http://10.0.0.5:8787", { allowInsecure: true })).toMatchObject({
      ok: true,
      value: { insecure: true },
    });
    expect(checkEdgeUrl("ftp://gantry.example.com", { allowInsecure: true }).ok).toBe(false);
    expect(checkEdgeUrl("not a url", { allowInsecure: true }).ok).toBe(false);
  });

  it("knows loopback from look-alikes", () => {
    expect(isLoopback("127.10.0.1")).toBe(true);
    expect(isLoopback("127.0.0.1.evil.example")).toBe(false);
    expect(isLoopback("localhost.evil.example")).toBe(false);
  });
});
