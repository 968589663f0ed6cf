import { defineConfig } from "vitest/config";

// what the release build made (turbo builds it first): the executable, its signature, the packages
export default defineConfig({
  test: {
    name: "release",
    include: ["**/*.test.ts"],
    exclude: ["dist/**", "node_modules/**"],
    testTimeout: 60_000,
  },
});
