import { writeFileSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { formatCheck } from "./cli/check.ts";
import { configure } from "./cli/configure.ts";
import { runDoctor } from "./cli/doctor.ts";
import { enroll } from "./cli/enroll.ts";
import { readPassword } from "./cli/read-password.ts";
import { rotateCredential } from "./cli/rotate.ts";
import { DEFAULT_UNIT_OPTIONS, renderUnit } from "./cli/systemd-unit.ts";
import { upgradeCommand } from "./cli/upgrade.ts";
import { overview, VERBS, type VerbName, verbHelp } from "./cli/usage.ts";
import { type AgentConfig, DEFAULT_CONFIG_FILE, loadConfig } from "./config.ts";
import { checkEdgeUrl } from "./edge/edge-url.ts";
import { createLogger } from "./log.ts";
import { AgentRuntime } from "./runtime/agent-runtime.ts";
import { EXIT } from "./runtime/exit-codes.ts";
import { loadState } from "./state-file.ts";
import { execInto, planHandover, underSystemd } from "./upgrade/handover.ts";
import { ReleaseStore } from "./upgrade/release-store.ts";
import { configuredVcenter } from "./vcenter.ts";
import { AGENT_VERSION, RELEASE_PUBLIC_KEY } from "./version.ts";

const print = (line: string) => process.stdout.write(`${line}\n`);
const fail = (line: string, code: number = EXIT.failure) => {
  process.stderr.write(`gantry-agent: ${line}\n`);
  return code;
};

function configOrExit(file: string | undefined, env: NodeJS.ProcessEnv) {
  const loaded = loadConfig({ file, env });
  if (!loaded.ok) {
    process.stderr.write(
      `gantry-agent: invalid configuration:\n${loaded.error.map((e) => `  - ${e}`).join("\n")}\n`,
    );
  }
  return loaded;
}

/** Runs one CLI command and resolves its exit code; never calls process.exit itself. */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    return fail(`${(error as Error).message}\n\n${overview()}`, EXIT.usage);
  }
  const { values, positionals } = parsed;
  const command = positionals.join(" ");
  if (values.version) {
    print(AGENT_VERSION);
    return EXIT.ok;
  }
  if (positionals[0] === "help" || values.help || command === "")
    return helpCommand(positionals, values.help);
  const handler = Object.hasOwn(COMMANDS, command) ? COMMANDS[command as Command] : undefined;
  if (!handler) return fail(`unknown command "${command}"\n\n${overview()}`, EXIT.usage);
  return handler(values, env);
}

type Command = Exclude<VerbName, "help">;
/** One handler per documented verb: adding a verb to usage.ts without a handler (or back) fails typecheck. */
const COMMANDS: Record<Command, (values: Options, env: NodeJS.ProcessEnv) => Promise<number> | number> = {
  enroll: (values, env) => enrollCommand(values, env),
  configure: (values, env) => configureCommand(values, env),
  run: (values, env) => runCommand(values, env),
  rotate: (values, env) => rotateCommand(values, env),
  doctor: (values, env) => doctorCommand(values, env),
  "service install": (values, env) => serviceInstallCommand(values, env),
  upgrade: (values, env) => upgradeCliCommand(values, env),
};

/** `help`, `help <verb>`, `<verb> --help`, `--help`: usage on stdout, exit 0; no command at all: exit 2. */
function helpCommand(positionals: string[], asked: boolean | undefined): number {
  const words = positionals[0] === "help" ? positionals.slice(1) : positionals;
  const verb = words.join(" ");
  if (verb === "") {
    if (positionals.length === 0 && !asked) return fail(`no command given\n\n${overview()}`, EXIT.usage);
    process.stdout.write(overview());
    return EXIT.ok;
  }
  const text = verbHelp(verb);
  if (!text) return fail(`unknown command "${verb}"; commands: ${Object.keys(VERBS).join(", ")}`, EXIT.usage);
  process.stdout.write(text);
  return EXIT.ok;
}

type Options = ReturnType<typeof parse>["values"];

/** The edge URL as `checkEdgeUrl` allows it, warning on stderr when it is plain http by permission. */
function allowedEdge(raw: string, allowInsecure: boolean): string | null {
  const checked = checkEdgeUrl(raw, { allowInsecure });
  if (!checked.ok) {
    fail(checked.error);
    return null;
  }
  if (checked.value.insecure)
    process.stderr.write(
      `gantry-agent: WARNING: ${raw} is plain http: the credential travels in clear text\n`,
    );
  return raw;
}

