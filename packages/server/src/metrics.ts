import type { PoolStats } from '@galapagos/core/runtime';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** The Prometheus metrics of one app (its own registry: several apps never share counters). */
export function createMetrics(poolStats: () => PoolStats | undefined) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'galapagos_' });
  const requests = new Counter({
    name: 'galapagos_http_requests_total',
    help: 'HTTP requests by route, method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const evaluations = new Counter({
    name: 'galapagos_evaluations_total',
    help: 'Genomes evaluated, by problem.',
    labelNames: ['problem'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'galapagos_evaluation_duration_seconds',
    help: 'Time to evaluate one request, by problem.',
    labelNames: ['problem'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'galapagos_errors_total',
    help: 'Error replies, by code.',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const pool = (name: string, help: string, read: (s: PoolStats) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const stats = poolStats();
        this.set(stats ? read(stats) : 0);
      },
    });
  pool('galapagos_pool_threads', 'Worker threads in the pool.', (s) => s.threads);
  pool('galapagos_pool_busy_threads', 'Worker threads evaluating now.', (s) => s.busy);
  pool('galapagos_pool_utilization', 'Busy threads / threads, now.', (s) => s.busy / s.threads);
  pool('galapagos_pool_queue_length', 'Chunks waiting for a thread.', (s) => s.queued);
  pool('galapagos_pool_queue_limit', 'Chunks allowed to wait.', (s) => s.maxQueue);
  return { registry, requests, evaluations, latency, errors };
}

export type Metrics = ReturnType<typeof createMetrics>;
