import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmbeddedEvaluator, runEvolution, validateConfig } from '@galapagos/client';
import { createRegistry, defaultRegistry } from '@galapagos/core';
import { describe, expect, it } from 'vitest';
import { defaultOptions } from '../options.js';
import type { RunEvent } from './events.js';
import { createFileStore } from './file-store.js';
import type { RunRecord } from './record.js';
import { createRunService, type RunHost, type RunService } from './service.js';

const quiet = { info: () => {}, warn: () => {}, error: () => {} };
const RUN = { problem: 'onemax', params: { length: 32 }, population: 20, generations: 6, seed: 9 };

/** A service over a fresh folder (or `dir`), evaluating on an embedded target named `here`. */
async function service(
  options: { dir?: string; maxQueued?: number; maxEvaluations?: number } = {},
) {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'galapagos-runs-'));
  const runs = createRunService({
    store: await createFileStore(dir),
    context: {
      targets: { here: { type: 'embedded', workers: 2 } },
      problemModules: [],
      env: {},
    },
    maxRunning: 1,
    maxQueued: options.maxQueued ?? 100,
    maxEvaluations: options.maxEvaluations ?? 1_000_000,
    log: quiet,
    version: 'test',
  });
  await runs.start(host);
  return { runs, dir };
}

/** A host whose pool no run here may use (no run names `self`); its registry is the built-ins. */
const host = {
  pool: {
    get: () => ({ registry: defaultRegistry }),
    stats: () => undefined,
    evaluate: async () => {
      throw new Error('a run evaluated on self');
    },
  },
  options: defaultOptions(),
} as unknown as RunHost;

async function collect(events: AsyncIterable<RunEvent>): Promise<RunEvent[]> {
  const seen: RunEvent[] = [];
  for await (const e of events) seen.push(e);
  return seen;
}

/** The same run through `runEvolution` on the embedded target: the logbook to match. */
async function direct(run: object) {
  const config = validateConfig({ run });
  if (!config.ok) throw new Error('bad run');
  const evaluator = await createEmbeddedEvaluator({ threads: 2 });
  try {
    const result = await runEvolution({
      run: config.config.run,
      registry: createRegistry(defaultRegistry.ids().map((id) => defaultRegistry.get(id))),
      dispatch: config.config.dispatch,
      evaluator,
    });
    return result.logbook;
  } finally {
    await evaluator.close();
  }
}

