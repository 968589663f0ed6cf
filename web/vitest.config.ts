import { defineConfig } from "vitest/config";

// pure logic in node; the browser tests live in e2e/browser
export default defineConfig({
  test: {
    name: "unit",
    environment: "node",
    include: ["src/**/*.test.ts"],
  },
});
