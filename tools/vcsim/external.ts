import { readFile } from "node:fs/promises";
import { UnavailableControl } from "./control.ts";
import type { VcsimHandle } from "./handle.ts";

const DEFAULT_TEMPLATE = "/DC0/vm/ubuntu-22.04-tmpl";

/**
 * A handle to a simulator we did not start (VCSIM_URL, e.g. a `vmware/vcsim` container). Credentials
 * come from the URL's userinfo or VCSIM_USERNAME/VCSIM_PASSWORD, the CA from VCSIM_CA_FILE.
 */
export async function externalVcsim(rawUrl: string, templatePath: string | undefined): Promise<VcsimHandle> {
  const parsed = new URL(rawUrl);
  const username = decodeURIComponent(parsed.username) || process.env.VCSIM_USERNAME || "user";
  const password = decodeURIComponent(parsed.password) || process.env.VCSIM_PASSWORD || "pass";
  parsed.username = "";
  parsed.password = "";
  if (parsed.pathname === "/" || parsed.pathname === "") parsed.pathname = "/sdk";
  const url = parsed.toString();
  const caFile = process.env.VCSIM_CA_FILE || undefined;
  // fail early on a CA path that does not exist rather than on the first TLS handshake
  if (caFile) await readFile(caFile);
  return {
    url,
    username,
    password,
    ...(caFile === undefined ? {} : { caFile }),
    templatePath: templatePath ?? process.env.VCSIM_TEMPLATE_PATH ?? DEFAULT_TEMPLATE,
    external: true,
    control: new UnavailableControl(url),
    stop: async () => undefined,
  };
}
