import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EXAMPLE_AGENT_NAME, enrollCommand, isAgentName } from "./enroll-command.ts";

describe("enrollCommand", () => {
  it("is the root README's enroll command, word for word, with its example values", () => {
    const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
    const example = enrollCommand({
      edge: "https://gantry.example.com",
      token: "get_…",
      name: EXAMPLE_AGENT_NAME,
    });
    expect(readme).toContain(example);
  });

  it("accepts the agent names the edge accepts", () => {
    expect(isAgentName("dc1-agent_2.lab")).toBe(true);
    expect(isAgentName("two words")).toBe(false);
    expect(isAgentName("")).toBe(false);
  });
});
