// Bundles the CLI (`dist/galapagos.mjs`, the package's bin) with esbuild: one file loads in a
// fraction of the time Node takes to resolve and read the module graph (TypeBox alone is some
// 700 files), which every command paid at start. Left out: what is loaded only by the command
// or target that needs it (the server, the AWS SDK, BullMQ, Vega), and what locates files
// beside itself (piscina's worker, esbuild's binary). The pool's worker bundle is copied
// beside it, where the bundled pool looks for it.
import { copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
await build({
  entryPoints: [join(dist, 'index.js')],
  outfile: join(dist, 'galapagos.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  external: [
    '@galapagos/server',
    '@galapagos/server/*',
    '@aws-sdk/*',
    'bullmq',
    'ioredis',
    'vega',
    'vega-lite',
    'esbuild',
    'piscina',
  ],
  // Bundled CommonJS packages call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __galapagosRequire } from 'node:module'; const require = __galapagosRequire(import.meta.url);",
  },
});
const runtime = dirname(fileURLToPath(import.meta.resolve('@galapagos/core/runtime')));
copyFileSync(join(runtime, 'worker.bundle.cjs'), join(dist, 'worker.bundle.cjs'));
