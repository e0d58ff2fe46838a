/** Types of `charts.js` (plain JavaScript, so browsers load it as it is). */
export interface ChartLogbookEntry {
  readonly gen: number;
  readonly nevals: number;
  readonly max: number;
  readonly avg: number;
  readonly min: number;
  readonly std: number;
}
export interface ChartStats {
  readonly gen: number;
  readonly evalsPerSecond: number;
  readonly retries: number;
}
export interface ChartView {
  readonly logbook: readonly ChartLogbookEntry[];
  readonly stats?: readonly ChartStats[];
  readonly front?: readonly (readonly number[])[];
  readonly objectives?: readonly ('max' | 'min')[];
}
export interface Chart {
  readonly id: 'convergence' | 'throughput' | 'retries' | 'front';
  readonly spec: Record<string, unknown>;
  readonly datasets: Record<string, readonly Record<string, unknown>[]>;
}
export function generationRow(entry: ChartLogbookEntry, stats?: ChartStats): Record<string, number>;
export function frontRows(front: readonly (readonly number[])[]): { f1: number; f2: number }[];
export function convergenceSpec(): Record<string, unknown>;
export function throughputSpec(): Record<string, unknown>;
export function retriesSpec(): Record<string, unknown>;
export function frontSpec(objectives?: readonly ('max' | 'min')[]): Record<string, unknown>;
export function runCharts(view: ChartView): Chart[];
