import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const here = import.meta.dirname;

// Four projects. "edge": tests inside workerd with the real D1 and Durable Objects of wrangler.toml,
// against the production Worker (its `main`). "edge-limits": the same, with wrangler.toml's rate limits
// as they are (test/limits/); everywhere else they are raised, since every test request comes from one
// address and the suite signs in and enrolls more often in a minute than any client should. "edge-dev":
// the same runtime against the dev Worker (edge/dev/dev-worker.ts), for the dev-only routes the
// production Worker does not have. "edge-node": checks of the source tree and of the production bundle,
// in Node.
const unlimited = (namespace_id: string) => ({ namespace_id, simple: { limit: 1_000_000, period: 60 } });
const RAISED_LIMITS = {
  SIGN_IN_LIMITER: unlimited("1001"),
  ENROLL_LIMITER: unlimited("1002"),
  AGENT_CONNECT_LIMITER: unlimited("1003"),
  OPERATOR_LIMITER: unlimited("1004"),
  API_TOKEN_LIMITER: unlimited("1017"),
};

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(here, "migrations"));
  const workerd = (main?: string, options: { productionLimits?: boolean } = {}) =>
    cloudflareTest({
      ...(main === undefined ? {} : { main }),
      wrangler: { configPath: "../wrangler.toml" },
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: migrations,
          DEV_LOGIN: "on",
          SESSION_SECRET: "test-session-secret-0123456789abcdef",
          OPERATOR_SECRET: "test-operator-secret-0123456789abcdef",
          // webhooks to a receiver on this machine, and retries without waiting (dead-letter tests)
          WEBHOOK_LOOPBACK: "on",
          NOTIFY_RETRY_BASE_SECONDS: "0",
        },
        ...(options.productionLimits ? {} : { ratelimits: RAISED_LIMITS }),
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
            exclude: ["test/dev/**", "test/node/**", "test/limits/**"],
            setupFiles: ["./test/apply-migrations.ts"],
          },
        },
        {
          plugins: [workerd(undefined, { productionLimits: true })],
          test: {
            name: "edge-limits",
            include: ["test/limits/**/*.test.ts"],
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
