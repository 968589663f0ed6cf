import type { NotificationKind } from "@gantry/shared/api/notifications";
import type { DeliveryContent } from "./deliveries.ts";

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** A line above the notification's own words, one per kind: why this person gets it. */
const WHY: Readonly<Record<NotificationKind | "test", string>> = {
  "request.pending": "A request waits for your approval.",
  "request.approved": "Your request was approved.",
  "request.rejected": "Your request was rejected.",
  "vm.ready": "Your VM is ready.",
  "vm.failed": "Your request could not be provisioned.",
  "vm.action": "An action on your VM ended.",
  "vm.lease": "Your VM's lease is about to end, or ended.",
  "vm.missing": "Your VM is no longer found in vCenter.",
  "job.failed": "Provisioning failed at a site of your tenant, for a reason an admin must fix.",
  "vm.leftover": "A VM needs an admin's hand in vCenter.",
  "agent.offline": "An agent of your tenant is offline.",
  "agent.duplicate": "An agent credential of your tenant is used twice.",
  test: "This is a test from Gantry.",
};

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );

/** Plain text and simple HTML of one notification; every e-mail links to the preferences page. */
export function renderEmail(input: {
  kind: string;
  content: DeliveryContent;
  appUrl: string;
}): RenderedEmail {
  const { content } = input;
  const base = input.appUrl.replace(/\/+$/, "");
  const why = WHY[input.kind as NotificationKind] ?? "";
  const open = content.link ? `${base}${content.link}` : null;
  const preferences = `${base}/notifications/preferences`;
  const text = [
    why,
    "",
    content.title,
    content.body,
    ...(open ? ["", `Open: ${open}`] : []),
    "",
    `-- You get this e-mail because of your Gantry notification preferences: ${preferences}`,
  ].join("\n");
  const html = [
    `<p>${escapeHtml(why)}</p>`,
    `<h1 style="font-size:1.2em">${escapeHtml(content.title)}</h1>`,
    `<p>${escapeHtml(content.body)}</p>`,
    ...(open ? [`<p><a href="${escapeHtml(open)}">Open in Gantry</a></p>`] : []),
    `<hr><p style="color:#555;font-size:0.9em">You get this e-mail because of your <a href="${escapeHtml(preferences)}">Gantry notification preferences</a>.</p>`,
  ].join("\n");
  return { subject: `[Gantry] ${content.title}`.slice(0, 200), text, html };
}
