import { chownSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { runCli } from "../cli.ts";
import { loadConfig } from "../config.ts";
import { configure, passwordFileFor } from "./configure.ts";
import { readPassword } from "./read-password.ts";

const newDir = () => mkdtempSync(path.join(tmpdir(), "gantry-configure-"));
const mode = (file: string) => statSync(file).mode & 0o777;
const NOGROUP = 65534;
const THUMBPRINT = `${"AB:".repeat(31)}AB`;

/** A port nothing listens on: bound, then closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("gantry-agent configure", () => {
  it("sets the vcenter section, keeps the rest, and stores the password apart (0600, config 0640)", async () => {
    const dir = newDir();
    const root = process.getuid?.() === 0;
    // as the package leaves it: the directory's group is the service user's (here: nogroup)
    if (root) chownSync(dir, 0, NOGROUP);
    const configFile = path.join(dir, "config.json");
    writeFileSync(
      configFile,
      JSON.stringify({
        stateDir: dir,
        concurrency: 3,
        vcenter: { url: "https://old.example", username: "old", insecure: true, apiVersion: "7.0" },
      }),
      { mode: 0o644 },
    );
    const result = await configure({
      configFile,
      url: "https://vcenter.example.com",
      username: "gantry@vsphere.local",
      password: "pa ss\n",
      thumbprintSha256: THUMBPRINT,
      check: false,
    });
    expect(result).toMatchObject({ ok: true, value: { report: null } });
    const written = JSON.parse(readFileSync(configFile, "utf8"));
    expect(written).toEqual({
      stateDir: dir,
      concurrency: 3,
      vcenter: {
        url: "https://vcenter.example.com",
        username: "gantry@vsphere.local",
        passwordFile: passwordFileFor(configFile),
        thumbprintSha256: THUMBPRINT,
        apiVersion: "7.0",
      },
    });
    expect(mode(configFile)).toBe(0o640);
    expect(mode(passwordFileFor(configFile))).toBe(0o600);
    // run as root: root owns both, the service user's group may read the config only
    const owner = (file: string) => ({ uid: statSync(file).uid, gid: statSync(file).gid });
    const self = { uid: process.getuid?.(), gid: process.getgid?.() };
    expect(owner(configFile)).toEqual(root ? { uid: 0, gid: NOGROUP } : self);
    expect(owner(passwordFileFor(configFile))).toEqual(root ? { uid: 0, gid: 0 } : self);
    expect(readFileSync(configFile, "utf8")).not.toContain("pa ss");
    // the agent reads back exactly what was typed
    expect(loadConfig({ file: configFile, env: {} })).toMatchObject({
      ok: true,
      value: { vcenterPassword: "pa ss", config: { concurrency: 3 } },
    });
  });

  it("creates the config (and its directory) when there is none", async () => {
    const configFile = path.join(newDir(), "etc/gantry-agent/config.json");
    const result = await configure({
      configFile,
      url: "https://vc.example",
      username: "svc",
      password: "x",
      check: false,
    });
    expect(result.ok).toBe(true);
    expect(JSON.parse(readFileSync(configFile, "utf8")).vcenter).toEqual({
      url: "https://vc.example",
      username: "svc",
      passwordFile: passwordFileFor(configFile),
    });
  });

  it.each([
    [{ url: "http://vc.example" }, "plain http"],
    [{ url: "not a url" }, "url"],
    [{ thumbprintSha256: "abc" }, "32 hex bytes"],
    [{ password: "" }, "one non-empty line"],
    [{ password: "two\nlines" }, "one non-empty line"],
    [{ caFile: "/nonexistent/ca.pem" }, "no such file"],
  ])("refuses %o with a clear error and writes nothing", async (bad, message) => {
    const dir = newDir();
    const configFile = path.join(dir, "config.json");
    const before = JSON.stringify({ stateDir: dir });
    writeFileSync(configFile, before);
    const result = await configure({
      configFile,
      url: "https://vc.example",
      username: "svc",
      password: "secret",
      check: false,
      ...bad,
    });
    expect(result).toMatchObject({ ok: false, error: { code: "INVALID" } });
    if (!result.ok) expect(result.error.message).toContain(message);
    expect(readFileSync(configFile, "utf8")).toBe(before);
    expect(existsSync(passwordFileFor(configFile))).toBe(false);
  });

  it("leaves a config that is not JSON alone", async () => {
    const configFile = path.join(newDir(), "config.json");
    writeFileSync(configFile, "{ broken");
    const result = await configure({
      configFile,
      url: "https://vc",
      username: "u",
      password: "p",
      check: false,
    });
    expect(result).toMatchObject({ ok: false, error: { code: "INVALID" } });
    expect(readFileSync(configFile, "utf8")).toBe("{ broken");
  });

  it("checks by logging in first: an unreachable vCenter fails and nothing is written", async () => {
    const configFile = path.join(newDir(), "config.json");
    const result = await configure({
      configFile,
      url: `https://127.0.0.1:${await closedPort()}`,
      username: "svc",
      password: "secret",
      check: true,
    });
    expect(result).toMatchObject({
      ok: false,
      error: { code: "CHECK_FAILED", report: { ok: false, checks: [{ name: "reachable", ok: false }] } },
    });
    if (!result.ok) expect(result.error.message).toMatch(/^vCenter reachable failed: /);
    expect(existsSync(configFile)).toBe(false);
    expect(existsSync(passwordFileFor(configFile))).toBe(false);
  });
});

describe("the CLI verb", () => {
  it("is listed in the help and explains itself", async () => {
    const out: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string) => out.push(chunk) > 0) as typeof process.stdout.write;
    try {
      expect(await runCli(["help", "configure"])).toBe(0);
      expect(await runCli(["--help"])).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    expect(out[0]).toContain("Usage: gantry-agent configure --vcenter <url> --username <user>");
    expect(out[0]).toContain("--no-check");
    expect(out[1]).toMatch(/configure\s+set the vCenter/);
  });

  it("needs --vcenter and --username (usage error, exit 2)", async () => {
    const write = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      expect(await runCli(["configure", "--vcenter", "https://vc"])).toBe(2);
    } finally {
      process.stderr.write = write;
    }
  });

  it("reads the password from a file given with --password-file", async () => {
    const dir = newDir();
    const configFile = path.join(dir, "config.json");
    const secret = path.join(dir, "secret");
    writeFileSync(secret, "from-file\n");
    const write = process.stdout.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      const code = await runCli([
        "configure",
        "--config",
        configFile,
        "--vcenter",
        "https://vc.example",
        "--username",
        "svc",
        "--password-file",
        secret,
        "--no-check",
      ]);
      expect(code).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    expect(readFileSync(passwordFileFor(configFile), "utf8")).toBe("from-file\n");
  });
});

describe("reading the password", () => {
  it("takes the first line of piped stdin", async () => {
    const stdin = Readable.from([Buffer.from("s3cret\nrest\n")]) as unknown as NodeJS.ReadStream;
    expect(await readPassword({ file: undefined, prompt: "", stdin })).toBe("s3cret");
  });

  it("reads a file, and '-' means stdin", async () => {
    const file = path.join(newDir(), "pw");
    writeFileSync(file, "in-a-file\n");
    expect(await readPassword({ file, prompt: "" })).toBe("in-a-file\n");
    const stdin = Readable.from([Buffer.from("piped")]) as unknown as NodeJS.ReadStream;
    expect(await readPassword({ file: "-", prompt: "", stdin })).toBe("piped");
  });
});
