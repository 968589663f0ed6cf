import { defineConfig } from "vitest/config";

// `npm test` runs `agent` and `link` (turbo builds the web app first: every edge here serves it), then
// `browser` once everything else has passed
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 180_000,
    projects: [
      {
        // the agent's vSphere client, provisioning and VM actions against a real VCSIM, and `gantry-agent
        // run` as a process
        extends: true,
        test: {
          name: "agent",
          include: [
            "vsphere/**/*.test.ts",
            "provisioning/**/*.test.ts",
            "lifecycle/**/*.test.ts",
            "agent-cli/**/*.test.ts",
          ],
        },
      },
      {
        // agent ↔ edge ↔ VCSIM. These files mostly wait on their processes (wrangler, VCSIM, agents, a 30 s
        // cut), so three run side by side (one worker per core would run them one after another); another
        // maxWorkers needs a group of its own
        extends: true,
        test: {
          name: "link",
          include: ["link/**/*.test.ts"],
          maxWorkers: 3,
          sequence: { groupOrder: 1 },
        },
      },
      {
        // Chromium against one local stack started in global setup. Its files mostly wait on VM jobs and
        // pushed pages, and each signs in as people of its own or finds what it made by id, so two run
        // side by side (one at a time took ~9 of CI's 20 minutes)
        test: {
          name: "browser",
          environment: "node",
          include: ["browser/**/*.test.ts"],
          globalSetup: ["browser/global-setup.ts"],
          maxWorkers: 2,
          sequence: { groupOrder: 2 },
          testTimeout: 120_000,
          hookTimeout: 60_000,
          // a poll waits on the page like a locator does (20 s), not vitest's default second
          expect: { poll: { timeout: 20_000 } },
        },
      },
    ],
  },
});
