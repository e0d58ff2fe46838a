/**
 * `pnpm start` until the client exists: the reference OneMax experiment, evolved in-process
 * with fitness on the worker pool, printing the DEAP-style logbook.
 */
import { evolve } from './engine/evolve.js';
import { createEvaluationPool } from './runtime/pool.js';

const config = {
  problem: 'onemax',
  params: { length: 10 },
  population: 20,
  generations: 5,
  cxpb: 0.9,
  mutpb: 0.1,
  selection: { name: 'selTournament', tournsize: 4 },
  hallOfFame: 3,
  seed: 42,
} as const;

const pool = await createEvaluationPool({ threads: 20 });
const started = performance.now();
const cost = { ms: 100, mode: 'sleep' } as const;
console.log(
  `OneMax reference experiment, ${cost.ms} ms ${cost.mode} per evaluation, ${pool.threads} threads`,
);
console.log('gen\tnevals\tmax\tavg\tmin\tstd');
const result = await evolve(config, {
  evaluate: (genomes, { problem, params, signal }) =>
    pool.evaluate({ problem, params, cost, genomes }, signal ? { signal } : {}),
  onGeneration: (e) => {
    console.log([e.gen, e.nevals, e.max, e.avg.toFixed(2), e.min, e.std.toFixed(3)].join('\t'));
  },
});
await pool.close();
const seconds = (performance.now() - started) / 1000;
console.log(`best: ${String(result.best.genome)} fitness ${result.best.fitness}`);
console.log(
  `${result.evaluations} evaluations in ${result.logbook.length} rounds, ${seconds.toFixed(2)} s (limit ${((result.logbook.length * cost.ms) / 1000).toFixed(2)} s)`,
);
