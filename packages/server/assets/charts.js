/**
 * The charts of a run as Vega-Lite specs, shared by the HTML report, the server's dashboard
 * and `--svg`. Plain JavaScript without imports: browsers load it as it is (the report inlines
 * it), Node imports it. Each spec reads a named dataset, so a live page inserts rows as
 * generations arrive:
 *   generations: { gen, nevals, max, avg, min, std, lo, hi, evalsPerSecond?, retries? }
 *   front:       { f1, f2 } (multi-objective runs)
 */

const WIDTH = 500;
const HEIGHT = 260;
/** Generations are whole numbers. */
const GEN = {
  field: 'gen',
  type: 'quantitative',
  title: 'generation',
  axis: { format: 'd', tickMinStep: 1 },
};

/** One row of the `generations` dataset from a logbook entry and that generation's stats. */
export function generationRow(entry, stats) {
  return {
    gen: entry.gen,
    nevals: entry.nevals,
    max: entry.max,
    avg: entry.avg,
    min: entry.min,
    std: entry.std,
    lo: entry.avg - entry.std,
    hi: entry.avg + entry.std,
    ...(stats ? { evalsPerSecond: stats.evalsPerSecond, retries: stats.retries } : {}),
  };
}

/** The `front` dataset: the first two objectives of each fitness vector. */
export function frontRows(front) {
  return front
    .filter((f) => Array.isArray(f) && f.length >= 2)
    .map((f) => ({ f1: f[0], f2: f[1] }));
}

const base = (title) => ({
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  title,
  width: WIDTH,
  height: HEIGHT,
  data: { name: 'generations' },
  // Axes re-measured on every update: live rows may widen the labels.
  autosize: { type: 'pad', resize: true },
  config: { font: 'system-ui, sans-serif', view: { stroke: null } },
});

/** max, avg and min per generation, with avg ± std as a band. */
export function convergenceSpec() {
  return {
    ...base('Convergence'),
    layer: [
      {
        mark: { type: 'area', opacity: 0.2, color: '#4c78a8' },
        encoding: {
          x: GEN,
          y: { field: 'lo', type: 'quantitative', title: 'fitness' },
          y2: { field: 'hi' },
        },
      },
      {
        transform: [{ fold: ['max', 'avg', 'min'], as: ['statistic', 'fitness'] }],
        mark: { type: 'line', point: false },
        encoding: {
          x: GEN,
          y: { field: 'fitness', type: 'quantitative', title: 'fitness', scale: { zero: false } },
          color: {
            field: 'statistic',
            type: 'nominal',
            sort: ['max', 'avg', 'min'],
            scale: { domain: ['max', 'avg', 'min'], range: ['#e45756', '#4c78a8', '#54a24b'] },
            legend: { orient: 'top', title: null },
          },
        },
      },
    ],
  };
}

export function throughputSpec() {
  return {
    ...base('Evaluations per second'),
    transform: [{ filter: 'isValid(datum.evalsPerSecond)' }],
    mark: { type: 'line', point: true, color: '#f58518' },
    encoding: {
      x: GEN,
      y: { field: 'evalsPerSecond', type: 'quantitative', title: 'evaluations / s' },
    },
  };
}

export function retriesSpec() {
  return {
    ...base('Retries'),
    transform: [{ filter: 'isValid(datum.retries)' }],
    mark: { type: 'bar', color: '#b279a2' },
    encoding: {
      x: GEN,
      y: {
        field: 'retries',
        type: 'quantitative',
        title: 'requests sent again',
        axis: { format: 'd', tickMinStep: 1 },
        scale: { domain: { unionWith: [0, 1] } },
      },
    },
  };
}

/** The Pareto front found, in the first two objectives. */
export function frontSpec(objectives) {
  const label = (i) => `objective ${i + 1} (${objectives?.[i] ?? 'max'})`;
  return {
    ...base('Pareto front'),
    data: { name: 'front' },
    mark: { type: 'point', filled: true, color: '#e45756' },
    encoding: {
      x: { field: 'f1', type: 'quantitative', title: label(0), scale: { zero: false } },
      y: { field: 'f2', type: 'quantitative', title: label(1), scale: { zero: false } },
    },
  };
}

/**
 * Every chart of a run: `view` is { logbook, stats?, front?, objectives? }. Each is
 * { id, spec, datasets } with the rows it starts with.
 */
export function runCharts(view) {
  const stats = new Map((view.stats ?? []).map((s) => [s.gen, s]));
  const rows = (view.logbook ?? []).map((e) => generationRow(e, stats.get(e.gen)));
  const charts = [{ id: 'convergence', spec: convergenceSpec(), datasets: { generations: rows } }];
  if (view.stats) {
    charts.push({ id: 'throughput', spec: throughputSpec(), datasets: { generations: rows } });
    charts.push({ id: 'retries', spec: retriesSpec(), datasets: { generations: rows } });
  }
  if (view.objectives && view.objectives.length >= 2)
    charts.push({
      id: 'front',
      spec: frontSpec(view.objectives),
      datasets: { front: frontRows(view.front ?? []) },
    });
  return charts;
}
