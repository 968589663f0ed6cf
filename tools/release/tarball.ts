import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { ReleaseArch } from "@gantry/shared/releases/agent-release";
import { packagedUnit } from "./deb.ts";
import { DEFAULT_CONFIG, HOST, HOST_SETUP_SH, NEXT_STEPS_SH } from "./host-layout.ts";

/** install.sh of the tarball: what the Debian package does, for hosts without dpkg. */
export const INSTALL_SH = `#!/bin/sh
# Installs the Gantry agent from this folder: the executable in ${HOST.installDir}, the hardened unit,
# the service user, ${HOST.configDir} and ${HOST.stateDir}. Run again to upgrade in place.
set -eu
if [ "$(id -u)" -ne 0 ]; then echo "install.sh: run as root" >&2; exit 1; fi
here=$(cd "$(dirname "$0")" && pwd)
first_install=yes
[ -e ${HOST.executable} ] && first_install=no
install -d -m 0755 ${HOST.installDir}/bin
# a new file renamed over the old one: a running agent keeps its executable until it restarts
install -m 0755 "$here/bin/gantry-agent" ${HOST.executable}.new
mv -f ${HOST.executable}.new ${HOST.executable}
install -m 0644 "$here/bin/gantry-agent.sig" ${HOST.executable}.sig
ln -sf ${HOST.executable} /usr/local/bin/gantry-agent
install -d -m 0755 /etc/systemd/system
install -m 0644 "$here/${HOST.unitName}" /etc/systemd/system/${HOST.unitName}
install -d -m 0750 ${HOST.configDir}
[ -e ${HOST.configFile} ] || install -m 0640 "$here/config.json" ${HOST.configFile}
${HOST_SETUP_SH}
if [ "$first_install" = yes ]; then
${NEXT_STEPS_SH}
elif [ -d /run/systemd/system ]; then
  systemctl try-restart ${HOST.unitName} || true
fi
`;

/** A plain .tar.gz for other distributions: the executable, its signature, the unit, a config and install.sh. */
export function buildTarball(input: {
  version: string;
  arch: ReleaseArch;
  executable: string;
  workDir: string;
  out: string;
}): void {
  const name = `gantry-agent-${input.version}-linux-${input.arch}`;
  const root = path.join(input.workDir, `tar-${input.arch}`, name);
  rmSync(path.dirname(root), { recursive: true, force: true });
  mkdirSync(path.join(root, "bin"), { recursive: true });
  copyFileSync(input.executable, path.join(root, "bin/gantry-agent"));
  chmodSync(path.join(root, "bin/gantry-agent"), 0o755);
  copyFileSync(`${input.executable}.sig`, path.join(root, "bin/gantry-agent.sig"));
  writeFileSync(path.join(root, HOST.unitName), packagedUnit());
  writeFileSync(path.join(root, "config.json"), DEFAULT_CONFIG);
  writeFileSync(path.join(root, "install.sh"), INSTALL_SH, { mode: 0o755 });
  execFileSync("tar", ["--owner=0", "--group=0", "-czf", input.out, "-C", path.dirname(root), name]);
}
