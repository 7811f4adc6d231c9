import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../core/index.js';
import { type Interaction, InteractionTable } from '../data/index.js';
import { givenSplit } from './given-split.js';
import { leaveOneOut } from './leave-one-out.js';
import type { EvalPhase } from './split.js';
import { temporalSplit } from './temporal-split.js';

const asLists = (arrays: Int32Array[]) => arrays.map((array) => Array.from(array));

function table(
  rows: Array<[user: string, item: string, time?: number | undefined, label?: number]>,
): Promise<InteractionTable> {
  return InteractionTable.from(
    rows.map(([user, item, time, label]): Interaction => {
      const interaction: Interaction = { user, item };
      if (time !== undefined) interaction.time = time;
      if (label !== undefined) interaction.label = label;
      return interaction;
    }),
  );
}

function phaseOf(phase: EvalPhase, items: InteractionTable['items']) {
  const ids = (arrays: Int32Array[]) => arrays.map((array) => Array.from(array, (index) => items.id(index)));
  return {
    fit: ids(phase.fit),
    history: ids(phase.history),
    exclude: ids(phase.exclude),
    targets: ids(phase.targets),
  };
}

describe('leaveOneOut', () => {
  it('holds out the last item for test and the one before for validation, in time order', async () => {
    const interactions = await table([
      ['u1', 'c', 3],
      ['u1', 'a', 1],
      ['u1', 'b', 2],
      ['u1', 'd', 4],
      ['u2', 'a', 1],
      ['u2', 'e', 2],
      ['u3', 'b', 1],
    ]);
    const split = leaveOneOut(interactions);
    const validation = phaseOf(split.validation, interactions.items);
    const test = phaseOf(split.test, interactions.items);
    expect(validation.fit).toEqual([['a', 'b'], ['a'], ['b']]);
    expect(validation.targets).toEqual([['c'], [], []]);
    expect(test.fit).toEqual([['a', 'b', 'c'], ['a'], ['b']]);
    expect(test.history).toEqual(test.fit);
    expect(test.exclude).toEqual([['a', 'b', 'c'], ['a'], ['b']]);
    expect(test.targets).toEqual([['d'], ['e'], []]);
    expect(split.protocol).toBe('leave-one-out');
  });
});

describe('temporalSplit', () => {
  it('cuts at global time quantiles and drops targets already consumed', async () => {
    const rows: Array<[string, string, number]> = [];
    for (let t = 0; t < 10; t++) rows.push(['u1', `i${t}`, t]);
    rows.push(['u2', 'i9', 9.5], ['u2', 'i0', 1]);
    rows.push(['u3', 'i1', 8.5]); // only in the test window: a cold user
    const interactions = await table(rows);
    const split = temporalSplit(interactions, { validationFraction: 0.2, testFraction: 0.2 });
    const validation = phaseOf(split.validation, interactions.items);
    const test = phaseOf(split.test, interactions.items);
    // 13 sorted times; validation starts at sorted[floor(0.6 * 13)] = 6, test at sorted[floor(0.8 * 13)] = 8.5.
    expect(validation.fit[0]).toEqual(['i0', 'i1', 'i2', 'i3', 'i4', 'i5']);
    expect(validation.targets[0]).toEqual(['i6', 'i7', 'i8']);
    expect(test.targets[0]).toEqual(['i9']);
    expect(test.fit[1]).toEqual(['i0']);
    expect(test.targets[1]).toEqual(['i9']);
    expect(validation.history[2]).toEqual([]);
    expect(test.exclude[2]).toEqual([]);
    expect(test.targets[2]).toEqual(['i1']);
  });

  it('needs a time on every interaction', async () => {
    const interactions = await table([
      ['u1', 'a', 1],
      ['u1', 'b'],
    ]);
    expect(() => temporalSplit(interactions)).toThrow(InvalidInputError);
    expect(() => temporalSplit(interactions)).toThrow('row 1 (user u1) has none');
  });
});

describe('givenSplit', () => {
  it('fits on positives, excludes every seen item and targets positives only', async () => {
    const interactions = await table([
      ['u1', 'a', undefined, 1],
      ['u1', 'b', undefined, 0],
      ['u1', 'c', undefined, 1],
      ['u1', 'd', undefined, 0],
      ['u1', 'e', undefined, 1],
      ['u1', 'f', undefined, 0],
    ]);
    const part = Uint8Array.from([0, 0, 1, 1, 2, 2]);
    const split = givenSplit(interactions, part, { positiveThreshold: 1 });
    const validation = phaseOf(split.validation, interactions.items);
    const test = phaseOf(split.test, interactions.items);
    expect(validation.fit).toEqual([['a']]);
    expect(validation.exclude).toEqual([['a', 'b']]);
    expect(validation.targets).toEqual([['c']]);
    expect(test.fit).toEqual([['a', 'c']]);
    expect(test.exclude).toEqual([['a', 'b', 'c', 'd']]);
    expect(test.targets).toEqual([['e']]);
    expect(asLists(split.test.targets)).toHaveLength(1);
  });

  it('rejects a part column of the wrong length', async () => {
    const interactions = await table([['u1', 'a']]);
    expect(() => givenSplit(interactions, new Uint8Array(2))).toThrow('part has 2 rows, the table has 1');
  });
});
