import { DevLoginInput, Role } from "@gantry/shared/api/session";
import { query } from "@solidjs/router";
import { z } from "zod";

// local development only: the edge answers these routes when DEV_LOGIN is on

const DevUser = z.object({
  email: z.string(),
  name: z.string(),
  role: Role,
  tenantName: z.string().nullable(),
});
export type DevUser = z.infer<typeof DevUser>;
const DevUsers = z.object({ users: z.array(DevUser).max(100) });

/** The seeded users the dev login offers, or null when the edge has no dev login (production: OIDC). */
export const getDevUsers = query(async (): Promise<DevUser[] | null> => {
  const response = await fetch("/auth/dev-login", {
    credentials: "same-origin",
    headers: { accept: "application/json" },
  });
  if (!response.ok || !response.headers.get("content-type")?.includes("application/json")) return null;
  const parsed = DevUsers.safeParse(await response.json());
  return parsed.success ? parsed.data.users : null;
}, "auth.dev-users");

/** Signs in as a seeded user; the edge sets the session cookie. */
export async function devLogin(email: string): Promise<void> {
  const input = DevLoginInput.parse({ email });
  const response = await fetch("/auth/dev-login", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(input),
    credentials: "same-origin",
  });
  if (!response.ok) throw new Error(`Sign-in failed (${response.status}). Is the dev login switched on?`);
}
