import pkg from "../package.json" with { type: "json" };

/** What the release build compiles in (esbuild `define`); absent from sources and from a plain build. */
interface CompiledBuild {
  version: string;
  /** base64 of the Ed25519 public key (SPKI DER) whose signatures this build accepts for upgrades */
  releasePublicKey: string;
}
declare const __GANTRY_AGENT_BUILD__: CompiledBuild | undefined;
const compiled: CompiledBuild | undefined =
  typeof __GANTRY_AGENT_BUILD__ === "undefined" ? undefined : __GANTRY_AGENT_BUILD__;

/** The agent's version: the release build's (which may override it), else its package.json's. */
export const AGENT_VERSION: string = compiled?.version ?? pkg.version;

/**
 * The release key this build trusts; null when built without one (from sources, `npm run build`):
 * such a build verifies no download, so it never upgrades itself.
 */
export const RELEASE_PUBLIC_KEY: string | null = compiled?.releasePublicKey ?? null;
