/**
 * The operator catalogue: one entry per operator, with its name, the genome kinds it suits,
 * its parameters (schema, defaults, description) and its implementation. The config schema's
 * unions, the kind checks, the defaults and variation are all derived from it: adding an
 * operator is one entry here (and its implementation in its role's file).
 */
import Type, { type Static, type TLiteral, type TObject, type TProperties } from 'typebox';
import type { Genome, GenomeSpec } from '../genome.js';
import type { Random } from '../random.js';
import {
  cxBlend,
  cxOnePoint,
  cxOrdered,
  cxPartiallyMatched,
  cxSimulatedBinaryBounded,
  cxTwoPoint,
  cxUniform,
  type Sequence,
} from './crossover.js';
import { mutFlipBit, mutGaussian, mutPolynomialBounded, mutShuffleIndexes } from './mutation.js';
import { type Scored, selBest, selRandom, selRoulette, selTournament } from './selection.js';

export type GenomeKind = GenomeSpec['kind'];
const ALL_KINDS: readonly GenomeKind[] = ['binary', 'real', 'permutation'];

const probability = (description: string, defaultValue?: number) =>
  Type.Number({
    minimum: 0,
    maximum: 1,
    description,
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
  });
/** A per-gene probability; without one, 1 / genome length. */
const indpb = Type.Optional(
  probability('Per-gene probability; default 1 / genome length (the usual choice).'),
);

const boundsOf = (spec: GenomeSpec): [number, number] =>
  spec.kind === 'real' ? [spec.low, spec.high] : [0, 0];

/** One operator: `params` are TypeBox properties (with their defaults) besides `name`. */
interface Entry<N extends string, P extends TProperties, F> {
  readonly name: N;
  readonly description: string;
  /** The genome kinds it suits. */
  readonly kinds: readonly GenomeKind[];
  readonly params: P;
  readonly apply: F;
}

type Params<P extends TProperties> = Static<TObject<P>>;

export type SelectionApply<P extends TProperties> = <T extends Scored>(
  individuals: readonly T[],
  k: number,
  params: Params<P>,
  rng: Random,
) => T[];
export type CrossoverApply<P extends TProperties> = (
  a: Genome,
  b: Genome,
  params: Params<P>,
  spec: GenomeSpec,
  rng: Random,
) => [Genome, Genome];
/** Mutations get their `indpb` filled (1 / length unless configured). */
export type MutationApply<P extends TProperties> = (
  genome: Genome,
  params: Params<P> & { indpb: number },
  spec: GenomeSpec,
  rng: Random,
) => Genome;

const selection = <N extends string, P extends TProperties>(
  entry: Entry<N, P, SelectionApply<P>>,
) => entry;
const crossover = <N extends string, P extends TProperties>(
  entry: Entry<N, P, CrossoverApply<P>>,
) => entry;
const mutation = <N extends string, P extends TProperties>(entry: Entry<N, P, MutationApply<P>>) =>
  entry;

export const SELECTIONS = [
  selection({
    name: 'selTournament',
    description: 'Tournaments of `tournsize` random individuals.',
    kinds: ALL_KINDS,
    params: { tournsize: Type.Integer({ minimum: 1, maximum: 1000, default: 3 }) },
    apply: (individuals, k, p, rng) => selTournament(individuals, k, p.tournsize, rng),
  }),
  selection({
    name: 'selRoulette',
    description: 'Fitness-proportionate (maximisation, non-negative fitness only).',
    kinds: ALL_KINDS,
    params: {},
    apply: (individuals, k, _p, rng) => selRoulette(individuals, k, rng),
  }),
  selection({
    name: 'selBest',
    description: 'The best individuals, deterministically.',
    kinds: ALL_KINDS,
    params: {},
    apply: (individuals, k) => selBest(individuals, k),
  }),
  selection({
    name: 'selRandom',
    description: 'Uniformly random individuals.',
    kinds: ALL_KINDS,
    params: {},
    apply: (individuals, k, _p, rng) => selRandom(individuals, k, rng),
  }),
] as const;

export const CROSSOVERS = [
  crossover({
    name: 'cxOnePoint',
    description: 'One cut point (binary, real).',
    kinds: ['binary', 'real'],
    params: {},
    apply: (a, b, _p, _spec, rng) => cxOnePoint(a as Sequence, b as Sequence, rng),
  }),
  crossover({
    name: 'cxTwoPoint',
    description: 'Two cut points (binary, real).',
    kinds: ['binary', 'real'],
    params: {},
    apply: (a, b, _p, _spec, rng) => cxTwoPoint(a as Sequence, b as Sequence, rng),
  }),
  crossover({
    name: 'cxUniform',
    description: 'Uniform: each gene swapped with indpb (binary, real).',
    kinds: ['binary', 'real'],
    params: { indpb: probability('Per-gene swap probability.', 0.5) },
    apply: (a, b, p, _spec, rng) => cxUniform(a as Sequence, b as Sequence, p.indpb, rng),
  }),
  crossover({
    name: 'cxBlend',
    description: 'BLX-alpha blend (real).',
    kinds: ['real'],
    params: { alpha: Type.Number({ minimum: 0, maximum: 10, default: 0.5 }) },
    apply: (a, b, p, spec, rng) =>
      cxBlend(a as number[], b as number[], p.alpha, ...boundsOf(spec), rng),
  }),
  crossover({
    name: 'cxSimulatedBinaryBounded',
    description: 'Bounded SBX (real).',
    kinds: ['real'],
    params: { eta: Type.Number({ minimum: 0, maximum: 1000, default: 20 }) },
    apply: (a, b, p, spec, rng) =>
      cxSimulatedBinaryBounded(a as number[], b as number[], p.eta, ...boundsOf(spec), rng),
  }),
  crossover({
    name: 'cxOrdered',
    description: 'Ordered crossover OX1 (permutation).',
    kinds: ['permutation'],
    params: {},
    apply: (a, b, _p, _spec, rng) => cxOrdered(a as number[], b as number[], rng),
  }),
  crossover({
    name: 'cxPartiallyMatched',
    description: 'Partially matched crossover PMX (permutation).',
    kinds: ['permutation'],
    params: {},
    apply: (a, b, _p, _spec, rng) => cxPartiallyMatched(a as number[], b as number[], rng),
  }),
] as const;

