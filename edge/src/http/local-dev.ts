import type { Context } from "hono";
import { type EdgeEnv, parseVars } from "../env.ts";

// also insisting on a loopback host means DEV_LOGIN leaking into a deployment still opens nothing
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * Whether a request may use what exists only for the local stack and tests (the dev login here, the
 * dev routes of `edge/dev/`): DEV_LOGIN is on, which production configuration never sets, and the
 * request came to a loopback host.
 */
export const isLocalDevRequest = (c: Context<EdgeEnv>): boolean =>
  parseVars(c.env).DEV_LOGIN && LOOPBACK.has(new URL(c.req.url).hostname);
