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

// the settings area's people (issue 17): members appear as they sign in; admins change roles here

export interface TenantPerson {
  userId: string;
  email: string;
  name: string;
  role: Role;
}

/** The tenant's people, admins first. */
export async function listTenantPeople(db: SqlDatabase, tenantId: string): Promise<TenantPerson[]> {
  const { results } = await db
    .prepare(
      "SELECT id AS userId, email, name, role FROM users WHERE tenant_id = ? ORDER BY role = 'admin' DESC, name, email",
    )
    .bind(tenantId)
    .all<TenantPerson>();
  return results;
}

export async function getTenantPerson(
  db: SqlDatabase,
  scope: { tenantId: string; userId: string },
): Promise<TenantPerson | null> {
  return db
    .prepare("SELECT id AS userId, email, name, role FROM users WHERE id = ? AND tenant_id = ?")
    .bind(scope.userId, scope.tenantId)
    .first<TenantPerson>();
}

export async function countAdmins(db: SqlDatabase, tenantId: string): Promise<number> {
  const row = await db
    .prepare("SELECT count(*) AS n FROM users WHERE tenant_id = ? AND role = 'admin'")
    .bind(tenantId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/**
 * Sets a person's role, unless that would leave the tenant without an admin: then the statement writes a
 * role the table's CHECK refuses, which aborts its whole batch (the event with it), so two admins
 * demoting each other at once cannot both win.
 */
export const setUserRole = (
  db: SqlDatabase,
  input: { tenantId: string; userId: string; role: Role },
): D1PreparedStatement =>
  db
    .prepare(
      `UPDATE users SET role = CASE
         WHEN ?3 = 'admin' OR (SELECT count(*) FROM users WHERE tenant_id = ?1 AND role = 'admin' AND id <> ?2) > 0
         THEN ?3 ELSE 'refused: the last admin' END
       WHERE id = ?2 AND tenant_id = ?1`,
    )
    .bind(input.tenantId, input.userId, input.role);

/**
 * A person signing in through the IdP is on record from then on (the settings area lists them); an
 * admin role given in the settings area counts beside the one the IdP's claims give.
 */
export async function recordSignIn(
  db: SqlDatabase,
  person: { userId: string; tenantId: string; email: string; name: string; role: Role },
): Promise<Role> {
  const row = await db
    .prepare(
      `INSERT INTO users (id, tenant_id, email, name, role) VALUES (?, ?, ?, ?, 'member')
       ON CONFLICT DO UPDATE SET name = excluded.name WHERE users.tenant_id = excluded.tenant_id
       RETURNING role, tenant_id AS tenantId`,
    )
    .bind(person.userId, person.tenantId, person.email, person.name)
    .first<{ role: Role; tenantId: string }>();
  const onRecord = row?.tenantId === person.tenantId ? row.role : "member";
  return person.role === "admin" || onRecord === "admin" ? "admin" : "member";
}
