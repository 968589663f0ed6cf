/**
 * The security headers of every Gantry response, whoever answers it: the Worker for the API, sockets,
 * errors and `/healthz` (edge/src/http/security-headers.ts), and Workers static assets for the SPA and
 * its files, through the `_headers` file the web build writes (web/headers-file-plugin.ts). One list, so
 * the two cannot drift apart.
 */

/** Sent with every response. HSTS is ignored by browsers over plain http (the local stack). */
export const COMMON_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
  "X-Content-Type-Options": "nosniff",
  // the OIDC callback URL carries the authorization code: never hand it to another origin
  "Referrer-Policy": "no-referrer",
  // for browsers without CSP `frame-ancestors`
  "X-Frame-Options": "DENY",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
};

/**
 * The SPA's policy: its own scripts and styles only, no inline script or style (Solid's `style` prop
 * sets CSSOM properties, which CSP allows; a `style=` attribute in HTML would be refused), no framing.
 * The browser talks to the identity provider itself (discovery and the token endpoint), so its origin
 * joins `connect-src` when single sign-on is configured.
 */
export function appContentSecurityPolicy(options: { identityProviderOrigin?: string | null } = {}): string {
  const connect = ["'self'", ...(options.identityProviderOrigin ? [options.identityProviderOrigin] : [])];
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connect.join(" ")}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** The Worker's own answers are JSON, text or sockets: nothing in them may load or frame anything. */
export const API_CONTENT_SECURITY_POLICY =
  "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The whole header set of a response with the given policy. */
export const securityHeaders = (contentSecurityPolicy: string): Record<string, string> => ({
  "Content-Security-Policy": contentSecurityPolicy,
  ...COMMON_SECURITY_HEADERS,
});

/**
 * The `_headers` file of Workers static assets: every asset and the SPA fallback get the app's policy.
 * https://developers.cloudflare.com/workers/static-assets/headers/
 */
export function staticAssetsHeadersFile(options: { identityProviderOrigin?: string | null } = {}): string {
  const headers = securityHeaders(appContentSecurityPolicy(options));
  return `/*\n${Object.entries(headers)
    .map(([name, value]) => `  ${name}: ${value}`)
    .join("\n")}\n`;
}
