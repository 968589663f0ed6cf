import WebSocket from "ws";
import type { LoadedConfig } from "../config.ts";
import { connectUrl } from "../edge/edge-connection.ts";
import { checkEdgeUrl } from "../edge/edge-url.ts";
import { loadState } from "../state-file.ts";
import type { Vcenter } from "../vcenter.ts";
import type { Check } from "./check.ts";
import { checkBinarySignature, checkUnitHardening, findUnitFile } from "./doctor-install.ts";

function probeCredential(edgeUrl: string, credential: string): Promise<{ ok: boolean; detail: string }> {
  return new Promise((resolve) => {
    // no hello is sent: the hub treats a socket that never says hello as absent
    const ws = new WebSocket(connectUrl(edgeUrl), {
      headers: { Authorization: `Bearer ${credential}` },
      handshakeTimeout: 10_000,
    });
    ws.on("open", () => {
      ws.close(1000, "doctor");
      resolve({ ok: true, detail: "the edge accepted the agent credential" });
    });
    ws.on("unexpected-response", (_req, res) => {
      res.resume();
      ws.terminate();
      resolve({ ok: false, detail: `the edge answered HTTP ${res.statusCode}` });
    });
    ws.on("error", (error) => resolve({ ok: false, detail: error.message }));
  });
}

/** Each check is one pass/fail line with a hint; later checks that depend on a failed one are skipped. */
export async function runDoctor(input: {
  loaded: LoadedConfig;
  vcenter: Vcenter | null;
  template?: string;
  /** the unit to check; default: the installed gantry-agent.service */
  unitFile?: string;
}): Promise<Check[]> {
  const { config } = input.loaded;
  const checks: Check[] = [
    await checkBinarySignature(),
    checkUnitHardening(input.unitFile ?? findUnitFile()),
    { name: "config", ok: true, detail: "configuration is valid" },
  ];
  const state = loadState(config.stateDir);
  if (!state.ok) {
    checks.push({
      name: "enrollment",
      ok: false,
      detail: state.error,
      hint: "run gantry-agent enroll --edge <url> --token <t>",
    });
    return checks;
  }
  checks.push({
    name: "enrollment",
    ok: true,
    detail: `agent ${state.value.agentId} of site ${state.value.siteId}`,
  });
  const edgeUrl = config.edgeUrl ?? state.value.edgeUrl;
  const allowed = checkEdgeUrl(edgeUrl, { allowInsecure: config.allowInsecureEdge });
  if (!allowed.ok) {
    checks.push({ name: "edge URL", ok: false, detail: allowed.error, hint: "use the edge's https:// URL" });
    return checks;
  }
  if (allowed.value.insecure)
    checks.push({
      name: "edge URL",
      ok: false,
      detail: `${edgeUrl} is plain http: the credential travels in clear text`,
    });
  try {
    const res = await fetch(new URL("/healthz", edgeUrl), { signal: AbortSignal.timeout(10_000) });
    checks.push({
      name: "edge reachable",
      ok: res.ok,
      detail: `${edgeUrl} answered HTTP ${res.status}`,
      hint: res.ok ? undefined : "check the edge URL",
    });
  } catch (error) {
    checks.push({
      name: "edge reachable",
      ok: false,
      detail: String(error),
      hint: "check DNS, proxy and outbound HTTPS (443) to the edge",
    });
    return checks;
  }
  const credential = await probeCredential(edgeUrl, state.value.credential);
  checks.push({
    name: "credential accepted",
    ...credential,
    hint: credential.ok
      ? undefined
      : "the agent may be revoked: ask an admin for a new token and enroll again with --force",
  });
  if (!input.vcenter) {
    checks.push({
      name: "vcenter login",
      ok: false,
      detail: "no vcenter section in the config",
      hint: "add vcenter.url, vcenter.username and vcenter.passwordFile",
    });
    return checks;
  }
  const report = await input.vcenter.testConnection(input.template ? { templatePath: input.template } : {});
  for (const c of report.checks) checks.push({ ...c, name: `vcenter ${c.name}` });
  return checks;
}
