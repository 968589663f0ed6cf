import { describe, expect, it } from "vitest";
import { EMPTY_REQUEST_FORM, localErrors, requestInput, serverError } from "./new-request-form.ts";

describe("localErrors", () => {
  it("says what is wrong with each field in a sentence", () => {
    const errors = localErrors({ name: "A", justification: "short" }, "");
    expect(errors).toEqual({
      name: "The name must be at least 3 characters.",
      projectId: "Choose a project.",
      justification: "The justification must be at least 10 characters.",
    });
  });

  it("finds nothing wrong with a valid request", () => {
    const errors = localErrors({ name: "shop-web-01", justification: "Staging copy of the web shop." }, "p1");
    expect(errors).toEqual({ name: null, projectId: null, justification: null });
  });
});

describe("serverError", () => {
  it("turns the server's field message into a sentence about that field", () => {
    const errors = { projectId: "is not yours", networkPath: "is not offered at this site." };
    expect(serverError("projectId", errors)).toBe("The project is not yours.");
    expect(serverError("networkPath", errors)).toBe("The network is not offered at this site.");
    expect(serverError("name", errors)).toBeNull();
  });
});

describe("requestInput", () => {
  it("trims the justification and leaves the default network out", () => {
    const values = { ...EMPTY_REQUEST_FORM, name: "web-01", justification: "  For the shop.  " };
    expect(requestInput(values, { projectId: "p1", size: "M" })).toEqual({
      projectId: "p1",
      name: "web-01",
      size: "M",
      justification: "For the shop.",
    });
  });

  it("names the network when one was picked", () => {
    const values = { ...EMPTY_REQUEST_FORM, name: "web-01", networkPath: "/DC0/network/VM Network" };
    expect(requestInput(values, { projectId: "p1", size: "L" }).networkPath).toBe("/DC0/network/VM Network");
  });
});
