import { z } from "zod";

/** The admin API calls the local stack makes on behalf of an operator (dev login, then tRPC). */
const TrpcData = <TSchema extends z.ZodType>(data: TSchema) => z.object({ result: z.object({ data }) });
const Sites = TrpcData(z.array(z.object({ siteId: z.string() })));
const Token = TrpcData(z.object({ token: z.string() }));

export async function devLoginCookie(edgeUrl: string, email: string): Promise<string> {
  const response = await fetch(`${edgeUrl}/auth/dev-login`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: edgeUrl },
    body: JSON.stringify({ email }),
  });
  const cookie = response.headers.getSetCookie()[0]?.split(";")[0];
  if (!response.ok || !cookie) throw new Error(`dev login as ${email} failed: HTTP ${response.status}`);
  return cookie;
}

/** A one-time enrollment token for `site`, or the first site of the admin's tenant. */
export async function createEnrollmentToken(
  edgeUrl: string,
  adminEmail: string,
  site?: string,
): Promise<string> {
  const cookie = await devLoginCookie(edgeUrl, adminEmail);
  const siteId =
    site ??
    Sites.parse(await (await fetch(`${edgeUrl}/trpc/sites.list`, { headers: { cookie } })).json()).result
      .data[0]?.siteId;
  if (!siteId) throw new Error(`the tenant of ${adminEmail} has no site`);
  const response = await fetch(`${edgeUrl}/trpc/agents.createEnrollmentToken`, {
    method: "POST",
    headers: { cookie, origin: edgeUrl, "content-type": "application/json" },
    body: JSON.stringify({ siteId }),
  });
  return Token.parse(await response.json()).result.data.token;
}
