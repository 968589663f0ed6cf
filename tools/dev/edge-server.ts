import path from "node:path";
import { PassThrough, type Readable } from "node:stream";
import { convertV4MiniflareOptions, Log, LogLevel, Miniflare } from "miniflare";
import { bundleDevWorker } from "./edge-bundle.ts";
import { loadEdgeConfig } from "./edge-config.ts";
import { prepareEdgeState } from "./edge-state.ts";
import { freePort } from "./free-port.ts";
import { assertPortFree, PortBusyError, portHolders } from "./port-holder.ts";

export interface EdgeOptions {
  /**
   * Local D1/DO state lives in `<persistTo>/v3`, where `wrangler dev --persist-to` keeps it (so wrangler's
   * own `d1` commands and `rebuild-projections` read the same files); a fresh directory gives a fresh product.
   */
  persistTo: string;
  /** A fixed port is checked first: a taken one fails with its holder named (PortBusyError). */
  port?: number;
  /** Worker vars over wrangler.toml's; DEV_LOGIN and SESSION_SECRET are set for the local stack. */
  vars?: Record<string, string>;
  /** Serve this web build instead of wrangler.toml's `web/dist` (same SPA routing and worker-first routes). */
  assetsDir?: string;
  /** Seed the demo tenants (default true); migrations are always applied. */
  seed?: boolean;
  /** More SQL statements to run after the seed, before the edge answers anyone (e.g. enrollment tokens). */
  extraStatements?: readonly string[];
  /** Print the Worker's log lines as `[edge] line`. */
  echo?: boolean;
  /**
   * Miniflare's local explorer and its trace recorder, which stores every request and D1 call as spans
   * (18 MB a minute and a fifth of the edge's CPU under the bench's load). On for `npm run dev`, where a
   * developer may browse them; off (the default) where we test or measure the product itself.
   */
  devTools?: boolean;
}

/** The edge of the local stack: the dev Worker in workerd, run by Miniflare inside this process. */
export interface LocalEdge {
  readonly url: string;
  readonly port: number;
  /** Every line the Worker and Miniflare log, as they come. */
  readonly output: Readable;
  /** Stops workerd and starts it again on the same port and state: every Durable Object and socket restarts. */
  restart(): Promise<void>;
  /** Disposes of Miniflare (workerd is gone when it resolves); safe to call more than once. */
  stop(): Promise<void>;
}

/**
 * Starts the edge as `wrangler dev` would, without wrangler's processes: the dev Worker bundled with
 * esbuild, wrangler.toml's bindings as wrangler maps them (edge-config.ts), Miniflare on workerd, D1
 * migrations and the seed applied through the Worker's D1 binding before it answers anyone. workerd is a
 * child of this process and dies with it; every exit path disposes of Miniflare.
 */
