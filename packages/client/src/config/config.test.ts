import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveHeaders } from './headers.js';
import { configJsonSchema, selectTarget, validateConfig } from './validate.js';

const example = JSON.parse(
  readFileSync(new URL('../../../../galapagos.config.json', import.meta.url), 'utf8'),
);
const issuesOf = (config: unknown) => {
  const result = validateConfig(config);
  if (result.ok) throw new Error('expected issues');
  return result.issues;
};

describe('validateConfig', () => {
  it('accepts the shipped example with its targets and fills defaults', () => {
    const result = validateConfig(example);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(Object.keys(result.config.targets).sort()).toEqual([
      'azure',
      'docker',
      'embedded',
      'fleet',
      'lambda',
      'lambda-http',
      'local',
    ]);
    expect(
      validateConfig({}).ok &&
        (validateConfig({}) as { config: { dispatch: unknown } }).config.dispatch,
    ).toEqual({
      batchSize: 'auto',
      concurrency: 32,
      timeoutMs: 120000,
      retries: 8,
      cache: true,
    });
  });

  it("takes core's operators in run, with their defaults", () => {
    const result = validateConfig({
      run: { selection: { name: 'selTournament' }, mutation: { name: 'mutFlipBit', indpb: 0.2 } },
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.run.selection).toEqual({ name: 'selTournament', tournsize: 3 });
    expect(result.config.run.mutation).toEqual({ name: 'mutFlipBit', indpb: 0.2 });
    expect(result.config.run).toMatchObject({ problem: 'onemax', population: 100, cxpb: 0.9 });
  });

  it.each([
    [
      'a wrong target type',
      { targets: { x: { type: 'ftp' } } },
      '/targets/x/type',
      /one of embedded, http/,
    ],
    ['a missing url', { targets: { x: { type: 'http' } } }, '/targets/x/url', /required/],
    [
      'a secret given as a literal',
      {
        targets: {
          x: { type: 'http', url: 'http://a', headers: { authorization: 'Bearer s3cret' } },
        },
      },
      '/targets/x/headers/authorization',
      /environment variable/,
    ],
    [
      'a Redis password in the queue URL',
      { targets: { q: { type: 'queue', url: 'redis://:s3cret@cache:6379' } } },
      '/targets/q/url',
      /must not hold a password: set GALAPAGOS_REDIS_PASSWORD/,
    ],
    [
      'a Redis password given as a literal',
      { targets: { q: { type: 'queue', url: 'redis://cache:6379', password: 's3cret' } } },
      '/targets/q/password',
      /environment variable/,
    ],
    [
      'a queue name with a colon',
      { targets: { q: { type: 'queue', url: 'redis://cache', queue: 'a:b' } } },
      '/targets/q/queue',
      /pattern/,
    ],
    [
      'an unknown setting',
      { run: { popsize: 3 } },
      '/run/popsize',
      /unknown setting "popsize"; known: .*population/,
    ],
    [
      'the old tournament setting',
      { run: { tournament: 4 } },
      '/run/tournament',
      /selection: \{ "name": "selTournament", "tournsize": 4 \}/,
    ],
    [
      'an operator that core does not have',
      { run: { crossover: { name: 'cxFancy' } } },
      '/run/crossover/name',
      /one of cxOnePoint, cxTwoPoint/,
    ],
    [
      "an operator's bad setting",
      { run: { selection: { name: 'selTournament', tournsize: 0 } } },
      '/run/selection/tournsize',
      />= 1/,
    ],
    [
      'an unknown dispatch setting',
      { dispatch: { retry: 3 } },
      '/dispatch/retry',
      /known: batchSize/,
    ],
    ['a bad number', { run: { population: 1 } }, '/run/population', />= 2/],
    ['a bad batch size', { dispatch: { batchSize: 'big' } }, '/dispatch/batchSize', /./],
    [
      'a url that is not http',
      { targets: { x: { type: 'http', url: 'ftp://a' } } },
      '/targets/x/url',
      /pattern/,
    ],
    [
      'a default target that does not exist',
      { defaultTarget: 'nope', targets: {} },
      '/defaultTarget',
      /no configured target/,
    ],
  ])('names the field and the reason for %s', (_name, config, path, reason) => {
    const issues = issuesOf(config);
    const issue = issues.find((i) => i.path === path);
    expect(issue, JSON.stringify(issues)).toBeDefined();
    expect(issue!.message).toMatch(reason);
  });

  it('refuses a timeout a timer cannot hold (it would fire at once)', () => {
    expect(issuesOf({ dispatch: { timeoutMs: 3_000_000_000 } })).toEqual([
      { path: '/dispatch/timeoutMs', message: 'must be <= 2147483647' },
    ]);
  });

  it('takes threads for an embedded target and a spawned server, and workers as their old name, not both', () => {
    expect(
      validateConfig({
        targets: {
          a: { type: 'embedded', threads: 2 },
          b: { type: 'embedded', workers: 2 },
          c: { type: 'http', url: 'http://127.0.0.1:1', spawn: { threads: 2 } },
        },
      }).ok,
    ).toBe(true);
    expect(
      issuesOf({
        targets: {
          a: { type: 'embedded', threads: 2, workers: 3 },
          c: { type: 'http', url: 'http://127.0.0.1:1', spawn: { threads: 2, workers: 3 } },
        },
      }),
    ).toEqual([
      { path: '/targets/a/workers', message: 'is the old name of threads: give one of them' },
      { path: '/targets/c/spawn/workers', message: 'is the old name of threads: give one of them' },
    ]);
  });

  it('refuses a URL that does not parse, with its path', () => {
    expect(
      issuesOf({
        targets: {
          a: { type: 'http', url: 'http://[::1' },
          b: { type: 'http', urls: ['http://ok', 'http://[x'] },
        },
      }),
    ).toEqual([
      { path: '/targets/a/url', message: 'is not a valid URL: "http://[::1"' },
      { path: '/targets/b/urls/1', message: 'is not a valid URL: "http://[x"' },
    ]);
  });

  it('refuses a group naming an unknown target, a group, or a limit for a non-member', () => {
    expect(
      issuesOf({
        targets: {
          local: { type: 'http', url: 'http://127.0.0.1:3000' },
          inner: { type: 'group', members: ['local'] },
          both: {
            type: 'group',
            members: ['local', 'lambda', 'inner'],
            maxInFlight: { local: 2, azure: 4 },
          },
          empty: { type: 'group', members: [] },
        },
      }),
    ).toEqual([
      {
        path: '/targets/both/members/1',
        message: 'names no configured target "lambda" (configured: local, inner, both, empty)',
      },
      { path: '/targets/both/members/2', message: '"inner" is a group: groups do not nest' },
      { path: '/targets/both/maxInFlight/azure', message: '"azure" is not a member' },
      { path: '/targets/empty/members', message: 'must not have fewer than 1 items' },
    ]);
  });

  it('refuses an unknown target by name', () => {
    const result = validateConfig(example);
    if (!result.ok) throw new Error('example invalid');
    expect(selectTarget(result.config, 'mars')).toEqual({
      path: '/targets/mars',
      message: expect.stringMatching(/unknown target "mars"; configured targets: embedded, local/),
    });
    expect(selectTarget(result.config)).toMatchObject({ name: 'local' });
  });

  it('reads header secrets from the environment, and says which variable is missing', () => {
    const headers = { authorization: { env: 'KEY', prefix: 'Bearer ' } };
    expect(resolveHeaders('t', headers, { KEY: 'abc' })).toEqual({ authorization: 'Bearer abc' });
    expect(() => resolveHeaders('t', headers, {})).toThrow(
      /\/targets\/t\/headers\/authorization: environment variable KEY is not set/,
    );
  });

  it('ships the JSON Schema generated from the code', () => {
    const shipped = JSON.parse(
      readFileSync(new URL('../../schema/galapagos.config.schema.json', import.meta.url), 'utf8'),
    );
    expect(shipped).toEqual(JSON.parse(JSON.stringify(configJsonSchema())));
  });
});
