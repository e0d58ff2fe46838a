/**
 * Suite `lambda`: the bundled Lambda handler.
 * - Cold start: a fresh Node process imports the packaged handler (unzipped) and answers its
 *   first invoke (median of several processes): a direct invoke of the shipped problem, the
 *   same request as an HTTP API event, and a direct invoke of a user's packaged module.
 * - Warm overhead: sequential one-genome direct invokes under serverless-offline (median).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { createLambdaEvaluator } from '@galapagos/client';
// @ts-expect-error: plain ESM module shared with the deploy tests
import { startOffline } from '../../deploy/lambda/offline.mjs';
import { median, writeResult } from './report.js';

const service = fileURLToPath(new URL('../../deploy/lambda/', import.meta.url));
const serverless = join(service, 'node_modules/.bin/serverless');
const env = { ...process.env, SLS_TELEMETRY_DISABLED: '1', GALAPAGOS_LOG_LEVEL: 'silent' };
const COLD_RUNS = 7;
const WARM_INVOKES = 50;

/** One cold start: Node's own boot (before the probe runs), the import, the first invoke. */
interface ColdStart {
  readonly bootMs: number;
  readonly importMs: number;
  readonly invokeMs: number;
  /** Import + first invoke: the cold start the function's code owns. */
  readonly totalMs: number;
}

/**
 * Fresh processes, each importing the handler and answering one invoke, with the memory size
 * Lambda sets (1,769 MB: one vCPU) so the pool is sized as there.
 */
async function coldStarts(
  dir: string,
  request: object = { problem: 'onemax', params: { length: 10 }, genomes: ['0101010101'] },
): Promise<ColdStart[]> {
  const probe = `
    const t0 = performance.now();
    const { handler } = await import(${JSON.stringify(pathToFileURL(join(dir, 'handler.mjs')).href)});
    const t1 = performance.now();
    const reply = await handler(${JSON.stringify(request)}, {});
    const fitness = reply.statusCode === undefined ? reply.fitness : JSON.parse(reply.body).fitness;
    if (!fitness) throw new Error(JSON.stringify(reply));
    const t2 = performance.now();
    console.log(JSON.stringify({ bootMs: t0, importMs: t1 - t0, invokeMs: t2 - t1, totalMs: t2 - t0 }));
    process.exit(0);`;
  const runs: ColdStart[] = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', probe],
      { cwd: dir, env: { ...env, AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1769' } },
    );
    runs.push(JSON.parse(stdout) as ColdStart);
  }
  return runs;
}

async function warmInvokes(): Promise<number[]> {
  const offline = await startOffline();
  try {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'offline', AWS_SECRET_ACCESS_KEY: 'offline' });
    const evaluator = await createLambdaEvaluator({
      functionName: offline.functionName,
      region: 'eu-west-1',
      endpoint: offline.invoke,
    });
    const request = { problem: 'onemax', params: { length: 10 }, genomes: ['0101010101'] };
    const latencies: number[] = [];
    for (let i = 0; i < WARM_INVOKES + 5; i++) {
      const t = performance.now();
      await evaluator.evaluate(request, { signal: AbortSignal.timeout(30_000) });
      if (i >= 5) latencies.push(performance.now() - t);
    }
    await evaluator.close();
    return latencies;
  } finally {
    await offline.stop();
  }
}

/** The same evaluate request as an HTTP API (v2) event: its cold start loads the HTTP app. */
const HTTP_EVENT = {
  version: '2.0',
  routeKey: '$default',
  rawPath: '/v1/evaluate',
  rawQueryString: '',
  headers: { 'content-type': 'application/json' },
  requestContext: {
    http: { method: 'POST', path: '/v1/evaluate', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1' },
    requestId: 'bench',
    stage: '$default',
  },
  body: JSON.stringify({ problem: 'onemax', params: { length: 10 }, genomes: ['0101010101'] }),
  isBase64Encoded: false,
};

/** A user's problem module (plain JS, no dependencies), for the cold start that loads one. */
const USER_MODULE = `export const problems = [{
  id: 'bench-sum', title: 'Sum', description: 'The sum of the genes.',
  params: { type: 'object', properties: {}, additionalProperties: false },
  instantiate: () => ({
    genome: { kind: 'real', length: 3, low: -1, high: 1 }, objective: 'max',
    fitness: (g) => g[0] + g[1] + g[2],
  }),
}];
`;

/** `serverless package` (the service's plugin bundles the user's modules), unzipped. */
async function packaged(out: string, problems: string): Promise<string> {
  await promisify(execFile)(serverless, ['package', '--package', out], {
    cwd: service,
    env: { ...env, GALAPAGOS_PROBLEMS: problems },
  });
  const dir = join(out, 'unzipped');
  await promisify(execFile)('python3', ['-m', 'zipfile', '-e', join(out, 'galapagos.zip'), dir]);
  return dir;
}

export async function lambdaSuite(): Promise<void> {
  const out = await mkdtemp(join(tmpdir(), 'galapagos-bench-lambda-'));
  try {
    const module = join(out, 'bench-sum.mjs');
    await writeFile(module, USER_MODULE);
    const withModule = await packaged(join(out, 'user'), module);
    const userCold = await coldStarts(withModule, {
      problem: 'bench-sum',
      genomes: [[0.1, 0.2, 0.3]],
    });
    const dir = await packaged(join(out, 'shipped'), '');
    const cold = await coldStarts(dir);
    const httpCold = await coldStarts(dir, HTTP_EVENT);
    const warm = await warmInvokes();
    const of = (key: keyof ColdStart) => median(cold.map((c) => c[key]));
    const figures = {
      coldStartMs: {
        median: of('totalMs'),
        importMs: of('importMs'),
        invokeMs: of('invokeMs'),
        nodeBootMs: of('bootMs'),
        runs: cold,
      },
      httpEventColdStartMs: {
        median: median(httpCold.map((c) => c.totalMs)),
        invokeMs: median(httpCold.map((c) => c.invokeMs)),
        runs: httpCold,
      },
      userModuleColdStartMs: {
        median: median(userCold.map((c) => c.totalMs)),
        invokeMs: median(userCold.map((c) => c.invokeMs)),
        runs: userCold,
      },
      warmInvokeMs: {
        median: median(warm),
        p90: [...warm].sort((a, b) => a - b)[Math.floor(warm.length * 0.9)],
        invokes: warm.length,
      },
    };
    console.table({
      'cold start (import + first invoke)': { 'median ms': figures.coldStartMs.median.toFixed(1) },
      '  of which import': { 'median ms': figures.coldStartMs.importMs.toFixed(1) },
      '  of which first invoke': { 'median ms': figures.coldStartMs.invokeMs.toFixed(1) },
      'Node boot before it (not counted)': {
        'median ms': figures.coldStartMs.nodeBootMs.toFixed(1),
      },
      'cold start, an HTTP API event (it loads the HTTP app)': {
        'median ms': figures.httpEventColdStartMs.median.toFixed(1),
      },
      "cold start, a user's module (its first batch starts a thread)": {
        'median ms': figures.userModuleColdStartMs.median.toFixed(1),
      },
      'warm direct invoke, serverless-offline': {
        'median ms': figures.warmInvokeMs.median.toFixed(2),
      },
    });
    console.log(
      `wrote ${writeResult('lambda', { coldRuns: COLD_RUNS, warmInvokes: WARM_INVOKES }, figures)}`,
    );
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}
