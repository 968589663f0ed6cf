import type { AgentRelease, ReleaseArch } from "@gantry/shared/releases/agent-release";

const ARCHES: readonly ReleaseArch[] = ["x64", "arm64"];
const UNAME: Record<ReleaseArch, string> = { x64: "x86_64|amd64", arm64: "aarch64|arm64" };

/** A shell word in single quotes: safe for any text (the edge's own origin and release file names). */
const quote = (s: string) => `'${s.replaceAll("'", `'"'"'`)}'`;

/**
 * The script behind the Agents page's one-line install command
 * (`curl -fsSL <edge>/agent/install.sh | sudo sh -s -- --token <t>`): picks this host's architecture,
 * downloads the .deb (or, without dpkg, the tarball) of the current release from this edge, checks
 * its SHA-256 against the checksum baked in here, installs it and enrolls with the token.
 */
export function renderInstallScript(input: { origin: string; release: AgentRelease }): string {
  const { release, origin } = input;
  const fileOf = (kind: "deb" | "tarball", arch: ReleaseArch) =>
    release.files.find((f) => f.kind === kind && f.arch === arch);
  const cases = ARCHES.flatMap((arch) => {
    const deb = fileOf("deb", arch);
    const tar = fileOf("tarball", arch);
    if (!deb || !tar) return [];
    return [
      `  ${UNAME[arch]})
    if command -v dpkg >/dev/null 2>&1; then file=${quote(deb.name)}; sum=${deb.sha256}
    else file=${quote(tar.name)}; sum=${tar.sha256}; fi ;;`,
    ];
  });
  return `#!/bin/sh
# Gantry agent ${release.version}: install from ${origin} and enroll. Usage:
#   curl -fsSL ${origin}/agent/install.sh | sudo sh -s -- --token <token> [--name <agent name>]
set -eu
edge=${quote(origin)}
version=${quote(release.version)}
token=""
name=""
while [ $# -gt 0 ]; do
  case "$1" in
    --token) token="$2"; shift 2 ;;
    --name) name="$2"; shift 2 ;;
    *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$token" ] || { echo "install.sh: --token is required (Agents page → Add an agent)" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "install.sh: run as root (sudo sh -s -- ...)" >&2; exit 1; }
case "$(uname -m)" in
${cases.join("\n")}
  *) echo "install.sh: no Gantry agent build for $(uname -m)" >&2; exit 1 ;;
esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "Downloading $file"
curl -fsSL -o "$tmp/$file" "$edge/agent/releases/$version/$file"
echo "$sum  $tmp/$file" | sha256sum -c --quiet - || { echo "install.sh: checksum mismatch for $file, not installing" >&2; exit 1; }
case "$file" in
  *.deb) dpkg -i "$tmp/$file" ;;
  *) tar -xzf "$tmp/$file" -C "$tmp" && sh "$tmp/\${file%.tar.gz}/install.sh" ;;
esac
set -- enroll --edge "$edge" --token "$token" --state-dir /var/lib/gantry-agent
[ -z "$name" ] || set -- "$@" --name "$name"
gantry-agent "$@"
cat <<'EOF'

Enrolled. Next, point the agent at vCenter (it logs in to check; it asks for the password, kept root-only)
and start the hardened service:

  sudo gantry-agent configure --vcenter https://<your vCenter> --username <service account>
  sudo systemctl enable --now gantry-agent
EOF
`;
}
