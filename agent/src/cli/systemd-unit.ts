import { EXIT } from "../runtime/exit-codes.ts";

/** What `service install` writes; rendered with defaults into agent/systemd/gantry-agent.service. */
export interface UnitOptions {
  user: string;
  /** the command and its arguments, each quoted in the unit */
  execStart: readonly string[];
  configFile: string;
  stateDir: string;
  passwordFile: string;
  gracePeriodMs: number;
}

export const DEFAULT_UNIT_OPTIONS: UnitOptions = {
  user: "gantry-agent",
  execStart: ["/opt/gantry-agent/bin/gantry-agent", "run"],
  configFile: "/etc/gantry-agent/config.json",
  stateDir: "/var/lib/gantry-agent",
  passwordFile: "/etc/gantry-agent/vcenter-password",
  gracePeriodMs: 300_000,
};

/**
 * One ExecStart= argument, quoted so a path with spaces stays one word (systemd splits on whitespace
 * and reads `\`, `"` and `%` specially inside quotes).
 */
export const quoteArg = (arg: string): string =>
  `"${arg.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("%", "%%")}"`;

/**
 * The sandbox of the service, as [setting, value]: written into every unit and checked by `doctor`, so
 * the two cannot disagree. `systemd-analyze security` rates it "OK" (a test keeps it so). It may write
 * only its state directory (where upgrades land too). A setting listed twice (SystemCallFilter=) adds up,
 * as systemd reads it.
 */
export const HARDENING: readonly (readonly [string, string])[] = [
  ["NoNewPrivileges", "yes"],
  ["ProtectSystem", "strict"],
  ["ProtectHome", "yes"],
  ["PrivateTmp", "yes"],
  ["PrivateDevices", "yes"],
  ["PrivateMounts", "yes"],
  ["DevicePolicy", "closed"],
  ["ProtectKernelTunables", "yes"],
  ["ProtectKernelModules", "yes"],
  ["ProtectKernelLogs", "yes"],
  ["ProtectControlGroups", "yes"],
  ["ProtectClock", "yes"],
  ["ProtectHostname", "yes"],
  ["ProtectProc", "invisible"],
  ["ProcSubset", "pid"],
  ["RestrictAddressFamilies", "AF_INET AF_INET6 AF_UNIX"],
  ["RestrictNamespaces", "yes"],
  ["RestrictRealtime", "yes"],
  ["RestrictSUIDSGID", "yes"],
  ["LockPersonality", "yes"],
  ["RemoveIPC", "yes"],
  ["KeyringMode", "private"],
  ["CapabilityBoundingSet", ""],
  ["AmbientCapabilities", ""],
  ["SystemCallArchitectures", "native"],
  ["SystemCallFilter", "@system-service"],
  [
    "SystemCallFilter",
    "~@privileged @mount @debug @cpu-emulation @obsolete @raw-io @reboot @swap @clock @module",
  ],
  ["SystemCallErrorNumber", "EPERM"],
  // MemoryDenyWriteExecute= stays off: V8's JIT needs writable-then-executable pages
];

export function renderUnit(o: UnitOptions): string {
  // systemd must wait longer than our own grace period, or it kills jobs the agent meant to finish
  const stopTimeoutSec = Math.ceil(o.gracePeriodMs / 1000) + 30;
  const execStart = [...o.execStart, "--config", o.configFile].map(quoteArg).join(" ");
  return `[Unit]
Description=Gantry agent (self-service VMware provisioning)
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User=${o.user}
Group=${o.user}
ExecStart=${execStart}
Environment=GANTRY_STATE_DIR=${o.stateDir}
# the vCenter password reaches the agent as $CREDENTIALS_DIRECTORY/vcenter-password, never via the environment
LoadCredential=vcenter-password:${o.passwordFile}
Restart=on-failure
RestartSec=5
# ${EXIT.restart} = drained for an upgrade (or its rollback): restarted into the new version, whatever Restart= says
RestartForceExitStatus=${EXIT.restart}
# ${EXIT.credentialRejected} = credential rejected or revoked, ${EXIT.protocolRefused} = protocol version refused: restarting cannot help
RestartPreventExitStatus=${EXIT.credentialRejected} ${EXIT.protocolRefused}
# one SIGTERM drains (finish running jobs within the grace period); a second one stops at once
KillSignal=SIGTERM
TimeoutStopSec=${stopTimeoutSec}
StateDirectory=${o.stateDir.replace(/^\/var\/lib\//, "")}
StateDirectoryMode=0700
UMask=0077
${HARDENING.map(([k, v]) => `${k}=${v}`).join("\n")}

[Install]
WantedBy=multi-user.target
`;
}
