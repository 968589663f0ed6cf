import type { Logger } from "../log.ts";
import { prepareUpgrade, type UpgradeRefusal } from "./prepare-upgrade.ts";
import { ReleaseStore } from "./release-store.ts";

export interface UpgradeSettings {
  /** check the edge for a newer release every `checkIntervalMs` and upgrade between jobs */
  automatic: boolean;
  checkIntervalMs: number;
  /** a new version that has not connected by then is rolled back */
  connectDeadlineMs: number;
}

export interface UpgradeStatus {
  phase: "idle" | "downloading" | "draining" | "restarting";
  target: string | null;
  lastError: string | null;
}

export type UpgradeAnswer =
  | { status: "started"; from: string; to: string }
  | { status: "refused"; code: UpgradeRefusal; message: string }
  | { status: "busy"; phase: UpgradeStatus["phase"]; target: string | null };

export interface UpgraderDeps {
  settings: UpgradeSettings;
  stateDir: string;
  edgeUrl: string;
  ownVersion: string;
  ownExec: string;
  publicKey: string | null;
  arch: string;
  log: Logger;
  /** take no new jobs; resolves once running ones finished or were handed back (the grace period) */
  drain(): Promise<void>;
  /** leave so that `executable` runs next: through systemd's restart, or by re-executing */
  restart(executable: string): void;
  now?: () => number;
}

/**
 * Upgrades the running agent without interrupting a job: verify the edge's release first (a bad one
 * changes nothing), then drain, switch `current` under trial and restart into it. The new version
 * confirms the trial when it connects; if it has not by the deadline it rolls itself back.
 */
export class AgentUpgrader {
  private readonly store: ReleaseStore;
  private state: UpgradeStatus = { phase: "idle", target: null, lastError: null };
  private readonly timers: ReturnType<typeof setTimeout>[] = [];
  private readonly now: () => number;

  constructor(private readonly deps: UpgraderDeps) {
    this.store = new ReleaseStore(deps.stateDir);
    this.now = deps.now ?? Date.now;
  }

  status(): UpgradeStatus {
    return { ...this.state };
  }

  /** Watches this version's own trial (if it is one) and, in automatic mode, the edge's releases. */
  start(): void {
    const trial = this.store.trial();
    if (trial?.version === this.deps.ownVersion) {
      this.deps.log.info("upgrade on trial: confirming once connected", {
        version: trial.version,
        deadlineInMs: trial.deadline - this.now(),
      });
      this.timers.push(setTimeout(() => this.missedDeadline(), Math.max(0, trial.deadline - this.now())));
    }
    if (this.deps.settings.automatic) {
      const check = () => void this.upgrade("automatic");
      this.timers.push(setInterval(check, this.deps.settings.checkIntervalMs));
    }
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
  }

  /** The agent was welcomed by the edge: an upgrade on trial stands. */
  connected(): void {
    if (this.store.confirm(this.deps.ownVersion))
      this.deps.log.info("upgrade confirmed: connected to the edge", { version: this.deps.ownVersion });
  }

  async upgrade(trigger: "manual" | "automatic"): Promise<UpgradeAnswer> {
    const { deps } = this;
    if (this.state.phase !== "idle")
      return { status: "busy", phase: this.state.phase, target: this.state.target };
    this.state = { phase: "downloading", target: null, lastError: null };
    const prepared = await prepareUpgrade({
      edgeUrl: deps.edgeUrl,
      store: this.store,
      ownVersion: deps.ownVersion,
      arch: deps.arch,
      publicKey: deps.publicKey,
      ...(trigger === "automatic" ? { skip: this.store.failedVersions() } : {}),
    });
    if (!prepared.ok) {
      const quiet = prepared.error.code === "UP_TO_DATE" || prepared.error.code === "SKIPPED";
      if (!quiet || trigger === "manual")
        deps.log[quiet ? "info" : "warn"]("not upgrading", { trigger, ...prepared.error });
      this.state = { phase: "idle", target: null, lastError: quiet ? null : prepared.error.message };
      return { status: "refused", ...prepared.error };
    }
    const { version, executable } = prepared.value;
    this.state = { phase: "draining", target: version, lastError: null };
    deps.log.info("upgrading: release verified, draining before the switch", {
      trigger,
      from: deps.ownVersion,
      to: version,
    });
    void deps.drain().then(() => {
      this.state = { phase: "restarting", target: version, lastError: null };
      this.store.switchTo(version, {
        previousExec: deps.ownExec,
        deadline: this.now() + deps.settings.connectDeadlineMs,
      });
      deps.log.info("upgrading: switched, restarting into the new version", { to: version });
      deps.restart(executable);
    });
    return { status: "started", from: deps.ownVersion, to: version };
  }

  private missedDeadline(): void {
    const trial = this.store.trial();
    if (trial?.version !== this.deps.ownVersion) return;
    this.store.rollback();
    this.deps.log.error("upgrade rolled back: this version did not connect in time", {
      version: trial.version,
      restoring: trial.previous ?? "the installed executable",
    });
    this.state = { phase: "restarting", target: trial.previous, lastError: "did not connect in time" };
    void this.deps
      .drain()
      .then(() =>
        this.deps.restart(trial.previous ? this.store.executable(trial.previous) : trial.previousExec),
      );
  }
}
