/** A chart of a run as a static SVG file (`--svg`), rendered by Vega in Node. */
import { runCharts } from '../../assets/charts.js';
import type { ReportView } from './view.js';

/** The convergence chart (max, avg, min and the std band) as SVG text. */
export async function convergenceSvg(view: ReportView): Promise<string> {
  const [{ compile }, vega] = await Promise.all([import('vega-lite'), import('vega')]);
  const chart = runCharts(view).find((c) => c.id === 'convergence')!;
  const spec = compile(chart.spec as never).spec;
  const rendered = new vega.View(vega.parse(spec), { renderer: 'none' });
  for (const [name, rows] of Object.entries(chart.datasets))
    rendered.insert(name, rows as object[]);
  const svg = await rendered.toSVG();
  rendered.finalize();
  return svg;
}
