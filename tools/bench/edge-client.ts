import { devLoginCookie } from "@gantry/dev/edge-admin";
import type { QuotaLimits } from "@gantry/shared/domain/quota";
import { InventoryPath, Placement } from "@gantry/shared/jobs/provision-vm-job";
import { ProvisioningStage } from "@gantry/shared/jobs/provisioning-stage";
import { z } from "zod";

/** What the bench reads of `requests.get`: the summary fields a screen (or a poller) shows. */
export const RequestView = z.object({
  request: z.object({
    requestId: z.string(),
    version: z.number().int(),
    status: z.string(),
    stage: ProvisioningStage.nullable(),
    vm: z.object({ ipAddress: z.string().nullable() }).nullable(),
  }),
});
export type RequestView = z.infer<typeof RequestView>["request"];

const Site = z.object({
  siteId: z.string(),
  placement: Placement.nullable(),
  networkPath: InventoryPath.nullable(),
});
export type Site = z.infer<typeof Site>;

const Created = z.object({ requestId: z.string(), version: z.number().int() });
const Approved = z.object({ requestId: z.string(), version: z.number().int(), jobId: z.string() });

/** The bench's approval policy for the demo project: size M is approved automatically (issue 18). */
export const AUTO_APPROVE_M = {
  rules: [
    { id: "bench-auto-m", when: { sizes: ["M"] }, outcome: { kind: "auto-approve" }, pendingDeadline: null },
  ],
};
const TrpcEnvelope = z.object({ result: z.object({ data: z.unknown() }) });

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** A failed call of the product's API; counted as an edge error by the scenarios. */
export class EdgeCallError extends Error {
  override readonly name = "EdgeCallError";
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * The product's HTTP API as the web app uses it: a member submits, an admin approves, anyone reads.
 * Counts every call that did not answer 2xx, so a scenario can report edge errors.
 */
export class EdgeClient {
  errors = 0;
  /** the first few failures, for the report */
  readonly errorSamples: string[] = [];
  private constructor(
    readonly baseUrl: string,
    private readonly member: string,
    private readonly admin: string,
    /** the page's origin the edge allows (ALLOWED_ORIGINS): the edge's own URL, even through a proxy */
    readonly origin = baseUrl,
  ) {}

  /** The same signed-in users, their calls sent through `url` (a WAN proxy) with the edge's Origin. */
  via(url: string): EdgeClient {
    return new EdgeClient(url, this.member, this.admin, this.origin);
  }

  static async signIn(baseUrl: string): Promise<EdgeClient> {
    return EdgeClient.signInAs(baseUrl, { member: "alice@acme.test", admin: "adam@acme.test" });
  }

  /** Signs in another tenant's people (the scale scenarios' tenants); `member` may be the admin too. */
  static async signInAs(baseUrl: string, people: { member: string; admin: string }): Promise<EdgeClient> {
    const [member, admin] = await Promise.all([
      devLoginCookie(baseUrl, people.member),
      devLoginCookie(baseUrl, people.admin),
    ]);
    return new EdgeClient(baseUrl, member, admin);
  }

  /** The member's session cookie, for progress sockets. */
  get memberCookie(): string {
    return this.member;
  }

  async create(
    name: string,
    size: "S" | "M" = "S",
    projectId = "proj-acme-web",
  ): Promise<z.infer<typeof Created>> {
    const body = {
      idempotencyKey: `bench-${crypto.randomUUID()}`,
      projectId,
      name,
      size,
      justification: "benchmark run of the local stack",
    };
    return this.call("POST", "/trpc/requests.create", { cookie: this.member, body, schema: Created });
  }

  async approve(requestId: string, expectedVersion: number): Promise<z.infer<typeof Approved>> {
    const body = { requestId, expectedVersion };
    return this.call("POST", "/trpc/approvals.approve", { cookie: this.admin, body, schema: Approved });
  }

