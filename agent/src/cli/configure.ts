import { existsSync, readFileSync, statSync } from "node:fs";
import { isIP } from "node:net";
import path from "node:path";
import * as tls from "node:tls";
import { err, ok, type Result } from "@gantry/shared/result";
import { writeFileAtomic } from "../atomic-file.ts";
import { AgentConfig } from "../config.ts";
import { sdkUrl, VsphereConfig } from "../vsphere/config.ts";
import { type ConnectionReport, testConnection } from "../vsphere/test-connection.ts";

/** What `gantry-agent configure` is told: where vCenter is, who to log in as, and how to trust its TLS. */
export interface ConfigureInput {
  configFile: string;
  url: string;
  username: string;
  /** Read by the CLI from stdin or a file; stored only in the password file, never in the config. */
  password: string;
  caFile?: string;
  thumbprintSha256?: string;
  /** Log in before writing anything (default); false for a host that cannot reach vCenter yet. */
  check: boolean;
}

export type ConfigureError =
  | { code: "INVALID"; message: string }
  | { code: "CHECK_FAILED"; message: string; report: ConnectionReport };

export interface Configured {
  configFile: string;
  passwordFile: string;
  report: ConnectionReport | null;
}

/** Where the password goes: beside the config, the file the packaged unit hands over with LoadCredential=. */
export const passwordFileFor = (configFile: string) =>
  path.join(path.dirname(configFile), "vcenter-password");

function readConfigObject(file: string): Result<Record<string, unknown>, string> {
  if (!existsSync(file)) return ok({});
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
      return err(`${file}: not a JSON object; fix or remove it first`);
    return ok(parsed as Record<string, unknown>);
  } catch (e) {
    return err(`${file}: ${(e as Error).message}; fix or remove it first`);
  }
}

/**
 * Sets the config's vCenter section and the password file, after logging in with them (unless told not
 * to). Nothing is written unless everything is valid and the login worked: a typo never replaces a
 * working setup. The rest of the config (and the vCenter section's apiVersion) is kept as it was.
 *
 * Owners and modes, as the package sets them up: the config root-owned, readable by the directory's
 * group (the service user) and nobody else (0640); the password root-only (0600), since systemd reads it
 * as root and hands it to the service. Run by another user (tests), files belong to that user.
 */
export async function configure(input: ConfigureInput): Promise<Result<Configured, ConfigureError>> {
  const invalid = (message: string) => err<ConfigureError>({ code: "INVALID", message });
  const password = input.password.replace(/\r?\n$/, "");
  if (password === "" || password.includes("\n")) return invalid("the password must be one non-empty line");
  const existing = readConfigObject(input.configFile);
  if (!existing.ok) return invalid(existing.error);
  const passwordFile = passwordFileFor(input.configFile);
  const previous = existing.value.vcenter as { apiVersion?: unknown } | undefined;
  const vcenter = {
    url: input.url,
    username: input.username,
    passwordFile,
    ...(input.caFile !== undefined && { caFile: path.resolve(input.caFile) }),
    ...(input.thumbprintSha256 !== undefined && { thumbprintSha256: input.thumbprintSha256 }),
    ...(typeof previous?.apiVersion === "string" && { apiVersion: previous.apiVersion }),
  };
  const connection = VsphereConfig.safeParse({ ...vcenter, password });
  const config = AgentConfig.safeParse({ ...existing.value, vcenter });
  const issues = [...(connection.error?.issues ?? []), ...(config.error?.issues ?? [])];
  if (issues.length > 0 || !connection.success)
    return invalid(issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  if (input.caFile !== undefined && !existsSync(input.caFile))
    return invalid(`--ca-file ${input.caFile}: no such file`);

  let report: ConnectionReport | null = null;
  if (input.check) {
    report = await testConnection(connection.data, { timeoutMs: 15_000 });
    if (!report.ok) return err({ code: "CHECK_FAILED", message: await explain(input, report), report });
  }

  const root = process.getuid?.() === 0;
  const dir = path.dirname(input.configFile);
  // the group of the config directory (gantry-agent after the package's postinst) may read the config
  const group = root && existsSync(dir) ? statSync(dir).gid : undefined;
  writeFileAtomic(passwordFile, `${password}\n`, 0o600, root ? { uid: 0, gid: 0 } : undefined);
  writeFileAtomic(
    input.configFile,
    `${JSON.stringify({ ...existing.value, vcenter }, null, 2)}\n`,
    0o640,
    group === undefined ? undefined : { uid: 0, gid: group },
  );
  return ok({ configFile: input.configFile, passwordFile, report });
}

/** The failed check in a sentence; for an untrusted certificate, the fingerprint to compare and pin. */
async function explain(input: ConfigureInput, report: ConnectionReport): Promise<string> {
  const failed = report.checks.find((c) => !c.ok);
  const line = failed ? `vCenter ${failed.name} failed: ${failed.detail}` : "vCenter check failed";
  if (failed?.name !== "reachable" || input.caFile || input.thumbprintSha256) return line;
  const seen = await certificateFingerprint(sdkUrl(input.url));
  if (!seen || seen.trusted) return line;
  return `${line}
This host does not trust vCenter's certificate. Its SHA-256 fingerprint is
  ${seen.fingerprint}
If vCenter shows the same one (vSphere Client: Administration > Certificates), pin it with
--thumbprint ${seen.fingerprint}, or pass the CA that signed it with --ca-file <pem>.`;
}

/** The server's certificate fingerprint and whether this host's CAs trust it; null when no TLS answers. */
function certificateFingerprint(url: URL): Promise<{ fingerprint: string; trusted: boolean } | null> {
  if (url.protocol !== "https:") return Promise.resolve(null);
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  return new Promise((resolve) => {
    const socket = tls.connect({
      host,
      port: Number(url.port || 443),
      ...(isIP(host) === 0 && { servername: host }),
      rejectUnauthorized: false,
      timeout: 10_000,
    });
    const done = (value: { fingerprint: string; trusted: boolean } | null) => {
      socket.destroy();
      resolve(value);
    };
    socket.once("secureConnect", () => {
      const fingerprint = socket.getPeerCertificate().fingerprint256;
      done(fingerprint ? { fingerprint, trusted: socket.authorized } : null);
    });
    socket.once("error", () => done(null));
    socket.once("timeout", () => done(null));
  });
}
