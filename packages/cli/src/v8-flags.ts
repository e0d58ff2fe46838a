/**
 * The `galapagos` process's V8 settings, set before anything else runs. Only the CLI does
 * this: the library never changes the flags of a process it is loaded into.
 */
import { setFlagsFromString } from 'node:v8';

/*
 * Heap growth. After each full collection V8 lets the old generation grow up to about four
 * times what survived it before collecting again. What survives in a run is mostly a
 * population that is garbage a generation later, so a large run's peak RSS was that factor
 * times its population: 1,000,000 × OneMax 100 (three generations, embedded) peaked at
 * 1.3–1.6 GB with 260–400 MB live. Growing by at most 2× it peaked at 0.9–1.1 GB, and small
 * runs measured no slower.
 */
setFlagsFromString('--heap-growing-percent=100');

/*
 * WebAssembly tier-up. The HTTP client parses replies with llhttp compiled to WebAssembly.
 * Its parser is one 33 KB function that V8 recompiled with its optimising compiler after
 * about 20 replies of 3 KB: 140–200 ms of CPU and 40 MB of compiler memory on a background
 * thread, in the middle of a run that takes as long, on a machine whose cores the run and a
 * local server already share (the overhead run from the CLI, interleaved: +32–57 % without
 * it). A function now runs 100× longer in the baseline compiler's code before it is
 * optimised: a long run still optimises the parser, and a user's own WebAssembly fitness (on
 * the embedded target it runs in this process's threads) is optimised after some 10 ms of
 * its work (a summing loop: 5–11 ms in the baseline code, against 0.1 ms before).
 */
setFlagsFromString('--wasm-tiering-budget=180000000');
