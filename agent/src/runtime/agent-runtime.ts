import { answerCall } from "../calls.ts";
import type { AgentConfig, LoadedConfig } from "../config.ts";
import { DriftWatch } from "../drift/drift-watch.ts";
import { EdgeConnection, type FatalReason } from "../edge/edge-connection.ts";
import { INSECURE_EDGE_WARNING } from "../edge/edge-url.ts";
import { Outbox } from "../edge/outbox.ts";
import { type HealthSnapshot, startHealthServer } from "../health.ts";
import { InventoryReporter } from "../inventory-reporter.ts";
import { createHandlerRegistry } from "../jobs/handlers.ts";
import { JobLoop } from "../jobs/job-loop.ts";
import { Journal } from "../jobs/journal.ts";
import { createLogger, type Logger } from "../log.ts";
import { reportScan } from "../reconcile/scan-reporter.ts";
import { type AgentState, loadState } from "../state-file.ts";
import { AgentUpgrader } from "../upgrade/agent-upgrader.ts";
import { issueControl } from "../upgrade/control-token.ts";
import { configuredVcenter, type Vcenter } from "../vcenter.ts";
import { AGENT_VERSION, RELEASE_PUBLIC_KEY } from "../version.ts";
import { EXIT, exitCodeFor } from "./exit-codes.ts";
import { StopSignals } from "./stop-signals.ts";

const ACK_TIMEOUT_MS = 15_000;
const DRAIN_TIMEOUT_MS = 5000;

/**
 * The agent process of `gantry-agent run`, assembled in one place and in dependency order: config →
 * logger → journal → vCenter → connection → outbox → inventory → job loop. The connection is built
 * before the parts that send through it and dials only once `run` hands it the job loop's handlers.
 * Lifecycle (R13, buildkite poolSignals): SIGTERM once drains (finish within the grace period, hand
 * back the rest), twice stops now, three times exits at once; a refusal for good exits 3 or 4; an
 * upgrade drains the same way and resolves `EXIT.restart` with the executable to run next.
 */
export class AgentRuntime {
  private readonly config: AgentConfig;
  private readonly state: AgentState;
  /** the operator allowed plain http to an edge off this machine: said loudly at every start */
  private readonly insecureEdge: boolean;
  private readonly log: Logger;
  private readonly journal: Journal;
  private readonly vcenter: Vcenter | null;
  private readonly connection: EdgeConnection;
  private readonly outbox: Outbox;
  private readonly inventory: InventoryReporter | null;
  private readonly drift: DriftWatch | null;
  private readonly loop: JobLoop;
  private readonly upgrader: AgentUpgrader;
  /** after exit code `restart`: the executable to run next */
  private restartTarget: string | null = null;
  /** settled once, by whichever comes first: a signal's stop finishing, or the edge refusing for good */
  private readonly exit = Promise.withResolvers<number>();

  constructor(input: { loaded: LoadedConfig; state: AgentState; insecureEdge?: boolean }) {
    const { config } = input.loaded;
    this.config = config;
    this.state = input.state;
    this.insecureEdge = input.insecureEdge ?? false;
    this.log = createLogger({ level: config.logLevel, base: { agentId: input.state.agentId } });
    this.journal = Journal.open(config.stateDir);
    this.vcenter = configuredVcenter(input.loaded, this.log);
    this.connection = new EdgeConnection({
      edgeUrl: config.edgeUrl ?? input.state.edgeUrl,
      // read again at each connect: `gantry-agent rotate` saves a new one that the next reconnect uses
      credential: () => {
        const current = loadState(config.stateDir);
        return current.ok ? current.value.credential : input.state.credential;
      },
      log: this.log,
      backoff: config.reconnect,
    });
    this.outbox = new Outbox(this.journal, {
      limit: config.outboxLimit,
      ackTimeoutMs: ACK_TIMEOUT_MS,
      send: (raw) => this.connection.sendRaw(raw),
    });
    this.inventory = this.createInventoryReporter();
    this.drift = this.createDriftWatch();
    this.loop = this.createJobLoop();
    this.upgrader = this.createUpgrader(input.loaded.config.edgeUrl ?? input.state.edgeUrl);
  }

