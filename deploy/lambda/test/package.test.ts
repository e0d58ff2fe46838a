// `serverless package` offline: one small bundled zip that works on its own.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sls } from './helpers.js';

let out: string;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'galapagos-sls-'));
  await sls(['package', '--package', out]);
});
afterAll(() => rm(out, { recursive: true, force: true }));

describe('serverless package', () => {
  it('writes one bundled zip under 1 MB: the entry, its chunks and the worker files', async () => {
    const zip = join(out, 'galapagos.zip');
    expect((await stat(zip)).size).toBeLessThan(1024 * 1024);
    const { stdout } = await promisify(execFile)('python3', ['-m', 'zipfile', '-l', zip]);
    const names = stdout
      .split('\n')
      .slice(1)
      .map((l) => l.split(/\s+/)[0])
      .filter(Boolean)
      .sort();
    expect(names).toEqual([
      expect.stringMatching(/^chunk-\w+\.mjs$/),
      'handler.mjs',
      expect.stringMatching(/^lambda-http-\w+\.mjs$/),
      'problems.json',
      'worker.bundle.cjs',
      'worker.js',
    ]);
  });

  it('answers direct invokes without loading the HTTP app, which it loads for HTTP events', async () => {
    const dir = join(out, 'direct');
    await promisify(execFile)('python3', ['-m', 'zipfile', '-e', join(out, 'galapagos.zip'), dir]);
    // The HTTP app's chunk taken away: a direct invoke must not need it.
    const files = await readdir(dir);
    await rm(join(dir, files.find((f) => f.startsWith('lambda-http-'))!));
    const probe = `
      const { handler } = await import(${JSON.stringify(pathToFileURL(join(dir, 'handler.mjs')).href)});
      const problems = await handler({ source: 'galapagos.problems' }, {});
      const evaluated = await handler({ problem: 'onemax', params: { length: 4 }, genomes: ['0111', '1111'] }, {});
      const http = await handler({ rawPath: '/health', requestContext: { http: { method: 'GET' } } }, {})
        .then(() => 'answered', (error) => error.code);
      console.log(JSON.stringify({ problems: problems.problems.length, fitness: evaluated.fitness, http }));
      process.exit(0);`;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', probe],
      { cwd: dir, env: { ...process.env, GALAPAGOS_LOG_LEVEL: 'silent' } },
    );
    expect(JSON.parse(stdout)).toEqual({
      problems: expect.any(Number),
      fitness: [3, 4],
      http: 'ERR_MODULE_NOT_FOUND',
    });
  });

  it('describes the function, its HTTP API routes and its IAM role in CloudFormation', async () => {
    const template = JSON.parse(
      await readFile(join(out, 'cloudformation-template-update-stack.json'), 'utf8'),
    );
    const resources = Object.values(template.Resources) as {
      Type: string;
      Properties: Record<string, unknown>;
    }[];
    const fn = resources.find((r) => r.Type === 'AWS::Lambda::Function')!;
    expect(fn.Properties).toMatchObject({
      Handler: 'handler.handler',
      Architectures: ['arm64'],
      FunctionName: 'galapagos-dev-evaluate',
    });
    expect(String(fn.Properties.Runtime)).toMatch(/^nodejs(22|24)\.x$/);
    expect(JSON.stringify(fn.Properties.Environment)).not.toMatch(/GALAPAGOS_API_KEYS"/);
    const routes = resources
      .filter((r) => r.Type === 'AWS::ApiGatewayV2::Route')
      .map((r) => r.Properties.RouteKey);
    expect(routes.sort()).toEqual(['ANY /', 'ANY /{proxy+}']);
    expect(resources.some((r) => r.Type === 'AWS::IAM::Role')).toBe(true);
    expect(
      resources.find((r) => r.Type === 'AWS::Logs::LogGroup')?.Properties.RetentionInDays,
    ).toBe(14);
    expect(resources.find((r) => r.Type === 'AWS::Events::Rule')?.Properties.State).toBe(
      'DISABLED',
    );
  });

  it('unpacked in an empty folder, answers HTTP API v2 events', async () => {
    const dir = join(out, 'unzipped');
    await promisify(execFile)('python3', ['-m', 'zipfile', '-e', join(out, 'galapagos.zip'), dir]);
    const probe = `
      const { handler } = await import(${JSON.stringify(pathToFileURL(join(dir, 'handler.mjs')).href)});
      const event = (method, path, body) => ({ version: '2.0', routeKey: '$default', rawPath: path, rawQueryString: '',
        headers: { 'content-type': 'application/json' }, isBase64Encoded: false,
        requestContext: { http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 't' }, requestId: 'r', stage: '$default' },
        ...(body ? { body: JSON.stringify(body) } : {}) });
      const health = await handler(event('GET', '/health'), {});
      const evaluated = await handler(event('POST', '/v1/evaluate', { problem: 'onemax', params: { length: 4 }, genomes: ['0111', '1111'] }), {});
      console.log(JSON.stringify({ health, evaluated }));
      process.exit(0);`;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', probe],
      {
        cwd: dir,
        env: { ...process.env, GALAPAGOS_LOG_LEVEL: 'silent' },
      },
    );
    const { health, evaluated } = JSON.parse(stdout);
    expect(health.statusCode).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok', workers: expect.any(Number) });
    expect(evaluated.statusCode).toBe(200);
    expect(JSON.parse(evaluated.body).fitness).toEqual([3, 4]);
  });
});
