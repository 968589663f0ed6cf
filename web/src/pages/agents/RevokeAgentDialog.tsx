import type { AgentView } from "../../components/AgentTable.tsx";
import { ConfirmDialog } from "../../components/ConfirmDialog.tsx";

/** "Revoke…" on an agent's row and the dialog that confirms it (the page holds which one is open). */
export function RevokeAgentDialog(props: {
  agent: AgentView;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onConfirm: () => void;
  pending: boolean;
  error: string | null;
}) {
  return (
    <ConfirmDialog
      triggerLabel="Revoke…"
      triggerClass="button button--small"
      title={`Revoke ${props.agent.name}?`}
      confirmLabel="Revoke agent"
      confirmClass="button button--danger"
      cancelLabel="Keep it"
      destructive
      open={props.open}
      onOpenChange={(open) => props.onOpenChange(open)}
      onConfirm={() => props.onConfirm()}
      pending={props.pending}
      error={props.error}
    >
      <p>
        Its connection closes at once and its credential stops working. Jobs it was running go back to the
        queue for another agent of the site.
      </p>
    </ConfirmDialog>
  );
}