  /** Sets (or clears, null) the demo project's approval policy, as an admin. */
  async setApprovalPolicy(policy: typeof AUTO_APPROVE_M | null, projectId = "proj-acme-web"): Promise<void> {
    const body = { projectId, policy };
    await this.call("POST", "/trpc/approvalPolicies.set", { cookie: this.admin, body, schema: z.unknown() });
  }

  /**
   * Sets the demo project's quota (each limit null: unlimited), as an admin: with one set, every submit
   * reads what is left and every approval carries the quota guard in its batch.
   */
  async setQuota(limits: QuotaLimits): Promise<void> {
    const body = { projectId: "proj-acme-web", limits };
    await this.call("POST", "/trpc/quotas.set", { cookie: this.admin, body, schema: z.unknown() });
  }

  /** Submits and approves one request; resolves when the approval answered (the job is then dispatched). */
  async submitApproved(name: string): Promise<{ requestId: string; approvedAt: number }> {
    const created = await this.create(name);
    const approvedAt = performance.now();
    await this.approve(created.requestId, created.version);
    return { requestId: created.requestId, approvedAt };
  }

  async get(requestId: string): Promise<RequestView> {
    const input = encodeURIComponent(JSON.stringify({ requestId }));
    const view = await this.call("GET", `/trpc/requests.get?input=${input}`, {
      cookie: this.member,
      schema: RequestView,
    });
    return view.request;
  }

  /** The demo project's site as the admin configured it: where every VM of the bench goes. */
  async site(siteId: string): Promise<Site> {
    const input = encodeURIComponent(JSON.stringify({ siteId }));
    return this.call("GET", `/trpc/sites.get?input=${input}`, { cookie: this.admin, schema: Site });
  }

  /** Any other tRPC mutation, as the admin (the scale scenarios' settings: sites, projects, placement). */
  adminMutation<TSchema extends z.ZodType>(procedure: string, body: unknown, schema: TSchema) {
    return this.call("POST", `/trpc/${procedure}`, { cookie: this.admin, body, schema });
  }

  /** A dev-only route (`/agent/dev/...`): no session, loopback only. */
  dev<TSchema extends z.ZodType>(
    method: "GET" | "POST",
    path: string,
    schema: TSchema,
    body?: unknown,
  ): Promise<z.infer<TSchema>> {
    return this.raw(method, path, { schema, body });
  }

  private async call<TSchema extends z.ZodType>(
    method: "GET" | "POST",
    path: string,
    options: { cookie: string; schema: TSchema; body?: unknown },
  ): Promise<z.infer<TSchema>> {
    const wrapped = await this.raw(method, path, { ...options, schema: TrpcEnvelope });
    const parsed = options.schema.safeParse(wrapped.result.data);
    if (!parsed.success) {
      throw this.failure(
        new EdgeCallError(`${method} ${path}: unexpected data ${parsed.error.message.slice(0, 300)}`, 200),
      );
    }
    return parsed.data;
  }

  private async raw<TSchema extends z.ZodType>(
    method: "GET" | "POST",
    path: string,
    options: { cookie?: string; schema: TSchema; body?: unknown },
  ): Promise<z.infer<TSchema>> {
    const headers: Record<string, string> = { origin: this.origin };
    if (options.cookie) headers.cookie = options.cookie;
    if (options.body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      });
    } catch (error) {
      throw this.failure(new EdgeCallError(`${method} ${path}: ${String(error)}`, 0));
    }
    const text = await response.text();
    if (!response.ok) {
      throw this.failure(
        new EdgeCallError(
          `${method} ${path}: HTTP ${response.status} ${text.slice(0, 300)}`,
          response.status,
        ),
      );
    }
    const parsed = options.schema.safeParse(parseJson(text));
    if (!parsed.success) {
      throw this.failure(
        new EdgeCallError(`${method} ${path}: unexpected answer ${text.slice(0, 300)}`, response.status),
      );
    }
    return parsed.data;
  }

  private failure(error: EdgeCallError): EdgeCallError {
    this.errors += 1;
    if (this.errorSamples.length < 10) this.errorSamples.push(error.message.slice(0, 400));
    return error;
  }
}
