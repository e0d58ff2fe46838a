/** The files `galapagos init --python` writes: a Python simulator kept running, its problem module, config and README. */

export const SIMULATE_PY = `"""A simulator Galapagos keeps running: one genome per line in, one fitness per line out.

Galapagos starts this program once per evaluation thread (mode 'persistent') and sends it
genome after genome, so whatever is slow to set up (imports, a model, a mesh) is paid once.
The protocol:
  - the parameters of the run are JSON in the GALAPAGOS_PARAMS environment variable;
  - each line on stdin is a genome as JSON (here a list of 8 numbers in [0, 1]);
  - answer each with one line on stdout: the fitness as a number, or {"error": "why"} to fail
    that genome (the run gives it run.onError.penalty, or stops naming it);
  - any other line you print is your log: Galapagos passes it on, never takes it as an answer.
Flush after each answer. Replace simulate() with your own simulator.
"""
import json
import math
import os
import sys

params = json.loads(os.environ.get("GALAPAGOS_PARAMS", "{}"))
speed = params.get("speed", 30.0)

# The slow part, done once: here a lookup table; in real life a model, a mesh, a licence.
drag_table = [0.02 + 0.5 * (a / 100.0) ** 2 for a in range(101)]
print("simulator ready", flush=True)  # a log line: passed on, not an answer


def simulate(genome):
    """Lift-to-drag ratio of a toy wing: 8 shape parameters in [0, 1]."""
    camber, thickness, twist = genome[0], genome[1], genome[2]
    angle = 2 + 10 * genome[3]
    lift = 2 * math.pi * math.radians(angle) * (1 + camber) * (1 - 0.3 * thickness)
    drag = drag_table[int(thickness * 100)] + 0.01 * sum(g * g for g in genome[4:]) + 0.05 * twist
    if drag <= 0:
        raise ValueError("non-physical shape")
    return lift * speed / drag


for line in sys.stdin:
    genome = json.loads(line)
    try:
        answer = simulate(genome)
    except Exception as error:  # fail this genome only
        answer = {"error": str(error)}
    print(json.dumps(answer), flush=True)
`;

export const PROBLEM_TS = `/**
 * The problem: a Python simulator as the fitness. Galapagos runs \`python3 simulate.py\` once per
 * evaluation thread and keeps it running (mode 'persistent'); see simulate.py for the protocol.
 * Its fingerprint covers simulate.py and every .py file beside it: a target running other code
 * is refused.
 */
import { defineCommandProblem } from '@galapagos/core/runtime';

export const problems = [
  defineCommandProblem({
    id: 'wing',
    description: 'Lift-to-drag ratio of a toy wing, computed by simulate.py.',
    genome: { kind: 'real', length: 8, low: 0, high: 1 },
    objective: 'max',
    command: ['python3', 'simulate.py'],
    cwd: import.meta.dirname,
    mode: 'persistent',
    // Longest one genome may take; past it the genome fails and the simulator is restarted.
    timeoutMs: 30_000,
    params: {
      type: 'object',
      properties: { speed: { type: 'number', minimum: 1, default: 30 } },
      additionalProperties: false,
    },
  }),
];
`;

export const PYTHON_CONFIG = {
  $schema: './node_modules/@galapagos/client/schema/galapagos.config.schema.json',
  run: {
    problem: 'wing',
    problems: ['./problem.ts'],
    population: 40,
    generations: 20,
    seed: 1,
    onError: { penalty: 0 },
  },
  targets: {
    embedded: {
      type: 'embedded',
      description: 'In this process: one simulator per core, each kept running.',
    },
    local: {
      type: 'http',
      url: 'http://127.0.0.1:3000',
      spawn: true,
      description: 'A local galapagos-server started for the run when none answers.',
    },
  },
  defaultTarget: 'embedded',
};

export const PYTHON_README = `# My Galápagos project: a Python simulator

\`simulate.py\` is the simulator (replace \`simulate()\` with yours); \`problem.ts\` tells
Galápagos how to run it; \`galapagos.config.json\` sets the run.

\`\`\`sh
npx galapagos run                  # one simulator per core, kept running
npx galapagos run --target local   # the same through a local fitness server
\`\`\`

- The simulator starts once per thread and answers genome after genome: its start-up (imports,
  a model) is paid once, not per genome. Print anything you like; only a line that is a number
  (or \`{"error": "..."}\`) is an answer.
- A genome whose simulation fails, crashes the program or runs past 30 s (\`timeoutMs\`) gets
  \`run.onError.penalty\`, is named on stderr, and the run goes on. Remove \`onError\` to stop
  the run on the first failure instead.
- Each distinct genome is simulated once: the summary counts the calls.
- Runs are saved as they go in \`.galapagos/\`. Ctrl-C keeps the work done;
  \`npx galapagos run --resume\` goes on from there.
`;
