import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { DEFAULT_UNIT_OPTIONS, renderUnit } from "@gantry/agent/cli/systemd-unit";
import { DEBIAN_ARCH, debianVersion, type ReleaseArch } from "@gantry/shared/releases/agent-release";
import { DEFAULT_CONFIG, HOST, HOST_SETUP_SH, NEXT_STEPS_SH } from "./host-layout.ts";

/**
 * The shared libraries Node's official Linux build links (objdump -p: libc, libm, libpthread, libdl,
 * libgcc_s, libstdc++), at the symbol versions it needs (GLIBC_2.28, GCC_3.4, GLIBCXX_3.4.21). Every
 * Debian with apt has them; a host without them gets dpkg's unmet-dependency error, not an executable
 * that fails to load.
 */
const NODE_DEPENDS = "libc6 (>= 2.28), libgcc-s1 (>= 3.4) | libgcc1 (>= 1:3.4), libstdc++6 (>= 5)";

const script = (body: string) => `#!/bin/sh\nset -e\n${body}\n`;

/** Maintainer scripts: set the host up on configure; stop on remove; keep the state unless purged. */
export const MAINTAINER_SCRIPTS = {
  postinst: script(`if [ "$1" = configure ]; then
${HOST_SETUP_SH}
  if [ -n "$2" ]; then
    # an upgrade of the package: a running agent drains and restarts on the new executable
    if [ -d /run/systemd/system ]; then systemctl try-restart ${HOST.unitName} || true; fi
  else
${NEXT_STEPS_SH}
  fi
fi`),
  prerm: script(`case "$1" in
  remove|deconfigure)
    # one SIGTERM: the agent drains (running jobs finish within the grace period) before it stops
    if [ -d /run/systemd/system ]; then
      systemctl stop ${HOST.unitName} || true
      systemctl disable ${HOST.unitName} || true
    fi
    ;;
esac`),
  postrm: script(`case "$1" in
  purge)
    # the credential, journal, downloaded releases and config go only when purged
    rm -rf ${HOST.stateDir} ${HOST.configDir}
    ;;
esac
if [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi`),
};

/** The unit the packages install: the hardened one `service install` writes, running the installed executable. */
export const packagedUnit = () =>
  renderUnit({ ...DEFAULT_UNIT_OPTIONS, execStart: [HOST.executable, "run"] });

/**
 * Builds the .deb with `dpkg-deb --build --root-owner-group`: every file root-owned in the archive;
 * the service user and the modes that name it are set by postinst, since the user exists only then.
 */
export function buildDeb(input: {
  version: string;
  arch: ReleaseArch;
  executable: string;
  workDir: string;
  out: string;
}): void {
  const root = path.join(input.workDir, `deb-${input.arch}`);
  rmSync(root, { recursive: true, force: true });
  const place = (rel: string, mode: number, from: { file?: string; text?: string }) => {
    const target = path.join(root, rel);
    mkdirSync(path.dirname(target), { recursive: true, mode: 0o755 });
    if (from.file) copyFileSync(from.file, target);
    else writeFileSync(target, from.text ?? "");
    chmodSync(target, mode);
  };
  place(`.${HOST.executable}`, 0o755, { file: input.executable });
  place(`.${HOST.executable}.sig`, 0o644, { file: `${input.executable}.sig` });
  place(`./usr/lib/systemd/system/${HOST.unitName}`, 0o644, { text: packagedUnit() });
  place(`.${HOST.configFile}`, 0o640, { text: DEFAULT_CONFIG });
  chmodSync(path.join(root, `.${HOST.configDir}`), 0o750);
  place("./usr/share/doc/gantry-agent/copyright", 0o644, {
    text: "Gantry agent. Bundles Node.js (MIT License, https://nodejs.org/en/about/license).\n",
  });
  mkdirSync(path.join(root, "usr/bin"), { recursive: true });
  symlinkSync(HOST.executable, path.join(root, "usr/bin/gantry-agent"));

  const installedKb = Math.ceil(
    Number(execFileSync("du", ["-sk", root], { encoding: "utf8" }).split("\t")[0]),
  );
  place("DEBIAN/control", 0o644, {
    text: `Package: gantry-agent
Version: ${debianVersion(input.version)}
Architecture: ${DEBIAN_ARCH[input.arch]}
Maintainer: Gantry <ops@gantry.invalid>
Installed-Size: ${installedKb}
Depends: ${NODE_DEPENDS}
Section: admin
Priority: optional
Homepage: https://gantry.invalid
Description: Gantry agent: builds self-service VMs in your vCenter
 The on-premises agent of Gantry. It dials out to the Gantry edge over HTTPS,
 takes provisioning jobs and runs them against vCenter; vCenter credentials
 never leave the host. One self-contained executable (Node.js inside), run as
 the hardened systemd service gantry-agent by a dedicated system user.
`,
  });
  place("DEBIAN/conffiles", 0o644, { text: `${HOST.configFile}\n` });
  for (const [name, text] of Object.entries(MAINTAINER_SCRIPTS)) place(`DEBIAN/${name}`, 0o755, { text });
  // gzip -6: about a third of xz's time for a few MB more; every dpkg reads it
  execFileSync("dpkg-deb", ["--root-owner-group", "-Zgzip", "-z6", "--build", root, input.out], {
    stdio: "pipe",
  });
}
