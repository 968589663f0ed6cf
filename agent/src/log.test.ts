import { describe, expect, it } from "vitest";
import { createLogger, type LoggerOptions } from "./log.ts";

/** A logger whose lines land in an array; `record(i)` parses line i. */
function capture(options: LoggerOptions = {}) {
  const lines: string[] = [];
  const log = createLogger({ level: "debug", ...options, write: (line) => lines.push(line) });
  const record = (i = 0) => JSON.parse(lines[i] ?? "null") as Record<string, unknown>;
  return { log, lines, record };
}

const SECRETS = [
  "hunter2-vcenter",
  "gac_agent_credential",
  "get_enrollment_token",
  "Bearer gac_in_a_header",
  "vmware_soap_session=52a1",
  "s3cr3t-value",
];

const leaked = (lines: readonly string[]) => SECRETS.filter((s) => lines.some((l) => l.includes(s)));

describe("logger redaction", () => {
  it("redacts secret-named fields and keeps the rest of the line", () => {
    const { log, lines, record } = capture();
    log.info("vcenter login", {
      user: "svc-gantry",
      password: "hunter2-vcenter",
      credential: "gac_agent_credential",
      enrollmentToken: "get_enrollment_token",
      clientSecret: "s3cr3t-value",
    });
    expect(leaked(lines)).toEqual([]);
    expect(record()).toMatchObject({
      level: "info",
      msg: "vcenter login",
      user: "svc-gantry",
      password: "[redacted]",
      credential: "[redacted]",
      enrollmentToken: "[redacted]",
      clientSecret: "[redacted]",
    });
  });

  it("redacts Authorization and cookie values inside nested headers, whatever their case", () => {
    const { log, lines, record } = capture();
    log.warn("request failed", {
      request: {
        url: "https://vc.example/sdk",
        headers: {
          AUTHORIZATION: "Bearer gac_in_a_header",
          Cookie: "vmware_soap_session=52a1",
          "set-cookie": ["vmware_soap_session=52a1; Path=/"],
        },
      },
    });
    expect(leaked(lines)).toEqual([]);
    expect(record()).toMatchObject({
      request: {
        url: "https://vc.example/sdk",
        headers: { AUTHORIZATION: "[redacted]", Cookie: "[redacted]", "set-cookie": "[redacted]" },
      },
    });
  });

  it("redacts secrets in arrays of objects and whole secret-named objects", () => {
    const { log, lines, record } = capture();
    log.error("retrying", {
      attempts: [{ n: 1, token: "get_enrollment_token" }],
      credentials: { user: "svc", value: "s3cr3t-value" },
    });
    expect(leaked(lines)).toEqual([]);
    expect(record()).toMatchObject({ attempts: [{ n: 1, token: "[redacted]" }], credentials: "[redacted]" });
  });

  it("redacts secrets in base and child fields too", () => {
    const { log, lines, record } = capture({ base: { credential: "gac_agent_credential" } });
    log.child({ jobId: "j-1", passwordFile: "hunter2-vcenter" }).debug("job started");
    expect(leaked(lines)).toEqual([]);
    expect(record()).toMatchObject({ jobId: "j-1", credential: "[redacted]", passwordFile: "[redacted]" });
  });

  it("never writes what lies below the depth it inspects, and survives a cycle", () => {
    const { log, lines } = capture();
    let deep: Record<string, unknown> = { password: "hunter2-vcenter" };
    for (let i = 0; i < 12; i++) deep = { level: deep };
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    log.info("deep", { deep });
    log.info("cyclic", { cyclic });
    expect(lines).toHaveLength(2);
    expect(leaked(lines)).toEqual([]);
    expect(lines[0]).toContain("[truncated]");
  });

  it("leaves lines below the level unwritten", () => {
    const { log, lines } = capture({ level: "warn" });
    log.info("quiet", { password: "hunter2-vcenter" });
    log.warn("loud");
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(["loud"]);
  });
});
