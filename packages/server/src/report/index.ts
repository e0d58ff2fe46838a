/**
 * `@galapagos/server/report`: a run's report (self-contained HTML, or an SVG of its
 * convergence) from a result, a checkpoint or a run's record. The dashboard is made of the
 * same pieces.
 */
export { reportHtml } from './html.js';
export { convergenceSvg } from './svg.js';
export { type ReportView, reportView } from './view.js';
