import { defineConfig } from "vitest/config";

// the launcher's own behaviour, against simulators the tests start (the first builds the Go binary)
export default defineConfig({
  test: {
    name: "vcsim",
    include: ["**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
