import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { verifyExecutable } from "../upgrade/prepare-upgrade.ts";
import { RELEASE_PUBLIC_KEY } from "../version.ts";
import type { Check } from "./check.ts";
import { HARDENING } from "./systemd-unit.ts";

/** Whether this process runs from a single executable (a release build) rather than Node and a script. */
async function runsAsExecutable(): Promise<boolean> {
  try {
    const sea = await import("node:sea");
    return sea.isSea();
  } catch {
    return false;
  }
}

/** The running executable against the signature installed beside it and the key compiled into it. */
export async function checkBinarySignature(executable = process.execPath): Promise<Check> {
  const name = "binary signature";
  if (!(await runsAsExecutable()))
    return {
      name,
      ok: true,
      skipped: true,
      detail: "running from sources under Node: no release executable to verify",
    };
  if (!RELEASE_PUBLIC_KEY)
    return {
      name,
      ok: false,
      detail: "this executable has no release key compiled in",
      hint: "install a release build",
    };
  const verified = await verifyExecutable(executable, RELEASE_PUBLIC_KEY);
  return verified.ok
    ? {
        name,
        ok: true,
        detail: `${executable} is signed by the release key (sha256 ${verified.value.slice(0, 16)}…)`,
      }
    : {
        name,
        ok: false,
        detail: `${executable}: ${verified.error}`,
        hint: "reinstall the package from the edge",
      };
}

const UNIT_DIRS = [
  "/etc/systemd/system",
  "/run/systemd/system",
  "/usr/lib/systemd/system",
  "/lib/systemd/system",
];

/**
 * The unit as systemd would read it: the first unit file found (in systemd's order) and its drop-ins
 * in name order, every assignment of a setting in the order read (a single-valued setting: the last one
 * counts; a list like SystemCallFilter=: they add up). Enough to check the [Service] settings we depend on.
 */
export function readUnitSettings(unitFile: string): Map<string, string[]> {
  const name = path.basename(unitFile);
  const dropIns = UNIT_DIRS.flatMap((dir) => {
    const d = path.join(dir, `${name}.d`);
    return existsSync(d)
      ? readdirSync(d)
          .filter((f) => f.endsWith(".conf"))
          .map((f) => path.join(d, f))
      : [];
  }).sort((a, b) => path.basename(a).localeCompare(path.basename(b)));
  const settings = new Map<string, string[]>();
  for (const file of [unitFile, ...dropIns]) {
    for (const line of readFileSync(file, "utf8").split("\n")) {
      const match = /^\s*([A-Za-z]+)\s*=\s*(.*?)\s*$/.exec(line);
      if (!match?.[1]) continue;
      const values = settings.get(match[1]) ?? [];
      values.push(match[2] ?? "");
      settings.set(match[1], values);
    }
  }
  return settings;
}

/**
 * The hardening settings a unit does not have in force: a setting's last assignments must be exactly
 * ours (one for a single-valued setting, all of them in order for one we list twice), so a drop-in
 * that changes or adds to one (a capability after `CapabilityBoundingSet=`) is reported.
 */
function missingHardening(settings: Map<string, string[]>): string[] {
  const expected = new Map<string, string[]>();
  for (const [k, v] of HARDENING) expected.set(k, [...(expected.get(k) ?? []), v]);
  const missing: string[] = [];
  for (const [k, values] of expected) {
    const actual = (settings.get(k) ?? []).slice(-values.length);
    values.forEach((v, i) => {
      if (actual.length !== values.length || actual[i] !== v) missing.push(`${k}=${v}`);
    });
  }
  return missing;
}

export function findUnitFile(name = "gantry-agent.service"): string | null {
  for (const dir of UNIT_DIRS) if (existsSync(path.join(dir, name))) return path.join(dir, name);
  return null;
}

/**
 * Every hardening setting of our unit still in force (a drop-in may have loosened one), and not as root.
 * Without a unit there is nothing to check (the agent runs in the foreground or a container): skipped,
 * saying what the operator does without.
 */
export function checkUnitHardening(unitFile: string | null = findUnitFile()): Check {
  const name = "service hardening";
  if (!unitFile)
    return {
      name,
      ok: true,
      skipped: true,
      detail:
        "no gantry-agent.service installed, so no systemd sandbox; the Debian package or install.sh installs it, or run gantry-agent service install",
    };
  const settings = readUnitSettings(unitFile);
  const loosened = missingHardening(settings);
  const user = settings.get("User")?.at(-1) ?? "";
  if (user === "" || user === "root") loosened.unshift("User=<a system user, not root>");
  return loosened.length === 0
    ? {
        name,
        ok: true,
        detail: `${unitFile}: runs as ${user}, all ${HARDENING.length} sandbox settings in force`,
      }
    : {
        name,
        ok: false,
        detail: `${unitFile} (with its drop-ins) lacks ${loosened.join(", ")}`,
        hint: "restore the packaged unit (remove the drop-in that overrides it), then systemctl daemon-reload",
      };
}
