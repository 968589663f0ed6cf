import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readdir, readlink, rm, symlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { REPO_ROOT } from "@gantry/dev/repo-paths";

export interface Snapshot {
  readonly dir: string;
  /** the commit the snapshot holds, exactly */
  readonly commit: string;
  remove(): Promise<void>;
}

/**
 * A frozen copy of HEAD to run the bench from. The edge is bundled when the stack starts and every agent
 * a scenario starts runs the sources of that moment; with others editing the tree during a 10-minute run,
 * the live tree is neither stable nor the commit the results name. The copy has its own workspace links
 * and shares the installed packages.
 */
export async function createSnapshot(): Promise<Snapshot> {
  const git = (...args: string[]) => execFileSync("git", args, { cwd: REPO_ROOT, encoding: "utf8" }).trim();
  const commit = git("rev-parse", "HEAD");
  const dir = await mkdtemp(path.join(os.tmpdir(), "gantry-bench-src-"));
  execFileSync("bash", ["-c", 'git archive --format=tar "$1" | tar -x -C "$2"', "archive", commit, dir], {
    cwd: REPO_ROOT,
  });

  // every installed package by link, except the workspace packages, which must be the copy's own
  const modules = path.join(REPO_ROOT, "node_modules");
  await mkdir(path.join(dir, "node_modules/@gantry"), { recursive: true });
  for (const entry of await readdir(modules)) {
    if (entry !== "@gantry") await symlink(path.join(modules, entry), path.join(dir, "node_modules", entry));
  }
  for (const pkg of await readdir(path.join(modules, "@gantry"))) {
    // npm links each workspace relatively (`../../tools/dev`), so the same link points into the copy
    const link = path.join("node_modules/@gantry", pkg);
    await symlink(await readlink(path.join(REPO_ROOT, link)), path.join(dir, link));
  }
  // the SPA the edge serves is a build output, not in git; the bench never loads it
  const webDist = path.join(REPO_ROOT, "web/dist");
  if (existsSync(webDist)) await cp(webDist, path.join(dir, "web/dist"), { recursive: true });
  else await mkdir(path.join(dir, "web/dist"), { recursive: true });

  return { dir, commit, remove: () => rm(dir, { recursive: true, force: true }) };
}
