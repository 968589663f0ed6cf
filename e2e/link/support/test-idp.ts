import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT } from "jose";

/**
 * A test identity provider (a fake: the link tests need only its keys and tokens, not its login pages):
 * an RS256 key whose JWKS is served on loopback, and access tokens (`typ: at+jwt`) signed with it.
 */
export class TestIdp {
  private constructor(
    private readonly server: Server,
    private readonly privateKey: Awaited<ReturnType<typeof generateKeyPair>>["privateKey"],
    readonly issuer: string,
    readonly audience: string,
  ) {}

  static async start(): Promise<TestIdp> {
    const { publicKey, privateKey } = await generateKeyPair("RS256", { extractable: true });
    const jwks = JSON.stringify({
      keys: [{ ...(await exportJWK(publicKey)), kid: "k1", alg: "RS256", use: "sig" }],
    });
    const server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(jwks);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return new TestIdp(server, privateKey, `http://127.0.0.1:${port}/realms/test`, "gantry-api");
  }

  /** The edge's vars that trust this IdP. */
  get vars(): Record<string, string> {
    return { OIDC_ISSUER: this.issuer, OIDC_AUDIENCE: this.audience, OIDC_JWKS_URL: `${this.issuer}/jwks` };
  }

  /** An access token for one person of a tenant, valid for 10 minutes. */
  accessToken(person: { sub: string; tenant: string; email: string; name: string; roles?: string[] }) {
    const { sub, ...claims } = person;
    return new SignJWT({ roles: [], ...claims })
      .setProtectedHeader({ alg: "RS256", kid: "k1", typ: "at+jwt" })
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setSubject(sub)
      .setIssuedAt()
      .setExpirationTime("10m")
      .sign(this.privateKey);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
