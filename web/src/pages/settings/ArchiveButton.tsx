import { createSignal, type JSX } from "solid-js";
import { ConfirmDialog } from "../../components/ConfirmDialog.tsx";
import { plainMessage } from "../../lib/api-errors.ts";
import { toast } from "../../lib/toasts.ts";

/**
 * Archives a project or site after a confirmation; a refusal (something still uses it) stays in the
 * dialog with the edge's reason.
 */
export function ArchiveButton(props: {
  name: string;
  what: "project" | "site" | "size";
  /** what the button does: archive (projects, sites) or retire (sizes); history is kept either way */
  verb?: "Archive" | "Retire";
  children: JSX.Element;
  archive: () => Promise<unknown>;
}) {
  const verb = () => props.verb ?? "Archive";
  const [open, setOpen] = createSignal(false);
  const [pending, setPending] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const onConfirm = async () => {
    setPending(true);
    setError(null);
    try {
      await props.archive();
      setOpen(false);
      toast(
        `${verb() === "Retire" ? "Retired" : "Archived"} ${props.what} ${props.name}. Its history is kept.`,
      );
    } catch (e) {
      setError(plainMessage(e));
    } finally {
      setPending(false);
    }
  };
  return (
    <ConfirmDialog
      triggerLabel={`${verb()}…`}
      triggerDetail={props.name}
      triggerClass="button button--small"
      title={`${verb()} ${props.what} ${props.name}?`}
      confirmLabel={`${verb()} ${props.what}`}
      confirmClass="button button--danger"
      cancelLabel="Keep it"
      destructive
      open={open()}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) setError(null);
      }}
      onConfirm={() => void onConfirm()}
      pending={pending()}
      error={error()}
    >
      {props.children}
    </ConfirmDialog>
  );
}
