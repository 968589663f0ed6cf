/**
 * One line of `doctor`: a named check, pass or fail, and on failure a hint at what to fix. A check that
 * does not apply here (no release executable, no systemd unit) is skipped: it neither passes nor fails.
 */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  hint?: string;
  skipped?: boolean;
}

const outcome = (c: Check) => (c.skipped ? "SKIP" : c.ok ? "PASS" : "FAIL");

export const formatCheck = (c: Check) =>
  `${outcome(c)}  ${c.name}: ${c.detail}${!c.ok && c.hint ? `\n      hint: ${c.hint}` : ""}`;
