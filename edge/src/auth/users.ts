import type { Role } from "@gantry/shared/api/session";
import type { SqlDatabase } from "../event-store/stored-event.ts";

export interface UserRecord {
  userId: string;
  tenantId: string;
  tenantName: string;
  email: string;
  name: string;
  role: Role;
}

const SELECT_USERS = `SELECT u.id AS userId, u.tenant_id AS tenantId, t.name AS tenantName, u.email, u.name, u.role
  FROM users u JOIN tenants t ON t.id = u.tenant_id`;

export async function findUserByEmail(db: SqlDatabase, email: string): Promise<UserRecord | null> {
  return db.prepare(`${SELECT_USERS} WHERE u.email = ?`).bind(email).first<UserRecord>();
}

/** Everyone the dev login can sign in as (local development only). */
export async function listUsers(db: SqlDatabase): Promise<UserRecord[]> {
  const { results } = await db
    .prepare(`${SELECT_USERS} ORDER BY t.name, u.role DESC, u.email`)
    .all<UserRecord>();
  return results;
}

/** A person's role and contact as Gantry knows them now, or null when it does not know them. */
export async function findUserInTenant(
  db: SqlDatabase,
  input: { tenantId: string; userId: string },
): Promise<Pick<UserRecord, "email" | "name" | "role"> | null> {
  return db
    .prepare("SELECT email, name, role FROM users WHERE tenant_id = ? AND id = ?")
    .bind(input.tenantId, input.userId)
    .first<Pick<UserRecord, "email" | "name" | "role">>();
}
