// The two worker-thread files a bundled server needs beside its entry: piscina's own worker
// (piscina starts `<dir of the bundle>/worker.js`, CommonJS) and @galapagos/core's evaluation
// worker (`worker.bundle.cjs`). Used by the Lambda and Azure packaging.
import { copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

const fromServer = createRequire(new URL('../package.json', import.meta.url));
const coreDir = dirname(fromServer.resolve('@galapagos/core/package.json'));
const fromCore = createRequire(join(coreDir, 'package.json'));

/** Writes `worker.js` and `worker.bundle.cjs` into `outdir`. */
export async function bundleWorkers(outdir) {
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
    outfile: join(outdir, 'worker.js'),
  });
  copyFileSync(join(coreDir, 'dist/runtime/worker.bundle.cjs'), join(outdir, 'worker.bundle.cjs'));
}

/**
 * Banner for an ESM bundle of the server: bundled CommonJS dependencies (piscina, fastify's)
 * expect `require`, `__filename` and `__dirname`.
 */
export const esmBanner =
  "import { createRequire as __galapagosRequire } from 'node:module'; import { fileURLToPath as __galapagosPath } from 'node:url'; import { dirname as __galapagosDir } from 'node:path'; const require = __galapagosRequire(import.meta.url); const __filename = __galapagosPath(import.meta.url); const __dirname = __galapagosDir(__filename);";
