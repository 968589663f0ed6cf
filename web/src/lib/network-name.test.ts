import { describe, expect, it } from "vitest";
import { networkName, requestedNetworkText } from "./network-name.ts";

describe("requestedNetworkText", () => {
  it("names a picked network, or the site's default as such", () => {
    expect(networkName("/DC0/network/VM Network")).toBe("VM Network");
    expect(requestedNetworkText({ path: "/DC0/network/VM Network", siteDefault: false })).toBe("VM Network");
    expect(requestedNetworkText({ path: "/DC0/network/DC0_DVPG0", siteDefault: true })).toBe(
      "DC0_DVPG0 (site default)",
    );
    expect(requestedNetworkText({ path: null, siteDefault: true })).toBe("The site's default network");
  });
});
