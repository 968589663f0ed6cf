import { AgentRelease, ReleaseFileName, ReleaseVersion } from "@gantry/shared/releases/agent-release";
import { Hono } from "hono";
import type { EdgeEnv } from "../src/env.ts";
import { parseVars } from "../src/env.ts";
import { isLocalDevRequest } from "../src/http/local-dev.ts";
import { offerRelease, storeReleaseFile } from "../src/releases/release-bucket.ts";

/**
 * `/agent/dev/releases/*`: how the local stack and the tests publish a locally built release into the
 * edge's release bucket (in production: `wrangler r2 object put`, see tools/release). Files go up as
 * raw bytes (application/octet-stream, which a cross-site form cannot send either), then the manifest.
 */
export const releaseDevRoutes = new Hono<EdgeEnv>()
  .use("*", async (c, next) => {
    if (!isLocalDevRequest(c)) return c.notFound();
    const origin = c.req.header("origin");
    if (!origin || !parseVars(c.env).ALLOWED_ORIGINS.includes(origin))
      return c.json({ error: "origin not allowed" }, 403);
    return next();
  })
  .put("/:version/:name", async (c) => {
    const version = ReleaseVersion.safeParse(c.req.param("version"));
    const name = ReleaseFileName.safeParse(c.req.param("name"));
    const sha256 = c.req.header("x-sha256") ?? "";
    if (!version.success || !name.success || !/^[0-9a-f]{64}$/.test(sha256) || !c.req.raw.body)
      return c.json({ error: "INVALID_REQUEST" }, 400);
    if (c.req.header("content-type") !== "application/octet-stream")
      return c.json({ error: "release files are sent as application/octet-stream" }, 415);
    // buffered: streaming the request body into the local R2 bucket was faster (8 s instead of 22 s for
    // 100 MB) but once in four uploads workerd closed the connection mid-body (EPIPE at the client)
    const body = await c.req.arrayBuffer().catch(() => null);
    // the uploader went away mid-body (the local stack stopping calls its upload off): nothing to store
    if (body === null) return c.json({ error: "upload broke off" }, 400);
    await storeReleaseFile(c.env.AGENT_RELEASES, { version: version.data, name: name.data, body, sha256 });
    return c.body(null, 204);
  })
  .post("/current", async (c) => {
    const release = AgentRelease.safeParse(await c.req.json().catch(() => null));
    if (!release.success) return c.json({ error: "INVALID_RELEASE" }, 400);
    const missing = await offerRelease(c.env.AGENT_RELEASES, release.data);
    return missing.length > 0 ? c.json({ error: "FILES_MISSING", missing }, 409) : c.json(release.data);
  });
