import { describe, expect, it } from 'vitest';
import { type Dataset, InteractionTableBuilder } from '../data/index.js';
import { assistantInputs } from './dataset-inputs.js';

describe('assistantInputs', () => {
  it('turns seconds into ms and falls back from text to title and from hashtags to tags', () => {
    const builder = new InteractionTableBuilder();
    builder.push({ user: 'u1', item: 'm1', time: 1_000, label: 4 });
    const dataset: Dataset = {
      name: 'tiny',
      format: 'movielens',
      interactions: builder.build(),
      items: new Map([
        ['m1', { id: 'm1', title: 'Heat (1995)', tags: ['heist'], categories: ['Crime'] }],
        [
          'v2',
          {
            id: 'v2',
            text: '猫咪',
            title: 'ignored',
            hashtags: ['萌宠'],
            tags: ['9'],
            author: 'a',
            uploadTime: 5,
          },
        ],
      ]),
      users: new Map(),
    };
    const { events, items } = assistantInputs(dataset);
    expect(events).toEqual([{ userId: 'u1', itemId: 'm1', time: 1_000_000 }]);
    expect(items).toEqual([
      { id: 'm1', caption: 'Heat (1995)', hashtags: ['heist'], categories: ['Crime'] },
      { id: 'v2', author: 'a', caption: '猫咪', hashtags: ['萌宠'], uploadTime: 5000 },
    ]);
  });
});
