import { describe, expect, it } from "vitest";
import { DnsDomain, LoginUser } from "./vm-access.ts";

describe("DnsDomain", () => {
  it("accepts a domain and stores it lower-case", () => {
    expect(DnsDomain.parse(" Lab.Example.COM ")).toBe("lab.example.com");
    expect(DnsDomain.parse("corp")).toBe("corp");
  });

  it("refuses labels that start or end with a hyphen, empty labels and spaces", () => {
    for (const bad of ["-lab.example.com", "lab-.example.com", "lab..example.com", "lab example.com", ""])
      expect(DnsDomain.safeParse(bad).success).toBe(false);
  });
});

describe("LoginUser", () => {
  it("accepts Linux and Windows user names", () => {
    expect(LoginUser.parse("ubuntu")).toBe("ubuntu");
    expect(LoginUser.parse("Administrator")).toBe("Administrator");
    expect(LoginUser.parse("cloud-user")).toBe("cloud-user");
  });

  it("refuses names a shell would read as more than a user", () => {
    for (const bad of ["root; rm -rf /", "ubuntu@host", "-oProxyCommand", ""])
      expect(LoginUser.safeParse(bad).success).toBe(false);
  });
});
