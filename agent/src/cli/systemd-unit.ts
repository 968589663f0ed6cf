/** What `service install` writes; rendered with defaults into agent/systemd/gantry-agent.service. */
export interface UnitOptions {
  user: string;
  execStart: string;
  configFile: string;
  stateDir: string;
  passwordFile: string;
  gracePeriodMs: number;
}

export const DEFAULT_UNIT_OPTIONS: UnitOptions = {
  user: "gantry-agent",
  execStart: "/usr/bin/node /opt/gantry-agent/bin/gantry-agent.mjs run",
  configFile: "/etc/gantry-agent/config.json",
  stateDir: "/var/lib/gantry-agent",
  passwordFile: "/etc/gantry-agent/vcenter-password",
  gracePeriodMs: 300_000,
};

export function renderUnit(o: UnitOptions): string {
  // systemd must wait longer than our own grace period, or it kills jobs the agent meant to finish
  const stopTimeoutSec = Math.ceil(o.gracePeriodMs / 1000) + 30;
  return `[Unit]
Description=Gantry agent (self-service VMware provisioning)
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User=${o.user}
Group=${o.user}
ExecStart=${o.execStart} --config ${o.configFile}
Environment=GANTRY_STATE_DIR=${o.stateDir}
# the vCenter password reaches the agent as $CREDENTIALS_DIRECTORY/vcenter-password, never via the environment
LoadCredential=vcenter-password:${o.passwordFile}
Restart=on-failure
RestartSec=5
# 3 = credential rejected or revoked, 4 = protocol version refused: restarting cannot help
RestartPreventExitStatus=3 4
# one SIGTERM drains (finish running jobs within the grace period); a second one stops at once
KillSignal=SIGTERM
TimeoutStopSec=${stopTimeoutSec}
StateDirectory=${o.stateDir.replace(/^\/var\/lib\//, "")}
StateDirectoryMode=0700
UMask=0077
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectControlGroups=yes
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX
RestrictNamespaces=yes
LockPersonality=yes
CapabilityBoundingSet=

[Install]
WantedBy=multi-user.target
`;
}