export async function startEdge(options: EdgeOptions): Promise<LocalEdge> {
  if (options.port !== undefined) await assertPortFree(options.port, "the edge", "--edge-port");
  const port = options.port ?? (await freePort());
  const output = new PassThrough({ encoding: "utf8" });
  output.resume();
  const line = (text: string) => {
    output.write(`${text}\n`);
    if (options.echo) process.stdout.write(`[edge] ${text}\n`);
  };
  const config = await loadEdgeConfig(options.assetsDir);
  const scriptPath = await bundleDevWorker(path.join(options.persistTo, "worker"), config.define);
  const origin = `http://127.0.0.1:${port}`;
  const { workerOptions } = config;
  const miniflareOptions = convertV4MiniflareOptions({
    ...workerOptions,
    name: config.name,
    modules: true,
    scriptPath,
    modulesRoot: path.dirname(scriptPath),
    bindings: {
      ...(workerOptions.bindings ?? {}),
      ALLOWED_ORIGINS: `${origin},http://localhost:${port}`,
      DEV_LOGIN: "on",
      SESSION_SECRET: "local-stack-session-secret-not-for-production",
      OPERATOR_SECRET: LOCAL_OPERATOR_SECRET,
      // webhooks to a receiver on this machine (http to loopback); a deployment never allows them
      WEBHOOK_LOOPBACK: "on",
      ...options.vars,
    },
    host: "127.0.0.1",
    port,
    // placeholder request.cf values: no fetch of real ones from Cloudflare (offline, and nothing reads them)
    cf: false,
    resourcePersistencePath: path.join(options.persistTo, "v3"),
    // wrangler dev's /cdn-cgi/local/scheduled: the stack's cron stand-in (see local-stack.ts)
    unsafeTriggerHandlers: true,
    unsafeLocalExplorer: options.devTools ?? false,
    unsafeObservability: options.devTools ?? false,
    logRequests: false,
    log: new LineLog(line),
    handleStructuredLogs: ({ message }) => line(message),
  });

  let miniflare: Miniflare | null = await open(miniflareOptions, port);
  try {
    const worker = miniflare;
    await prepareEdgeState(await miniflare.getD1Database("DB"), config, {
      seed: options.seed ?? true,
      onboard: () => onboardDemoTenants(worker, origin, boundTo(options.vars?.OIDC_ISSUER, config.tenants)),
      ...(options.extraStatements === undefined ? {} : { extra: options.extraStatements }),
    });
  } catch (error) {
    await miniflare.dispose();
    throw error;
  }
  const stop = async () => {
    const running = miniflare;
    miniflare = null;
    await running?.dispose();
  };
  return {
    url: origin,
    port,
    output,
    restart: async () => {
      await stop();
      miniflare = await open(miniflareOptions, port);
    },
    stop,
  };
}

type MiniflareOptions = ConstructorParameters<typeof Miniflare>[0];

/** The local stack's operator secret (`POST /ops/tenants`); production sets its own Worker secret. */
export const LOCAL_OPERATOR_SECRET = "local-stack-operator-secret-not-for-production";

/**
 * The demo tenants bound to the IdP the stack is configured for (OIDC_ISSUER), so sign-in, which resolves
 * the tenant through the stored binding, finds them; without one, as edge/local/tenants.json says.
 */
function boundTo(issuer: string | undefined, tenants: readonly unknown[]): readonly unknown[] {
  if (!issuer) return tenants;
  return tenants.map((tenant) => {
    const t = tenant as { identity?: Record<string, unknown> };
    return { ...t, identity: { ...t.identity, issuer } };
  });
}

/**
 * The demo tenants, onboarded as an operator would onboard a real one (the same use case, through the
 * Worker); a tenant already on record (a restarted stack) answers 409 and is left as it is.
 */
async function onboardDemoTenants(worker: Miniflare, origin: string, tenants: readonly unknown[]) {
  for (const tenant of tenants) {
    const response = await worker.dispatchFetch(`${origin}/ops/tenants`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${LOCAL_OPERATOR_SECRET}` },
      body: JSON.stringify(tenant),
    });
    const answer = await response.text();
    if (response.status !== 201 && response.status !== 409)
      throw new Error(`onboarding a demo tenant failed: HTTP ${response.status} ${answer}`);
  }
}

/** A running Miniflare, or a disposed one and an error: a taken port names its holder. */
async function open(options: MiniflareOptions, port: number): Promise<Miniflare> {
  const miniflare = new Miniflare(options);
  try {
    await miniflare.ready;
    return miniflare;
  } catch (error) {
    await miniflare.dispose().catch(() => undefined);
    if (error instanceof Error && "code" in error && error.code === "ERR_ADDRESS_IN_USE") {
      throw new PortBusyError(port, await portHolders(port), "the edge", "--edge-port");
    }
    throw error;
  }
}

/** Miniflare's own messages (ready, warnings) as lines of the edge's output. */
class LineLog extends Log {
  constructor(private readonly line: (text: string) => void) {
    super(LogLevel.INFO);
  }

  protected override log(message: string): void {
    this.line(message);
  }
}
