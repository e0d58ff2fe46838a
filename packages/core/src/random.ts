/**
 * Seeded pseudo-random numbers: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator),
 * whose whole state is four unsigned 32-bit integers and therefore plain JSON.
 *
 * Nothing in core uses `Math.random`; every random decision takes a {@link Random} explicitly.
 */

/** The JSON form of a generator: four unsigned 32-bit integers. */
export type RandomState = readonly [number, number, number, number];

const TWO_POW_32 = 4294967296;

/** Spreads a seed (any safe integer) over four state words with splitmix32. */
export function seedState(seed: number): RandomState {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  let s = (seed >>> 0) ^ Math.floor(seed / TWO_POW_32) ^ 0x9e3779b9;
  const next = (): number => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  const random = new Random([next(), next(), next(), next()]);
  // Discard the first outputs so that close seeds diverge fully.
  for (let i = 0; i < 16; i++) random.nextUint32();
  return random.state();
}

/** True when `value` is a valid {@link RandomState}. */
export function isRandomState(value: unknown): value is RandomState {
  return (
    Array.isArray(value) &&
    value.length === 4 &&
    value.every((w) => Number.isInteger(w) && w >= 0 && w < TWO_POW_32)
  );
}

/**
 * A generator over an explicit state. It mutates itself as it draws; call {@link Random.state}
 * to write the state back into JSON.
 */
/**
 * Makes {@link Random.bitString}'s string from its character codes: ASCII bytes decode to a
 * one-byte string of the same length, one byte per bit (spreading the codes into
 * `String.fromCharCode` took an 8-byte argument per bit, and joined a rope of chunks).
 */
const ascii = new TextDecoder();

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(state: RandomState) {
    [this.a, this.b, this.c, this.d] = state;
  }

  /** A generator seeded from an integer. */
  static fromSeed(seed: number): Random {
    return new Random(seedState(seed));
  }

  /** The current state as JSON-safe data. */
  state(): RandomState {
    return [this.a >>> 0, this.b >>> 0, this.c >>> 0, this.d >>> 0];
  }

  /** A uniform unsigned 32-bit integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /**
   * `length` characters, each `'0'` when its draw's {@link next} is below 0.5 (its top bit
   * clear) and `'1'` otherwise, as one flat string: the same draws as `length` calls of
   * `next()`, in one loop over the state (a random genome would otherwise make two calls per
   * bit, slow in the code a fresh process runs before it is optimised).
   */
  bitString(length: number): string {
    let { a, b, c, d } = this;
    // Character codes ('0' is 48), decoded into one string at the end.
    const codes = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      // nextUint32, inlined.
      const t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = ((c << 21) | (c >>> 11)) + t;
      c |= 0;
      codes[i] = 48 + (t >>> 31);
    }
    [this.a, this.b, this.c, this.d] = [a, b, c, d];
    return ascii.decode(codes);
  }

  /** A uniform float in [0, 1) with 32 bits of resolution. */
  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** A uniform integer in [0, n). `n` must be a positive integer below 2^32. */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A uniform integer in [low, high], both ends included (Python's `randint`). */
  intBetween(low: number, high: number): number {
    return low + this.int(high - low + 1);
  }

  /** A uniform float in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** A normal deviate (Box–Muller; one value per two draws, so the state stays four words). */
  normal(mu = 0, sigma = 1): number {
    const u = 1 - this.next();
    const v = this.next();
    return mu + sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /**
   * Distance to the next success in a run of Bernoulli(p) trials, so that "each of n genes
   * independently with probability p" costs one draw per chosen gene instead of one per gene.
   */
  geometricSkip(p: number): number {
    if (p >= 1) return 0;
    if (p <= 0) return Number.POSITIVE_INFINITY;
    return Math.floor(Math.log(1 - this.next()) / Math.log1p(-p));
  }
}

/**
 * Calls `visit(i)` for each index in [0, length) chosen independently with probability `p`,
 * in increasing order: the same distribution as testing `random() < p` for every index.
 */
export function forEachChosen(
  length: number,
  p: number,
  rng: Random,
  visit: (index: number) => void,
): void {
  for (let i = rng.geometricSkip(p); i < length; i += 1 + rng.geometricSkip(p)) visit(i);
}
