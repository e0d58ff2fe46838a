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
