import { createLogger, type Logger } from "@gantry/agent/log";
import { createVsphereClient, type VsphereClient } from "@gantry/agent/vsphere/client";
import type { VsphereClientOptions, VsphereConfig } from "@gantry/agent/vsphere/config";
import { startVcsim, type VcsimOptions } from "@gantry/vcsim";
import type { VcsimHandle } from "@gantry/vcsim/handle";

export const USER = "gantry-agent";
export const PASSWORD = 'pa&<ss>"word';

/** Collects log lines so tests can assert on them (and that no secret leaks). */
export function memoryLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: createLogger({ level: "debug", write: (line) => lines.push(line) }), lines };
}

/** Our launcher (never an external VCSIM_URL: these tests need the control API), with credentials. */
export function startTestVcsim(options: VcsimOptions = {}): Promise<VcsimHandle> {
  return startVcsim({ username: USER, password: PASSWORD, requireControl: true, ...options });
}

/** The agent's connection config for a simulator, trusting its CA file. */
export function configFor(vcsim: VcsimHandle, overrides: Partial<VsphereConfig> = {}): VsphereConfig {
  return {
    url: vcsim.url,
    username: vcsim.username,
    password: vcsim.password,
    ...(vcsim.caFile !== undefined && { caFile: vcsim.caFile }),
    ...overrides,
  };
}

export function clientFor(
  vcsim: VcsimHandle,
  options: VsphereClientOptions & { log?: Logger; config?: Partial<VsphereConfig> } = {},
): VsphereClient {
  const { config, ...rest } = options;
  return createVsphereClient(configFor(vcsim, config), { log: memoryLogger().log, ...rest });
}
