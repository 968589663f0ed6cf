import { RequestId } from "@gantry/shared/api/ids";
import { Hono } from "hono";
import { authenticateRequest, bearerToken, sessionCookie } from "../auth/authenticate.ts";
import type { EdgeEnv } from "../env.ts";
import { parseVars } from "../env.ts";
import { logEvent } from "../log.ts";
import { authorizeProgressViewer } from "../request-progress/progress-access.ts";
import { subscriberUpgrade } from "../request-progress/subscriber.ts";
import { requestProgress } from "../stubs.ts";

const MAX_CURSOR_LENGTH = 60;

/**
 * `GET /progress/:requestId/connect[?after=epoch.seq]`: a browser's WebSocket to a request's progress.
 * Checks, in order: upgrade, Origin (cross-site WebSocket hijacking; 403 before anything is read),
 * session (401), authorization exactly as `requests.get` (404 for another tenant's request, like a
 * missing one). Then hands the upgrade to the RequestProgress object with the viewer in a header only
 * this Worker can set.
 */
export const progressConnect = new Hono<EdgeEnv>().get("/:requestId/connect", async (c) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket")
    return c.text("expected a WebSocket upgrade", 426);
  const vars = parseVars(c.env);
  const origin = c.req.header("origin");
  // browsers always send Origin on a WebSocket; only a bearer-token client without a cookie may omit it
  const bearerOnly = bearerToken(c.req.raw) !== null && sessionCookie(c.req.raw) === null;
  const originAllowed = origin === undefined ? bearerOnly : vars.ALLOWED_ORIGINS.includes(origin);
  if (!originAllowed) return c.text("origin not allowed", 403);

  const auth = await authenticateRequest(c.req.raw, c.env);
  if (!auth.principal) {
    if (auth.failure) logEvent("warn", "credentials refused", { path: c.req.path, ...auth.failure });
    if (auth.failure?.code === "IDP_UNAVAILABLE")
      return c.text("sign-in could not be checked; try again", 503);
    return c.text("sign in first", 401);
  }
  const requestId = RequestId.safeParse(c.req.param("requestId"));
  if (!requestId.success) return c.text("not found", 404);
  const viewer = await authorizeProgressViewer(c.env.DB, {
    principal: auth.principal,
    requestId: requestId.data,
  });
  if (!viewer.ok) {
    logEvent("warn", "progress access denied", { requestId: requestId.data, userId: auth.principal.userId });
    return c.text("not found", 404);
  }
  const after = c.req.query("after")?.slice(0, MAX_CURSOR_LENGTH) ?? null;
  const stub = requestProgress(c.env, requestId.data);
  return stub.fetch(subscriberUpgrade({ ...viewer.value, after }));
});
