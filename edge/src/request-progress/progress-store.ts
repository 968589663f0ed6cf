import { ProgressFrame } from "@gantry/shared/protocol/progress";
import type { DurableFrame } from "./apply-transition.ts";
import { ProgressFacts } from "./progress-facts.ts";

/** Durable frames kept for resuming subscribers; a run has about seven, so this is only a backstop. */
export const REPLAY_BUFFER_FRAMES = 100;

/** The RequestProgress object's SQLite: one facts row and the bounded replay buffer. */
export class RequestProgressStore {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  /** Idempotent; runs again after a purge dropped the tables. */
  ensureSchema(): void {
    this.#sql.exec(
      "CREATE TABLE IF NOT EXISTS progress_facts (id INTEGER PRIMARY KEY CHECK (id = 1), facts TEXT NOT NULL)",
    );
    this.#sql.exec(
      "CREATE TABLE IF NOT EXISTS progress_frames (seq INTEGER PRIMARY KEY, frame TEXT NOT NULL)",
    );
  }

  /** @throws when the stored row does not match the current shape (a bug or a bad version step) */
  loadFacts(): ProgressFacts | null {
    const row = this.#sql
      .exec<{ facts: string }>("SELECT facts FROM progress_facts WHERE id = 1")
      .toArray()[0];
    return row ? ProgressFacts.parse(JSON.parse(row.facts)) : null;
  }

  /** Writes facts and frames with no await in between, so they commit as one implicit transaction. */
  save(facts: ProgressFacts, frames: readonly DurableFrame[]): void {
    this.#sql.exec(
      "INSERT INTO progress_facts (id, facts) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET facts = excluded.facts",
      JSON.stringify(facts),
    );
    for (const frame of frames) {
      this.#sql.exec(
        "INSERT OR REPLACE INTO progress_frames (seq, frame) VALUES (?, ?)",
        frame.seq,
        JSON.stringify(frame),
      );
    }
    if (frames.length > 0) {
      this.#sql.exec("DELETE FROM progress_frames WHERE seq <= ?", facts.lastSeq - REPLAY_BUFFER_FRAMES);
    }
  }

  /** Starts a new incarnation: frames of the previous epoch must never be replayed to the new one. */
  replaceAll(facts: ProgressFacts, frames: readonly DurableFrame[]): void {
    this.#sql.exec("DELETE FROM progress_frames");
    this.save(facts, frames);
  }

  /** Durable frames after `seq`, oldest first; null when the buffer no longer reaches back that far. */
  framesAfter(seq: number): ProgressFrame[] | null {
    const oldest = this.#sql
      .exec<{ seq: number | null }>("SELECT min(seq) AS seq FROM progress_frames")
      .toArray()[0]?.seq;
    if (oldest != null && seq < oldest - 1) return null;
    return this.#sql
      .exec<{ frame: string }>("SELECT frame FROM progress_frames WHERE seq > ? ORDER BY seq", seq)
      .toArray()
      .map((row) => ProgressFrame.parse(JSON.parse(row.frame)));
  }
}
