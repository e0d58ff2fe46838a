/** See adapters.mjs. */
export function comparable(
  status: number,
  type: string | undefined | null,
  body: string,
): { status: number; type: string | undefined; body: unknown };

export function outcome(result: { logbook: unknown; best: unknown }): string;

export interface TestDispatch {
  batchSize: 'auto' | number;
  concurrency: number;
  timeoutMs: number;
  retries: number;
  cache: boolean;
}
export function testDispatch(over?: Partial<TestDispatch>): TestDispatch;

export function multiObjectiveRun(over?: Record<string, unknown>): {
  problem: string;
  params: Record<string, unknown>;
  population: number;
  generations: number;
  cxpb: number;
  mutpb: number;
  algorithm: { name: 'nsga2' };
  selection: { name: 'selTournament'; tournsize: number };
  hallOfFame: number;
  seed: number;
};
export function frontOutcome(result: { logbook: unknown; hallOfFame: unknown }): string;
