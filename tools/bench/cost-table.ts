import type { CostEstimate, CostModel } from "./cost-model.ts";
import type { D1CeilingSummary } from "./scenario-d1-ceiling.ts";
import type { Figure } from "./stats.ts";

// the d1-ceiling scenario's and the cost model's lines of the bench table (table.ts supplies the row format)
type Row = (label: string, f: Figure) => string;

export function ceilingLines(c: D1CeilingSummary, row: Row): string[] {
  return c.levels.flatMap((level) => [
    row(`D1 write ceiling, ${level.concurrency} in flight: commits/s (all shapes)`, level.commitsPerSecond),
    row("  whole request lifecycles (7 commits) per second", level.lifecyclesPerSecond),
    row("  rows written per second", level.rowsWrittenPerSecond),
    row("  SQL statements per second (D1: ~1,000 at 1 ms each)", level.statementsPerSecond),
    ...Object.entries(level.byShape).map(([shape, s]) =>
      row(
        `  ${shape} commits/s (${s.statementsPerCommit} statements, ${s.rowsPerCommit} rows)`,
        s.commitsPerSecond,
      ),
    ),
  ]);
}

const usd = (n: number) => `$${n < 0.01 ? n.toFixed(5) : n.toFixed(3)}`;
const estimateLines = (e: CostEstimate) => [
  `cost per ${e.unit}: ${usd(e.totalUsd)}, dominated by ${e.dominant.knob} (${Math.round(e.dominant.share * 100)}%)`,
  ...e.lines.map((l) => `  ${l.knob.padEnd(18)}${String(l.quantity).padStart(14)}${usd(l.usd).padStart(12)}`),
];

export function costLines(cost: CostModel): string[] {
  const lines = [
    `Cloudflare list prices read ${cost.pricesReadOn} (marginal, without the $5 plan and its included usage)`,
    ...estimateLines(cost.perThousandVms),
    ...estimateLines(cost.perThousandWatcherHours),
    `  the same watchers polling every 3 s instead: ${usd(cost.perThousandPollerHours.totalUsd)}`,
  ];
  const c = cost.ceiling;
  if (c) {
    lines.push(
      `one D1 database: ${c.rowsWrittenPerSecond} rows/s ÷ ${c.rowsPerRequest} rows per request = ${c.requestsPerSecond} requests/s (local ceiling, ${c.concurrency} in flight); ${c.vmsPerDayAtTenfoldPeak} VMs/day at a 10× peak; ${c.vmsUntilSizeLimit} VMs until 10 GB`,
    );
  }
  return lines;
}