async function enrollCommand(values: Options, env: NodeJS.ProcessEnv): Promise<number> {
  if (!values.edge || !values.token)
    return fail(`enroll needs --edge and --token\n\n${verbHelp("enroll")}`, EXIT.usage);
  const allowInsecure =
    values["allow-insecure-edge"] ?? configOf(values.config, env)?.allowInsecureEdge ?? false;
  if (allowedEdge(values.edge, allowInsecure) === null) return EXIT.usage;
  const stateDir = values["state-dir"] ?? env.GANTRY_STATE_DIR ?? configStateDir(values.config, env);
  const result = await enroll({
    edgeUrl: values.edge,
    token: values.token,
    name: values.name ?? hostname(),
    stateDir,
    force: values.force ?? false,
  });
  if (!result.ok)
    return fail(
      result.error.message,
      result.error.code === "TOKEN_REFUSED" ? EXIT.credentialRejected : EXIT.failure,
    );
  print(
    `enrolled agent ${result.value.agentId} for site ${result.value.siteId}; credential saved in ${result.value.file}`,
  );
  return EXIT.ok;
}

async function configureCommand(values: Options, env: NodeJS.ProcessEnv): Promise<number> {
  if (!values.vcenter || !values.username)
    return fail(`configure needs --vcenter and --username\n\n${verbHelp("configure")}`, EXIT.usage);
  const configFile = path.resolve(values.config ?? env.GANTRY_AGENT_CONFIG ?? DEFAULT_CONFIG_FILE);
  let password: string;
  try {
    password = await readPassword({
      file: values["password-file"],
      prompt: `vCenter password for ${values.username}: `,
    });
  } catch (error) {
    return fail(`cannot read the password: ${(error as Error).message}`, EXIT.usage);
  }
  const check = !values["no-check"];
  const result = await configure({
    configFile,
    url: values.vcenter,
    username: values.username,
    password,
    ...(values["ca-file"] !== undefined && { caFile: values["ca-file"] }),
    ...(values.thumbprint !== undefined && { thumbprintSha256: values.thumbprint }),
    check,
  });
  if (!result.ok) {
    if (result.error.code === "CHECK_FAILED") {
      for (const c of result.error.report.checks) print(formatCheck({ ...c, name: `vcenter ${c.name}` }));
      return fail(`${result.error.message}\nnothing written; --no-check writes it without logging in`);
    }
    return fail(`${result.error.message}; nothing written`, EXIT.usage);
  }
  for (const c of result.value.report?.checks ?? []) print(formatCheck({ ...c, name: `vcenter ${c.name}` }));
  print(
    `wrote the vcenter section of ${result.value.configFile} and the password to ${result.value.passwordFile} (owner only)${check ? "" : "; not checked (--no-check): run gantry-agent doctor once vCenter is reachable"}`,
  );
  print(
    "Start the service: sudo systemctl enable --now gantry-agent (running already? systemctl restart gantry-agent)",
  );
  return EXIT.ok;
}

async function runCommand(values: Options, env: NodeJS.ProcessEnv): Promise<number> {
  const loaded = configOrExit(values.config, env);
  if (!loaded.ok) return EXIT.usage;
  const { config } = loaded.value;
  const state = loadState(config.stateDir);
  if (!state.ok) return fail(state.error, EXIT.usage);
  const edge = checkEdgeUrl(config.edgeUrl ?? state.value.edgeUrl, {
    allowInsecure: config.allowInsecureEdge,
  });
  if (!edge.ok) return fail(edge.error, EXIT.usage);
  const log = createLogger({ level: config.logLevel, base: { agentId: state.value.agentId } });
  const newer = await planHandover({
    store: new ReleaseStore(config.stateDir),
    ownVersion: AGENT_VERSION,
    ownExec: process.execPath,
    publicKey: RELEASE_PUBLIC_KEY,
    env,
    now: Date.now(),
    log,
  });
  if (newer) {
    log.info("handing over to the downloaded release", { from: AGENT_VERSION, executable: newer });
    execInto(newer, env);
  }
  const runtime = new AgentRuntime({
    loaded: loaded.value,
    state: state.value,
    insecureEdge: edge.value.insecure,
  });
  const code = await runtime.run();
  // under systemd the exit code asks for the restart (RestartForceExitStatus=); elsewhere we re-execute
  if (code === EXIT.restart && runtime.restartInto && !underSystemd(env)) execInto(runtime.restartInto, env);
  return code;
}

