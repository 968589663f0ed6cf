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

  it("finds nothing in a refusal without data.fields, or in an error that is not tRPC's", () => {
    expect(fieldErrorsOf(refusal("networkPath is not offered", { code: "BAD_REQUEST" }))).toEqual({});
    expect(fieldErrorsOf(new Error("name is bad"))).toEqual({});
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
