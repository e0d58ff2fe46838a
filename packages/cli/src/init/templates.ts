/** The files `galapagos init` writes: a small real problem, its config and a README. */

export const FITNESS_TS = `/**
 * Your fitness function. Galápagos bundles this module (with the npm packages and local files
 * it imports) and evaluates it wherever the run's target is: in this process, on a local
 * server, in a container, on AWS Lambda or Azure. Every target runs the very same code: the
 * client compares fingerprints before the first batch.
 *
 * This example fits a polynomial to measured points: find the coefficients whose curve passes
 * closest to them (least squares). Replace the data, or the whole problem, with your own.
 */
import { defineProblem } from '@galapagos/core';

/** Measured (x, y) points; here a noisy 0.5x² - 2x + 1. Import a JSON file for real data. */
const points: [number, number][] = [
  [-3, 11.6], [-2, 7.1], [-1, 3.4], [0, 1.1], [1, -0.6], [2, -0.9], [3, 0.4], [4, 1.1], [5, 3.4],
];

/** The value of the polynomial with these coefficients (highest power first) at x. */
const polynomial = (coefficients: number[], x: number) =>
  coefficients.reduce((sum, c) => sum * x + c, 0);

export const problems = [
  defineProblem({
    // The id the config and the command line use: lowercase letters, digits and dashes.
    id: 'curve-fit',
    title: 'Curve fit',
    description: 'Polynomial coefficients that fit the measured points (least squares).',
    // Parameters as JSON Schema, each with a default ('galapagos run --params {"degree":3}').
    params: {
      type: 'object',
      properties: { degree: { type: 'integer', minimum: 0, maximum: 8, default: 2 } },
      additionalProperties: false,
    },
    instantiate: (params) => {
      const degree = params.degree as number;
      return {
        // One real gene per coefficient, each within [low, high].
        genome: { kind: 'real', length: degree + 1, low: -10, high: 10 },
        // Smaller is better: the sum of squared errors.
        objective: 'min',
        // A pure function of the genome. It may be async (await a simulator, a file, an HTTP
        // call); an external program can be the fitness too: see defineCommandProblem in
        // @galapagos/core/runtime.
        fitness: (genome) => {
          let error = 0;
          for (const [x, y] of points) error += (polynomial(genome as number[], x) - y) ** 2;
          return error;
        },
      };
    },
  }),
];
`;

export const CONFIG = {
  $schema: './node_modules/@galapagos/client/schema/galapagos.config.schema.json',
  run: {
    problem: 'curve-fit',
    problems: ['./fitness.ts'],
    population: 60,
    generations: 40,
    seed: 1,
  },
  dispatch: { batchSize: 'auto', concurrency: 32 },
  targets: {
    embedded: {
      type: 'embedded',
      description: 'In this process, on one worker thread per core.',
    },
    local: {
      type: 'http',
      url: 'http://127.0.0.1:3000',
      spawn: true,
      description:
        'A local galapagos-server; started for the run (with run.problems) when none answers.',
    },
    docker: {
      type: 'http',
      url: 'http://127.0.0.1:8080',
      description:
        'The server image with this folder mounted: docker run -v "$PWD:/problems:ro" -e GALAPAGOS_PROBLEMS=/problems/fitness.ts -p 8080:8080 galapagos-server',
    },
    lambda: {
      type: 'lambda',
      function: 'galapagos-dev-evaluate',
      region: 'eu-west-1',
      description:
        'AWS Lambda, deployed with GALAPAGOS_PROBLEMS=./fitness.ts pnpm deploy:lambda (see the Galápagos README).',
    },
  },
  defaultTarget: 'embedded',
};

export const README = `# My Galápagos project

\`fitness.ts\` defines the problem (\`curve-fit\`); \`galapagos.config.json\` sets the run and
the targets that evaluate it.

\`\`\`sh
npx galapagos run                      # embedded: in this process, one thread per core
npx galapagos run --target local       # through a local fitness server started for the run
npx galapagos run --params '{"degree": 3}' --generations 100
npx galapagos targets                  # which targets answer
\`\`\`

Every target evaluates the same code: before the first batch the client compares the
problem's fingerprint (a hash of the bundled module and its definition) with the target's,
and refuses a target that runs other code (\`GALAPAGOS_ERR_PROBLEM_MISMATCH\`). To serve this
module elsewhere:

- a server: \`npx galapagos serve --problems ./fitness.ts\`;
- the container image: \`docker run -v "$PWD:/problems:ro" -e GALAPAGOS_PROBLEMS=/problems/fitness.ts -p 8080:8080 galapagos-server\`;
- AWS Lambda: \`GALAPAGOS_PROBLEMS=$PWD/fitness.ts pnpm deploy:lambda\` from a Galápagos checkout.

A fitness that throws stops the run with the problem and the genome named; set
\`"onError": { "penalty": 1e9 }\` in \`run\` to give such genomes that fitness and go on.
`;
