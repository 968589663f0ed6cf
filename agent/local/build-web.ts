import { runToCompletion } from "./processes.ts";
import { VITE_BIN, WEB_DIR } from "./repo-paths.ts";

/** Builds the SPA into web/dist, which the edge serves as static assets. */
export async function buildWeb(echo = false): Promise<void> {
  await runToCompletion({
    name: "web-build",
    command: process.execPath,
    args: [VITE_BIN, "build", "--logLevel", "warn"],
    cwd: WEB_DIR,
    echo,
  });
}
