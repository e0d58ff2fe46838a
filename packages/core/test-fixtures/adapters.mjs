// Shared by the tests that compare a platform adapter (Lambda, Azure, a container) with the
// app itself or with the embedded run: what must match, and a dispatch for small runs.

/** What must match between two replies: status, media type, body (timings zeroed). */
export function comparable(status, type, body) {
  let parsed = body;
  try {
    parsed = JSON.parse(body, (key, value) =>
      key === 'elapsedMs' || key === 'uptime' || key === 'busyMs' ? 0 : value,
    );
  } catch {}
  return { status, type: type?.split(';')[0], body: parsed };
}

/** What must not change between targets, batchings and faults: the logbook and the best. */
export const outcome = (result) => JSON.stringify({ logbook: result.logbook, best: result.best });

/** A dispatch config for small cross-target runs, with overrides. */
export const testDispatch = (over = {}) => ({
  batchSize: 'auto',
  concurrency: 8,
  timeoutMs: 30_000,
  retries: 8,
  cache: true,
  ...over,
});

/** A small multi-objective run (NSGA-II on ZDT1), for targets to carry fitness vectors. */
export const multiObjectiveRun = (over = {}) => ({
  problem: 'zdt1',
  params: { variables: 8 },
  population: 16,
  generations: 4,
  cxpb: 0.9,
  mutpb: 1,
  algorithm: { name: 'nsga2' },
  selection: { name: 'selTournament', tournsize: 3 },
  hallOfFame: 1,
  seed: 5,
  ...over,
});

/** What must not change for a multi-objective run: logbook (hypervolumes included) and front. */
export const frontOutcome = (result) =>
  JSON.stringify({ logbook: result.logbook, front: result.hallOfFame });
