/** Where a server keeps its runs: a folder by default, Redis beside a fleet. */
import type { RunRecord } from './record.js';

export interface RunStore {
  /** Where the runs live, for logs. */
  readonly where: string;
  /** Writes the whole record; readers never see half of one. */
  save(record: RunRecord): Promise<void>;
  load(id: string): Promise<RunRecord | undefined>;
  /** Every run, oldest first. */
  list(): Promise<RunRecord[]>;
  close(): Promise<void>;
}

/** Run ids are what `newRunId` makes: safe as file names and Redis keys. */
export const RUN_ID_PATTERN = /^[a-z0-9]{6,40}$/;
