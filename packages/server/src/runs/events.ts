/**
 * What `GET /v1/runs/{id}/events` streams: one `generation` event per generation, its id the
 * generation number (so `Last-Event-ID` resumes after it), then one `end` event.
 */
import type { LogbookEntry } from '@galapagos/core';
import { type GenerationStats, type RunRecord, type RunSummary, summaryOf } from './record.js';

export interface GenerationEvent {
  readonly id: string;
  readonly event: 'generation';
  readonly data: { readonly entry: LogbookEntry; readonly stats?: GenerationStats };
}

export interface EndEvent {
  readonly event: 'end';
  readonly data: RunSummary;
}

export type RunEvent = GenerationEvent | EndEvent;

/** The record's generations after `after`, in order. */
export function generationEvents(record: RunRecord, after: number): GenerationEvent[] {
  const logbook = record.state?.logbook ?? [];
  return logbook
    .filter((entry) => entry.gen > after)
    .map((entry) => {
      const stats = record.stats.find((s) => s.gen === entry.gen);
      return {
        id: String(entry.gen),
        event: 'generation' as const,
        data: { entry, ...(stats ? { stats } : {}) },
      };
    });
}

export const endEvent = (record: RunRecord): EndEvent => ({
  event: 'end',
  data: summaryOf(record),
});
