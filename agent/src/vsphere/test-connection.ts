import type { Logger } from "../log.ts";
import { createVsphereClient } from "./client.ts";
import type { VsphereConfig } from "./config.ts";
import { findByInventoryPath } from "./methods/find-by-inventory-path.ts";
import { retrievePropertiesEx } from "./methods/retrieve-properties-ex.ts";

export type ConnectionCheckName = "reachable" | "login" | "template";

export interface ConnectionCheck {
  readonly name: ConnectionCheckName;
  readonly ok: boolean;
  /** What was found, or why it failed; safe to show to an admin (never credentials). */
  readonly detail: string;
}

export interface ConnectionReport {
  readonly ok: boolean;
  readonly checks: readonly ConnectionCheck[];
}

const describe = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

/**
 * For `gantry-agent doctor` and the admin's "test vCenter connection" button: can we reach
 * vCenter over trusted TLS, log in, and find the template? Each check runs only if the one
 * before it passed. Uses its own short-lived session.
 */
export async function testConnection(
  config: VsphereConfig,
  options: { templatePath?: string; timeoutMs?: number; log?: Logger } = {},
): Promise<ConnectionReport> {
  const checks: ConnectionCheck[] = [];
  let client: ReturnType<typeof createVsphereClient>;
  try {
    client = createVsphereClient(config, {
      callTimeoutMs: options.timeoutMs ?? 15_000,
      ...(options.log !== undefined && { log: options.log }),
    });
  } catch (e) {
    return {
      ok: false,
      checks: [{ name: "reachable", ok: false, detail: `invalid configuration: ${describe(e)}` }],
    };
  }
  const vim = client.scope();
  try {
    const content = await client.session.serviceContent().catch((e: unknown) => {
      checks.push({ name: "reachable", ok: false, detail: describe(e) });
    });
    if (content === undefined) return { ok: false, checks };
    checks.push({
      name: "reachable",
      ok: true,
      detail: `${content.about.fullName} (API ${content.about.apiVersion})`,
    });

    const login = await client.session.ensureLoggedIn().then(
      () => ({ ok: true, detail: `logged in as ${config.username}` }),
      (e: unknown) => ({ ok: false, detail: describe(e) }),
    );
    checks.push({ name: "login", ...login });
    if (!login.ok || options.templatePath === undefined) return { ok: login.ok, checks };

    const path = options.templatePath;
    const template = await (async () => {
      const ref = await findByInventoryPath(vim, path);
      if (ref === undefined) return { ok: false, detail: `nothing at ${path}` };
      if (ref.type !== "VirtualMachine")
        return { ok: false, detail: `${path} is a ${ref.type}, not a VM template` };
      const [props] = await retrievePropertiesEx(vim, [
        { propSet: [{ type: "VirtualMachine", paths: ["config.template"] }], objectSet: [{ obj: ref }] },
      ]);
      const isTemplate = props?.text("config.template") === "true";
      return {
        ok: true,
        detail: isTemplate ? `template ${ref.value}` : `${ref.value} (a VM, not marked as template)`,
      };
    })().catch((e: unknown) => ({ ok: false, detail: describe(e) }));
    checks.push({ name: "template", ...template });
    return { ok: checks.every((c) => c.ok), checks };
  } finally {
    await client.close().catch(() => undefined);
  }
}
