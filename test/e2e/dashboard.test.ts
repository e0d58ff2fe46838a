// The dashboard and the report in a real browser: Debian's Chromium, headless, driven by
// playwright-core (no browser download). The dashboard's charts must grow as a run's
// generations arrive over SSE, with API keys on; a report file must render with the network
// cut. Screenshots go to test/artifacts/ for people to look at.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@galapagos/client';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeUserProject } from '../../packages/core/test-fixtures/user-project.mjs';
import { runCli } from './helpers.js';

const project = writeUserProject();
const artifacts = fileURLToPath(new URL('../artifacts/', import.meta.url));
mkdirSync(artifacts, { recursive: true });
const KEY = 'k-dashboard-secret';

/** The flags ENVIRONMENT.md gives for this closed network (no background traffic, no sandbox). */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let browser: Browser;
let server: ChildProcess;
let url: string;

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  server = spawn(
    process.execPath,
    [
      fileURLToPath(new URL('../../packages/cli/dist/galapagos.mjs', import.meta.url)),
      'serve',
      '--port',
      String(port),
      '--workers',
      '2',
      '--problems',
      project.fitness,
      project.tradeoff,
    ],
    {
      cwd: project.dir,
      env: {
        ...process.env,
        GALAPAGOS_API_KEYS: KEY,
        GALAPAGOS_LOG_LEVEL: 'warn',
        GALAPAGOS_RUNS_DIR: mkdtempSync(join(tmpdir(), 'galapagos-runs-')),
      },
      stdio: 'ignore',
    },
  );
  for (
    let i = 0;
    !(await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    ));
    i++
  ) {
    if (i > 300) throw new Error('server did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
});

afterAll(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const exit = once(server, 'exit');
    server.kill('SIGTERM');
    await exit;
  }
});

/** A page that records its errors and every request it makes. */
async function openPage(options: { offline?: boolean } = {}) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 1000 },
    ...(options.offline ? { offline: true } : {}),
  });
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('request', (r) => requests.push(r.url()));
  const refused: string[] = [];
  page.on('response', (r) => {
    if (r.status() === 401) refused.push(r.url());
  });
  return { page, errors, requests, refused, close: () => context.close() };
}

const count = (page: Page, selector: string) => page.locator(selector).count();
/** Points drawn on the evaluations-per-second chart: one per generation received. */
const POINTS = '#chart-throughput g.mark-symbol path';

async function submit(run: object): Promise<string> {
  const response = await fetch(`${url}/v1/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify({ run }),
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

describe('the dashboard in Chromium', () => {
  it('asks for the API key, then its charts grow as generations arrive', async () => {
    const generations = 24;
    const id = await submit({
      problem: 'curve-fit',
      population: 16,
      generations,
      seed: 3,
      cost: { ms: 40, mode: 'sleep' },
    });
    const { page, errors, requests, refused, close } = await openPage();
    try {
      await page.goto(`${url}/dashboard#/runs/${id}`);
      // Keys are on: the page asks for one before any data.
      await page.waitForSelector('#key:not([hidden])');
      await page.fill('#key-input', KEY);
      await page.click('#key button');
      // Requests refused before the key was given are expected; none may follow it.
      expect(refused.length).toBeGreaterThan(0);
      refused.length = 0;
      await page.waitForSelector('body[data-view="run"][data-ready="true"]');
      const early = await count(page, POINTS);
      // Still running: more points arrive without reloading.
      await page.waitForFunction(
        `document.querySelectorAll(${JSON.stringify(POINTS)}).length >= ${early + 3}`,
        undefined,
        { timeout: 30_000 },
      );
      await page.screenshot({ path: join(artifacts, 'dashboard-run-live.png') });
      await page.waitForSelector('body[data-status="succeeded"]', { timeout: 60_000 });
      expect(await count(page, POINTS)).toBe(generations + 1);
      expect(await page.getAttribute('body', 'data-generations')).toBe(String(generations + 1));
      expect(early).toBeLessThan(generations + 1);
      // The convergence chart draws max, avg and min, and the best genome is shown.
      expect(await count(page, '#chart-convergence g.mark-line path')).toBe(3);
      expect(await page.textContent('#status')).toMatch(/^succeeded · curve-fit on self/);
      expect(await page.textContent('#best pre')).toMatch(/^\[-?\d/);
      await page.screenshot({ path: join(artifacts, 'dashboard-run-done.png'), fullPage: true });
      // The run list links it.
      await page.goto(`${url}/dashboard#/`);
      await page.waitForSelector(`#runs a[href="#/runs/${id}"]`);
      await page.screenshot({ path: join(artifacts, 'dashboard-list.png') });
      expect(refused).toEqual([]);
      // (The browser also logs those refused requests on the console: counted above.)
      const faults = errors.filter((e) => !e.includes('401 (Unauthorized)'));
      expect(faults, faults.join('\n')).toEqual([]);
      // Everything came from the server itself: no CDN.
      expect(requests.filter((r) => !r.startsWith(url))).toEqual([]);
    } finally {
      await close();
    }
  });
});

describe('the report in Chromium, offline', () => {
  it('renders a run: convergence, throughput, retries, best genome', async () => {
    const out = mkdtempSync(join(tmpdir(), 'galapagos-report-'));
    const config = join(project.dir, 'report.config.json');
    writeFileSync(
      config,
      JSON.stringify({
        run: { problem: 'curve-fit', problems: ['./fitness.ts'], population: 20, generations: 9 },
        targets: { here: { type: 'embedded', workers: 2 } },
      }),
    );
    const html = join(out, 'run.html');
    const r = await runCli(['run', '--config', config, '--report', html]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`report: ${html}`);
    const { page, errors, requests, close } = await openPage({ offline: true });
    try {
      await page.goto(`file://${html}`);
      await page.waitForSelector('body[data-ready="true"]');
      expect(await count(page, '.chart')).toBe(3);
      expect(await count(page, POINTS)).toBe(10);
      expect(await count(page, '#chart-convergence g.mark-line path')).toBe(3);
      await page.screenshot({ path: join(artifacts, 'report.png'), fullPage: true });
      expect(errors).toEqual([]);
      expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
    } finally {
      await close();
    }
  });

  it("shows a multi-objective run's Pareto front from a server run's JSON", async () => {
    const id = await submit({
      problem: 'beam',
      algorithm: { name: 'nsga2' },
      population: 24,
      generations: 8,
      seed: 2,
    });
    let detail: { status: string; hallOfFame: unknown[] };
    for (;;) {
      const response = await fetch(`${url}/v1/runs/${id}`, {
        headers: { authorization: `Bearer ${KEY}` },
      });
      detail = (await response.json()) as typeof detail;
      if (detail.status !== 'queued' && detail.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(detail.status).toBe('succeeded');
    const out = mkdtempSync(join(tmpdir(), 'galapagos-report-'));
    writeFileSync(join(out, 'run.json'), JSON.stringify(detail));
    const html = join(out, 'front.html');
    const r = await runCli(['report', join(out, 'run.json'), '-o', html]);
    expect(r.code, r.stderr).toBe(0);
    const { page, errors, close } = await openPage({ offline: true });
    try {
      await page.goto(`file://${html}`);
      await page.waitForSelector('body[data-ready="true"]');
      expect(await count(page, '#chart-front g.mark-symbol path')).toBe(detail.hallOfFame.length);
      await page.screenshot({ path: join(artifacts, 'report-front.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});
