/**
 * A server's runs: taken by `POST /v1/runs`, executed off the request cycle (at most
 * `maxRunning` at once, the rest queued), persisted after every generation, watched as events,
 * cancelled on request, and taken up again by the next server when one stops mid-run.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter, on } from 'node:events';
import type { Evaluator } from '@galapagos/client';
import type { ProblemRegistry } from '@galapagos/core';
import pLimit from 'p-limit';
import type { ServerOptions } from '../options.js';
import type { PoolHandle } from '../plugins/pool.js';
import { dashboardFile } from '../report/html.js';
import { RunServiceError } from './errors.js';
import { endEvent, generationEvents, type RunEvent } from './events.js';
import { type ExecuteContext, executeRun, recordedError } from './execute.js';
import {
  detailOf,
  isFinished,
  type RunDetail,
  type RunRecord,
  type RunSummary,
  summaryOf,
} from './record.js';
import { selfEvaluator } from './self.js';
import type { RunStore } from './store.js';
import { checkRunRules, checkSubmission } from './submission.js';

export interface RunServiceLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface RunServiceOptions {
  readonly store: RunStore;
  readonly context: Omit<ExecuteContext, 'self' | 'registry'>;
  /** Runs evolving at once; the others wait, queued. */
  readonly maxRunning: number;
  /** Unfinished runs (queued and running) the server holds; beyond it: 429. */
  readonly maxQueued: number;
  /** Largest population × (generations + 1) a run may ask for. */
  readonly maxEvaluations: number;
  readonly log: RunServiceLog;
  /** The server's version, shown on the dashboard. */
  readonly version: string;
}

/** What the run service uses of the server hosting it: its pool and its limits. */
export interface RunHost {
  readonly pool: PoolHandle;
  readonly options: ServerOptions;
}

export interface RunService {
  /** Where runs are kept, for the server's log. */
  readonly where: string;
  /**
   * Starts executing, with the server's own pool (`self` runs evaluate on it, and its registry
   * is the server's problems): queued runs and those a stopped server left mid-way.
   */
  start(host: RunHost): Promise<void>;
  /** Stops executing; unfinished runs stay persisted for the next start. */
  stop(): Promise<void>;
  submit(body: unknown): Promise<RunSummary>;
  list(): Promise<RunSummary[]>;
  get(id: string): Promise<RunDetail>;
  /** The engine state after the run's last generation (a checkpoint). */
  state(id: string): Promise<unknown>;
  cancel(id: string): Promise<RunSummary>;
  /** Generations after `after`, then live ones, then the end; ends when `signal` aborts. */
  events(id: string, after: number, signal: AbortSignal): AsyncIterable<RunEvent>;
  /** A file of the dashboard (`''`: its page), or undefined. */
  dashboardFile(name: string): { type: string; body: string } | undefined;
}

/** Why an active run was aborted: a user's cancel, or the server stopping. */
class Cancelled extends Error {}
class Stopping extends Error {}

/** Time-ordered, unguessable ids. */
const newRunId = () => `${Date.now().toString(36)}${randomBytes(6).toString('hex')}`;
const now = () => new Date().toISOString();

