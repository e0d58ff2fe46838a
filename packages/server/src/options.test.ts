import { describe, expect, it } from 'vitest';
import { defaultOptions, optionsFromEnv } from './options.js';

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
});
