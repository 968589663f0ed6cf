import { describe, expect, it } from "vitest";
import { accessUpdate } from "./site-access-form.ts";

describe("accessUpdate", () => {
  it("sends blanks as not set and the rest as the edge stores them", () => {
    expect(accessUpdate({ dnsDomain: " Lab.Acme.test ", loginUser: "" })).toEqual({
      ok: true,
      value: { dnsDomain: "lab.acme.test", loginUser: null },
    });
  });

  it("names the first field the edge would refuse, with why", () => {
    expect(accessUpdate({ dnsDomain: "lab..acme", loginUser: "root; reboot" })).toEqual({
      ok: false,
      field: "dnsDomain",
      message: "The DNS domain must be a DNS domain such as lab.example.com.",
    });
  });
});
