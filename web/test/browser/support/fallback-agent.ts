import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { z } from "zod";

/**
 * Until the local stack enrolls and starts its own agent, the browser tests do it the way an operator
 * would: an admin creates an enrollment token, `gantry-agent enroll` redeems it, `gantry-agent run`
 * connects to the edge and to VCSIM. Used only when the stack reports no running agent.
 */
export interface FallbackAgentOptions {
  edgeUrl: string;
  stateDir: string;
  vcsim: { url: string; username: string; password: string; caFile: string | null };
  echo: boolean;
}

const require = createRequire(import.meta.url);
const CLI = require.resolve("@gantry/agent/cli");
const TSX = require.resolve("tsx/cli");

const Login = z.object({ user: z.object({ email: z.string() }) });
const Sites = z.object({ result: z.object({ data: z.array(z.object({ siteId: z.string() })) }) });
const Token = z.object({ result: z.object({ data: z.object({ token: z.string() }) }) });

async function adminCookie(edgeUrl: string): Promise<string> {
  const response = await fetch(`${edgeUrl}/auth/dev-login`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: edgeUrl },
    body: JSON.stringify({ email: "adam@acme.test" }),
  });
  Login.parse(await response.json());
  const cookie = response.headers.getSetCookie()[0]?.split(";")[0];
  if (!cookie) throw new Error("dev login set no session cookie");
  return cookie;
}

async function enrollmentToken(edgeUrl: string): Promise<string> {
  const cookie = await adminCookie(edgeUrl);
  const sites = Sites.parse(
    await (await fetch(`${edgeUrl}/trpc/sites.list`, { headers: { cookie } })).json(),
  );
  const siteId = sites.result.data[0]?.siteId;
  if (!siteId) throw new Error("the demo tenant has no site");
  const response = await fetch(`${edgeUrl}/trpc/agents.createEnrollmentToken`, {
    method: "POST",
    headers: { cookie, origin: edgeUrl, "content-type": "application/json" },
    body: JSON.stringify({ siteId }),
  });
  return Token.parse(await response.json()).result.data.token;
}

function cli(args: readonly string[], env: NodeJS.ProcessEnv, echo: boolean): ChildProcess {
  return spawn(process.execPath, [TSX, CLI, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", echo ? "inherit" : "ignore", echo ? "inherit" : "ignore"],
    detached: true,
  });
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    child.on("exit", (code) => resolve(code));
    child.on("error", () => resolve(-1));
  });

/** Enrolls and starts one agent; resolves with its stop function once it runs. */
export async function startFallbackAgent(options: FallbackAgentOptions): Promise<() => Promise<void>> {
  await mkdir(options.stateDir, { recursive: true });
  const token = await enrollmentToken(options.edgeUrl);
  const enroll = cli(
    [
      "enroll",
      "--edge",
      options.edgeUrl,
      "--token",
      token,
      "--name",
      "local-agent-1",
      "--state-dir",
      options.stateDir,
    ],
    {},
    options.echo,
  );
  const code = await exited(enroll);
  if (code !== 0) throw new Error(`gantry-agent enroll exited with ${code}`);

  const passwordFile = path.join(options.stateDir, "vcenter-password");
  const configFile = path.join(options.stateDir, "config.json");
  await writeFile(passwordFile, options.vcsim.password, { mode: 0o600 });
  await writeFile(configFile, "{}\n");
  const agent = cli(
    ["run", "--config", configFile],
    {
      GANTRY_EDGE_URL: options.edgeUrl,
      GANTRY_STATE_DIR: options.stateDir,
      GANTRY_VCENTER_URL: options.vcsim.url,
      GANTRY_VCENTER_USERNAME: options.vcsim.username,
      GANTRY_VCENTER_PASSWORD_FILE: passwordFile,
      ...(options.vcsim.caFile ? { GANTRY_VCENTER_CA_FILE: options.vcsim.caFile } : {}),
      GANTRY_HEALTH_PORT: "0",
    },
    options.echo,
  );
  const gone = exited(agent);
  return async () => {
    // its own process group: SIGTERM reaches tsx and the agent; the agent drains and exits
    if (agent.pid !== undefined) process.kill(-agent.pid, "SIGTERM");
    const timeout = new Promise((resolve) => setTimeout(resolve, 10_000));
    await Promise.race([gone, timeout]);
    if (agent.exitCode === null && agent.pid !== undefined) process.kill(-agent.pid, "SIGKILL");
  };
}
