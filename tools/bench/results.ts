import type { GitFacts, MachineFacts } from "./machine.ts";
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
  targets: TargetCheck[];
  /** scenarios that could not finish, with the error; their figures are null or missing */
  failures: { scenario: string; error: string }[];
  /** 1/5/15-minute load averages at the end */
  loadAverageAtEnd: number[];
}
