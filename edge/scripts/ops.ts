// `npm run ops -- create-tenant …`: the operator's onboarding of a tenant, through the deployed edge's
// `POST /ops/tenants` (the same use case the local stack's demo tenants go through). The operator secret
// comes from the OPERATOR_SECRET environment variable, never from the command line (shell history).
import { parseArgs } from "node:util";
import { OnboardTenantInput } from "@gantry/shared/api/onboarding";

const USAGE = `usage: OPERATOR_SECRET=… npm run ops -- create-tenant --url <edge URL> --slug <slug> --name <name>
  --issuer <IdP issuer> [--tenant-claim tenant] [--tenant-claim-value <slug>] [--roles-claim roles]
  --admin-email <e-mail> --admin-name <name> [--admin-subject <IdP sub>]`;

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: "string" },
    slug: { type: "string" },
    name: { type: "string" },
    issuer: { type: "string" },
    "tenant-claim": { type: "string" },
    "tenant-claim-value": { type: "string" },
    "roles-claim": { type: "string" },
    "admin-email": { type: "string" },
    "admin-name": { type: "string" },
    "admin-subject": { type: "string" },
  },
});

if (positionals[0] !== "create-tenant" || !values.url) fail(USAGE);
const secret = process.env.OPERATOR_SECRET;
if (!secret) fail("set OPERATOR_SECRET to the edge's operator secret");

const body = OnboardTenantInput.safeParse({
  slug: values.slug,
  name: values.name,
  identity: {
    issuer: values.issuer,
    ...(values["tenant-claim"] ? { tenantClaim: values["tenant-claim"] } : {}),
    ...(values["tenant-claim-value"] ? { tenantClaimValue: values["tenant-claim-value"] } : {}),
    ...(values["roles-claim"] ? { rolesClaim: values["roles-claim"] } : {}),
  },
  admin: {
    email: values["admin-email"],
    name: values["admin-name"],
    ...(values["admin-subject"] ? { subject: values["admin-subject"] } : {}),
  },
});
if (!body.success)
  fail(`${body.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n")}\n\n${USAGE}`);

const response = await fetch(new URL("/ops/tenants", values.url), {
  method: "POST",
  headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
  body: JSON.stringify(body.data),
});
const answer = await response.text();
if (response.status !== 201) fail(`HTTP ${response.status}: ${answer}`);
console.log(answer);
