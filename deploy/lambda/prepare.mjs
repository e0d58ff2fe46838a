// Puts the two worker-thread files the bundled handler needs beside it: piscina's own worker
// (piscina starts `<dir of the bundle>/worker.js`) and the evaluation worker of
// @galapagos/core (`worker.bundle.mjs`). serverless.yml packages both next to handler.mjs.
import { copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

const here = dirname(new URL(import.meta.url).pathname);
const fromServer = createRequire(
  createRequire(join(here, 'package.json')).resolve('@galapagos/server/package.json'),
);
const coreDir = dirname(fromServer.resolve('@galapagos/core/package.json'));
const fromCore = createRequire(join(coreDir, 'package.json'));

await build({
  entryPoints: [join(dirname(fromCore.resolve('piscina')), 'worker.js')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: true,
  logLevel: 'warning',
  // Optional in piscina (thread niceness), loaded in a try/catch: not shipped.
  external: ['@napi-rs/nice'],
  outfile: join(here, 'worker.js'),
});
copyFileSync(join(coreDir, 'dist/runtime/worker.bundle.mjs'), join(here, 'worker.bundle.mjs'));
