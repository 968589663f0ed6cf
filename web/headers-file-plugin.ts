import { staticAssetsHeadersFile } from "@gantry/shared/http/security-headers";
import type { Plugin } from "vite";

/** The origin of the build's identity provider, which the browser calls itself; null without one. */
export function identityProviderOrigin(issuer: string | undefined): string | null {
  if (!issuer) return null;
  try {
    return new URL(issuer).origin;
  } catch {
    return null;
  }
}

/**
 * Writes `_headers` into the build: Workers static assets serve the SPA and its files before the Worker
 * runs, so this file is how they get the same security headers as the Worker's own answers (CSP with
 * the build's identity provider in `connect-src`, HSTS, frame-ancestors, nosniff, Referrer-Policy).
 */
export function headersFile(): Plugin {
  let issuer: string | undefined;
  return {
    name: "gantry-headers-file",
    apply: "build",
    configResolved(config) {
      issuer = config.env.VITE_OIDC_ISSUER;
    },
    generateBundle() {
      this.emitFile({
        type: "asset",
        fileName: "_headers",
        source: staticAssetsHeadersFile({ identityProviderOrigin: identityProviderOrigin(issuer) }),
      });
    },
  };
}
