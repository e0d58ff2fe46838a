// Loads the build, like the pool tests (turbo builds first).
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import {
  busyUntil,
  calibrateCpu,
  createSpinGauge,
  monotonicMs,
  payCostFrom,
  sleepUntil,
  threadCpuMs,
} from '../../dist/runtime/index.js';

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

describe('busy cost', () => {
  it('spins until the deadline without yielding when it has a core to itself', () => {
    const gauge = createSpinGauge();
    const deadline = monotonicMs() + 30;
    expect(busyUntil(deadline, gauge, 2)).toBe(0);
    expect(monotonicMs()).toBeGreaterThanOrEqual(deadline);
    expect(busyUntil(monotonicMs() + 5)).toBe(0);
    expect(gauge[0]).toBe(0);
  });

  it('gives its core away between clock checks while spinners outnumber cores', () => {
    const gauge = createSpinGauge();
    Atomics.store(gauge, 0, 3); // three other spinners, two cores
    const cpu = process.cpuUsage();
    const started = monotonicMs();
    const naps = busyUntil(started + 50, gauge, 2);
    const wall = monotonicMs() - started;
    expect(wall).toBeGreaterThanOrEqual(50);
    expect(naps).toBeGreaterThan(10);
    // Each nap sleeps: the spinner used clearly less CPU than wall-clock time.
    expect(cpuMs(cpu)).toBeLessThan(wall * 0.9);
    expect(gauge[0]).toBe(3);
  });
});

describe('sleep cost', () => {
  it('waits until the deadline without CPU', () => {
    const cpu = process.cpuUsage();
    const deadline = monotonicMs() + 60;
    sleepUntil(deadline);
    expect(monotonicMs()).toBeGreaterThanOrEqual(deadline);
    expect(cpuMs(cpu)).toBeLessThan(30);
  });
});

describe('cost counted from the hand-off', () => {
  it('takes off the time already gone since the thread was handed the genome', () => {
    for (const mode of ['busy', 'sleep'] as const) {
      const started = monotonicMs();
      payCostFrom({ ms: 1000, mode }, started - 990, { calibration: 0 });
      expect(monotonicMs() - started).toBeLessThan(500);
      const from = monotonicMs();
      payCostFrom({ ms: 20, mode }, from, { calibration: 0 });
      expect(monotonicMs()).toBeGreaterThanOrEqual(from + 20);
    }
  });
});

describe('cpu calibration', () => {
  it.runIf(threadCpuMs() !== undefined)(
    'measures the work a core holds even while other threads crowd the cores',
    async () => {
      const alone = calibrateCpu();
      const spin = `const { parentPort } = require('node:worker_threads');
        parentPort.postMessage('spinning');
        const end = Date.now() + 1500; while (Date.now() < end) {}`;
      const crowd = Array.from(
        { length: 2 * availableParallelism() },
        () => new Worker(spin, { eval: true }),
      );
      try {
        await Promise.all(crowd.map((w) => new Promise((r) => w.once('message', r))));
        const crowded = calibrateCpu();
        // On the wall clock this thread would get about a third of a core here.
        expect(crowded / alone).toBeGreaterThan(0.6);
      } finally {
        await Promise.all(crowd.map((w) => w.terminate()));
      }
    },
  );
});
