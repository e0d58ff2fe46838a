// Faults on the way: each run must end exactly as the fault-free run does.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createEmbeddedEvaluator,
  createHttpEvaluator,
  type LocalServer,
  runEvolution,
} from '@galapagos/client';
import { startServer } from '@galapagos/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, dispatch, faultyProxy, outcome, run, runCli } from './helpers.js';

let reference: Awaited<ReturnType<typeof runEvolution>>;
let server: LocalServer;

beforeAll(async () => {
  const embedded = await createEmbeddedEvaluator({ threads: 2 });
  reference = await runEvolution({ run: run(), dispatch: dispatch(), evaluator: embedded });
  await embedded.close();
  server = await startServer({ threads: 2 });
});
afterAll(() => server.stop());

describe('faults', () => {
  it('survives the server being killed and restarted mid-run', async () => {
    const victim = await startServer({ threads: 2 });
    const port = Number(new URL(victim.url).port);
    let restarted: LocalServer | undefined;
    const evaluator = createHttpEvaluator({ urls: [victim.url], connections: 4 });
    try {
      const result = await runEvolution({
        run: run(),
        dispatch: dispatch({ batchSize: 5, retries: 10 }),
        evaluator,
        onGeneration: (entry) => {
          if (entry.gen !== 2) return;
          process.kill(victim.pid!, 'SIGKILL');
          setTimeout(() => {
            void startServer({ threads: 2, port }).then((s) => {
              restarted = s;
            });
          }, 300);
        },
      });
      expect(outcome(result)).toBe(outcome(reference));
      expect(result.retries).toBeGreaterThan(0);
      expect(restarted).toBeDefined();
    } finally {
      await evaluator.close();
      await restarted?.stop();
      await victim.stop();
    }
  });

  it('waits out a 503 with Retry-After and retries that batch', async () => {
    const proxy = await faultyProxy(server.url, (n) => (n === 3 ? '503' : 'pass'));
    const evaluator = createHttpEvaluator({ urls: [proxy.url], connections: 4 });
    try {
      const started = performance.now();
      const result = await runEvolution({
        run: run(),
        dispatch: dispatch({ batchSize: 10 }),
        evaluator,
      });
      expect(outcome(result)).toBe(outcome(reference));
      expect(result.retries).toBe(1);
      expect(performance.now() - started).toBeGreaterThanOrEqual(1000);
    } finally {
      await evaluator.close();
      await proxy.close();
    }
  });

  it('re-dispatches a batch stalled past the timeout', async () => {
    const proxy = await faultyProxy(server.url, (n) => (n === 2 ? 'stall' : 'pass'));
    const evaluator = createHttpEvaluator({ urls: [proxy.url], connections: 4 });
    try {
      const result = await runEvolution({
        run: run(),
        // The timeout path itself: no duplicate may rescue the batch first.
        dispatch: dispatch({ batchSize: 10, timeoutMs: 400, speculate: false }),
        evaluator,
      });
      expect(outcome(result)).toBe(outcome(reference));
      expect(result.timeouts).toBe(1);
    } finally {
      await evaluator.close();
      await proxy.close();
    }
  });

  it('a frozen replica costs a duplicate, not a timeout, and never changes the logbook', async () => {
    // One replica answers its second request never; speculation sends that batch again to
    // the other replica long before the 30 s timeout.
    const frozen = await faultyProxy(server.url, (n) => (n === 2 ? 'stall' : 'pass'));
    const other = await startServer({ threads: 2 });
    const evaluator = createHttpEvaluator({ urls: [frozen.url, other.url], connections: 4 });
    try {
      const started = performance.now();
      const result = await runEvolution({
        run: { ...run(), cost: { ms: 20, mode: 'sleep' } },
        dispatch: dispatch({ batchSize: 5, timeoutMs: 30_000, cache: false }),
        evaluator,
      });
      expect(performance.now() - started).toBeLessThan(15_000);
      expect(outcome(result)).toBe(outcome(reference));
      expect(result.timeouts).toBe(0);
      expect(result.speculated).toBeGreaterThanOrEqual(1);
      expect(result.speculationWins).toBeGreaterThanOrEqual(1);
    } finally {
      await evaluator.close();
      await frozen.close();
      await other.stop();
    }
  }, 60_000);

  it('resumes after the client is killed with SIGKILL and ends as the uninterrupted run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'galapagos-resume-'));
    try {
      const config = join(dir, 'galapagos.config.json');
      const checkpoint = join(dir, 'state.json');
      await writeFile(
        config,
        JSON.stringify({
          run: { ...run(), cost: { ms: 40, mode: 'sleep' } },
          targets: { here: { type: 'http', url: server.url } },
        }),
      );
      const whole = await runCli(['run', '--config', config, '--json']);
      expect(whole.code).toBe(0);

      const child = spawn(
        process.execPath,
        [cli, 'run', '--config', config, '--checkpoint', checkpoint],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stdout = '';
      await new Promise<void>((resolve) => {
        child.stdout.setEncoding('utf8').on('data', (c: string) => {
          stdout += c;
          if (/^\s+4\s/m.test(stdout)) resolve();
        });
      });
      child.kill('SIGKILL');
      await once(child, 'exit');
      const resumed = await runCli(['run', '--config', config, '--resume', checkpoint, '--json']);
      expect(resumed.code, resumed.stderr).toBe(0);
      const [a, b] = [JSON.parse(whole.stdout), JSON.parse(resumed.stdout)];
      expect(outcome(b)).toBe(outcome(a));
      expect(b.logbook).toHaveLength(9);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
