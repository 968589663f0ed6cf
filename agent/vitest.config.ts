import { configDefaults, defineConfig } from "vitest/config";

// agent tests run in Node against a real simulator started by the tests themselves
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 180_000,
    projects: [
      {
        extends: true,
        test: {
          name: "agent",
          include: ["src/**/*.test.ts", "test/**/*.test.ts", "vcsim/**/*.test.ts"],
          exclude: [...configDefaults.exclude, "test/link/**"],
        },
      },
      {
        // link files mostly wait on their processes (wrangler, VCSIM, agents, a 30 s cut), so they run
        // side by side, after the rest; one worker per core would run them one after another
        extends: true,
        test: {
          name: "link",
          include: ["test/link/**/*.test.ts"],
          maxWorkers: 3,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
