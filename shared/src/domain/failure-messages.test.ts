import { describe, expect, it } from "vitest";
import { PROVISIONING_FAILURE_CODES } from "../jobs/provision-vm-job.ts";
import { userMessageFor } from "./failure-messages.ts";

describe("userMessageFor", () => {
  it("gives every failure code a sentence", () => {
    for (const code of PROVISIONING_FAILURE_CODES) {
      expect(userMessageFor(code)).toMatch(/^\w.{20,}\.$/);
    }
  });

  it("does not leak technical terms for an unknown failure", () => {
    expect(userMessageFor("UNKNOWN")).not.toMatch(/UNKNOWN|fault|exception/i);
  });
});
