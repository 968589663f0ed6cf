/** One line of `doctor`: a named check, pass or fail, and on failure a hint at what to fix. */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  hint?: string;
}

export const formatCheck = (c: Check) =>
  `${c.ok ? "PASS" : "FAIL"}  ${c.name}: ${c.detail}${!c.ok && c.hint ? `\n      hint: ${c.hint}` : ""}`;
