import { parseArgs } from "node:util";
import { startVcsim, type VcsimOptions } from "./vcsim.ts";

const USAGE = `usage: npx tsx tools/vcsim/cli.ts [--listen 127.0.0.1:8989] [--no-tls] [--username U --password P]
  [--session-idle-timeout-ms N] [--guest-boot-delay-ms N] [--guest-link-local-ms N]
  [--task-delay CloneVM_Task=2000,...]
  [--template /DC0/vm/ubuntu-22.04-tmpl] [--cert-dir DIR] [--stock]`;

const { values } = parseArgs({
  options: {
    listen: { type: "string", default: "127.0.0.1:8989" },
    "no-tls": { type: "boolean", default: false },
    username: { type: "string" },
    password: { type: "string" },
    "session-idle-timeout-ms": { type: "string" },
    "guest-boot-delay-ms": { type: "string" },
    "guest-link-local-ms": { type: "string" },
    "task-delay": { type: "string" },
    template: { type: "string" },
    "cert-dir": { type: "string" },
    stock: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

function number(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`--${name} wants a whole number of milliseconds, got ${raw}`);
  return n;
}

function taskDelays(raw: string | undefined): Record<string, number> | undefined {
  if (raw === undefined) return undefined;
  const out: Record<string, number> = {};
  for (const item of raw.split(",").filter(Boolean)) {
    const [method, ms] = item.split("=");
    const n = number("task-delay", ms);
    if (!method || n === undefined) throw new Error(`--task-delay wants Method=ms, got ${item}`);
    out[method] = n;
  }
  return out;
}

const sessionIdleTimeoutMs = number("session-idle-timeout-ms", values["session-idle-timeout-ms"]);
const guestBootDelayMs = number("guest-boot-delay-ms", values["guest-boot-delay-ms"]);
const guestLinkLocalMs = number("guest-link-local-ms", values["guest-link-local-ms"]);
const taskDelaysMs = taskDelays(values["task-delay"]);
const options: VcsimOptions = {
  listen: values.listen,
  tls: !values["no-tls"],
  requireControl: true,
  stock: values.stock,
  ...(values.username === undefined ? {} : { username: values.username }),
  ...(values.password === undefined ? {} : { password: values.password }),
  ...(sessionIdleTimeoutMs === undefined ? {} : { sessionIdleTimeoutMs }),
  ...(guestBootDelayMs === undefined ? {} : { guestBootDelayMs }),
  ...(guestLinkLocalMs === undefined ? {} : { guestLinkLocalMs }),
  ...(taskDelaysMs === undefined ? {} : { taskDelaysMs }),
  ...(values.template === undefined ? {} : { templatePath: values.template }),
  ...(values["cert-dir"] === undefined ? {} : { certDir: values["cert-dir"] }),
};

const vcsim = await startVcsim(options);
console.log(
  JSON.stringify(
    {
      url: vcsim.url,
      username: vcsim.username,
      password: vcsim.password,
      caFile: vcsim.caFile,
      sha256: vcsim.sha256,
      templatePath: vcsim.templatePath,
      control: new URL("/_gantry/", vcsim.url).toString(),
    },
    null,
    2,
  ),
);
console.log("vcsim running; Ctrl-C stops it");

// the launcher is unref'd so that tests never hang on it; here we want to stay up until told otherwise
const keepAlive = setInterval(() => undefined, 1 << 30);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    clearInterval(keepAlive);
    void vcsim.stop().then(() => process.exit(0));
  });
}
