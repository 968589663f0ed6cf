/**
 * Node options the installed agent runs with: the single executable has them built in (`execArgv` of its
 * SEA config), and the bench passes them to the bundle it starts. The agent's live heap is small (a heap
 * snapshot at concurrency 8: ~17 MiB, most of it compiled code and the bundle's source), but V8's
 * defaults size the process for throughput: a young generation of up to 3 × 16 MiB, old-space growth
 * ahead of need, and a pool of background threads (one per core) each with its own stack and allocator
 * arena. `--optimize-for-size` trades a few more collections for a heap that grows less,
 * `--max-semi-space-size=1` scavenges in 1 MiB steps, and one background thread is plenty for an agent
 * that waits on the network. Measured with one agent at concurrency 8 (bench `agent-memory`, 48 VMs, on
 * a loaded 2-core machine): peak RSS 131.6 MiB with none, 113.8 with the semi-space flag alone, 99.8
 * with `--optimize-for-size` alone, 98.3–106 with both, 98.0–99.1 with all three.
 */
export const AGENT_EXEC_ARGV: readonly string[] = [
  "--optimize-for-size",
  "--max-semi-space-size=1",
  "--v8-pool-size=1",
];
