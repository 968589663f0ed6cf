import { ceilingLines, costLines } from "./cost-table.ts";
import type { BenchResults } from "./results.ts";
import type { ScaleSummary } from "./scenario-scale.ts";
import type { Figure, PercentileFigures } from "./stats.ts";
import { wanLines } from "./wan-table.ts";

const COL = 10;
const num = (n: number) => (Number.isFinite(n) ? String(n) : "—");
const row = (label: string, f: Figure) =>
  `${label.padEnd(52)}${num(f.median).padStart(COL)}${num(f.min).padStart(COL)}${num(f.max).padStart(COL)}${String(f.runs).padStart(6)}`;
const pct = (label: string, p: PercentileFigures) => [
  row(`${label} p50 ms`, p.p50),
  row(`${label} p95 ms`, p.p95),
  row(`${label} p99 ms`, p.p99),
];

/** The compact table `npm run bench` prints: every figure's median, min and max over its runs. */
export function renderTable(r: BenchResults): string {
  const lines = [
    `Gantry bench ${r.startedAt.slice(0, 10)} · ${r.machine.cpus} × ${r.machine.cpuModel} · node ${r.machine.node} · ${r.git.commit.slice(0, 9)}${r.git.dirty ? " (dirty)" : ""} · ${r.durationS} s`,
    `${"".padEnd(52)}${"median".padStart(COL)}${"min".padStart(COL)}${"max".padStart(COL)}${"runs".padStart(6)}`,
  ];
  for (const l of r.latency) {
    const label = `stage → browser, ${l.inFlight} in flight`;
    lines.push(
      ...pct(label, l.push),
      row(`${label}, updates per run`, l.push.samples),
      row("  of which agent send → hub ack (D1 append) p50 ms", l.hubAck.p50),
      row("  of which agent send → hub ack (D1 append) p99 ms", l.hubAck.p99),
      `  p99 ms by update: ${Object.entries(l.byUpdate)
        .map(([update, f]) => `${update} ${num(f.p99.median)}`)
        .join(", ")}`,
      row("  updates offered per second", l.updatesPerSecond),
      row("  edge (workerd) CPU ms per update", l.edgeCpuMsPerUpdate),
      row("  edge (workerd) cores busy", l.edgeCpuCores),
      row("  edge (workerd) waiting for a CPU, ms per update", l.edgeCpuWaitMsPerUpdate),
      row("  D1 calls per update", l.d1CallsPerUpdate),
      row("  D1 call (inside the Worker) p50 ms", l.d1CallP50Ms),
      row("  D1 call (inside the Worker) p99 ms", l.d1CallP99Ms),
      row("  bench's own event-loop delay p99 ms", l.benchLoopDelayP99Ms),
    );
    if (l.poller3s && l.ratio) {
      lines.push(
        ...pct(`3 s poller, ${l.inFlight} in flight`, l.poller3s),
        row("  changes the poller never saw, per run", l.poller3s.missedPerRun),
        row("  poller ÷ push, p50", l.ratio.p50),
        row("  poller ÷ push, p99", l.ratio.p99),
      );
    }
  }
  if (r.overhead && r.soap) {
    const o = r.overhead;
    lines.push(
      row("approval → READY, product ms", o.productMs),
      row("same vCenter work, floor ms", o.floorMs),
      row("overhead ratio (product ÷ floor)", o.ratio),
      row("overhead ms (product − floor)", o.overheadMs),
      row("approval → first stage at the browser ms", o.approvalToFirstStageMs),
      row("submit → READY, auto-approved by policy ms", o.autoSubmitToReadyMs),
      row("auto-approved ÷ approval → READY", o.autoRatio),
      row("SOAP round trips per VM, product", r.soap.perVm.product),
      row("SOAP round trips per VM, floor", r.soap.perVm.floor),
      `  session setup: product ${r.soap.sessionSetup.product.total}, floor ${r.soap.sessionSetup.floor}; inventory on connect ${r.soap.inventoryOnConnect.total}; govc 0.24: ${r.soap.govcReference.perClone} per clone (${r.soap.govcReference.perCloneWithIpWait} with IP wait)`,
    );
  }
  if (r.burst) {
    const b = r.burst;
    lines.push(
      row(`burst of ${b.requests}, ${b.agents} agents × ${b.concurrencyPerAgent}: all READY ms`, b.wallMs),
      row("  VMs per minute", b.vmsPerMinute),
      row("  D1 rows written per request", b.d1RowsPerRequest),
      row("  SOAP round trips per VM (jobs sharing the session)", b.soapPerVm),
      row("  peak agent RSS MiB", b.peakAgentRssMib),
      row("  errors", b.errors),
    );
  }
  if (r.wan) lines.push(...wanLines(r.wan));
  if (r.eventStore) {
    const e = r.eventStore;
    lines.push(
      row("event store append, events/s", e.appendEventsPerSecond),
      row(`projection rebuild of ${e.eventsReplayed} events, ms`, e.rebuildMs),
    );
  }
  if (r.d1Ceiling) lines.push(...ceilingLines(r.d1Ceiling, row));
  if (r.cost) lines.push(...costLines(r.cost));
  if (r.agentMemory) {
    const m = r.agentMemory;
    lines.push(
      `agent (${m.runs}), ${m.vms} VMs at concurrency ${m.concurrency}: peak RSS ${m.peakRssMib} MiB (idle ${m.idleRssMib}), ` +
        `${m.soapPerVm} SOAP round trips per VM, ${m.notReady} not READY`,
    );
  }
  if (r.scale) lines.push(...scaleLines(r.scale));
  for (const t of r.targets) {
    lines.push(
      `${t.met ? "MET   " : "MISSED"} ${t.name}: ${t.actual} (target ${t.target})${t.missedBy ? `, by ${t.missedBy}` : ""}`,
    );
  }
  return lines.join("\n");
}

/** `--scale`: one line per point of each curve, the rebuilds, the burst and the growth checks. */
function scaleLines(s: ScaleSummary): string[] {
  const point = (p: ScaleSummary["inFlight"][number]) =>
    `  ${String(p.inFlight).padStart(5)} in flight × ${String(p.watchers).padStart(3)} watchers (${p.requests} requests, ${p.sites} sites, ${p.agents} agents): p50 ${num(p.push.p50)} p99 ${num(p.push.p99)} ms, ${num(p.updatesPerSecond)} updates/s, CPU ${num(p.edgeCpuMsPerUpdate)} ms/update, D1 ${num(p.d1CallsPerUpdate)} calls ${num(p.d1RowsPerUpdate)} rows/update, ${num(p.d1CallsPerRequest)} calls ${num(p.d1RowsPerRequest)} rows/request, errors ${p.errors.total}`;
  return [
    "scale curves",
    ...s.inFlight.map(point),
    ...s.watchers.map(point),
    ...s.rebuild.map(
      (r) =>
        `  rebuild of ${r.events} events: ${r.rebuildMs} ms (replay ${r.replayMs}, compare ${r.compareMs}; equal: ${r.rebuildEqual})`,
    ),
    ...(s.burst
      ? [
          `  burst of ${s.burst.requests} over ${s.burst.agents} agents: ${s.burst.wallMs} ms, ${s.burst.vmsPerMinute} VMs/min, ${s.burst.d1RowsPerRequest} rows/request, errors ${s.burst.errors.total}`,
        ]
      : []),
  ];
}
