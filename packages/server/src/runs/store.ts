/** Where a server keeps its runs: a folder by default, Redis beside a fleet. */
import type { RunRecord, RunSummary } from './record.js';

export interface RunStore {
  /** Where the runs live, for logs. */
  readonly where: string;
  /**
   * Writes the whole record, and its summary beside it (listing runs reads summaries only,
   * never the states); readers never see half of either.
   */
  save(record: RunRecord, summary: RunSummary): Promise<void>;
  load(id: string): Promise<RunRecord | undefined>;
  /** Every run's summary, oldest first. */
  summaries(): Promise<RunSummary[]>;
  close(): Promise<void>;
}

/** Oldest first; ids (time-ordered) break ties. */
export const byCreation = (a: RunSummary, b: RunSummary): number =>
  a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);

/** Run ids are what `newRunId` makes: safe as file names and Redis keys. */
export const RUN_ID_PATTERN = /^[a-z0-9]{6,40}$/;
