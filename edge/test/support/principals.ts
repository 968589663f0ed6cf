import type { Principal } from "../../src/auth/principal.ts";

// the seeded people (edge/local/seed.sql), as the edge sees them once signed in
const person = (p: Omit<Principal, "via">): Principal => ({ ...p, via: "session" });

export const alice = person({
  userId: "user-alice",
  tenantId: "acme",
  role: "member",
  email: "alice@acme.test",
  name: "Alice Member",
});
export const adam = person({
  userId: "user-adam",
  tenantId: "acme",
  role: "admin",
  email: "adam@acme.test",
  name: "Adam Admin",
});
export const gina = person({
  userId: "user-gina",
  tenantId: "globex",
  role: "member",
  email: "gina@globex.test",
  name: "Gina Member",
});
export const gary = person({
  userId: "user-gary",
  tenantId: "globex",
  role: "admin",
  email: "gary@globex.test",
  name: "Gary Admin",
});

export const ACME_WEB = "proj-acme-web";
export const GLOBEX_SHOP = "proj-globex-shop";
