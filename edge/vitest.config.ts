import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const here = import.meta.dirname;

// Five projects. "edge": tests inside workerd with the real D1 and Durable Objects of wrangler.toml,
// against the production Worker (its `main`), the files in turn in one shared workerd.
// "edge-own-storage": the same, one workerd per file, for the files below that need storage no other
// file writes. "edge-limits": the same, with wrangler.toml's rate limits
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

/**
 * Files that need storage (and a queue) no other file writes. One writes events that no longer parse on
 * purpose (which would break every reader of the whole log beside it); others read the whole event log
 * (rebuilds) or the seeded demo tenants as a whole, so another file's rows beside theirs would change what
 * they see; the delivery and webhook tests wait on their own messages' retries through the real
 * notification queue, whose consumer would otherwise take every file's messages before theirs.
 */
const OWN_STORAGE = [
  "test/event-store.read.test.ts",
  "test/agent-revocation.test.ts",
  "test/foundation.test.ts",
  "test/notifications.inbox.test.ts",
  "test/notifications.delivery.test.ts",
  // re-runs migration 0046, which rewrites every delivery's id
  "test/notifications.migration-0046.test.ts",
  "test/notifications.webhooks.test.ts",
  "test/projections.rebuild.test.ts",
  // its sweeps dispatch every due outbox row, and count them: another file's rows would be counted too
  "test/provisioning.outbox.test.ts",
  "test/reference-data.test.ts",
  "test/vm-leftovers.test.ts",
  "test/workflow.http.test.ts",
];

/**
 * In the shared workerd a file's test or hook may wait behind what earlier files left running (their
 * deferred work, their queue messages) on a machine CI loads fully: a deadline that only catches a hang,
 * not a timed assertion (speed goals live in `npm run bench`).
 */
const SHARED_DEADLINE_MS = 30_000;

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
            exclude: ["test/dev/**", "test/node/**", "test/limits/**", ...OWN_STORAGE],
            setupFiles: ["./test/apply-migrations.ts"],
            // one workerd for the files in turn instead of one per file (~3 s each to start, more under
            // load). They share D1, the Durable Objects and the queue, which they can: each makes its
            // own tenants or finds what it made by id, and none counts a whole table
            isolate: false,
            testTimeout: SHARED_DEADLINE_MS,
            hookTimeout: SHARED_DEADLINE_MS,
          },
        },
        {
          plugins: [workerd()],
          test: {
            name: "edge-own-storage",
            include: OWN_STORAGE,
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
