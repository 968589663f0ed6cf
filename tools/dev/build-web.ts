import { runToCompletion } from "./processes.ts";
import { VITE_BIN, WEB_DIR } from "./repo-paths.ts";

export interface BuildWebOptions {
  echo?: boolean;
  /** Build here instead of web/dist, for a second build with other settings. */
  outDir?: string;
  /** Build-time settings (`VITE_*`, e.g. the OIDC issuer) on top of our environment. */
  env?: Record<string, string>;
  /** Stops the build when aborted. */
  signal?: AbortSignal;
}

/** Builds the SPA (into web/dist unless told otherwise), which the edge serves as static assets. */
export async function buildWeb(options: BuildWebOptions = {}): Promise<void> {
  const outDir = options.outDir === undefined ? [] : ["--outDir", options.outDir, "--emptyOutDir"];
  await runToCompletion({
    name: "web-build",
    command: process.execPath,
    args: [VITE_BIN, "build", "--logLevel", "warn", ...outDir],
    cwd: WEB_DIR,
    env: { ...process.env, ...options.env },
    echo: options.echo ?? false,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
}