  /** What to run after `run` resolved `EXIT.restart`. */
  get restartInto(): string | null {
    return this.restartTarget;
  }

  private createUpgrader(edgeUrl: string): AgentUpgrader {
    return new AgentUpgrader({
      settings: this.config.upgrade,
      stateDir: this.config.stateDir,
      edgeUrl,
      ownVersion: AGENT_VERSION,
      ownExec: process.execPath,
      publicKey: RELEASE_PUBLIC_KEY,
      arch: process.arch,
      log: this.log,
      drain: () => this.loop.stopGracefully(this.config.gracePeriodMs),
      restart: (executable) => {
        this.restartTarget = executable;
        this.exit.resolve(EXIT.restart);
      },
    });
  }

  private createDriftWatch(): DriftWatch | null {
    const { vcenter } = this;
    const { drift } = this.config;
    if (!vcenter || !drift.enabled) return null;
    return new DriftWatch({
      collector: vcenter.driftCollector(),
      settings: { minIntervalMs: drift.minIntervalMs, maxWaitSeconds: drift.maxWaitSeconds },
      log: this.log,
      send: (body) => this.connection.send(body),
    });
  }

  private createInventoryReporter(): InventoryReporter | null {
    const { vcenter } = this;
    if (!vcenter) return null;
    return new InventoryReporter({
      collect: () => vcenter.inventory(),
      send: (body) => this.connection.send(body),
      protocol: () => this.connection.protocol,
      log: this.log,
    });
  }

  private createJobLoop(): JobLoop {
    const { vcenter, inventory, drift } = this;
    const refreshInventory = inventory ? () => inventory.refresh() : null;
    const scanVms = vcenter
      ? (scanId: string) =>
          reportScan(
            {
              scan: (counter) => vcenter.scanMarkedVms(counter),
              send: (body) => this.connection.send(body),
              log: this.log,
            },
            scanId,
          )
      : null;
    return new JobLoop({
      journal: this.journal,
      outbox: this.outbox,
      sender: this.connection,
      handlers: createHandlerRegistry({ "provision-vm": vcenter?.provision, ...vcenter?.actions }),
      capacity: this.config.concurrency,
      version: AGENT_VERSION,
      log: this.log,
      answerCall: (call) => answerCall({ vcenter, refreshInventory, scanVms }, call),
      // without a vCenter it can answer none of them, so the hub asks another agent of the site
      calls: vcenter ? ["vm.status", "vcenter.test", "inventory.refresh", "vms.scan"] : [],
      ...(drift && {
        watch: { started: (job) => drift.hold(job.requestId), ended: (job) => drift.release(job.requestId) },
      }),
    });
  }

  /** Runs until a stop or a refusal for good; resolves the process's exit code. */
  async run(): Promise<number> {
    this.announceStart();
    const health = await this.startHealth();
    const signals = new StopSignals({
      graceful: (signal) => this.drain(signal),
      now: (signal) => this.stopNow(signal),
      exit: () => process.exit(EXIT.failure),
    });
    signals.listen();
    this.connect();
    this.inventory?.start();
    this.upgrader.start();
    this.drift?.start();
    this.log.info("agent started", {
      version: AGENT_VERSION,
      concurrency: this.config.concurrency,
      resuming: this.journal.jobs().length,
    });
    const code = await this.exit.promise;
    await this.finishJobs(code);
    this.upgrader.stop();
    this.inventory?.stop();
    await this.drift?.stop();
    this.connection.stop();
    await health?.close();
    await this.vcenter?.close();
    signals.close();
    this.log.info("agent stopped", { exitCode: code });
    return code;
  }

