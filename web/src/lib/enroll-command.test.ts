import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EXAMPLE_AGENT_NAME, installCommands, isAgentName } from "./enroll-command.ts";

const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
const example = { origin: "https://gantry.example.com", token: "get_…", name: EXAMPLE_AGENT_NAME };

describe("installCommands", () => {
  it("are the root README's install, configure and start commands, with this edge, token and name", () => {
    const [install, configure, start] = installCommands({ ...example, release: { version: "0.3.0" } });
    expect(install).toBe(
      `curl -fsSL https://gantry.example.com/agent/install.sh | sudo sh -s -- --token get_… --name ${EXAMPLE_AGENT_NAME}`,
    );
    expect(readme).toContain(install?.replace(` --name ${EXAMPLE_AGENT_NAME}`, ""));
    // the README fills in an example vCenter where the page shows placeholders
    expect(configure).toBe(
      "sudo gantry-agent configure --vcenter https://<your vCenter> --username <service account>",
    );
    expect(readme).toContain("sudo gantry-agent configure --vcenter https://");
    expect(readme).toContain(start);
  });

  it("enroll an agent installed by hand when the edge has no published release", () => {
    expect(installCommands({ ...example, release: null })[0]).toBe(
      `sudo gantry-agent enroll --edge https://gantry.example.com --token get_… --name ${EXAMPLE_AGENT_NAME}`,
    );
  });

  it("accept the agent names the edge accepts", () => {
    expect(isAgentName("dc1-agent_2.lab")).toBe(true);
    expect(isAgentName("two words")).toBe(false);
    expect(isAgentName("")).toBe(false);
  });
});