export function createRunService(options: RunServiceOptions): RunService {
  const { store, log } = options;
  const limit = pLimit(options.maxRunning);
  const active = new Map<string, { controller: AbortController; done: Promise<void> }>();
  const updates = new EventEmitter();
  updates.setMaxListeners(0);
  let self: { readonly evaluator: Evaluator; readonly registry: ProblemRegistry } | undefined;
  let stopping = false;
  const waiting: string[] = [];

  const notFound = (id: string) =>
    new RunServiceError('GALAPAGOS_ERR_RUN_NOT_FOUND', `no run "${id}" on this server`);
  const load = async (id: string): Promise<RunRecord> => {
    const record = await store.load(id);
    if (!record) throw notFound(id);
    return record;
  };
  const publish = (record: RunRecord) => updates.emit(record.id, record);
  const save = async (record: RunRecord) => {
    await store.save(record, summaryOf(record));
    publish(record);
  };
  const unfinished = async () => (await store.summaries()).filter((r) => !isFinished(r.status));

  async function execute(id: string): Promise<void> {
    if (stopping) return;
    const record = await store.load(id);
    if (!record || isFinished(record.status)) return;
    const controller = new AbortController();
    let settle!: () => void;
    active.set(id, { controller, done: new Promise((r) => (settle = r)) });
    try {
      const running: RunRecord = { ...record, status: 'running', updatedAt: now() };
      await save(running);
      const finished = await executeRun(
        running,
        { ...options.context, self: self!.evaluator, registry: self!.registry },
        {
          signal: controller.signal,
          onRecord: save,
          warn: (message) => log.warn(`run ${id}: ${message}`),
        },
      );
      await save(finished);
      log.info(`run ${id} succeeded`);
    } catch (error) {
      const reason = controller.signal.reason;
      if (reason instanceof Stopping) return;
      const last = (await store.load(id)) ?? record;
      if (reason instanceof Cancelled) {
        await save({ ...last, status: 'cancelled', updatedAt: now() });
        log.info(`run ${id} cancelled`);
      } else {
        const failure = recordedError(error);
        await save({ ...last, status: 'failed', updatedAt: now(), error: failure });
        log.warn(`run ${id} failed: ${failure.code}: ${failure.message}`);
      }
    } finally {
      active.delete(id);
      settle();
    }
  }

  const schedule = (id: string) => {
    if (!self) {
      waiting.push(id);
      return;
    }
    limit(() => execute(id)).catch((error) =>
      log.error(`run ${id}: cannot persist it: ${(error as Error).message}`),
    );
  };

  return {
    where: store.where,
    async start(host) {
      self = {
        evaluator: selfEvaluator(host.pool, host.options),
        registry: host.pool.get().registry,
      };
      for (const summary of await unfinished()) {
        if (waiting.includes(summary.id)) continue;
        const record = await store.load(summary.id);
        if (!record) continue;
        if (record.status === 'running') {
          await save({ ...record, resumed: record.resumed + 1, updatedAt: now() });
          log.info(
            `run ${record.id}: resuming after generation ${(record.state?.logbook.length ?? 0) - 1}`,
          );
        }
        schedule(record.id);
      }
      for (const id of waiting.splice(0)) schedule(id);
    },
    async stop() {
      stopping = true;
      limit.clearQueue();
      for (const { controller } of active.values())
        controller.abort(new Stopping('the server is stopping'));
      await Promise.all([...active.values()].map((a) => a.done));
      await store.close();
    },
    async submit(body) {
      if (stopping)
        throw new RunServiceError('GALAPAGOS_ERR_TOO_MANY_RUNS', 'the server is stopping');
      const submission = checkSubmission(body, {
        targets: Object.keys(options.context.targets),
        maxEvaluations: options.maxEvaluations,
      });
      checkRunRules(submission, self?.registry);
      const held = (await unfinished()).length;
      if (held >= options.maxQueued)
        throw new RunServiceError(
          'GALAPAGOS_ERR_TOO_MANY_RUNS',
          `the server already holds ${held} unfinished runs (GALAPAGOS_MAX_QUEUED_RUNS=${options.maxQueued}); wait for one to end or cancel one`,
        );
      const at = now();
      const record: RunRecord = {
        format: 'galapagos/run',
        version: 1,
        id: newRunId(),
        status: 'queued',
        createdAt: at,
        updatedAt: at,
        target: submission.target,
        run: submission.run,
        dispatch: submission.dispatch,
        stats: [],
        resumed: 0,
      };
      await save(record);
      log.info(`run ${record.id} queued (${record.run.problem} on ${record.target})`);
      schedule(record.id);
      return summaryOf(record);
    },
    list: () => store.summaries(),
    get: async (id) => detailOf(await load(id)),
    async state(id) {
      const record = await load(id);
      if (!record.state)
        throw new RunServiceError(
          'GALAPAGOS_ERR_RUN_NOT_FOUND',
          `run "${id}" has no state yet (no generation is done)`,
        );
      return record.state;
    },
    async cancel(id) {
      const record = await load(id);
      const running = active.get(id);
      if (running) {
        running.controller.abort(new Cancelled('cancelled'));
        await running.done;
        return summaryOf(await load(id));
      }
      if (isFinished(record.status)) return summaryOf(record);
      const cancelled: RunRecord = { ...record, status: 'cancelled', updatedAt: now() };
      await save(cancelled);
      return summaryOf(cancelled);
    },
    dashboardFile: (name) => dashboardFile(name, options.version),
    async *events(id, after, signal) {
      // Listen before reading the record, so no generation falls between the two.
      const live = on(updates, id, { signal });
      let last = after;
      let record = await load(id);
      try {
        for (;;) {
          for (const event of generationEvents(record, last)) {
            yield event;
            last = Number(event.id);
          }
          if (isFinished(record.status)) {
            yield endEvent(record);
            return;
          }
          const next = await live.next();
          if (next.done) return;
          record = (next.value as [RunRecord])[0];
        }
      } catch (error) {
        if (signal.aborted) return;
        throw error;
      } finally {
        await live.return?.();
      }
    },
  };
}
