import { describe, expect, it } from "vitest";
import { isUsableIp, pickIp } from "./guest-ip.ts";

describe("isUsableIp", () => {
  it("accepts routable and private addresses", () => {
    for (const ip of ["198.18.0.7", "10.1.2.3", "2001:db8::1"]) expect(isUsableIp(ip), ip).toBe(true);
  });

  it("rejects link-local, loopback, unspecified and junk", () => {
    for (const ip of [
      "169.254.10.1",
      "fe80::1",
      "FE80::abcd",
      "febf::1",
      "127.0.0.1",
      "::1",
      "0.0.0.0",
      "",
      "x",
    ]) {
      expect(isUsableIp(ip), ip).toBe(false);
    }
  });
});

describe("pickIp", () => {
  it("prefers the primary address, then IPv4 over IPv6", () => {
    expect(pickIp("10.0.0.5", ["2001:db8::5"])).toBe("10.0.0.5");
    expect(pickIp("169.254.3.3", ["fe80::1", "2001:db8::5", "10.0.0.6"])).toBe("10.0.0.6");
    expect(pickIp(undefined, ["fe80::1", "2001:db8::5"])).toBe("2001:db8::5");
  });

  it("returns null when nothing usable is there yet", () => {
    expect(pickIp("169.254.3.3", ["fe80::1"])).toBeNull();
  });
});
