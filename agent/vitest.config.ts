import { defineConfig } from "vitest/config";

// the daemon's own tests, in Node (the ones against VCSIM or a real edge live in e2e/); the generous
// timeout is for a busy 2-core machine that runs them beside every other package's tests
export default defineConfig({
  test: {
    name: "agent",
    include: ["src/**/*.test.ts", "bin/**/*.test.ts"],
    testTimeout: 60_000,
  },
});
