import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../free-port.ts";
import { DevRun } from "./dev-run.ts";

const runs: DevRun[] = [];
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(runs.splice(0).map((r) => r.dispose()));
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** Another program on the port: this test process itself. */
async function holdPort(): Promise<number> {
  const port = await freePort();
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return port;
}

describe("npm run dev on a taken port", () => {
  it("names the process that holds the edge's port and starts nothing", async () => {
    const edgePort = await holdPort();
    const run = await DevRun.start({ edgePort });
    runs.push(run);
    expect(await run.exited).toBe(1);
    expect(run.output).toContain(`127.0.0.1:${edgePort} (the edge) is in use by pid ${process.pid} (`);
    expect(run.output).toContain("--edge-port <port>");
    expect(run.output).not.toMatch(/^Starting VCSIM/m);
    await expect.poll(() => run.leftovers().map((p) => p.command), { timeout: 5000 }).toEqual([]);
  });

  it("names the process that holds VCSIM's port", async () => {
    const vcsimPort = await holdPort();
    const run = await DevRun.start({ vcsimPort });
    runs.push(run);
    expect(await run.exited).toBe(1);
    expect(run.output).toContain(`127.0.0.1:${vcsimPort} (VCSIM) is in use by pid ${process.pid} (`);
    expect(run.output).toContain("--vcsim-port <port>");
    await expect.poll(() => run.leftovers().map((p) => p.command), { timeout: 5000 }).toEqual([]);
  });
});
