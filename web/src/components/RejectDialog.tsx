import { type ComponentProps, splitProps } from "solid-js";
import { ReasonDialog } from "./ReasonDialog.tsx";

const TEXT = {
  id: "reject",
  trigger: "Reject…",
  title: "Reject this request",
  description: "The requester sees your reason, so tell them what to change.",
  submit: "Reject request",
  submitting: "Rejecting…",
};

/** Reject with a reason of 10–500 characters, checked with the server's own rule as you type. */
export function RejectDialog(
  props: Omit<ComponentProps<typeof ReasonDialog>, "text" | "onSubmit"> & {
    onReject: (reason: string) => void;
  },
) {
  const [own, rest] = splitProps(props, ["onReject"]);
  return <ReasonDialog text={TEXT} onSubmit={own.onReject} {...rest} />;
}
