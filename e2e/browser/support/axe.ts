import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";

// axe-core is injected into the page under test only: it never reaches the app's bundle. Evaluated
// through the DevTools protocol, not as a <script>: the app's Content-Security-Policy (script-src 'self')
// rightly refuses inline scripts, and the tests must not switch it off (csp.test.ts watches it).
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * The accessibility problems axe-core finds on the page as it is now (WCAG 2.2 A and AA, best
 * practices, and the experimental check that a control's name contains its visible text), one line
 * each: rule, impact, what it means, where.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  const loaded = await page.evaluate(() => "axe" in window);
  if (!loaded) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async (): Promise<AxeViolation[]> => {
    type AxeRun = (
      context: Document,
      options: object,
    ) => Promise<{
      violations: Array<{
        id: string;
        impact: string | null;
        help: string;
        nodes: Array<{ target: unknown[] }>;
      }>;
    }>;
    const axe = (window as unknown as { axe: { run: AxeRun } }).axe;
    const result = await axe.run(document, {
      runOnly: {
        type: "tag",
        values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
      },
      rules: { "label-content-name-mismatch": { enabled: true } },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.map(String).join(" ")),
    }));
  });
  return violations.map((v) => `${v.id} (${v.impact ?? "?"}): ${v.help} — ${v.nodes.join(", ")}`);
}
