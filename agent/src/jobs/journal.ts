import { existsSync, readFileSync, renameSync } from "node:fs";
import path from "node:path";
import { ProvisioningStage } from "@gantry/shared/jobs/provisioning-stage";
import { AgentJob } from "@gantry/shared/protocol/agent";
import { z } from "zod";
import { writeFileAtomic } from "../atomic-file.ts";

/** A durable frame waiting for the edge's ack; the stored frame is resent byte for byte. */
export const OutboxEntry = z.object({
  id: z.string(),
  jobId: z.string(),
  epoch: z.number().int(),
  seq: z.number().int(),
  frame: z.string(),
});
export type OutboxEntry = z.infer<typeof OutboxEntry>;

export const JournaledJob = z.object({
  job: AgentJob,
  epoch: z.number().int().min(1),
  attempt: z.number().int().min(1),
  /** The seq the next durable frame of this job gets. */
  nextSeq: z.number().int().min(1),
  /** Stages already reported (by any attempt), so a resumed run does not report them twice. */
  stages: z.array(ProvisioningStage).default([]),
  startedAt: z.string(),
});
export type JournaledJob = z.infer<typeof JournaledJob>;

const JournalState = z.object({
  jobs: z.record(z.string(), JournaledJob),
  outbox: z.array(OutboxEntry),
});
type JournalState = z.infer<typeof JournalState>;

/** A journal that could not be read, moved aside so the agent starts clean instead of crash-looping. */
export interface SetAside {
  reason: string;
  /** where the unreadable file went; null when even moving it failed (it is then overwritten) */
  movedTo: string | null;
}

const empty = (): JournalState => ({ jobs: {}, outbox: [] });

function readJournal(file: string): JournalState {
  const parsed = JournalState.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) throw new Error(`not a journal: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  return parsed.data;
}

/**
 * The agent's local journal of jobs in flight and unacknowledged frames, in one file written
 * atomically on every change, so a restarted agent resumes its jobs and resends exactly what the
 * edge has not acknowledged, in order.
 */
export class Journal {
  private constructor(
    private readonly file: string,
    private state: JournalState,
    /** set when the file on disk could not be read at open (see {@link Journal.open}) */
    readonly setAside: SetAside | null = null,
  ) {}

  /**
   * Opens the journal of `stateDir`. One that cannot be read (permissions, torn JSON, another shape) is
   * worth less than a clean start — the edge requeues what we forget — but never silently: it is moved
   * to `journal.json.unreadable-<time>` for a human to look at, and `setAside` says so for the log.
   */
  static open(stateDir: string, now: Date = new Date()): Journal {
    const file = path.join(stateDir, "journal.json");
    if (!existsSync(file)) return new Journal(file, empty());
    try {
      return new Journal(file, readJournal(file));
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      const movedTo = `${file}.unreadable-${now.toISOString().replaceAll(":", "-")}`;
      try {
        renameSync(file, movedTo);
        return new Journal(file, empty(), { reason, movedTo });
      } catch {
        return new Journal(file, empty(), { reason, movedTo: null });
      }
    }
  }

  jobs(): JournaledJob[] {
    return Object.values(this.state.jobs);
  }

  job(jobId: string): JournaledJob | undefined {
    return this.state.jobs[jobId];
  }

  outbox(): readonly OutboxEntry[] {
    return this.state.outbox;
  }

  /** Applies a change and persists it before returning. */
  update(change: (draft: JournalState) => void): void {
    const draft: JournalState = structuredClone(this.state);
    change(draft);
    writeFileAtomic(this.file, JSON.stringify(draft));
    this.state = draft;
  }
}
