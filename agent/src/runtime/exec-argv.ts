/**
 * Node options the installed agent runs with: the single executable has them built in (`execArgv` of its
 * SEA config), and the bench passes them to the bundle it starts. The agent's live heap is small (a heap
 * snapshot at concurrency 8: ~17 MiB, most of it compiled code and the bundle's source), but V8's
 * defaults size the heap for throughput: a young generation of up to 3 × 16 MiB and old-space growth
 * that keep tens of MiB of garbage resident. `--optimize-for-size` trades a few more collections for a
 * heap that grows less, and `--max-semi-space-size=1` scavenges in 1 MiB steps. Measured with one agent
 * at concurrency 8 (bench `agent-memory`, 48 VMs, on a loaded machine): peak RSS 131.6 MiB with
 * neither, 113.8 with the semi-space flag alone, 99.8 with `--optimize-for-size` alone, 98.3 with both.
 */
export const AGENT_EXEC_ARGV: readonly string[] = ["--optimize-for-size", "--max-semi-space-size=1"];
