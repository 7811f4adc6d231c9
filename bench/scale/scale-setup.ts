import { Catalogue } from '../../src/cascade/index.js';
import { Random } from '../../src/core/index.js';
import {
  expectedSatisfaction,
  type ScaledLog,
  scaledLog,
  scaledWorld,
  tasteTruth,
  type World,
} from '../../src/simulate/index.js';

/** Videos served per request, and the truth's size. */
export const pageSize = 20;

/** One catalogue size's world, its logged traffic, and the evaluation users with their truth. */
export interface ScaleSetup {
  items: number;
  world: World;
  traffic: ScaledLog;
  catalogue: Catalogue;
  /** Serving time: an hour after the newest upload. */
  now: number;
  /** Evaluation users (a seeded sample of users with a history; repeats possible). */
  users: number[];
  /** Per evaluation user, every item the log showed them (never served again). */
  seen: Int32Array[];
  /** Per evaluation user, their `pageSize` highest-taste unseen videos. */
  truths: Set<number>[];
  /** Quality of a random page and of the truth page, averaged over the evaluation users. */
  reference: { randomQuality: number; truthQuality: number };
}

/**
 * The scaled world and log at `items` videos (users 2000 * sqrt(items / 2000)),
 * and `evalUsers` seeded evaluation users. Quality (one measure for every
 * pipeline) is the mean expected hidden satisfaction of a served page.
 */
export function scaleSetup(items: number, options: { evalUsers: number; seed?: number }): ScaleSetup {
  const world = scaledWorld(items);
  const traffic = scaledLog(world);
  const { catalogue: videos } = world;
  const catalogue = new Catalogue(
    videos.ids.map((id, item) => ({
      id,
      author: videos.authorIds[videos.author[item]!]!,
      category: videos.categoryNames[videos.category[item]!]!,
      durationMs: videos.durationMs[item]!,
      uploadedAt: Date.parse(`${videos.uploadDates[item]}T12:00:00Z`),
    })),
  );
  let newest = 0;
  for (const uploaded of catalogue.uploadedAt) newest = Math.max(newest, uploaded);
  const random = new Random(options.seed ?? 17);
  const active = traffic.sequences.flatMap((sequence, user) => (sequence.length > 0 ? [user] : []));
  const users = Array.from(
    { length: Math.min(options.evalUsers, active.length) },
    () => active[random.int(active.length)]!,
  );
  const wanted = new Set(users);
  const shown = new Map<number, number[]>();
  const { log } = traffic;
  for (let row = 0; row < log.size; row++) {
    const user = log.user[row]!;
    if (!wanted.has(user)) continue;
    const list = shown.get(user) ?? [];
    if (list.length === 0) shown.set(user, list);
    list.push(log.item[row]!);
  }
  const seen = users.map((user) => Int32Array.from(shown.get(user) ?? []));
  const truths = users.map((user, k) => new Set(tasteTruth(world, user, pageSize, seen[k]!)));
  let randomQuality = 0;
  let truthQuality = 0;
  users.forEach((user, k) => {
    for (let j = 0; j < pageSize; j++)
      randomQuality += expectedSatisfaction(world, user, random.int(items)) / pageSize;
    for (const item of truths[k]!) truthQuality += expectedSatisfaction(world, user, item) / pageSize;
  });
  return {
    items,
    world,
    traffic,
    catalogue,
    now: newest + 3_600_000,
    users,
    seen,
    truths,
    reference: { randomQuality: randomQuality / users.length, truthQuality: truthQuality / users.length },
  };
}
