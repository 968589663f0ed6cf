import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const here = import.meta.dirname;

// Three projects. "edge": tests inside workerd with the real D1 and Durable Objects of wrangler.toml,
// against the production Worker (its `main`). "edge-dev": the same runtime against the dev Worker
// (edge/dev/dev-worker.ts), for the dev-only routes the production Worker does not have. "edge-node":
// checks of the source tree and of the production bundle, in Node.
export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(here, "migrations"));
  const workerd = (main?: string) =>
    cloudflareTest({
      ...(main === undefined ? {} : { main }),
      wrangler: { configPath: "../wrangler.toml" },
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: migrations,
          DEV_LOGIN: "on",
          SESSION_SECRET: "test-session-secret-0123456789abcdef",
        },
      },
    });
  return {
    test: {
      projects: [
        {
          plugins: [workerd()],
          test: {
            name: "edge",
            include: ["test/**/*.test.ts", "src/**/*.test.ts"],
            exclude: ["test/dev/**", "test/node/**"],
            setupFiles: ["./test/apply-migrations.ts"],
          },
        },
        {
          plugins: [workerd(path.join(here, "dev/dev-worker.ts"))],
          test: {
            name: "edge-dev",
            include: ["test/dev/**/*.test.ts"],
            setupFiles: ["./test/apply-migrations.ts"],
          },
        },
        {
          test: { name: "edge-node", include: ["test/node/**/*.test.ts"], environment: "node" },
        },
      ],
    },
  };
});
