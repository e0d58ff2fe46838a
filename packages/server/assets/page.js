/*
 * The page of a run: the HTML report (data inlined, no network) and the server's dashboard
 * (runs listed, one run live over Server-Sent Events). A classic script: it uses the globals
 * `vega`, `vegaLite` and `GalapagosCharts` loaded before it, and `window.GALAPAGOS_PAGE`:
 *   { mode: 'report' }     the run is the JSON in <script id="galapagos-run">
 *   { mode: 'dashboard' }  the run API of the server that serves the page
 * Tests read `document.body.dataset` (ready, generations, status).
 */
(() => {
  const settings = window.GALAPAGOS_PAGE ?? { mode: 'report' };
  const $ = (selector) => document.querySelector(selector);
  const el = (tag, attributes = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    for (const child of children)
      node.append(typeof child === 'string' ? document.createTextNode(child) : child);
    return node;
  };
  const num = (x) =>
    typeof x !== 'number'
      ? String(x)
      : Number.isInteger(x)
        ? String(x)
        : x.toPrecision(6).replace(/\.?0+$/, '');
  const fitness = (f) => (Array.isArray(f) ? `[${f.map(num).join(', ')}]` : num(f));
  const genomeText = (g) => {
    if (typeof g === 'string') return g.length > 400 ? `${g.slice(0, 400)}… (${g.length} bits)` : g;
    if (!Array.isArray(g)) return '';
    const shown = g.slice(0, 60).map(num).join(', ');
    return `[${shown}${g.length > 60 ? `, … (${g.length} genes)` : ''}]`;
  };

  /** Renders one chart into `container`; resolves with its Vega view. */
  async function mount(container, chart) {
    const compiled = vegaLite.compile(chart.spec).spec;
    const view = new vega.View(vega.parse(compiled), {
      renderer: 'svg',
      container,
      hover: true,
    });
    for (const [name, rows] of Object.entries(chart.datasets)) view.insert(name, rows);
    await view.runAsync();
    return view;
  }

  /** The panels of one run: heading, charts, best genome. Returns what updates them. */
  async function runPanels(root, run) {
    root.replaceChildren();
    const heading = el('h1', {}, run.title);
    const status = el('p', { id: 'status' }, run.subtitle);
    const grid = el('div', { class: 'charts' });
    const best = el('section', { id: 'best' });
    root.append(heading, status, grid, best);
    const charts = GalapagosCharts.runCharts(run);
    const views = new Map();
    for (const chart of charts) {
      const box = el('figure', { id: `chart-${chart.id}`, class: 'chart' });
      grid.append(box);
      views.set(chart.id, await mount(box, chart));
    }
    const showBest = (individual) => {
      best.replaceChildren(
        el('h2', {}, run.objectives ? 'Best in the first objective' : 'Best individual'),
        el('p', {}, `fitness ${individual ? fitness(individual.fitness) : '–'}`),
        el('pre', { class: 'genome' }, individual ? genomeText(individual.genome) : ''),
      );
    };
    showBest(run.best);
    document.body.dataset.generations = String(run.logbook.length);
    return {
      status,
      showBest,
      async addGeneration(entry, stats) {
        const row = GalapagosCharts.generationRow(entry, stats);
        for (const id of ['convergence', 'throughput', 'retries']) {
          const view = views.get(id);
          if (view) await view.insert('generations', [row]).runAsync();
        }
        run.logbook.push(entry);
        document.body.dataset.generations = String(run.logbook.length);
      },
      async setFront(front) {
        const view = views.get('front');
        if (!view) return;
        await view
          .remove('front', () => true)
          .insert('front', GalapagosCharts.frontRows(front))
          .runAsync();
      },
    };
  }

  async function report() {
    const run = JSON.parse($('#galapagos-run').textContent);
    await runPanels($('#app'), run);
    document.body.dataset.status = run.status ?? 'finished';
    document.body.dataset.ready = 'true';
  }

  // --- dashboard --------------------------------------------------------------------------

  const KEY = 'galapagos-api-key';
  const headers = () => {
    const key = sessionStorage.getItem(KEY);
    return key ? { authorization: `Bearer ${key}` } : {};
  };
  async function api(path) {
    const response = await fetch(path, { headers: headers() });
    if (response.status === 401) {
      askKey('This server needs an API key.');
      throw new Error('unauthorized');
    }
    const body = await response.json();
    if (!response.ok) throw new Error(`${body.code}: ${body.message}`);
    return body;
  }
  function askKey(message) {
    const form = $('#key');
    form.hidden = false;
    $('#key-message').textContent = message;
  }
  function keyForm() {
    const form = $('#key');
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      sessionStorage.setItem(KEY, $('#key-input').value.trim());
      form.hidden = true;
      route();
    });
  }

  const viewOf = (detail) => ({
    title: `Run ${detail.id}`,
    subtitle: statusLine(detail),
    logbook: [...detail.logbook],
    stats: detail.stats,
    objectives: detail.objectives,
    front: detail.objectives ? detail.hallOfFame.map((i) => i.fitness) : undefined,
    best: detail.bestIndividual,
  });
  const statusLine = (s) =>
    `${s.status} · ${s.problem} on ${s.target} · seed ${s.seed} · generation ${Math.max(s.generation, 0)} of ${s.generations}${s.error ? ` · ${s.error.code}: ${s.error.message}` : ''}`;

  let leave = () => {};
  async function listRuns(root) {
    document.body.dataset.view = 'list';
    const table = el('table', { id: 'runs' });
    root.replaceChildren(el('h1', {}, 'Runs'), table);
    const refresh = async () => {
      const runs = await api('/v1/runs');
      table.replaceChildren(
        el(
          'tr',
          {},
          ...['run', 'status', 'problem', 'target', 'generation', 'best', 'submitted'].map((h) =>
            el('th', {}, h),
          ),
        ),
        ...runs
          .slice()
          .reverse()
          .map((r) =>
            el(
              'tr',
              { 'data-status': r.status },
              el('td', {}, el('a', { href: `#/runs/${r.id}` }, r.id)),
              el('td', {}, r.status),
              el('td', {}, r.problem),
              el('td', {}, r.target),
              el('td', {}, `${Math.max(r.generation, 0)} / ${r.generations}`),
              el('td', {}, r.best === undefined ? '–' : fitness(r.best)),
              el('td', {}, new Date(r.createdAt).toLocaleString()),
            ),
          ),
      );
      document.body.dataset.runs = String(runs.length);
      document.body.dataset.ready = 'true';
    };
    await refresh();
    const timer = setInterval(() => refresh().catch(() => {}), 2000);
    leave = () => clearInterval(timer);
  }

  /** Follows a run's events with fetch (so the API key travels as a header), resuming after drops. */
  async function follow(id, after, onEvent, signal) {
    const { createParser } = await import('/dashboard/lib/eventsource-parser/index.js');
    let last = after;
    while (!signal.aborted) {
      let ended = false;
      try {
        const response = await fetch(`/v1/runs/${id}/events`, {
          headers: { ...headers(), accept: 'text/event-stream', 'last-event-id': String(last) },
          signal,
        });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        let queue = Promise.resolve();
        const parser = createParser({
          onEvent: (event) => {
            if (event.id !== undefined) last = Number(event.id);
            if (event.event === 'end') ended = true;
            queue = queue.then(() => onEvent(event.event, JSON.parse(event.data)));
          },
        });
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          parser.feed(value);
        }
        await queue;
      } catch {
        if (signal.aborted) return;
      }
      if (ended) return;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  async function showRun(root, id) {
    document.body.dataset.view = 'run';
    document.body.dataset.ready = 'false';
    const detail = await api(`/v1/runs/${id}`);
    const panels = await runPanels(root, viewOf(detail));
    root.prepend(el('p', {}, el('a', { href: '#/' }, '← all runs')));
    document.body.dataset.status = detail.status;
    document.body.dataset.ready = 'true';
    const controller = new AbortController();
    leave = () => controller.abort();
    let refreshed = 0;
    const refreshDetail = async (force) => {
      if (!force && performance.now() - refreshed < 1000) return;
      refreshed = performance.now();
      const now = await api(`/v1/runs/${id}`);
      panels.status.textContent = statusLine(now);
      panels.showBest(now.bestIndividual);
      if (now.objectives) await panels.setFront(now.hallOfFame.map((i) => i.fitness));
      return now;
    };
    await follow(
      id,
      detail.logbook.length - 1,
      async (event, data) => {
        if (event === 'generation') {
          await panels.addGeneration(data.entry, data.stats);
          await refreshDetail(false);
        } else if (event === 'end') {
          const now = await refreshDetail(true);
          document.body.dataset.status = now.status;
        }
      },
      controller.signal,
    );
  }

  function route() {
    leave();
    const match = /^#\/runs\/([a-z0-9]+)$/.exec(location.hash);
    const root = $('#app');
    (match ? showRun(root, match[1]) : listRuns(root)).catch((error) => {
      if (error.message !== 'unauthorized')
        root.replaceChildren(el('p', { class: 'error' }, String(error.message ?? error)));
    });
  }

  const main =
    settings.mode === 'dashboard'
      ? () => {
          keyForm();
          window.addEventListener('hashchange', route);
          route();
        }
      : () =>
          report().catch((error) => {
            $('#app').replaceChildren(el('p', { class: 'error' }, String(error.message ?? error)));
          });
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', main);
  else main();
})();
