import { A } from "@solidjs/router";

/** The new-request form, filled in from an earlier request, for the requester to change and submit. */
export const requestAgainHref = (requestId: string) => `/requests/new?from=${encodeURIComponent(requestId)}`;

export function RequestAgainLink(props: { requestId: string }) {
  return (
    <A href={requestAgainHref(props.requestId)} class="button button--small button--primary">
      Request again
    </A>
  );
}