const finished = async (runs: RunService, id: string) => {
  for (;;) {
    const run = await runs.get(id);
    if (!['queued', 'running'].includes(run.status)) return run;
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('the run service', () => {
  it('evolves a submitted run off the call, persisted, with the logbook of runEvolution', async () => {
    const { runs } = await service();
    const summary = await runs.submit({ run: RUN, target: 'here' });
    expect(summary).toMatchObject({ status: 'queued', problem: 'onemax', target: 'here' });
    const events = await collect(runs.events(summary.id, -1, new AbortController().signal));
    expect(events.map((e) => ('id' in e ? e.id : e.event))).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      'end',
    ]);
    const done = await runs.get(summary.id);
    expect(done.status).toBe('succeeded');
    expect(done.logbook).toEqual(await direct(RUN));
    expect(done.stats.map((s) => s.gen)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(done.outcome?.stoppedBy).toBe('generations');
    // Its calls: as many asked for as the logbook's nevals, each distinct genome sent once.
    const asked = done.logbook.reduce((sum, e) => sum + e.nevals, 0);
    expect(done.outcome?.calls).toMatchObject({ requested: asked });
    expect(done.outcome?.calls?.sent).toBe(done.outcome?.calls?.distinct);
    // Events carry the logbook's entries; a late watcher gets the rest, then the end.
    const late = await collect(runs.events(summary.id, 4, new AbortController().signal));
    expect(late.map((e) => e.event)).toEqual(['generation', 'generation', 'end']);
    expect(late[0]!.data).toMatchObject({ entry: done.logbook[5] });
    await runs.stop();
  });

  it('resumes a run a stopped service left mid-way, and ends it identically', async () => {
    const slow = { ...RUN, generations: 10, cost: { ms: 15, mode: 'sleep' } };
    const first = await service();
    const { id } = await first.runs.submit({ run: slow, target: 'here' });
    for (;;) {
      const run = await first.runs.get(id);
      if (run.generation >= 3) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    await first.runs.stop();
    const left = JSON.parse(
      (await import('node:fs')).readFileSync(join(first.dir, `${id}.json`), 'utf8'),
    ) as RunRecord;
    expect(left.status).toBe('running');
    expect(left.state!.logbook.length).toBeGreaterThanOrEqual(4);
    expect(left.state!.logbook.length).toBeLessThan(11);
    const second = await service({ dir: first.dir });
    const done = await finished(second.runs, id);
    expect(done).toMatchObject({ status: 'succeeded', resumed: 1 });
    expect(done.logbook).toEqual(await direct(slow));
    await second.runs.stop();
  });

  it('cancels a running run and a queued one', async () => {
    const { runs } = await service();
    const long = { ...RUN, generations: 500, cost: { ms: 5, mode: 'sleep' } };
    const a = await runs.submit({ run: long, target: 'here' });
    const b = await runs.submit({ run: long, target: 'here' });
    for (;;) {
      if ((await runs.get(a.id)).generation >= 1) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect((await runs.get(b.id)).status).toBe('queued');
    expect(await runs.cancel(b.id)).toMatchObject({ status: 'cancelled', generation: -1 });
    const cancelled = await runs.cancel(a.id);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.generation).toBeLessThan(500);
    // Idempotent, and the record keeps the generations done.
    expect((await runs.cancel(a.id)).status).toBe('cancelled');
    expect((await runs.get(a.id)).logbook.length).toBe(cancelled.generation + 1);
    await runs.stop();
  });

  it('records a failing run with its coded reason', async () => {
    const { runs } = await service();
    // A problem the server does not know may be its target's: it fails when the run starts.
    const { id } = await runs.submit({ run: { ...RUN, problem: 'nosuch' }, target: 'here' });
    const done = await finished(runs, id);
    expect(done.status).toBe('failed');
    expect(done.error?.code).toBe('GALAPAGOS_ERR_UNKNOWN_PROBLEM');
    await runs.stop();
  });

  it('refuses runs it must not take, with codes', async () => {
    const { runs } = await service({ maxQueued: 1, maxEvaluations: 1000 });
    const refusal = (body: unknown) =>
      runs.submit(body).then(
        () => undefined,
        (error: { code: string; message: string }) => `${error.code}: ${error.message}`,
      );
    expect(await refusal({ run: { ...RUN, problems: ['/etc/passwd'] } })).toMatch(
      /^GALAPAGOS_ERR_INVALID_CONFIG: .*\/run\/problems: a server runs its own problem modules/,
    );
    expect(await refusal({ run: RUN, priority: 1 })).toMatch(/\/priority: is not a field/);
    expect(await refusal({ run: { ...RUN, population: 1 } })).toMatch(/\/run\/population/);
    // The rules that span fields, as galapagos run applies them (checkRun).
    expect(
      await refusal({ run: { problem: 'zdt1', population: 8, onError: { penalty: 1 } } }),
    ).toMatch(/^GALAPAGOS_ERR_INVALID_CONFIG: .*\/run\/onError: "zdt1" has several objectives/);
    expect(await refusal({ run: { ...RUN, params: { length: 0 } } })).toMatch(
      /^GALAPAGOS_ERR_INVALID_PARAMS: invalid params for "onemax": \/length must be >= 1/,
    );
    expect(await refusal({ run: { ...RUN, crossover: { name: 'cxOrdered' } } })).toMatch(
      /^GALAPAGOS_ERR_INVALID_CONFIG: .*cxOrdered/,
    );
    expect(await refusal({ run: RUN, target: 'lambda' })).toMatch(
      /^GALAPAGOS_ERR_UNKNOWN_TARGET: unknown target "lambda": this server evaluates on self, here/,
    );
    expect(await refusal({ run: { ...RUN, population: 100, generations: 10 } })).toMatch(
      /^GALAPAGOS_ERR_RUN_TOO_LARGE: the run asks for up to 1100 evaluations/,
    );
    await runs.submit({
      run: { ...RUN, generations: 30, cost: { ms: 5, mode: 'sleep' } },
      target: 'here',
    });
    expect(await refusal({ run: RUN, target: 'here' })).toMatch(/^GALAPAGOS_ERR_TOO_MANY_RUNS/);
    await runs.stop();
  });

  it('skips files in its folder that are not runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'galapagos-runs-'));
    writeFileSync(join(dir, 'abcdef123.json'), '{ truncated');
    writeFileSync(join(dir, 'notes.txt'), 'hello');
    const { runs } = await service({ dir });
    expect(await runs.list()).toEqual([]);
    await expect(runs.get('abcdef123')).rejects.toMatchObject({
      code: 'GALAPAGOS_ERR_RUN_NOT_FOUND',
    });
    await runs.stop();
  });
});
