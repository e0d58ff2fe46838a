/**
 * The files the report and the dashboard are made of: Vega and Vega-Lite's browser builds,
 * the charts, the page script, and the SSE parser the dashboard loads. All from this
 * installation, never a CDN.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
// This package resolving itself by name: right from its build and from the bundled CLI alike.
const ASSETS = join(
  dirname(fileURLToPath(import.meta.resolve('@galapagos/server/package.json'))),
  'assets',
);

/** The folder of a package's entry file (its `exports` do not list the browser builds). */
const entryDir = (name: string, from = require) => dirname(from.resolve(name));

const cache = new Map<string, string>();
const text = (path: string): string => {
  let body = cache.get(path);
  if (body === undefined) {
    body = readFileSync(path, 'utf8');
    cache.set(path, body);
  }
  return body;
};

export const vegaScript = () => text(join(entryDir('vega'), 'vega.min.js'));
export const vegaLiteScript = () => text(join(entryDir('vega-lite'), 'vega-lite.min.js'));
export const pageScript = () => text(join(ASSETS, 'page.js'));
export const stylesheet = () => text(join(ASSETS, 'page.css'));

/** `charts.js` as a classic script defining the global `GalapagosCharts`. */
export const chartsScript = () =>
  `var GalapagosCharts = (() => {\n${text(join(ASSETS, 'charts.js')).replace(/^export /gm, '')}\nreturn { runCharts, generationRow, frontRows };\n})();\n`;

/** A file of the SSE parser's ESM build (the dashboard imports it), or undefined. */
export function sseParserFile(name: string): string | undefined {
  if (!/^[a-z-]+\.js$/.test(name)) return undefined;
  const dir = entryDir('eventsource-parser', createRequire(require.resolve('eventsource')));
  try {
    return text(join(dir, name));
  } catch {
    return undefined;
  }
}