export const MUTATIONS = [
  mutation({
    name: 'mutFlipBit',
    description: 'Flip each bit with indpb (binary).',
    kinds: ['binary'],
    params: { indpb },
    apply: (g, p, _spec, rng) => mutFlipBit(g as string, p.indpb, rng),
  }),
  mutation({
    name: 'mutGaussian',
    description: 'Gaussian noise N(mu, sigma) on each gene with indpb, clamped to bounds (real).',
    kinds: ['real'],
    params: {
      mu: Type.Number({ minimum: -1e9, maximum: 1e9, default: 0 }),
      sigma: Type.Number({ minimum: 0, maximum: 1e9, default: 1 }),
      indpb,
    },
    apply: (g, p, spec, rng) =>
      mutGaussian(g as number[], p.mu, p.sigma, p.indpb, ...boundsOf(spec), rng),
  }),
  mutation({
    name: 'mutPolynomialBounded',
    description: 'Polynomial bounded mutation, eta the crowding degree (real).',
    kinds: ['real'],
    params: { eta: Type.Number({ minimum: 0, maximum: 1000, default: 20 }), indpb },
    apply: (g, p, spec, rng) => {
      const [low, high] = boundsOf(spec);
      return mutPolynomialBounded(g as number[], p.eta, low, high, p.indpb, rng);
    },
  }),
  mutation({
    name: 'mutShuffleIndexes',
    description: 'Swap each position with indpb with another (permutation).',
    kinds: ['permutation'],
    params: { indpb },
    apply: (g, p, _spec, rng) => mutShuffleIndexes(g as number[], p.indpb, rng),
  }),
] as const;

/** What each genome kind gets when the config names no crossover or mutation. */
export const DEFAULT_OPERATORS: Readonly<
  Record<
    GenomeKind,
    {
      crossover: { name: (typeof CROSSOVERS)[number]['name']; [param: string]: unknown };
      mutation: (spec: GenomeSpec) => {
        name: (typeof MUTATIONS)[number]['name'];
        [param: string]: unknown;
      };
    }
  >
> = {
  binary: { crossover: { name: 'cxOnePoint' }, mutation: () => ({ name: 'mutFlipBit' }) },
  real: {
    crossover: { name: 'cxSimulatedBinaryBounded', eta: 20 },
    mutation: () => ({ name: 'mutPolynomialBounded', eta: 20 }),
  },
  permutation: {
    crossover: { name: 'cxOrdered' },
    mutation: (spec) => ({ name: 'mutShuffleIndexes', indpb: Math.min(1, 2 / spec.length) }),
  },
};

type AnyEntry = {
  readonly name: string;
  readonly description: string;
  readonly params: TProperties;
};
type SchemaOf<E> =
  E extends Entry<infer N, infer P, unknown> ? TObject<{ name: TLiteral<N> } & P> : never;
type SchemasOf<L extends readonly AnyEntry[]> = { -readonly [K in keyof L]: SchemaOf<L[K]> };

/** One object schema per entry, `name` its literal: the union a config field takes. */
export function schemasOf<L extends readonly AnyEntry[]>(entries: L): SchemasOf<L> {
  return entries.map((e) =>
    Type.Object(
      { name: Type.Literal(e.name), ...e.params },
      { additionalProperties: false, description: e.description },
    ),
  ) as unknown as SchemasOf<L>;
}

/** Each role's entries by name, indexed on first use. */
const byName = new WeakMap<readonly AnyEntry[], Map<string, AnyEntry>>();

/**
 * The entry of a role with this name (the first, should two share it). Looked up for every
 * crossover and mutation of a generation, so by an index rather than a search.
 */
export function entryOf<L extends readonly AnyEntry[]>(
  entries: L,
  name: string,
): L[number] | undefined {
  let index = byName.get(entries);
  if (index === undefined) {
    index = new Map();
    for (const entry of entries) if (!index.has(entry.name)) index.set(entry.name, entry);
    byName.set(entries, index);
  }
  return index.get(name) as L[number] | undefined;
}

/** The names of a role's operators that suit a genome kind. */
export const namesFor = (
  entries: readonly { name: string; kinds: readonly GenomeKind[] }[],
  kind: GenomeKind,
): string[] => entries.filter((e) => e.kinds.includes(kind)).map((e) => e.name);
