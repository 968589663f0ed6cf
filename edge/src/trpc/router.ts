import { agentsRouter } from "./routers/agents.ts";
import { approvalPoliciesRouter } from "./routers/approval-policies.ts";
import { approvalsRouter } from "./routers/approvals.ts";
import { auditRouter } from "./routers/audit.ts";
import { catalogRouter } from "./routers/catalog.ts";
import { leasesRouter } from "./routers/leases.ts";
import { notificationsRouter } from "./routers/notifications.ts";
import { progressRouter } from "./routers/progress.ts";
import { quotasRouter } from "./routers/quotas.ts";
import { reconciliationRouter } from "./routers/reconciliation.ts";
import { requestsRouter } from "./routers/requests.ts";
import { sessionRouter } from "./routers/session.ts";
import { sessionsRouter } from "./routers/sessions.ts";
import { settingsRouter } from "./routers/settings.ts";
import { sitesRouter } from "./routers/sites.ts";
import { sizesRouter } from "./routers/sizes.ts";
import { tokensRouter } from "./routers/tokens.ts";
import { vmsRouter } from "./routers/vms.ts";
import { publicProcedure, router } from "./trpc.ts";

export const appRouter = router({
  health: publicProcedure.query(() => ({ ok: true as const })),
  session: sessionRouter,
  sessions: sessionsRouter,
  catalog: catalogRouter,
  requests: requestsRouter,
  approvals: approvalsRouter,
  approvalPolicies: approvalPoliciesRouter,
  vms: vmsRouter,
  audit: auditRouter,
  progress: progressRouter,
  agents: agentsRouter,
  sites: sitesRouter,
  settings: settingsRouter,
  reconciliation: reconciliationRouter,
  tokens: tokensRouter,
  leases: leasesRouter,
  notifications: notificationsRouter,
  quotas: quotasRouter,
  sizes: sizesRouter,
});

export type AppRouter = typeof appRouter;
