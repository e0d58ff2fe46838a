/**
 * How many genomes each generation of a run will send, found by running the engine itself
 * with a stand-in fitness (a hash of the genome: the same operators, the same invalidations,
 * elitism and all) and counting, as the dispatcher's cache does, the genomes not seen before.
 * Selection follows the stand-in, not the real fitness, so the counts are those of a run of
 * the same shape. Engine time only: no evaluation is sent.
 */
import {
  type EngineConfig,
  evolve,
  type Fitness,
  type Genome,
  genomeKey,
  type ProblemRegistry,
} from '@galapagos/core';

/** A fitness in [0, 1) from the genome's key (FNV-1a), one per objective. */
function standIn(genome: Genome, objectives: number): Fitness {
  const key = genomeKey(genome);
  const value = (salt: number) => {
    let h = (0x811c9dc5 ^ salt) >>> 0;
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
    return h / 4294967296;
  };
  return objectives > 1 ? Array.from({ length: objectives }, (_, i) => value(i)) : value(0);
}

/** Genomes each generation sends (after the cache, when `cache`), and evaluations asked. */
export async function simulateSends(
  config: EngineConfig,
  registry: ProblemRegistry,
  options: { readonly cache: boolean; readonly evaluations?: number | undefined },
): Promise<{ sent: number[]; asked: number[] }> {
  const { cache } = options;
  // Every generation runs (stop rules follow the real fitness), or until N evaluations.
  const { stop: _stop, ...rest } = config;
  const shape =
    options.evaluations === undefined
      ? rest
      : { ...rest, generations: 1_000_000, stop: { evaluations: options.evaluations } };
  const objectives =
    registry.resolve(config.problem, config.params).instance.objectives?.length ?? 1;
  const seen = new Set<string>();
  const sent: number[] = [];
  const asked: number[] = [];
  await evolve(shape, {
    registry,
    evaluate: (genomes) => {
      let fresh = 0;
      for (const g of genomes) {
        const key = genomeKey(g);
        if (!cache || !seen.has(key)) fresh++;
        seen.add(key);
      }
      sent.push(fresh);
      asked.push(genomes.length);
      return genomes.map((g) => standIn(g, objectives));
    },
  });
  return { sent, asked };
}
