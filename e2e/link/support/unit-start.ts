/**
 * What systemd does to start a simple service, for a host without systemd running (a chroot): read from
 * the installed unit, not from our own renderer. Covered: User=/Group=, Environment=, LoadCredential=
 * (copied to $CREDENTIALS_DIRECTORY, readable by the service user only), UMask=, NoNewPrivileges= and an
 * empty capability bounding set (setpriv), then ExecStart=. NOT covered: the rest of the sandbox
 * (ProtectSystem=, SystemCallFilter=, namespaces) and Restart=; those need systemd as PID 1.
 */
export interface UnitStart {
  user: string;
  group: string;
  /** ExecStart=, one entry per argument */
  execStart: string[];
  environment: Record<string, string>;
  /** LoadCredential= as [id, source file] */
  credentials: [string, string][];
  umask: string;
}

/** The [Service] settings of a unit file that starting it needs; throws on what this reader cannot start. */
export function readUnitStart(unit: string): UnitStart {
  const settings = new Map<string, string[]>();
  let section = "";
  for (const raw of unit.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) {
      section = header[1] ?? "";
      continue;
    }
    if (section !== "Service") continue;
    const eq = line.indexOf("=");
    const key = line.slice(0, eq);
    settings.set(key, [...(settings.get(key) ?? []), line.slice(eq + 1)]);
  }
  const one = (key: string) => {
    const values = settings.get(key);
    if (values?.length !== 1) throw new Error(`the unit has ${values?.length ?? 0} ${key}= lines, not one`);
    return values[0] ?? "";
  };
  if (one("Type") !== "simple") throw new Error("only Type=simple units can be started here");
  // ExecStart= as our unit writes it: every argument in double quotes (systemd's quoting, `quoteArg`)
  const execStart = [...one("ExecStart").matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) =>
    (m[1] ?? "").replace(/\\(.)/g, "$1").replaceAll("%%", "%"),
  );
  const environment = Object.fromEntries(
    (settings.get("Environment") ?? []).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]),
  );
  const credentials = (settings.get("LoadCredential") ?? []).map((c): [string, string] => [
    c.slice(0, c.indexOf(":")),
    c.slice(c.indexOf(":") + 1),
  ]);
  return { user: one("User"), group: one("Group"), execStart, environment, credentials, umask: one("UMask") };
}

/**
 * A /bin/sh script that starts the service as systemd would (within the limits above), the command
 * being the script's "$@": `sh -c START_SCRIPT sh <unit name> <ExecStart...>`.
 */
export function startScript(start: UnitStart): string {
  const q = (s: string) => `'${s.replaceAll("'", `'"'"'`)}'`;
  const owner = `-o ${q(start.user)} -g ${q(start.group)}`;
  const env = Object.entries(start.environment).map(([k, v]) => q(`${k}=${v}`));
  return [
    "set -eu",
    "unit=$1; shift",
    "creds=/run/credentials/$unit",
    `install -d -m 0500 ${owner} "$creds"`,
    ...start.credentials.map(([id, file]) => `install -m 0400 ${owner} ${q(file)} "$creds"/${q(id)}`),
    `umask ${start.umask}`,
    `exec setpriv --reuid=${q(start.user)} --regid=${q(start.group)} --init-groups --no-new-privs --inh-caps=-all --bounding-set=-all env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin CREDENTIALS_DIRECTORY="$creds" ${env.join(" ")} "$@"`,
  ].join("\n");
}
