import type { ErrorHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { EdgeEnv } from "../env.ts";
import { logEvent } from "../log.ts";

/** The one place uncaught exceptions become HTTP responses: logged with detail, answered without. */
export const onError: ErrorHandler<EdgeEnv> = (error, c) => {
  if (error instanceof HTTPException) return error.getResponse();
  logEvent("error", "unhandled error", { path: c.req.path, error: String(error), stack: error.stack });
  return c.json({ error: "internal error" }, 500);
};
