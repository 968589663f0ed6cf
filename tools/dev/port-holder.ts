import { readdir, readFile, readlink } from "node:fs/promises";
import { createServer } from "node:net";

/** A process that listens on a TCP port: its pid and command line. */
export interface PortHolder {
  pid: number;
  command: string;
}

/** A port the local stack needs is taken; the message names the holder and the flag that picks another. */
export class PortBusyError extends Error {
  constructor(
    readonly port: number,
    readonly holders: readonly PortHolder[],
    what: string,
    flag: string,
  ) {
    const by =
      holders.length === 0
        ? `another user's process (\`sudo ss -ltnp 'sport = :${port}'\` names it)`
        : holders.map((h) => `pid ${h.pid} (${h.command})`).join(", ");
    super(`127.0.0.1:${port} (${what}) is in use by ${by}. Stop it, or choose another port: ${flag} <port>`);
  }
}

/**
 * Throws PortBusyError unless 127.0.0.1:`port` can be bound now. Checked before anything is started, so a
 * taken port fails the start at once with its holder named, instead of deep in a child's log.
 */
export async function assertPortFree(port: number, what: string, flag: string): Promise<void> {
  const free = await new Promise<boolean>((resolve, reject) => {
    const server = createServer();
    server.once("error", (error: NodeJS.ErrnoException) =>
      error.code === "EADDRINUSE" ? resolve(false) : reject(error),
    );
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
  if (!free) throw new PortBusyError(port, await portHolders(port), what, flag);
}

/**
 * The processes listening on `port` (any address), from /proc: the socket's inode in /proc/net/tcp{,6},
 * then the processes holding a descriptor to it. Processes of other users stay invisible without root.
 */
export async function portHolders(port: number): Promise<PortHolder[]> {
  const sockets = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    const text = await readFile(table, "utf8").catch(() => "");
    for (const line of text.split("\n").slice(1)) {
      const [, local, , state, , , , , , inode] = line.trim().split(/\s+/);
      // 0A: LISTEN; the local address is HEXIP:HEXPORT
      if (state !== "0A" || local === undefined || inode === undefined || inode === "0") continue;
      if (Number.parseInt(local.split(":").at(-1) ?? "", 16) === port) sockets.add(`socket:[${inode}]`);
    }
  }
  if (sockets.size === 0) return [];
  const holders: PortHolder[] = [];
  for (const pid of (await readdir("/proc")).filter((name) => /^\d+$/.test(name))) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => []);
    for (const fd of fds) {
      if (!sockets.has(await readlink(`/proc/${pid}/fd/${fd}`).catch(() => ""))) continue;
      holders.push({ pid: Number(pid), command: await commandLine(Number(pid)) });
      break;
    }
  }
  return holders;
}

async function commandLine(pid: number): Promise<string> {
  const raw = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
  const line = raw.split("\0").filter(Boolean).join(" ");
  return line.length > 160 ? `${line.slice(0, 157)}...` : line || "?";
}
