import type { Genome, GenomeSpec } from '../genome.js';

/**
 * A chunk of genomes in the form that crosses to a worker thread cheaply: bit strings joined
 * into one string, number arrays copied into one transferable Float64Array. Structured
 * cloning one string or one buffer is far cheaper than cloning thousands of small values.
 */
export type PackedGenomes =
  | { readonly kind: 'bits'; readonly length: number; readonly data: string }
  | { readonly kind: 'numbers'; readonly length: number; readonly data: Float64Array };

/** Packs validated genomes of `spec` (all of length `spec.length`). */
export function packGenomes(spec: GenomeSpec, genomes: readonly Genome[]): PackedGenomes {
  if (spec.kind === 'binary')
    return { kind: 'bits', length: spec.length, data: (genomes as string[]).join('') };
  const data = new Float64Array(genomes.length * spec.length);
  for (let i = 0; i < genomes.length; i++) data.set(genomes[i] as number[], i * spec.length);
  return { kind: 'numbers', length: spec.length, data };
}

/** The number of genomes in a pack. */
export const packedCount = (pack: PackedGenomes): number =>
  pack.length === 0 ? 0 : pack.data.length / pack.length;

/** The i-th genome of a pack, in its wire form. */
export function unpackGenome(pack: PackedGenomes, i: number): Genome {
  const from = i * pack.length;
  if (pack.kind === 'bits') return pack.data.slice(from, from + pack.length);
  return Array.from(pack.data.subarray(from, from + pack.length));
}
