import type { CostModel } from "./cost-model.ts";
import type { GitFacts, MachineFacts } from "./machine.ts";
import type { AgentMemoryResult } from "./scenario-agent-memory.ts";
import type { D1CeilingSummary } from "./scenario-d1-ceiling.ts";
import type { ScaleSummary } from "./scenario-scale.ts";
import type { BenchSettings } from "./settings.ts";
import type {
  BurstSummary,
  EventStoreSummary,
  LatencySummary,
  OverheadSummary,
  SoapSummary,
} from "./summaries.ts";
import type { TargetCheck } from "./targets.ts";
import type { WanSummary } from "./wan-summary.ts";

/** Everything `npm run bench` writes to results.json. */
export interface BenchResults {
  schema: 1;
  startedAt: string;
  durationS: number;
  machine: MachineFacts;
  git: GitFacts;
  settings: BenchSettings;
  latency: LatencySummary[];
  overhead: OverheadSummary | null;
  soap: SoapSummary | null;
  burst: BurstSummary | null;
  wan: WanSummary | null;
  eventStore: EventStoreSummary | null;
  /** commits per second one local D1 takes, per commit shape and concurrency (scenario d1-ceiling) */
  d1Ceiling: D1CeilingSummary | null;
  /** dollars per 1,000 VMs and per 1,000 watcher-hours, from this run's counts and published prices */
  cost: CostModel | null;
  /** one real agent at concurrency 8: its peak resident memory (one run) */
  agentMemory?: AgentMemoryResult | null;
  /** `--scale`: the curves and their growth checks */
  scale?: ScaleSummary | null;
  /** the SVG charts written next to results.json (`--scale`) */
  charts?: string[];
  targets: TargetCheck[];
  /** scenarios that could not finish, with the error; their figures are null or missing */
  failures: { scenario: string; error: string }[];
  /** 1/5/15-minute load averages at the end */
  loadAverageAtEnd: number[];
}
