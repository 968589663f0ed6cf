// Where an installed agent lives on its host, the same for the Debian package and the tarball's install.sh.

export const HOST = {
  user: "gantry-agent",
  installDir: "/opt/gantry-agent",
  executable: "/opt/gantry-agent/bin/gantry-agent",
  configDir: "/etc/gantry-agent",
  configFile: "/etc/gantry-agent/config.json",
  stateDir: "/var/lib/gantry-agent",
  unitName: "gantry-agent.service",
} as const;

/** The config a fresh install starts with (a conffile in the package: the operator's edits survive upgrades). */
export const DEFAULT_CONFIG = `${JSON.stringify(
  { stateDir: HOST.stateDir, concurrency: 2, upgrade: { automatic: false } },
  null,
  2,
)}\n`;

/**
 * Shell run as root after the files are in place (postinst configure, install.sh): the system user,
 * the config directory only it may read besides root, the state directory only it may use.
 */
export const HOST_SETUP_SH = `if ! getent passwd ${HOST.user} >/dev/null; then
  if command -v adduser >/dev/null 2>&1; then
    adduser --system --group --home ${HOST.stateDir} --no-create-home --quiet ${HOST.user}
  else
    useradd --system --user-group --home-dir ${HOST.stateDir} --no-create-home --shell /usr/sbin/nologin ${HOST.user}
  fi
fi
chown root:${HOST.user} ${HOST.configDir} ${HOST.configFile}
chmod 0750 ${HOST.configDir}
chmod 0640 ${HOST.configFile}
# systemd's LoadCredential= refuses to start without its file: an empty one until vCenter is configured
[ -e ${HOST.configDir}/vcenter-password ] || install -m 0600 /dev/null ${HOST.configDir}/vcenter-password
install -d -m 0700 -o ${HOST.user} -g ${HOST.user} ${HOST.stateDir}
if [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi`;

/** What to do next, printed after a first install: enroll, then start. */
export const NEXT_STEPS_SH = `cat <<'EOF'

Gantry agent installed (${HOST.executable}, unit ${HOST.unitName}). Next:

  sudo gantry-agent enroll --edge https://<your Gantry> --token <token from the Agents page>
  sudo gantry-agent configure --vcenter https://<your vCenter> --username <service account>
  sudo systemctl enable --now gantry-agent

configure logs in to vCenter, writes "vcenter" in ${HOST.configFile} and the password to
${HOST.configDir}/vcenter-password (root-only, handed to the service by systemd).
"gantry-agent doctor" checks the whole setup.
EOF`;
