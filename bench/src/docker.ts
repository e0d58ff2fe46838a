/**
 * Suite `docker`: the server image built from deploy/docker/Dockerfile with the real `docker`
 * CLI (a Docker engine, or podman serving its API; see deploy/docker/engine.mjs): image size,
 * and cold start from `docker run` to the first healthy answer (median of 5).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freePort } from '@galapagos/client';
// @ts-expect-error: plain ESM module shared with the tests
import { containerEngine, docker } from '../../deploy/docker/engine.mjs';
import { median, writeResult } from './report.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const IMAGE = 'galapagos-server:bench';
const RUNS = 5;

export async function dockerSuite(): Promise<void> {
  const engine = await containerEngine();
  if (engine.skip) {
    console.log(`docker suite skipped: ${engine.skip}`);
    return;
  }
  try {
    docker(engine, ['build', '-f', `${root}deploy/docker/Dockerfile`, '-t', IMAGE, root]);
    const imageBytes = Number(docker(engine, ['image', 'inspect', '--format', '{{.Size}}', IMAGE]));
    const baseBytes = Number(
      docker(engine, [
        'image',
        'inspect',
        '--format',
        '{{.Size}}',
        'docker.io/library/node:22-bookworm-slim',
      ]),
    );
    const coldStarts: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const port = await freePort();
      const started = performance.now();
      const id = docker(engine, ['run', '-d', '--rm', '-p', `127.0.0.1:${port}:8080`, IMAGE]);
      for (;;) {
        try {
          if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) break;
        } catch {}
        await sleep(10);
      }
      coldStarts.push(performance.now() - started);
      docker(engine, ['stop', id]);
    }
    const figures = {
      engine: engine.kind,
      imageMiB: imageBytes / 2 ** 20,
      baseImageMiB: baseBytes / 2 ** 20,
      appLayersMiB: (imageBytes - baseBytes) / 2 ** 20,
      coldStartToHealthyMs: { median: median(coldStarts), runs: coldStarts },
    };
    console.table({
      image: {
        'size MiB': figures.imageMiB.toFixed(1),
        'base MiB': figures.baseImageMiB.toFixed(1),
        'app layers MiB': figures.appLayersMiB.toFixed(1),
        'cold start to healthy ms': figures.coldStartToHealthyMs.median.toFixed(0),
      },
    });
    console.log(`wrote ${writeResult('docker', { runs: RUNS }, figures)}`);
  } finally {
    await engine.stop();
  }
}
