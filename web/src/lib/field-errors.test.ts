import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { fieldErrorsOf, sentence } from "./field-errors.ts";

const refusal = (message: string, data: Record<string, unknown>) =>
  TRPCClientError.from({ error: { message, code: -32600, data: { httpStatus: 400, ...data } } });

describe("fieldErrorsOf", () => {
  it("keys the edge's data.fields by the input's top-level field, first message wins", () => {
    const error = refusal("invalid input: name …", {
      code: "BAD_REQUEST",
      fields: [
        { path: "name", message: "must be at least 3 characters" },
        { path: "name", message: "may contain only lowercase letters" },
        { path: "placement.templatePath", message: "is required" },
      ],
    });
    expect(fieldErrorsOf(error)).toEqual({
      name: "must be at least 3 characters",
      placement: "is required",
    });
  });

  it("reads a known field from a BAD_REQUEST message that has no data.fields", () => {
    const error = refusal("networkPath is not a network of this project's site", { code: "BAD_REQUEST" });
    expect(fieldErrorsOf(error, ["name", "networkPath"])).toEqual({
      networkPath: "is not a network of this project's site",
    });
  });

  it("ignores a message that names no known field, or a refusal that is not about input", () => {
    const unknown = refusal("region is not offered", { code: "BAD_REQUEST" });
    expect(fieldErrorsOf(unknown, ["name", "networkPath"])).toEqual({});
    expect(fieldErrorsOf(unknown)).toEqual({});
    const conflict = refusal("name is already being processed", { code: "CONFLICT" });
    expect(fieldErrorsOf(conflict, ["name"])).toEqual({});
    expect(fieldErrorsOf(new Error("name is bad"), ["name"])).toEqual({});
  });
});

describe("sentence", () => {
  it("makes one sentence of a subject and a message, with one full stop", () => {
    expect(sentence("The name", "must be at least 3 characters")).toBe(
      "The name must be at least 3 characters.",
    );
    expect(sentence("The network", "is gone.")).toBe("The network is gone.");
  });
});
