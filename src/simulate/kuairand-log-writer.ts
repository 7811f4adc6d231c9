import { closeSync, openSync, writeSync } from 'node:fs';
import type { Impression, SimulationSink } from './simulator.js';
import type { World } from './world.js';

/** The KuaiRand log header (FORMATS.md), in order. */
export const kuaiRandLogColumns = [
  'user_id',
  'video_id',
  'date',
  'hourmin',
  'time_ms',
  'is_click',
  'is_like',
  'is_follow',
  'is_comment',
  'is_forward',
  'is_hate',
  'long_view',
  'play_time_ms',
  'duration_ms',
  'profile_stay_time',
  'comment_stay_time',
  'is_profile_enter',
  'is_rand',
  'tab',
] as const;

/** One impression as a KuaiRand log line (no trailing newline). The hidden satisfaction is not written. */
export function kuaiRandLogLine(world: World, impression: Impression, isRandom: boolean): string {
  const { outcome } = impression;
  const date = new Date(impression.timeMs);
  const ymd = date.toISOString().slice(0, 10).replace(/-/g, '');
  const hourmin = `${date.getUTCHours()}00`;
  return [
    world.population.ids[impression.user],
    world.catalogue.ids[impression.item],
    ymd,
    hourmin,
    impression.timeMs,
    outcome.click,
    outcome.like,
    outcome.follow,
    outcome.comment,
    outcome.forward,
    outcome.hate,
    outcome.longView,
    outcome.playTimeMs,
    Math.round(world.catalogue.durationMs[impression.item]!),
    outcome.profileStayMs,
    outcome.commentStayMs,
    outcome.profileEnter,
    isRandom ? 1 : 0,
    0,
  ].join(',');
}

/**
 * Writes impressions to a CSV file in the KuaiRand log schema, buffered.
 * `isRandom` marks impressions of a random-exposure policy (KuaiRand's is_rand).
 */
export class KuaiRandLogWriter implements SimulationSink {
  readonly #world: World;
  readonly #fd: number;
  readonly #isRandom: (impression: Impression) => boolean;
  #buffer: string[] = [];
  rows = 0;

  constructor(world: World, path: string, isRandom: (impression: Impression) => boolean = () => false) {
    this.#world = world;
    this.#fd = openSync(path, 'w');
    this.#isRandom = isRandom;
    writeSync(this.#fd, `${kuaiRandLogColumns.join(',')}\n`);
  }

  impression(impression: Impression): void {
    this.#buffer.push(kuaiRandLogLine(this.#world, impression, this.#isRandom(impression)));
    this.rows++;
    if (this.#buffer.length >= 10_000) this.flush();
  }

  flush(): void {
    if (this.#buffer.length === 0) return;
    writeSync(this.#fd, `${this.#buffer.join('\n')}\n`);
    this.#buffer = [];
  }

  close(): void {
    this.flush();
    closeSync(this.#fd);
  }
}
