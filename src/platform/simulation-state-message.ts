import { type Environment, FanGraph, SeenItems, SimulationState, UserHistory } from '../simulate/index.js';

/**
 * A `SimulationState` as plain typed arrays, for `postMessage` (structured
 * clone drops the private fields of its classes). It carries what the session
 * loop reads: each user's recent plays, seen items, follows and running
 * satisfaction. The fans' watch hours (`FanGraph.recordWatch`, read only by the
 * creator assistant) are not carried.
 */
export interface SimulationStateMessage {
  /** Per user: the recent plays, oldest first, and the history's limit. */
  histories: Int32Array[];
  historyLimits: Int32Array;
  /** Per user: the seen items in the order first shown. */
  seen: Int32Array[];
  /** Follow links as [user, author] pairs: [links * 2]. */
  follows: Int32Array;
  daySatisfaction: Float64Array;
  day: number;
}

export function simulationStateMessage(state: SimulationState): SimulationStateMessage {
  const links: number[] = [];
  for (const author of state.fans.authors()) {
    for (const user of state.fans.fansOf(author)) links.push(user, author);
  }
  return {
    histories: state.histories.map((history) => history.recent().slice()),
    historyLimits: Int32Array.from(state.histories, (history) => history.limit),
    seen: state.seen.map((seen) => seen.items().slice()),
    follows: Int32Array.from(links),
    daySatisfaction: state.daySatisfaction.slice(),
    day: state.day,
  };
}

/** The state a `SimulationStateMessage` was made from, in `environment`'s world. */
export function simulationStateFromMessage(
  environment: Environment,
  message: SimulationStateMessage,
): SimulationState {
  const { world, reference } = environment;
  const fans = new FanGraph(world.population.size);
  for (let link = 0; link < message.follows.length; link += 2) {
    fans.follow(message.follows[link]!, message.follows[link + 1]!);
  }
  return new SimulationState(world, reference, {
    histories: message.histories.map((recent, user) => new UserHistory(recent, message.historyLimits[user]!)),
    seen: message.seen.map((items) => {
      const seen = new SeenItems(world.catalogue.size);
      for (const item of items) seen.add(item);
      return seen;
    }),
    fans,
    daySatisfaction: message.daySatisfaction,
    day: message.day,
  });
}
