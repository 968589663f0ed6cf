import { AGENT_VERSION } from "../version.ts";

/** One CLI verb: how to call it and what it does, for `--help` and `help <verb>`. */
interface Verb {
  usage: string;
  summary: string;
  details: string;
}

const CONFIG_OPTION =
  "  --config <file>   the agent's config (default /etc/gantry-agent/config.json or $GANTRY_AGENT_CONFIG)";

export const VERBS = {
  enroll: {
    usage:
      "gantry-agent enroll --edge <url> --token <token> [--name <name>] [--state-dir <dir>] [--force] [--allow-insecure-edge]",
    summary: "swap a one-time enrollment token for this agent's credential",
    details: `Options:
  --edge <url>       the Gantry edge, e.g. https://gantry.example.com
  --token <token>    a one-time token from the Agents page (valid one hour)
  --name <name>      how the agent is listed (default: the host name)
  --state-dir <dir>  where the credential is saved (default /var/lib/gantry-agent)
  --force            enroll again over an existing credential
  --allow-insecure-edge  accept a plain http:// edge (local development only: the credential travels in
                     clear text); the config's "allowInsecureEdge" does the same
Run as root, the credential file takes the owner of its state directory (the service user).`,
  },
  configure: {
    usage:
      "gantry-agent configure --vcenter <url> --username <user> [--password-file <file>] [--ca-file <pem> | --thumbprint <sha256>] [--no-check] [--config <file>]",
    summary: "set the vCenter this agent works in, check the login, save config and password",
    details: `Options:
  --vcenter <url>          vCenter, e.g. https://vcenter.example.com (the SDK path /sdk is added)
  --username <user>        the service account, e.g. gantry@vsphere.local
  --password-file <file>   read the password from this file (default: stdin; a hidden prompt on a terminal)
  --ca-file <pem>          trust vCenter's certificate through this CA (default: the host's CAs)
  --thumbprint <sha256>    or pin vCenter's certificate by its SHA-256 fingerprint
  --no-check               write without logging in (vCenter not reachable from here yet)
${CONFIG_OPTION}
Logs in to vCenter first and writes nothing if that fails (an untrusted certificate: its fingerprint is
shown, to compare and pin). Then sets the config's "vcenter" section, keeping the rest, and stores the
password in vcenter-password beside the config: root-only 0600, handed to the service by systemd
(LoadCredential=), never in the config. Run as root, the config stays root:<its directory's group> 0640.`,
  },
  run: {
    usage: "gantry-agent run [--config <file>]",
    summary: "connect to the edge and run jobs (what the systemd service runs)",
    details: `Options:
${CONFIG_OPTION}
One SIGTERM drains (no new jobs, running ones finish within the grace period), a second stops now.
Exit codes: 0 stopped, 2 bad config or not enrolled, 3 credential refused or revoked, 4 protocol refused,
75 restarting for an upgrade.`,
  },
  rotate: {
    usage: "gantry-agent rotate [--config <file>] [--state-dir <dir>]",
    summary: "swap this agent's credential for a new one (the old one ends once the new one connects)",
    details: `Options:
${CONFIG_OPTION}
  --state-dir <dir>  where the credential is kept (default: the config's stateDir)
Asks the edge for a new credential with the current one and saves it atomically. The edge keeps the old
credential working until the new one first connects, so an interrupted rotation loses nothing; a running
agent uses the new credential at its next reconnect. Run as root, the file keeps its owner (the service user).`,
  },
  doctor: {
    usage: "gantry-agent doctor [--config <file>] [--template <inventory path>] [--unit-file <path>]",
    summary: "check the binary's signature, the service's hardening, the edge, the credential and vCenter",
    details: `Options:
${CONFIG_OPTION}
  --template <path>  also check that this template exists in vCenter
  --unit-file <path> the systemd unit to check (default: the installed gantry-agent.service)
Prints one PASS/FAIL/SKIP line per check (SKIP: does not apply here, e.g. no systemd unit installed),
a hint under each failure; exits 1 if any failed.`,
  },
  upgrade: {
    usage: "gantry-agent upgrade [--config <file>] [--timeout <seconds>]",
    summary: "upgrade to the edge's current release without interrupting a job",
    details: `Options:
${CONFIG_OPTION}
  --timeout <s>      how long to wait for the new version to connect (default: the config's deadline + grace)
Downloads the release from the edge, verifies its checksum and signature, then the running agent drains
(running jobs finish), switches atomically, restarts and confirms once connected, or rolls back. With no
agent running, the release is installed for the next start. Set "upgrade": {"automatic": true} in the
config to upgrade on its own.`,
  },
  "service install": {
    usage:
      "gantry-agent service install [--config <file>] [--user <user>] [--exec <command>] [--unit-file <path>]",
    summary: "write the hardened systemd unit (the Debian package ships it already)",
    details: `Options:
${CONFIG_OPTION}
  --user <user>      the service user (default gantry-agent)
  --exec <command>   the command systemd runs (default: this executable with "run")
  --unit-file <path> where to write it (default /etc/systemd/system/gantry-agent.service)`,
  },
  help: {
    usage: "gantry-agent help [<command>]",
    summary: "show this help, or a command's",
    details: "",
  },
} as const satisfies Record<string, Verb>;

/** A command the CLI runs: every one has help, and (typed in cli.ts) every one with help has a handler. */
export type VerbName = keyof typeof VERBS;

const isVerb = (name: string): name is VerbName => Object.hasOwn(VERBS, name);

export function overview(): string {
  const width = Math.max(...Object.keys(VERBS).map((v) => v.length));
  const lines = Object.entries(VERBS).map(
    ([name, v]: [string, Verb]) => `  ${name.padEnd(width)}  ${v.summary}`,
  );
  return `gantry-agent ${AGENT_VERSION}: the on-premises agent of Gantry (self-service VMware provisioning)

Usage: gantry-agent <command> [options]

Commands:
${lines.join("\n")}

Options: --help (-h) anywhere shows help, --version prints the version.
Config: a JSON file (default /etc/gantry-agent/config.json, or $GANTRY_AGENT_CONFIG) plus GANTRY_* variables.
Run "gantry-agent help <command>" for a command's options.
`;
}

export function verbHelp(name: string): string | null {
  if (!isVerb(name)) return null;
  const verb: Verb = VERBS[name];
  return `Usage: ${verb.usage}\n\n${verb.summary[0]?.toUpperCase()}${verb.summary.slice(1)}.\n${verb.details ? `\n${verb.details}\n` : ""}`;
}
