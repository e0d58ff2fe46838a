import { mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EngineState, evolve, localEvaluate } from '@galapagos/core';
import { describe, expect, it } from 'vitest';
import { checkpointText, latestUnfinished, readCheckpointFile, writeCheckpoint } from './index.js';
import { CheckpointWriter } from './writer.js';

async function stateOf(population: number, generations = 2): Promise<EngineState> {
  const { state } = await evolve(
    { problem: 'onemax', params: { length: 16 }, population, generations, seed: 5 },
    { evaluate: localEvaluate() },
  );
  return state;
}

const folder = () => mkdtempSync(join(tmpdir(), 'galapagos-checkpoints-'));

describe('checkpoint files', () => {
  it('hold the state as its exact JSON, a slice at a time, with the record beside it', async () => {
    // More individuals than one slice: the sliced JSON must still be JSON.stringify's.
    const state = await stateOf(10_000, 1);
    const text = checkpointText(state, { pending: [['0101010101010101', 8]] });
    const { checkpoint, ...parsed } = JSON.parse(text);
    expect(JSON.stringify(parsed)).toBe(JSON.stringify(state));
    expect(checkpoint).toMatchObject({ digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    const file = join(folder(), 'run.json');
    await writeCheckpoint(file, state, { pending: [['0101010101010101', 8]], finished: false });
    const read = await readCheckpointFile(file);
    expect(read.state).toEqual(state);
    expect(read.pending).toEqual([['0101010101010101', 8]]);
    expect(read.digested).toBe(true);
  });

  it('refuse a checkpoint edited after it was written, its seed or its pending fitness', async () => {
    const file = join(folder(), 'run.json');
    await writeCheckpoint(file, await stateOf(20), { pending: [['0000000000000000', 0]] });
    const original = readFileSync(file, 'utf8');
    for (const edit of [
      original.replace('"seed":5', '"seed":999'),
      original.replace('["0000000000000000",0]', '["0000000000000000",16]'),
    ]) {
      expect(edit).not.toBe(original);
      writeFileSync(file, edit);
      await expect(readCheckpointFile(file)).rejects.toMatchObject({
        code: 'GALAPAGOS_ERR_CHECKPOINT',
        message: expect.stringMatching(/changed after it was written/),
      });
    }
  });

  it('accept a state saved before checkpoints had a record', async () => {
    const file = join(folder(), 'old.json');
    const state = await stateOf(20);
    writeFileSync(file, JSON.stringify(state));
    expect(await readCheckpointFile(file)).toMatchObject({ digested: false, finished: false });
  });

  it('are found by config: the latest unfinished run of the same config', async () => {
    const dir = folder();
    const state = await stateOf(20);
    const at = (name: string, age: number) => {
      const file = join(dir, name);
      return { file, age };
    };
    const files = [at('a.json', 30), at('b.json', 20), at('c.json', 10), at('d.json', 5)];
    await writeCheckpoint(files[0]!.file, state, { config: '/p/galapagos.config.json' });
    await writeCheckpoint(files[1]!.file, state, { config: '/p/galapagos.config.json' });
    await writeCheckpoint(files[2]!.file, state, {
      config: '/p/galapagos.config.json',
      finished: true,
    });
    await writeCheckpoint(files[3]!.file, state, { config: '/q/galapagos.config.json' });
    const now = Date.now() / 1000;
    for (const { file, age } of files) utimesSync(file, now - age, now - age);
    expect((await latestUnfinished(dir, '/p/galapagos.config.json')).file).toBe(files[1]!.file);
    await expect(latestUnfinished(dir, '/r/galapagos.config.json')).rejects.toMatchObject({
      code: 'GALAPAGOS_ERR_CHECKPOINT',
    });
  });
});

describe('the background writer', () => {
  it('writes every state of a run whose generations take a second or more, no more than one a second', async () => {
    const file = join(folder(), 'run.json');
    const writer = new CheckpointWriter(file);
    const states = [await stateOf(20, 1), await stateOf(20, 2), await stateOf(20, 3)];
    // Two generations of a second's work each, written in the background as the next runs.
    for (const state of states.slice(0, 2)) {
      await new Promise((r) => setTimeout(r, 1050));
      writer.offer(state);
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(writer.written).toBe(2);
    // One right after: not worth a write of its own.
    writer.offer(states[2]!);
    await new Promise((r) => setTimeout(r, 50));
    expect(writer.written).toBe(2);
    expect((await readCheckpointFile(file)).state).toEqual(states[1]);
  });

  it('always writes the end of a resumed run to its file, however short', async () => {
    const file = join(folder(), 'resumed.json');
    const writer = new CheckpointWriter(file, {}, { existing: true });
    const state = await stateOf(20, 1);
    writer.offer(state);
    expect(writer.written).toBe(0);
    expect(writer.worthWriting(state)).toBe(true);
    expect(new CheckpointWriter(file).worthWriting(state)).toBe(false);
  });

  it('writes every generation to a file asked for by name', async () => {
    const file = join(folder(), 'named.json');
    const writer = new CheckpointWriter(file, {}, { named: true });
    const states = [await stateOf(20, 1), await stateOf(20, 2)];
    for (const state of states) {
      writer.offer(state);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(writer.written).toBe(2);
    expect((await readCheckpointFile(file)).state).toEqual(states[1]);
  });

  it('skips states whose write would cost more than a fiftieth of the work they hold', async () => {
    const file = join(folder(), 'run.json');
    const writer = new CheckpointWriter(file);
    const big = await stateOf(50_000, 1);
    // Offered back to back: no work between them is worth writing 50,000 individuals.
    writer.offer(big);
    writer.offer(big);
    expect(writer.written).toBe(0);
    expect(writer.worthWriting(big)).toBe(false);
    // An interrupt writes it anyway, with what the next generation had evaluated.
    await writer.flush(undefined, { pending: [['0000000000000000', 0]] });
    expect(writer.written).toBe(1);
    expect((await readCheckpointFile(file)).pending).toEqual([['0000000000000000', 0]]);
  });
});
