/**
 * The HTML of a run: the self-contained report (every script and the data inlined, so it
 * opens with no network) and the server's dashboard page (scripts served by the server).
 */
import {
  chartsScript,
  pageScript,
  sseParserFile,
  stylesheet,
  vegaLiteScript,
  vegaScript,
} from './assets.js';
import type { ReportView } from './view.js';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** JSON inside a <script> element: `<` escaped so no `</script>` can end it early. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/** An inline script; `</script` inside a library's text is broken so the element holds. */
const inline = (code: string) => `<script>${code.replace(/<\/script/gi, '<\\/script')}</script>`;

export function reportHtml(view: ReportView): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="galapagos">
<title>${escapeHtml(view.title)}</title>
<style>${stylesheet()}</style>
</head><body>
<main id="app"><h1>${escapeHtml(view.title)}</h1><p>${escapeHtml(view.subtitle)}</p></main>
<script type="application/json" id="galapagos-run">${scriptJson(view)}</script>
${inline(vegaScript())}
${inline(vegaLiteScript())}
${inline(chartsScript())}
${inline('window.GALAPAGOS_PAGE = { mode: "report" };')}
${inline(pageScript())}
</body></html>
`;
}

export function dashboardHtml(version: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Galápagos runs</title>
<link rel="stylesheet" href="/dashboard/page.css">
</head><body>
<form id="key" hidden><span id="key-message"></span>
<input id="key-input" type="password" autocomplete="off" placeholder="API key">
<button type="submit">Use key</button></form>
<main id="app"><p>Loading…</p></main>
<footer><p><small>Galápagos ${escapeHtml(version)} · <a href="/docs">API</a></small></p></footer>
<script src="/dashboard/vega.min.js"></script>
<script src="/dashboard/vega-lite.min.js"></script>
<script src="/dashboard/charts.js"></script>
<script>window.GALAPAGOS_PAGE = { mode: "dashboard" };</script>
<script src="/dashboard/page.js"></script>
</body></html>
`;
}

/** A file under `/dashboard/`, or undefined. */
export function dashboardFile(
  name: string,
  version: string,
): { type: string; body: string } | undefined {
  const js = 'text/javascript; charset=utf-8';
  switch (name) {
    case '':
      return { type: 'text/html; charset=utf-8', body: dashboardHtml(version) };
    case 'vega.min.js':
      return { type: js, body: vegaScript() };
    case 'vega-lite.min.js':
      return { type: js, body: vegaLiteScript() };
    case 'charts.js':
      return { type: js, body: chartsScript() };
    case 'page.js':
      return { type: js, body: pageScript() };
    case 'page.css':
      return { type: 'text/css; charset=utf-8', body: stylesheet() };
    default: {
      const parser = /^lib\/eventsource-parser\/([a-z-]+\.js)$/.exec(name)?.[1];
      const body = parser === undefined ? undefined : sseParserFile(parser);
      return body === undefined ? undefined : { type: js, body };
    }
  }
}
