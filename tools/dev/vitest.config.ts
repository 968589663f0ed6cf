import { defineConfig } from "vitest/config";

// `npm run dev` as a process: each test starts a whole local stack (VCSIM, the edge, an agent) and stops
// it at some moment. The tests mostly wait on those processes, so three files run side by side
export default defineConfig({
  test: {
    name: "dev",
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    maxWorkers: 3,
  },
});
