import { answerCall } from "./calls.ts";
import type { LoadedConfig } from "./config.ts";
import { EdgeConnection, type FatalReason } from "./edge/edge-connection.ts";
import { Outbox } from "./edge/outbox.ts";
import { startHealthServer } from "./health.ts";
import { InventoryReporter } from "./inventory-reporter.ts";
import { createHandlerRegistry } from "./jobs/handlers.ts";
import { JobLoop } from "./jobs/job-loop.ts";
import { Journal } from "./jobs/journal.ts";
import { createLogger, type Logger } from "./log.ts";
import type { AgentState } from "./state-file.ts";
import { createVcenter, type Vcenter } from "./vcenter.ts";
import { AGENT_VERSION } from "./version.ts";
import { createRetryPolicy } from "./vsphere/retry.ts";

/** Exit codes of `run`; systemd's RestartPreventExitStatus= lists the unrecoverable ones. */
export const EXIT = { ok: 0, failure: 1, usage: 2, credentialRejected: 3, protocolRefused: 4 } as const;

/** The exit code for a reason the edge gave to stop for good; restarting would be refused again. */
export function exitCodeFor(reason: FatalReason): number {
  switch (reason.code) {
    case "CREDENTIAL_REJECTED":
      return EXIT.credentialRejected;
    case "PROTOCOL_REFUSED":
      return EXIT.protocolRefused;
  }
}

const ACK_TIMEOUT_MS = 15_000;
const DRAIN_TIMEOUT_MS = 5000;

/**
 * The config's vCenter, or null when it has none (such an agent declines provisioning jobs).
 * Every job it runs is held to the config's placement allowlist and retry policy.
 */
export function configuredVcenter(loaded: LoadedConfig, log: Logger): Vcenter | null {
  const { vcenter: vc, allowlist, retry } = loaded.config;
  if (!vc || loaded.vcenterPassword === null) return null;
  return createVcenter({ ...vc, password: loaded.vcenterPassword }, log, {
    allowlist,
    retryPolicy: createRetryPolicy({
      maxAttempts: retry.attempts,
      baseDelayMs: retry.baseMs,
      maxDelayMs: retry.capMs,
    }),
  });
}

/**
 * The composition root of `gantry-agent run`: config → logger → journal → connection → job loop,
 * then signals: SIGTERM once drains (finish within the grace period, hand back the rest), twice
 * stops now, three times exits at once (R13, buildkite poolSignals).
 */
export async function runAgent(input: { loaded: LoadedConfig; state: AgentState }): Promise<number> {
  const { config } = input.loaded;
  const log = createLogger({ level: config.logLevel, base: { agentId: input.state.agentId } });
  const journal = Journal.open(config.stateDir);
  const vcenter = configuredVcenter(input.loaded, log);
  if (!vcenter) log.warn("no vCenter configured: this agent declines provisioning jobs");
  else if (config.allowlist)
    log.info("placement allowlist in force", { kinds: Object.keys(config.allowlist) });
  let connection: EdgeConnection | null = null;
  const outbox = new Outbox(journal, {
    limit: config.outboxLimit,
    ackTimeoutMs: ACK_TIMEOUT_MS,
    send: (raw) => connection?.sendRaw(raw) ?? false,
  });
  const loop = new JobLoop({
    journal,
    outbox,
    sender: { send: (body, id) => connection?.send(body, id) ?? null },
    handlers: createHandlerRegistry({ "provision-vm": vcenter?.provision }),
    capacity: config.concurrency,
    version: AGENT_VERSION,
    log,
    answerCall: (call) =>
      answerCall({ vcenter, refreshInventory: inventory ? () => inventory.refresh() : null }, call),
    // without a vCenter it can answer none of them, so the hub asks another agent of the site
    calls: vcenter ? ["vm.status", "vcenter.test", "inventory.refresh"] : [],
  });
  const inventory = vcenter
    ? new InventoryReporter({
        collect: () => vcenter.inventory(),
        send: (b) => connection?.send(b) ?? null,
        log,
      })
    : null;

  let settle: (code: number) => void = () => {};
  const finished = new Promise<number>((resolve) => {
    settle = resolve;
  });
  const onFatal = (reason: FatalReason) => {
    log.error(reason.message, { code: reason.code });
    process.stderr.write(`gantry-agent: ${reason.message}\n`);
    settle(exitCodeFor(reason));
  };
  connection = new EdgeConnection({
    edgeUrl: config.edgeUrl ?? input.state.edgeUrl,
    credential: input.state.credential,
    log,
    backoff: config.reconnect,
    hello: () => loop.hello(),
    onWelcome: (welcome) => {
      loop.onWelcome(welcome);
      void inventory?.report(true);
    },
    onFrame: (frame) => loop.onFrame(frame),
    onTick: () => loop.onTick(),
    onDisconnected: () => {},
    onFatal,
  });

  const health =
    config.health.port >= 0
      ? await startHealthServer({
          host: config.health.host,
          port: config.health.port,
          snapshot: () => ({
            connected: connection?.connected ?? false,
            lastHeartbeatAt: connection?.lastHeartbeatAt?.toISOString() ?? null,
            jobsInFlight: loop.inFlight,
            draining: loop.isDraining,
            agentId: input.state.agentId,
            version: AGENT_VERSION,
            vcenterRoundTrips: vcenter?.roundTrips() ?? null,
          }),
        })
      : null;
  if (health) log.info("health endpoint listening", { port: health.port, host: config.health.host });

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals === 1) {
      log.info("stopping gracefully: no new jobs, finishing running ones", {
        signal,
        graceMs: config.gracePeriodMs,
      });
      void loop.stopGracefully(config.gracePeriodMs).then(() => settle(EXIT.ok));
    } else if (signals === 2) {
      log.warn("stopping now: handing running jobs back", { signal });
      void loop.stopNow().then(() => settle(EXIT.ok));
    } else {
      process.exit(EXIT.failure);
    }
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);

  connection.start();
  inventory?.start();
  log.info("agent started", {
    version: AGENT_VERSION,
    concurrency: config.concurrency,
    resuming: journal.jobs().length,
  });
  const code = await finished;
  if (code !== EXIT.ok) await loop.stopNow();
  // let the last results reach the edge; whatever is left stays journaled for the next start
  else if (!(await outbox.drained(DRAIN_TIMEOUT_MS)))
    log.warn("exiting with unacknowledged frames", { frames: outbox.size });
  inventory?.stop();
  connection.stop();
  await health?.close();
  await vcenter?.close();
  process.off("SIGTERM", onSignal);
  process.off("SIGINT", onSignal);
  log.info("agent stopped", { exitCode: code });
  return code;
}
