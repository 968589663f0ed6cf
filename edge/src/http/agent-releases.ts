import { Hono } from "hono";
import type { EdgeEnv } from "../env.ts";
import { renderInstallScript } from "../releases/install-script.ts";
import { currentRelease, releaseObject } from "../releases/release-bucket.ts";

/**
 * The agent's releases, public like any vendor download (a release holds no secret; agents and the
 * install command verify what they fetch): the current release's manifest, its files, and the
 * install script the Agents page's one-line command runs.
 */
export const agentReleaseRoutes = new Hono<EdgeEnv>()
  .get("/releases/current", async (c) => {
    const release = await currentRelease(c.env.AGENT_RELEASES);
    if (!release) return c.json({ error: "NO_RELEASE", message: "no agent release has been published" }, 404);
    return c.json(release, 200, { "cache-control": "no-cache" });
  })
  .get("/releases/:version/:name", async (c) => {
    const object = await releaseObject(c.env.AGENT_RELEASES, c.req.param("version"), c.req.param("name"));
    if (!object) return c.json({ error: "NOT_FOUND" }, 404);
    return new Response(object.body, {
      headers: {
        "content-type": "application/octet-stream",
        "content-length": String(object.size),
        etag: object.httpEtag,
        // a version's files never change
        "cache-control": "public, max-age=31536000, immutable",
      },
    });
  })
  .get("/install.sh", async (c) => {
    const release = await currentRelease(c.env.AGENT_RELEASES);
    if (!release)
      return c.text("echo 'no Gantry agent release has been published on this edge' >&2; exit 1\n", 404);
    const script = renderInstallScript({ origin: new URL(c.req.url).origin, release });
    return c.text(script, 200, {
      "content-type": "text/x-shellscript; charset=utf-8",
      "cache-control": "no-cache",
    });
  });
