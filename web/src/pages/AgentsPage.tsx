import { createAsync, useAction, useSubmission } from "@solidjs/router";
import { createSignal, For, Show } from "solid-js";
import { AgentTable, type AgentView } from "../components/AgentTable.tsx";
import { EmptyState } from "../components/EmptyState.tsx";
import { LeftoverNotice } from "../components/LeftoverNotice.tsx";
import { PageHeader } from "../components/PageHeader.tsx";
import { plainMessage } from "../lib/api-errors.ts";
import { createNow } from "../lib/create-now.ts";
import { getAgents, getSites, revokeAgentAction } from "../lib/queries.ts";
import { toast } from "../lib/toasts.ts";
import { EnrollAgentPanel } from "./agents/EnrollAgentPanel.tsx";
import { RevokeAgentDialog } from "./agents/RevokeAgentDialog.tsx";
import { SiteQueue } from "./agents/SiteQueue.tsx";
import { UnusedTokens } from "./agents/UnusedTokens.tsx";

/**
 * Agents (connected?, version, last seen, jobs), why jobs wait, enrollment tokens and revocation. Kept
 * current by the hubs' site changes on the app-wide feed (AppLayout), never by a timer.
 */
export default function AgentsPage() {
  const agents = createAsync(() => getAgents());
  const sites = createAsync(() => getSites());
  const now = createNow(15_000);

  const revoke = useAction(revokeAgentAction);
  const revoking = useSubmission(revokeAgentAction);
  const [confirming, setConfirming] = createSignal<string | null>(null);
  const [revokeError, setRevokeError] = createSignal<string | null>(null);

  const onRevoke = async (agent: AgentView) => {
    setRevokeError(null);
    try {
      await revoke(agent.agentId);
      setConfirming(null);
      toast(`Revoked ${agent.name}. Its jobs go back to the queue.`);
    } catch (e) {
      setRevokeError(plainMessage(e));
    }
  };

  const rows = (): AgentView[] =>
    (agents() ?? []).map((a) => ({
      agentId: a.agentId,
      name: a.name,
      site: a.siteName,
      version: a.version,
      connected: a.connected,
      revoked: a.revoked,
      revocationPending: a.revocationPending,
      lastSeenAt: a.lastSeenAt,
      jobsInFlight: a.jobsInFlight,
      upgradeTo: a.upgradeTo,
      duplicateConnection: a.duplicateConnection,
    }));
  const siteName = (siteId: string) => sites()?.find((s) => s.siteId === siteId)?.name ?? siteId;

  return (
    <>
      <PageHeader title="Agents" />
      <LeftoverNotice />
      <Show when={agents()}>
        <Show
          when={rows().length > 0}
          fallback={
            <EmptyState title="No agents yet">
              <p>An agent runs next to your vCenter and builds the VMs. Create a token below to add one.</p>
            </EmptyState>
          }
        >
          <AgentTable
            agents={rows()}
            now={now()}
            actions={(agent) => (
              // a revocation its site's hub has not confirmed yet can be pressed again
              <Show when={!agent.revoked || agent.revocationPending}>
                <RevokeAgentDialog
                  agent={agent}
                  open={confirming() === agent.agentId}
                  onOpenChange={(open) => {
                    setRevokeError(null);
                    setConfirming(open ? agent.agentId : null);
                  }}
                  onConfirm={() => void onRevoke(agent)}
                  pending={revoking.pending === true}
                  error={revokeError()}
                />
              </Show>
            )}
          />
        </Show>
      </Show>
      <section class="card" aria-labelledby="queue-title">
        <h2 id="queue-title">Jobs</h2>
        <For each={sites() ?? []}>{(site) => <SiteQueue siteId={site.siteId} siteName={site.name} />}</For>
      </section>
      <Show when={sites()}>{(list) => <EnrollAgentPanel sites={list()} />}</Show>
      <UnusedTokens siteName={siteName} />
    </>
  );
}
