import { defineConfig } from "vitest/config";

// agent tests run in Node against a real simulator started by the tests themselves
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts", "vcsim/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
