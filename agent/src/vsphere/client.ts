import { createLogger, type Logger } from "../log.ts";
import { sdkUrl, type VsphereClientOptions, VsphereConfig } from "./config.ts";
import type { RoundTripCounter } from "./round-trips.ts";
import type { ServiceContent } from "./service-content.ts";
import { Session } from "./session.ts";
import { SoapClient } from "./soap-client.ts";
import { TtlCache } from "./ttl-cache.ts";
import type { Vim } from "./vim.ts";
import { PropertyWaiter } from "./wait.ts";

/** What a job's calls carry: its cancellation and its round-trip counter. */
export interface CallScope {
  signal?: AbortSignal | undefined;
  counter?: RoundTripCounter | undefined;
}

/** One vCenter connection: a session shared by all jobs, its waiter and its caches. */
export interface VsphereClient {
  readonly session: Session;
  readonly waiter: PropertyWaiter;
  /** Every round trip this client made. */
  readonly roundTrips: RoundTripCounter;
  /** Resolved placement morefs; lives as long as the client (one session). */
  readonly cache: TtlCache;
  readonly log: Logger;
  /** Calls bound to a job's signal and counter. */
  scope(scope?: CallScope): Vim;
  /** Log in now (lazily done by the first call otherwise); returns the service content. */
  connect(scope?: CallScope): Promise<ServiceContent>;
  /** Destroy the collector, log out, close sockets. */
  close(): Promise<void>;
}

/**
 * Create a client for `config` (parsed with the zod schema; throws on a bad config).
 * Nothing is sent until the first call.
 */
export function createVsphereClient(
  config: VsphereConfig,
  options: VsphereClientOptions & { log?: Logger } = {},
): VsphereClient {
  const parsed = VsphereConfig.parse(config);
  const log = (options.log ?? createLogger()).child({ component: "vsphere" });
  const endpoint = sdkUrl(parsed.url);
  if (parsed.insecure === true) {
    log.warn(
      "vcenter certificate verification is DISABLED (insecure: true); configure caFile or thumbprintSha256",
      {
        host: endpoint.host,
      },
    );
  }
  const callTimeoutMs = options.callTimeoutMs ?? 60_000;
  const soap = new SoapClient({
    endpoint,
    apiVersion: parsed.apiVersion,
    timeoutMs: callTimeoutMs,
    caFile: parsed.caFile,
    thumbprintSha256: parsed.thumbprintSha256,
    insecure: parsed.insecure,
    maxSockets: options.maxSockets ?? 8,
  });
  const session = new Session(soap, {
    username: parsed.username,
    password: parsed.password,
    keepAliveIdleMs: options.keepAliveIdleMs ?? 10 * 60_000,
    log,
  });
  const waiter = new PropertyWaiter(session, {
    maxWaitSeconds: options.waitMaxSeconds ?? 30,
    callTimeoutMs,
    quietMs: options.quietMs ?? 60_000,
    log,
  });
  const scope = (s: CallScope = {}): Vim => ({
    serviceContent: () => session.serviceContent({ signal: s.signal, counter: s.counter }),
    invoke: (method, thisRef, body, extra) =>
      session.invoke(method, thisRef, body, { signal: s.signal, counter: s.counter, ...extra }),
  });
  return {
    session,
    waiter,
    roundTrips: soap.roundTrips,
    cache: new TtlCache(options.placementCacheMs ?? 10 * 60_000),
    log,
    scope,
    connect: async (s = {}) => {
      const content = await session.serviceContent(s);
      await session.ensureLoggedIn(s);
      return content;
    },
    close: async () => {
      try {
        await waiter.close();
        await session.logout();
      } finally {
        soap.close();
      }
    },
  };
}
