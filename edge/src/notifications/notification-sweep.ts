import { agentsOfflineSince } from "../tenancy/agent-registry.ts";
import { strandedDeliveries } from "./deliveries.ts";
import { enqueueDeliveries } from "./delivery-queue.ts";
import { fanOut } from "./fan-out.ts";
import { type NotifierDeps, runNotifier } from "./notifier.ts";
import { resolveRecipients } from "./recipients.ts";
import { writeNotifications } from "./write-notifications.ts";

/**
 * How far back the sweep looks for deliveries whose queue message may be gone (`strandedDeliveries`). It
 * runs every minute, so a day is over a thousand chances; an older one shows as stuck in the admins'
 * delivery log, where they may send it again (`DELIVERY_STUCK_AFTER_MS`).
 */
const STRANDED_WINDOW_MS = 24 * 60 * 60_000;

/**
 * The minute cron's part: the notifier catches up on anything a lost wake-up left (push covers the rest)
 * and stores its checkpoint once due, deliveries whose claim ran out or that wait `queued` for over a
 * minute go on the queue again (by id: their rows exist), and agents offline for longer than the
 * deployment allows are told to their tenant's admins (once per offline spell: the key is the agent and
 * its last sign of life).
 */
export async function sweepNotifications(
  deps: NotifierDeps,
  input: { now: number; agentOfflineMs: number },
): Promise<void> {
  await runNotifier(deps);
  const stranded = await strandedDeliveries(deps.db, {
    since: new Date(input.now - STRANDED_WINDOW_MS).toISOString(),
    before: new Date(input.now - 60_000).toISOString(),
    now: input.now,
    limit: 500,
  });
  await enqueueDeliveries(
    deps.queue,
    stranded.map((deliveryId) => ({ deliveryId })),
  );
  await notifyOfflineAgents(deps, input);
}

export async function notifyOfflineAgents(
  deps: NotifierDeps,
  input: { now: number; agentOfflineMs: number },
): Promise<void> {
  const offline = await agentsOfflineSince(deps.db, {
    before: input.now - input.agentOfflineMs,
    now: input.now,
    limit: 100,
  });
  for (const agent of offline) {
    const recipients = await resolveRecipients(deps.db, "admins", {
      tenantId: agent.tenantId,
      request: null,
    });
    const minutes = Math.round(input.agentOfflineMs / 60_000);
    const plan = await fanOut(deps.db, {
      tenantId: agent.tenantId,
      kind: "agent.offline",
      sourceKey: `agent-offline:${agent.id}:${agent.lastSeenAt}`,
      occurredAt: new Date(agent.lastSeenAt + input.agentOfflineMs).toISOString(),
      text: {
        title: `Agent ${agent.name} is offline`,
        body: `Agent ${agent.name} was last seen ${new Date(agent.lastSeenAt).toISOString()}, more than ${minutes} minutes ago. Jobs of its site wait until an agent connects.`,
        link: "/admin/agents",
      },
      recipients,
    });
    // once per spell: the inbox rows are keyed, and deliveries already claimed are not enqueued again
    await writeNotifications(deps, [plan]);
  }
}
