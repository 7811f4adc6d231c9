import { FanGraph } from './fan-graph.js';
import type { Reference } from './reference.js';
import { SeenItems, UserHistory } from './seen-items.js';
import type { World } from './world.js';

/** Everything that changes as users watch; cloned to replay the same start under other seeds. */
export class SimulationState {
  readonly histories: UserHistory[];
  readonly seen: SeenItems[];
  readonly fans: FanGraph;
  /** Running satisfaction of the recent active days. */
  readonly daySatisfaction: Float64Array;
  /** Hidden satisfaction summed over every impression, per user (the ground truth a report can show). */
  readonly satisfactionTotal: Float64Array;
  /** The satisfaction stock of a satisfaction world (departure 4), per user; 0 = reference. */
  readonly satisfactionStock: Float64Array;
  /** 1 once a user churned for good (satisfaction world only). */
  readonly churned: Uint8Array;
  /** Days simulated so far (the next day's index). */
  day = 0;

  constructor(world: World, reference: Reference, parts?: Partial<SimulationState>) {
    const { population, catalogue } = world;
    this.histories =
      parts?.histories ??
      Array.from(
        { length: population.size },
        (_, user) => new UserHistory(population.initialHistory?.[user]),
      );
    this.seen =
      parts?.seen ??
      Array.from({ length: population.size }, (_, user) => {
        const seen = new SeenItems(catalogue.size);
        for (const item of population.initialSeen?.[user] ?? []) seen.add(item);
        return seen;
      });
    this.fans = parts?.fans ?? new FanGraph(population.size);
    this.daySatisfaction = parts?.daySatisfaction ?? new Float64Array(population.size).fill(reference.mean);
    this.satisfactionTotal = parts?.satisfactionTotal ?? new Float64Array(population.size);
    this.satisfactionStock = parts?.satisfactionStock ?? new Float64Array(population.size);
    this.churned = parts?.churned ?? new Uint8Array(population.size);
    this.day = parts?.day ?? 0;
  }

  clone(world: World, reference: Reference): SimulationState {
    return new SimulationState(world, reference, {
      histories: this.histories.map((history) => history.clone()),
      seen: this.seen.map((seen) => seen.clone()),
      fans: this.fans.clone(),
      daySatisfaction: this.daySatisfaction.slice(),
      satisfactionTotal: this.satisfactionTotal.slice(),
      satisfactionStock: this.satisfactionStock.slice(),
      churned: this.churned.slice(),
      day: this.day,
    });
  }
}
