import { describe, expect, it } from 'vitest';
import { Random } from '../core/index.js';
import { noGrad } from '../tensor/index.js';
import { batchOfCandidates } from './candidate-batch.js';
import { defaultShape, RewardModel } from './reward-model.js';
import { syntheticLog } from './test-support/synthetic-log.js';
import { fitWatchTimeScale } from './watch-time.js';

describe('SignalTower', () => {
  it('scores one request the same whether its shared history is read once (no gradient) or per row', () => {
    const { log, side } = syntheticLog();
    const model = new RewardModel(
      {
        numItems: side.numItems,
        numAuthors: side.numAuthors,
        numCategories: side.numCategories,
        ...defaultShape,
        watch: fitWatchTimeScale(log),
      },
      new Random(5),
    );
    const candidates = Int32Array.from({ length: 30 }, (_, k) => (k * 7) % side.numItems);
    const batch = batchOfCandidates(candidates, { user: 0, history: [3, 9, 4, 1], hour: 13 }, 20);
    const perRow = model.tower.forward(batch, side); // gradient on: every row's history is read
    const once = noGrad(() => model.tower.forward(batch, side));
    expect(Array.from(once.logits.data)).toEqual(Array.from(perRow.logits.data));
    expect(Array.from(once.hidden.data)).toEqual(Array.from(perRow.hidden.data));
  });
});
