import { defineConfig } from "vitest/config";

// `npm test` runs `agent` and `link` (turbo builds the web app first: every edge here serves it) and,
// beside them, `release`; then `browser` once everything else has passed
const RELEASE_FILES = ["link/agent-release.test.ts", "link/fresh-host.test.ts"];

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
          exclude: RELEASE_FILES,
          maxWorkers: 3,
          sequence: { groupOrder: 1 },
        },
      },
      {
        // the files that need the release build (`npm run test:release`): turbo runs them beside the rest,
        // once the build and the fresh host's Debian root are made, so neither holds back the other files
        extends: true,
        test: {
          name: "release",
          include: RELEASE_FILES,
          maxWorkers: 2,
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
