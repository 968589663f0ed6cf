import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import { ensureVcsimBinary } from "./build-binary.ts";
import { ReadyLine } from "./ready-line.ts";
import { startVcsim } from "./vcsim.ts";

async function spawnReady() {
  const child = spawn(await ensureVcsimBinary(), ["-listen=127.0.0.1:0", "-template="], {
    stdio: ["pipe", "pipe", "ignore"],
  });
  const exited = once(child, "exit");
  const [line] = (await once(createInterface({ input: child.stdout }), "line")) as [string];
  return { child, exited, ready: ReadyLine.parse(JSON.parse(line)) };
}

describe("vcsim launcher lifecycle", () => {
  it("exits when its stdin closes", async () => {
    const { child, exited, ready } = await spawnReady();
    expect(ready.templatePath).toBe("");
    child.stdin.end();
    const [code] = await exited;
    expect(code).toBe(0);
  });

  it("exits on SIGTERM", async () => {
    const { child, exited } = await spawnReady();
    child.kill("SIGTERM");
    const [code] = await exited;
    expect(code).toBe(0);
  });

  it("accepts any non-empty credentials when none are configured", async () => {
    const { child, exited, ready } = await spawnReady();
    expect([ready.username, ready.password]).toEqual(["user", "pass"]);
    child.kill("SIGTERM");
    await exited;
  });

  it("rejects with the launcher's own message when it cannot start", async () => {
    await expect(startVcsim({ requireControl: true, listen: "256.0.0.1:0" })).rejects.toThrow(
      /exited before ready[\s\S]*listen/,
    );
  });
});
