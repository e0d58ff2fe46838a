/**
 * Several targets as one: each batch goes to the first member, in the configured order, with
 * a free slot (its threads, workers or `maxInFlight`), so local cores fill first and only the
 * overflow leaves; when every slot is taken, the batch waits for one. A member whose batch
 * fails is rested for a moment (the dispatcher's retry then lands elsewhere), so a failing
 * member's work moves to the others. Nothing here changes a result: fitness is fitness,
 * wherever it is computed.
 */
import type { EvaluateRequest, Fitness } from '@galapagos/core';
import { groupUsage } from '../cost.js';
import { EvaluationError } from '../errors.js';
import type { EvaluateCallOptions, Evaluator, TargetHealth, TargetProblems } from './types.js';

export interface GroupMember {
  readonly name: string;
  readonly evaluator: Evaluator;
  /** Batches it gets at once; default: its capacity (threads, workers), unbounded if elastic. */
  readonly maxInFlight?: number | undefined;
}

/** What each member did in a run. */
export interface MemberStats {
  readonly name: string;
  batches: number;
  genomes: number;
  failures: number;
}

export interface GroupEvaluator extends Evaluator {
  /** Per member, in the configured order: what each did so far. */
  members(): readonly MemberStats[];
}

/** How long a member that just failed gets no new batch (doubling while it keeps failing). */
const REST_MS = 1000;
const MAX_REST_MS = 30_000;

const smallest = (values: (number | undefined)[]): number | undefined => {
  const known = values.filter((v): v is number => v !== undefined);
  return known.length === 0 ? undefined : Math.min(...known);
};

export function createGroupEvaluator(members: readonly GroupMember[]): GroupEvaluator {
  if (members.length === 0) throw new Error('a group needs at least one member');
  const state = members.map((m) => ({
    ...m,
    slots: m.maxInFlight ?? m.evaluator.capacity ?? Number.POSITIVE_INFINITY,
    inFlight: 0,
    restUntil: 0,
    rest: REST_MS,
    stats: { name: m.name, batches: 0, genomes: 0, failures: 0 } as MemberStats,
  }));
  const slots = state.reduce((sum, m) => sum + m.slots, 0);

  type Member = (typeof state)[number];
  const free = (m: Member) => m.inFlight < m.slots;
  /** Called when a slot frees: batches waiting for one look again. */
  let waiters: (() => void)[] = [];
  const released = () => {
    const woken = waiters;
    waiters = [];
    for (const wake of woken) wake();
  };

  /**
   * The first member, in order, that is not resting and has a free slot; while all rest, the
   * one whose rest ends first. When every slot is taken the batch waits for one (a member's
   * `maxInFlight` is a cap, not a hint).
   */
  async function acquire(signal: AbortSignal): Promise<Member> {
    for (;;) {
      const now = performance.now();
      const awake = state.filter((m) => m.restUntil <= now);
      const pool = awake.length > 0 ? awake : [...state].sort((a, b) => a.restUntil - b.restUntil);
      const chosen = pool.find(free);
      if (chosen) {
        // Taken here, before any await, so concurrent batches see it.
        chosen.inFlight++;
        return chosen;
      }
      signal.throwIfAborted();
      await new Promise<void>((resolve) => {
        const wake = () => {
          signal.removeEventListener('abort', wake);
          resolve();
        };
        waiters.push(wake);
        signal.addEventListener('abort', wake, { once: true });
      });
    }
  }

  const prefixed = <T extends { where: string }>(name: string, rows: readonly T[]): T[] =>
    rows.map((row) => ({ ...row, where: `${name}: ${row.where}` }));

  return {
    maxBatchBytes: Math.min(...members.map((m) => m.evaluator.maxBatchBytes)),
    capacity: Number.isFinite(slots)
      ? state.reduce((sum, m) => sum + (m.evaluator.capacity ?? m.slots), 0)
      : undefined,
    remote: members.some((m) => m.evaluator.remote),
    servers: members.reduce((sum, m) => sum + (m.evaluator.servers ?? 1), 0),
    maxBatchGenomes: smallest(members.map((m) => m.evaluator.maxBatchGenomes)),
    maxCostTotalMs: smallest(members.map((m) => m.evaluator.maxCostTotalMs)),
    async evaluate(request: EvaluateRequest, options: EvaluateCallOptions): Promise<Fitness[]> {
      const member = await acquire(options.signal);
      member.stats.batches++;
      try {
        const fitness = await member.evaluator.evaluate(request, options);
        member.stats.genomes += request.genomes.length;
        member.rest = REST_MS;
        return fitness;
      } catch (error) {
        member.stats.failures++;
        if (!options.signal.aborted && (!(error instanceof EvaluationError) || error.retryable)) {
          member.restUntil = performance.now() + member.rest;
          member.rest = Math.min(member.rest * 2, MAX_REST_MS);
        }
        if (error instanceof EvaluationError) {
          // A member's "later" does not hold the batch back while another member is free.
          const elsewhere = state.some((m) => m !== member && m.restUntil <= performance.now());
          throw new EvaluationError(error.code, `${member.name}: ${error.message}`, {
            retryable: error.retryable,
            ...(error.status === undefined ? {} : { status: error.status }),
            ...(error.retryAfterMs === undefined || elsewhere
              ? {}
              : { retryAfterMs: error.retryAfterMs }),
            cause: error,
          });
        }
        throw error;
      } finally {
        member.inFlight--;
        released();
      }
    },
    async health(): Promise<TargetHealth[]> {
      const rows = await Promise.all(members.map((m) => m.evaluator.health()));
      return rows.flatMap((r, i) => prefixed(members[i]!.name, r));
    },
    async problems(signal: AbortSignal): Promise<TargetProblems[]> {
      const rows = await Promise.all(members.map((m) => m.evaluator.problems(signal)));
      return rows.flatMap((r, i) => prefixed(members[i]!.name, r));
    },
    ...(members.some((m) => m.evaluator.busyMs)
      ? { busyMs: () => members.reduce((sum, m) => sum + (m.evaluator.busyMs?.() ?? 0), 0) }
      : {}),
    retire(where: string) {
      const member = members.find((m) => where.startsWith(`${m.name}: `));
      member?.evaluator.retire?.(where.slice(member.name.length + 2));
    },
    members: () => state.map((m) => ({ ...m.stats })),
    usage: () => groupUsage(members),
    async close() {
      await Promise.all(members.map((m) => m.evaluator.close()));
    },
  };
}