async function upgradeCliCommand(values: Options, env: NodeJS.ProcessEnv): Promise<number> {
  const loaded = configOrExit(values.config, env);
  if (!loaded.ok) return EXIT.usage;
  const state = loadState(loaded.value.config.stateDir);
  if (!state.ok) return fail(state.error, EXIT.usage);
  const timeoutSec = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeoutSec !== undefined && !(timeoutSec > 0))
    return fail("--timeout needs a number of seconds", EXIT.usage);
  return upgradeCommand({
    loaded: loaded.value,
    state: state.value,
    ...(timeoutSec === undefined ? {} : { timeoutMs: timeoutSec * 1000 }),
    print,
    fail: (line) => fail(line),
  });
}

async function rotateCommand(values: Options, env: NodeJS.ProcessEnv): Promise<number> {
  const loaded = configOrExit(values.config, env);
  if (!loaded.ok) return EXIT.usage;
  const { config } = loaded.value;
  const stateDir = values["state-dir"] ?? config.stateDir;
  const state = loadState(stateDir);
  if (!state.ok) return fail(state.error, EXIT.usage);
  const edgeUrl = allowedEdge(config.edgeUrl ?? state.value.edgeUrl, config.allowInsecureEdge);
  if (edgeUrl === null) return EXIT.usage;
  const rotated = await rotateCredential({ stateDir, edgeUrl });
  if (!rotated.ok)
    return fail(
      rotated.error.message,
      rotated.error.code === "CREDENTIAL_REFUSED" ? EXIT.credentialRejected : EXIT.failure,
    );
  print(
    `new credential for agent ${rotated.value.agentId} saved in ${rotated.value.file}; the old one stops working once the agent reconnects with the new one`,
  );
  return EXIT.ok;
}

async function doctorCommand(values: Options, env: NodeJS.ProcessEnv): Promise<number> {
  const loaded = configOrExit(values.config, env);
  if (!loaded.ok) return EXIT.usage;
  const log = createLogger({ level: "error", write: () => {} });
  const vcenter = configuredVcenter(loaded.value, log);
  const checks = await runDoctor({
    loaded: loaded.value,
    vcenter,
    template: values.template,
    ...(values["unit-file"] ? { unitFile: values["unit-file"] } : {}),
  });
  await vcenter?.close();
  for (const c of checks) print(formatCheck(c));
  return checks.every((c) => c.ok) ? EXIT.ok : EXIT.failure;
}

function serviceInstallCommand(values: Options, env: NodeJS.ProcessEnv): number {
  const loaded = configOrExit(values.config, env);
  if (!loaded.ok) return EXIT.usage;
  const { config } = loaded.value;
  const user = values.user ?? DEFAULT_UNIT_OPTIONS.user;
  const unit = renderUnit({
    ...DEFAULT_UNIT_OPTIONS,
    user,
    execStart: values.exec
      ? values.exec.split(/\s+/).filter(Boolean)
      : [process.execPath, path.resolve(process.argv[1] ?? "gantry-agent"), "run"],
    configFile: path.resolve(values.config ?? DEFAULT_UNIT_OPTIONS.configFile),
    stateDir: config.stateDir,
    passwordFile: config.vcenter?.passwordFile ?? DEFAULT_UNIT_OPTIONS.passwordFile,
    gracePeriodMs: config.gracePeriodMs,
  });
  const file = values["unit-file"] ?? "/etc/systemd/system/gantry-agent.service";
  writeFileSync(file, unit, { mode: 0o644 });
  print(`wrote ${file}. Then, as root:`);
  print(`  useradd --system --home-dir ${config.stateDir} --shell /usr/sbin/nologin ${user}`);
  print("  systemctl daemon-reload && systemctl enable --now gantry-agent");
  return EXIT.ok;
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      version: { type: "boolean" },
      help: { type: "boolean", short: "h" },
      timeout: { type: "string" },
      config: { type: "string" },
      edge: { type: "string" },
      token: { type: "string" },
      name: { type: "string" },
      "state-dir": { type: "string" },
      force: { type: "boolean" },
      template: { type: "string" },
      user: { type: "string" },
      exec: { type: "string" },
      "unit-file": { type: "string" },
      vcenter: { type: "string" },
      username: { type: "string" },
      "password-file": { type: "string" },
      "ca-file": { type: "string" },
      thumbprint: { type: "string" },
      "no-check": { type: "boolean" },
      "allow-insecure-edge": { type: "boolean" },
    },
  });
}

function configOf(file: string | undefined, env: NodeJS.ProcessEnv): AgentConfig | null {
  const loaded = loadConfig({ file, env });
  return loaded.ok ? loaded.value.config : null;
}

function configStateDir(file: string | undefined, env: NodeJS.ProcessEnv): string {
  return configOf(file, env)?.stateDir ?? "/var/lib/gantry-agent";
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  void runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
