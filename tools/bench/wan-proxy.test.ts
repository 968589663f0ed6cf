import assert from "node:assert/strict";
import { once } from "node:events";
import { connect, createServer, type Server } from "node:net";
import { describe, it } from "node:test";
import { WebSocket, WebSocketServer } from "ws";
import { WanProxy } from "./wan-proxy.ts";
import { WsFrameTap } from "./ws-frame-tap.ts";

// The bench's WAN proxy: jitter must never reorder a stream, and no byte may arrive before its delay.

async function listening(server: Server | WebSocketServer): Promise<number> {
  if (server instanceof WebSocketServer) await once(server, "listening");
  else await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.address();
  return typeof address === "object" && address ? address.port : 0;
}

describe("WanProxy", () => {
  it("delivers every chunk in order and none sooner than the delay minus the jitter, each way", async () => {
    // an echo server: what comes back crossed the proxy twice
    const echo = createServer((socket) => socket.pipe(socket));
    const port = await listening(echo);
    const proxy = await WanProxy.start({ host: "127.0.0.1", port });
    proxy.setDelay({ oneWayMs: 15, jitterMs: 10 });
    const client = connect({ port: proxy.port, host: "127.0.0.1", noDelay: true });
    await once(client, "connect");
    const sentAt: number[] = [];
    const lines = 100;
    let received = "";
    const done = new Promise<number[]>((resolve) => {
      const arrivals: number[] = [];
      client.on("data", (chunk: Buffer) => {
        received += chunk.toString();
        const complete = received.split("\n").length - 1;
        while (arrivals.length < complete) arrivals.push(performance.now());
        if (complete === lines) resolve(arrivals);
      });
    });
    for (let i = 0; i < lines; i++) {
      sentAt.push(performance.now());
      client.write(`${i}\n`);
      if (i % 10 === 0) await new Promise((r) => setTimeout(r, 2));
    }
    const arrivals = await done;
    assert.deepEqual(
      received.trim().split("\n").map(Number),
      Array.from({ length: lines }, (_, i) => i),
    );
    // two one-way trips of at least 15 − 10 ms each (timers never fire early)
    for (let i = 0; i < lines; i++) assert.ok((arrivals[i] ?? 0) - (sentAt[i] ?? 0) >= 2 * 5 - 1);
    client.destroy();
    await proxy.stop();
    echo.close();
  });

  for (const perMessageDeflate of [false, { threshold: 0 }])
    it(`lets its tap read the WebSocket messages each way, the client's masked ones included${perMessageDeflate ? ", compressed" : ""}`, async () => {
      const server = new WebSocketServer({ port: 0, host: "127.0.0.1", perMessageDeflate });
      const port = await listening(server);
      server.on("connection", (ws) => ws.on("message", (data) => ws.send(`echo ${data.toString()}`)));
      const tap = new WsFrameTap();
      const proxy = await WanProxy.start({ host: "127.0.0.1", port }, tap.tap);
      proxy.setDelay({ oneWayMs: 5, jitterMs: 5 });
      const ws = new WebSocket(`ws://127.0.0.1:${proxy.port}/`);
      await once(ws, "open");
      assert.equal(ws.extensions.includes("permessage-deflate"), perMessageDeflate !== false);
      const texts = Array.from({ length: 20 }, (_, i) =>
        JSON.stringify({ type: "t", n: i, pad: "x".repeat(i * 10) }),
      );
      const echoes = new Promise<void>((resolve) => {
        let n = 0;
        ws.on("message", () => {
          if (++n === texts.length) resolve();
        });
      });
      for (const text of texts) ws.send(text);
      await echoes;
      assert.deepEqual(
        tap.messages.filter((m) => m.direction === "up").map((m) => m.text),
        texts,
      );
      assert.deepEqual(
        tap.messages.filter((m) => m.direction === "down").map((m) => m.text),
        texts.map((t) => `echo ${t}`),
      );
      ws.terminate();
      await proxy.stop();
      server.close();
    });
});
