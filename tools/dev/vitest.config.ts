import { defineConfig } from "vitest/config";

// `npm run dev` as a process: each test starts a whole local stack (VCSIM, the edge, an agent) and stops
// it at some moment. The tests mostly wait on those processes, so two files run side by side
// (three starved the edge's workerd suite, which CI runs at the same time on 2 cores)
export default defineConfig({
  test: {
    name: "dev",
    include: ["test/**/*.test.ts"],
    testTimeout: 240_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
  },
});
