import { type ImpressionLog, ImpressionLogBuilder } from '../reward/index.js';
import type { Impression, SimulationSink } from './simulator.js';
import type { World } from './world.js';

/**
 * Collects impressions as the reward module's columnar log, with the hidden
 * satisfaction of each kept beside it (for scoring only, never for training).
 */
export class ImpressionLogSink implements SimulationSink {
  readonly #builder: ImpressionLogBuilder;
  readonly #world: World;
  #satisfaction = new Float32Array(1024);
  readonly #signals = new Uint8Array(8);

  constructor(world: World) {
    this.#world = world;
    this.#builder = new ImpressionLogBuilder(world.population.size, world.catalogue.size);
  }

  impression({ user, item, request, position, day, hour, outcome }: Impression): void {
    const k = this.#builder.size;
    if (k === this.#satisfaction.length) {
      const bigger = new Float32Array(2 * k);
      bigger.set(this.#satisfaction);
      this.#satisfaction = bigger;
    }
    this.#satisfaction[k] = outcome.satisfaction;
    const s = this.#signals;
    s[0] = outcome.click;
    s[1] = outcome.longView;
    s[2] = outcome.like;
    s[3] = outcome.follow;
    s[4] = outcome.comment;
    s[5] = outcome.forward;
    s[6] = outcome.hate;
    s[7] = outcome.profileEnter;
    this.#builder.push({
      user,
      item,
      request,
      position,
      day,
      hour,
      durationMs: this.#world.catalogue.durationMs[item]!,
      playTimeMs: outcome.playTimeMs,
      signals: s,
    });
  }

  /** The log and, row for row, the hidden satisfaction. */
  build(): { log: ImpressionLog; satisfaction: Float32Array } {
    const log = this.#builder.build();
    return { log, satisfaction: this.#satisfaction.slice(0, log.size) };
  }
}
