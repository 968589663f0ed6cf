import type { RebuildReport } from "./rebuild-projections.ts";

/**
 * The rebuild report as lines for a person at a terminal: how many events were replayed, each table
 * equal or how it differs, and what happened to the live tables.
 */
export function describeRebuild(report: RebuildReport, source: string): string[] {
  const width = Math.max(...report.tables.map((t) => t.table.length));
  const tables = report.tables.map((t) => {
    const counts = `live ${t.liveRows} rows, rebuilt ${t.rebuiltRows}`;
    const verdict =
      t.onlyInLive === 0 && t.onlyInRebuilt === 0
        ? "equal"
        : `differs: ${t.onlyInLive} only in live, ${t.onlyInRebuilt} only in rebuilt`;
    return `  ${t.table.padEnd(width)}  ${counts.padEnd(32)}${verdict}`;
  });
  const outcome = report.swapped
    ? "Swapped: the live tables now hold the rebuild."
    : report.equal
      ? "The live tables equal the rebuild; nothing to do."
      : "The live tables differ from the rebuild; run again with --swap to replace them.";
  const events = `${report.eventsReplayed} event${report.eventsReplayed === 1 ? "" : "s"}`;
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const timing = `in ${seconds(report.replayMs)}; compared in ${seconds(report.compareMs)}`;
  return [`Replayed ${events} from ${source} ${timing}.`, ...tables, outcome];
}
