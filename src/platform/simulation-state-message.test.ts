import { describe, expect, it } from 'vitest';
import { simulatePlaygroundData } from './playground-data.js';
import { simulationStateFromMessage, simulationStateMessage } from './simulation-state-message.js';

describe('simulationStateMessage', () => {
  it('survives structured clone with the histories, seen items, follows and satisfaction the sessions read', async () => {
    const { environment, state } = await simulatePlaygroundData({
      users: 50,
      items: 200,
      days: 2,
      seed: 3,
      calibrationSample: 2000,
      calibrationDays: 1,
    });
    const copy = simulationStateFromMessage(environment, structuredClone(simulationStateMessage(state)));
    const { population, catalogue } = environment.world;
    expect(copy.day).toBe(state.day);
    expect(copy.daySatisfaction).toEqual(state.daySatisfaction);
    expect(state.fans.links).toBeGreaterThan(0);
    expect(copy.fans.links).toBe(state.fans.links);
    for (const author of state.fans.authors())
      expect(copy.fans.fansOf(author)).toEqual(state.fans.fansOf(author));
    let plays = 0;
    for (let user = 0; user < population.size; user++) {
      expect(copy.histories[user]!.recent()).toEqual(state.histories[user]!.recent());
      expect(copy.seen[user]!.items()).toEqual(state.seen[user]!.items());
      plays += state.histories[user]!.recent().length;
      // Both go on the same way.
      state.histories[user]!.push(user % catalogue.size);
      copy.histories[user]!.push(user % catalogue.size);
      expect(copy.histories[user]!.recent()).toEqual(state.histories[user]!.recent());
    }
    expect(plays).toBeGreaterThan(0);
  }, 30_000);
});
