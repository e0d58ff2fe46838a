/**
 * The CLI process's heap policy, set before anything else runs. After each full collection V8
 * lets the old generation grow up to about four times what survived it before collecting
 * again. What survives in a run is mostly a population that is garbage a generation later, so
 * a large run's peak RSS was that factor times its population: 1,000,000 × OneMax 100 (three
 * generations, embedded) peaked at 1.3–1.6 GB with 260–400 MB live. Growing by at most 2×
 * it peaked at 0.9–1.1 GB, and small runs measured no slower. Only the `galapagos` process
 * does this: the library never changes the flags of a process it is loaded into.
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--heap-growing-percent=100');
