import { describe, expect, it } from "vitest";
import { vmAccess } from "./vm-access.ts";

const vm = { hostname: "web-01", ipAddress: "198.18.0.7" };

describe("vmAccess", () => {
  it("builds the FQDN from the site's DNS domain and logs in to it", () => {
    expect(vmAccess(vm, { dnsDomain: "lab.acme.test", loginUser: "ubuntu" })).toEqual({
      fqdn: "web-01.lab.acme.test",
      login: "ssh ubuntu@web-01.lab.acme.test",
    });
  });

  it("keeps a guest's own FQDN, and logs in to the IP address when no name is known", () => {
    expect(
      vmAccess({ ...vm, hostname: "web-01.corp.test" }, { dnsDomain: "lab.acme.test", loginUser: null }),
    ).toEqual({
      fqdn: "web-01.corp.test",
      login: null,
    });
    expect(vmAccess(vm, { dnsDomain: null, loginUser: "ubuntu" })).toEqual({
      fqdn: null,
      login: "ssh ubuntu@198.18.0.7",
    });
  });

  it("has no login without a user, nor without any address", () => {
    expect(vmAccess({ hostname: "", ipAddress: null }, { dnsDomain: null, loginUser: "ubuntu" })).toEqual({
      fqdn: null,
      login: null,
    });
  });
});
