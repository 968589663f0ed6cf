import { access, constants, open, rm, stat } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";

// a cold build takes about half a minute on two cores; a lock older than this was left by a dead builder
const STALE_LOCK_MS = 3 * 60_000;
const POLL_MS = 250;

/**
 * Runs `build` unless `target` exists, with at most one builder at a time across processes (test
 * files start in parallel workers; without this each would compile the same launcher). Waiting for
 * another builder ends when `signal` aborts.
 */
export async function buildOnce(
  target: string,
  build: () => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const lock = `${target}.lock`;
  for (;;) {
    signal?.throwIfAborted();
    if (await isExecutable(target)) return;
    const handle = await open(lock, "wx").catch((error: unknown) => {
      if (isCode(error, "EEXIST")) return undefined;
      throw error;
    });
    if (!handle) {
      if (await isStale(lock)) await rm(lock, { force: true });
      else await sleep(POLL_MS);
      continue;
    }
    try {
      if (!(await isExecutable(target))) await build();
      return;
    } finally {
      await handle.close();
      await rm(lock, { force: true });
    }
  }
}

export async function isExecutable(file: string): Promise<boolean> {
  return access(file, constants.X_OK).then(
    () => true,
    () => false,
  );
}

async function isStale(lock: string): Promise<boolean> {
  const info = await stat(lock).catch(() => undefined);
  return info !== undefined && Date.now() - info.mtimeMs > STALE_LOCK_MS;
}

function isCode(error: unknown, code: string): boolean {
  return typeof error === "object" && error !== null && "code" in error && error.code === code;
}
