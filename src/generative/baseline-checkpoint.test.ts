import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MarkovKnn, Popularity } from '../baselines/index.js';
import { loadMarkov, loadPopularity, saveMarkov, savePopularity } from './baseline-checkpoint.js';

const sequences = [
  [0, 1, 2],
  [0, 1],
  [1, 2, 3],
  [3, 4],
  [0, 1, 0],
].map((sequence) => Int32Array.from(sequence));
const data = { numUsers: sequences.length, numItems: 6, sequences };

describe('saved baselines (a generative model serves them as its ID model)', () => {
  const folder = mkdtempSync(join(tmpdir(), 'genfeed-baselines-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const scoresOf = (model: { score: MarkovKnn['score'] }, history: number[]) => {
    const scores = new Float32Array(data.numItems);
    model.score(0, Int32Array.from(history), scores);
    return [...scores];
  };

  it('MarkovKnn and Popularity score exactly alike after save and load', async () => {
    const markov = new MarkovKnn({ weight: 0.7, decay: 0.5 });
    markov.fit(data);
    await saveMarkov(join(folder, 'markov.safetensors'), markov);
    const loadedMarkov = await loadMarkov(join(folder, 'markov.safetensors'));
    for (const history of [[0], [1, 2], [3], [5], []])
      expect(scoresOf(loadedMarkov, history)).toEqual(scoresOf(markov, history));
    expect(loadedMarkov.numItems).toBe(data.numItems);
    const popularity = new Popularity();
    popularity.fit(data);
    await savePopularity(join(folder, 'pop.safetensors'), popularity);
    expect(scoresOf(await loadPopularity(join(folder, 'pop.safetensors')), [])).toEqual(
      scoresOf(popularity, []),
    );
  });

  it("refuses another model's file or a cut one, naming the file", async () => {
    const popularity = new Popularity();
    popularity.fit(data);
    const path = join(folder, 'other.safetensors');
    await savePopularity(path, popularity);
    await expect(loadMarkov(path)).rejects.toThrow(`Cannot load ${path}: not a markov checkpoint`);
    const cut = join(folder, 'cut.safetensors');
    writeFileSync(cut, readFileSync(path).subarray(0, 40));
    await expect(loadPopularity(cut)).rejects.toThrow(cut);
  });
});
