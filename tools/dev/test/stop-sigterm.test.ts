import { afterEach, describe, expect, it } from "vitest";
import { DevRun } from "./dev-run.ts";

const runs: DevRun[] = [];
afterEach(async () => {
  await Promise.all(runs.splice(0).map((r) => r.dispose()));
});
const start = async (options: { underParent?: boolean } = {}) => {
  const run = await DevRun.start(options);
  runs.push(run);
  return run;
};

describe("npm run dev stopped with SIGTERM", () => {
  it("during start-up", async () => {
    const run = await start();
    await run.line(/^Starting the edge/);
    run.signal("SIGTERM");
    await run.expectCleanStop();
  });

  it("once it is running", async () => {
    const run = await start();
    await run.line(/^Press Ctrl-C to stop/);
    run.signal("SIGTERM");
    await run.expectCleanStop();
    expect(run.output).toMatch(/"msg":"agent stopped"/);
  });
});

// the parent is killed outright, so no signal reaches dev.ts: it has to notice on its own
describe("npm run dev whose parent dies", () => {
  it("during start-up", async () => {
    const run = await start({ underParent: true });
    await run.line(/^Starting VCSIM/);
    run.killParent();
    await run.expectCleanStop();
    expect(run.output).toMatch(/the process that started it is gone/);
  });

  it("once it is running", async () => {
    const run = await start({ underParent: true });
    await run.line(/^Press Ctrl-C to stop/);
    run.killParent();
    await run.expectCleanStop();
    expect(run.output).toMatch(/the process that started it is gone/);
  });
});
