import { describe, expect, it } from 'vitest';
import { defaultOptions, deprecatedSettings, listenFromEnv, optionsFromEnv } from './options.js';

describe('options from the environment', () => {
  it('keeps the defaults for unset variables', () => {
    expect(optionsFromEnv({})).toMatchObject({ workerNice: defaultOptions().workerNice });
  });

  it('reads the worker priority and refuses one outside 0-19', () => {
    expect(optionsFromEnv({ GALAPAGOS_WORKER_NICE: '19' }).workerNice).toBe(19);
    expect(optionsFromEnv({ GALAPAGOS_WORKER_NICE: '0' }).workerNice).toBe(0);
    expect(() => optionsFromEnv({ GALAPAGOS_WORKER_NICE: '20' })).toThrow(
      'GALAPAGOS_WORKER_NICE must be an integer from 0 to 19, got "20"',
    );
    expect(() => optionsFromEnv({ GALAPAGOS_WORKER_NICE: '-1' })).toThrow(/from 0 to 19/);
  });

  it('refuses a genome limit above what one request may carry on the wire', () => {
    expect(optionsFromEnv({ GALAPAGOS_MAX_GENOMES: '100000' }).maxGenomes).toBe(100_000);
    expect(() => optionsFromEnv({ GALAPAGOS_MAX_GENOMES: '200000' })).toThrow(
      'GALAPAGOS_MAX_GENOMES must be an integer from 1 to 100000, got "200000"',
    );
  });

  it("sizes the pool to a Lambda function's vCPUs unless told otherwise", () => {
    const on = (mb: string, workers?: string) =>
      optionsFromEnv({
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: mb,
        ...(workers ? { GALAPAGOS_WORKERS: workers } : {}),
      }).threads;
    expect(on('128')).toBe(2);
    expect(on('1769')).toBe(2);
    expect(on('3538')).toBe(2);
    expect(on('5307')).toBe(3);
    expect(on('10240')).toBe(6);
    expect(on('1769', '20')).toBe(20);
    expect(optionsFromEnv({}).threads).toBe(defaultOptions().threads);
  });

  it('reads the threads from GALAPAGOS_THREADS, and from GALAPAGOS_WORKERS (its old name) with a note', () => {
    expect(optionsFromEnv({ GALAPAGOS_THREADS: '3' }).threads).toBe(3);
    expect(deprecatedSettings({ GALAPAGOS_THREADS: '3' })).toEqual([]);
    expect(optionsFromEnv({ GALAPAGOS_WORKERS: '5' }).threads).toBe(5);
    expect(deprecatedSettings({ GALAPAGOS_WORKERS: '5' })).toEqual([
      expect.stringMatching(/^GALAPAGOS_WORKERS is deprecated: set GALAPAGOS_THREADS/),
    ]);
    expect(optionsFromEnv({ GALAPAGOS_THREADS: '2', GALAPAGOS_WORKERS: '5' }).threads).toBe(2);
    expect(deprecatedSettings({ GALAPAGOS_THREADS: '2', GALAPAGOS_WORKERS: '5' })).toEqual([
      expect.stringMatching(/^GALAPAGOS_WORKERS is ignored: GALAPAGOS_THREADS is set/),
    ]);
  });

  it('refuses more worker threads than a process should start', () => {
    expect(() => optionsFromEnv({ GALAPAGOS_WORKERS: '100000' })).toThrow(
      'GALAPAGOS_WORKERS must be an integer from 1 to 1024, got "100000"',
    );
  });

  it('refuses durations a timer cannot hold (they would fire at once)', () => {
    expect(optionsFromEnv({ GALAPAGOS_TIMEOUT_MS: '2147483647' }).timeoutMs).toBe(2_147_483_647);
    expect(() => optionsFromEnv({ GALAPAGOS_TIMEOUT_MS: '3000000000' })).toThrow(
      'GALAPAGOS_TIMEOUT_MS must be an integer from 1 to 2147483647, got "3000000000"',
    );
    expect(() => listenFromEnv({ GALAPAGOS_SHUTDOWN_GRACE_MS: '3000000000' })).toThrow(
      /GALAPAGOS_SHUTDOWN_GRACE_MS must be an integer from 0 to 2147483647/,
    );
  });
});
