/**
 * The floor of the headline, as a process: a bare `node:http` server and N `worker_threads`
 * (no framework, no validation, no pool library). `POST /` with `{ genomes, ms }` spreads the
 * genomes over the threads round-robin; each thread "evaluates" a genome by waiting `ms`
 * (`Atomics.wait`) and counting its ones.
 * Started by the `floor` suite with the port and thread count as arguments.
 */
import { createServer } from 'node:http';
import { Worker } from 'node:worker_threads';

const [port = '0', count = '20'] = process.argv.slice(2);
const code = `
const { parentPort } = require('node:worker_threads');
const cell = new Int32Array(new SharedArrayBuffer(4));
parentPort.on('message', ({ id, genomes, ms }) => {
  const fitness = genomes.map((g) => {
    Atomics.wait(cell, 0, 0, ms);
    let ones = 0;
    for (const c of g) if (c === '1') ones++;
    return ones;
  });
  parentPort.postMessage({ id, fitness });
});`;
const threads = Array.from({ length: Number(count) }, () => new Worker(code, { eval: true }));
const waiting = new Map<number, (fitness: number[]) => void>();
let next = 0;
for (const t of threads)
  t.on('message', ({ id, fitness }: { id: number; fitness: number[] }) => {
    waiting.get(id)?.(fitness);
    waiting.delete(id);
  });

createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const { genomes, ms } = JSON.parse(Buffer.concat(chunks).toString()) as {
    genomes: string[];
    ms: number;
  };
  const shares: { at: number[]; genomes: string[] }[] = threads.map(() => ({
    at: [],
    genomes: [],
  }));
  genomes.forEach((g, i) => {
    const share = shares[i % threads.length]!;
    share.at.push(i);
    share.genomes.push(g);
  });
  const fitness = new Array<number>(genomes.length);
  await Promise.all(
    shares.map(
      (share, t) =>
        new Promise<void>((resolve) => {
          if (share.genomes.length === 0) return resolve();
          const id = next++;
          waiting.set(id, (values) => {
            values.forEach((v, j) => {
              fitness[share.at[j]!] = v;
            });
            resolve();
          });
          threads[t]!.postMessage({ id, genomes: share.genomes, ms });
        }),
    ),
  );
  const body = JSON.stringify({ fitness });
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}).listen(Number(port), '127.0.0.1', function (this: import('node:net').Server) {
  const address = this.address() as { port: number };
  process.stdout.write(`${address.port}\n`);
});