  private announceStart(): void {
    if (this.insecureEdge) {
      this.log.error(INSECURE_EDGE_WARNING, { edgeUrl: this.config.edgeUrl ?? this.state.edgeUrl });
      process.stderr.write(`gantry-agent: ${INSECURE_EDGE_WARNING}\n`);
    }
    const setAside = this.journal.setAside;
    if (setAside) {
      this.log.error("the job journal could not be read; starting without it (the edge requeues its jobs)", {
        reason: setAside.reason,
        movedTo: setAside.movedTo,
      });
      process.stderr.write(
        `gantry-agent: the job journal could not be read (${setAside.reason}); moved to ${setAside.movedTo ?? "(could not move it)"}\n`,
      );
    }
    if (!this.vcenter) this.log.warn("no vCenter configured: this agent declines provisioning jobs");
    else if (this.config.allowlist)
      this.log.info("placement allowlist in force", { kinds: Object.keys(this.config.allowlist) });
  }

  private async startHealth() {
    const { host, port } = this.config.health;
    if (port < 0) return null;
    const health = await startHealthServer({
      host,
      port,
      snapshot: () => this.healthSnapshot(),
      control: {
        issueToken: (url) => issueControl(this.config.stateDir, url),
        upgrade: () => this.upgrader.upgrade("manual"),
      },
    });
    this.log.info("health endpoint listening", { port: health.port, host });
    return health;
  }

  private healthSnapshot(): HealthSnapshot {
    return {
      connected: this.connection.connected,
      lastHeartbeatAt: this.connection.lastHeartbeatAt?.toISOString() ?? null,
      jobsInFlight: this.loop.inFlight,
      draining: this.loop.isDraining,
      agentId: this.state.agentId,
      version: AGENT_VERSION,
      vcenterRoundTrips: this.vcenter?.roundTrips() ?? null,
      upgrade: this.upgrader.status(),
    };
  }

  /** Dials the edge; from the welcome on, its frames and ticks drive the job loop. */
  private connect(): void {
    const { loop, inventory, drift } = this;
    this.connection.start({
      hello: () => loop.hello(),
      onWelcome: (welcome) => {
        loop.onWelcome(welcome);
        this.upgrader.connected();
        void inventory?.report(true);
        drift?.welcomed(welcome.protocol);
      },
      // the drift watch's acks and refusals are its own; everything else is the job loop's
      onFrame: (frame) => {
        if (!drift?.onFrame(frame)) loop.onFrame(frame);
      },
      onTick: () => loop.onTick(),
      onDisconnected: () => {},
      onFatal: (reason) => this.refused(reason),
    });
  }

  private refused(reason: FatalReason): void {
    this.log.error(reason.message, { code: reason.code });
    process.stderr.write(`gantry-agent: ${reason.message}\n`);
    this.exit.resolve(exitCodeFor(reason));
  }

  private drain(signal: NodeJS.Signals): void {
    this.log.info("stopping gracefully: no new jobs, finishing running ones", {
      signal,
      graceMs: this.config.gracePeriodMs,
    });
    void this.loop.stopGracefully(this.config.gracePeriodMs).then(() => this.exit.resolve(EXIT.ok));
  }

  private stopNow(signal: NodeJS.Signals): void {
    this.log.warn("stopping now: handing running jobs back", { signal });
    void this.loop.stopNow().then(() => this.exit.resolve(EXIT.ok));
  }

  /**
   * After a refusal the jobs stop now; after a stop, the last results get a moment to reach the edge
   * (whatever is left stays journaled for the next start).
   */
  private async finishJobs(code: number): Promise<void> {
    if (code !== EXIT.ok && code !== EXIT.restart) await this.loop.stopNow();
    else if (!(await this.outbox.drained(DRAIN_TIMEOUT_MS)))
      this.log.warn("exiting with unacknowledged frames", { frames: this.outbox.size });
  }
}
