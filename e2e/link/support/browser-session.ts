import { z } from "zod";

const TrpcEnvelope = z.object({ result: z.object({ data: z.unknown() }) });

/**
 * A signed-in user of the local stack, talking to the edge like the SPA: dev login (loopback only,
 * DEV_LOGIN on), then tRPC over HTTP with the session cookie and an allowed Origin.
 */
export class BrowserSession {
  private constructor(
    private readonly edgeUrl: string,
    private readonly cookie: string,
  ) {}

  static async signIn(edgeUrl: string, email: string): Promise<BrowserSession> {
    const res = await fetch(`${edgeUrl}/auth/dev-login`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: edgeUrl },
      body: JSON.stringify({ email }),
    });
    if (!res.ok) throw new Error(`dev login as ${email} failed: ${res.status} ${await res.text()}`);
    return new BrowserSession(edgeUrl, BrowserSession.cookieOf(res));
  }

  /** Signs in as the SPA does after single sign-on: the IdP's access token traded for the session cookie. */
  static async fromAccessToken(edgeUrl: string, accessToken: string): Promise<BrowserSession> {
    const res = await fetch(`${edgeUrl}/auth/session`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: edgeUrl },
      body: JSON.stringify({ accessToken }),
    });
    if (!res.ok) throw new Error(`sign-in with an access token failed: ${res.status} ${await res.text()}`);
    return new BrowserSession(edgeUrl, BrowserSession.cookieOf(res));
  }

  private static cookieOf(res: Response): string {
    return res.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
  }

  async mutation(path: string, input: unknown): Promise<unknown> {
    const res = await fetch(`${this.edgeUrl}/trpc/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: this.edgeUrl, cookie: this.cookie },
      body: JSON.stringify(input),
    });
    return this.unwrap(path, res);
  }

  async query(path: string, input: unknown): Promise<unknown> {
    const q = encodeURIComponent(JSON.stringify(input));
    const res = await fetch(`${this.edgeUrl}/trpc/${path}?input=${q}`, {
      headers: { origin: this.edgeUrl, cookie: this.cookie },
    });
    return this.unwrap(path, res);
  }

  private async unwrap(path: string, res: Response): Promise<unknown> {
    const body: unknown = await res.json();
    const parsed = TrpcEnvelope.safeParse(body);
    if (!res.ok || !parsed.success) throw new Error(`${path} failed: ${res.status} ${JSON.stringify(body)}`);
    return parsed.data.result.data;
  }
}
