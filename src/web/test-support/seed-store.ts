import { Random } from '../../core/index.js';
import {
  calibratedEnvironment,
  fillRandom,
  type Impression,
  type Policy,
  playgroundWorld,
  type FeedRequest as SimulatedRequest,
  SimulationState,
  shippedSummary,
  simulateDays,
} from '../../simulate/index.js';
import type { EventInput, FeedInput, ItemInput, Store } from '../../storage/index.js';

export interface SeedOptions {
  users?: number;
  items?: number;
  days?: number;
  seed?: number;
  /** The simulated days end on the day before this (unix ms; default now). */
  now?: number;
}

export interface SeedSummary {
  experiment: string;
  pipelines: string[];
  requests: number;
  events: number;
  /** A user and an item that certainly have events, and an author with views. */
  sampleUser: string;
  sampleItem: string;
  sampleAuthor: string;
}

const DAY_MS = 86_400_000;

/**
 * A small simulated platform in a store, for the dashboard's tests: a playground
 * catalogue and users, an experiment splitting them 25 / 75 between two toy
 * policies logged as `generative` (best items by quality) and `cascade` (random),
 * a few days of simulated sessions written as served feeds and events. The
 * per-stage CPU costs are drawn, not measured: only the dashboard's arithmetic
 * is under test here.
 */
export async function seedStore(store: Store, options: SeedOptions = {}): Promise<SeedSummary> {
  const seed = options.seed ?? 7;
  const days = options.days ?? 4;
  const random = new Random(seed);
  const world = playgroundWorld(shippedSummary(), {
    users: options.users ?? 300,
    items: options.items ?? 400,
    seed,
  });
  const environment = await calibratedEnvironment(world, { seed, sampleSize: 20_000, days: 1 });
  const { catalogue, population } = world;

  const items: ItemInput[] = catalogue.ids.map((id, index) => {
    const category = catalogue.categoryNames[catalogue.category[index]!] ?? 'other';
    const tag = catalogue.tags[index] ?? '';
    return {
      id,
      author: `author-${catalogue.authorIds[catalogue.author[index]!]}`,
      caption: `${category} 短视频 ${id}`,
      hashtags: tag === '' ? [] : [`#${tag}`, '#fyp'],
      durationMs: catalogue.durationMs[index]!,
      uploadTime: Date.parse(`${catalogue.uploadDates[index]}T12:00:00Z`),
      categories: [category],
      tags: tag === '' ? [] : [tag],
      ...(index % 3 === 0 ? { semanticId: [index % 32, (index * 7) % 32, (index * 13) % 32, 0] } : {}),
      aiGenerated: random.next() < 0.2,
    };
  });
  await store.upsertItems(items);
  await store.upsertUsers(
    population.ids.map((id, index) => ({
      id,
      features: { activeDegree: population.activeDegree[index] ?? 'unknown' },
    })),
  );
  const experiment = 'generative-vs-cascade';
  await store.putExperiment({
    name: experiment,
    split: { generative: 25, cascade: 75 },
    description: 'seeded test split',
  });

  const quality = Array.from(catalogue.bias)
    .map((bias, item) => ({ bias, item }))
    .sort((a, b) => b.bias - a.bias);
  const policyRandom = new Random(seed + 1);
  const best: Policy = {
    name: 'generative',
    rank(request: SimulatedRequest, out: Int32Array) {
      let filled = 0;
      for (const { item } of quality) {
        if (filled >= request.size) break;
        if (!request.seen.has(item)) out[filled++] = item;
      }
      fillRandom(request, out, filled, policyRandom, catalogue.size);
    },
  };
  const uniform: Policy = {
    name: 'cascade',
    rank(request: SimulatedRequest, out: Int32Array) {
      fillRandom(request, out, 0, policyRandom, catalogue.size);
    },
  };
  const policies = [best, uniform];
  const assignment = Int32Array.from({ length: population.size }, (_, user) => (user % 4 === 0 ? 0 : 1));

  const feeds = new Map<number, FeedInput & { items: Array<{ itemId: string; score?: number }> }>();
  const events: EventInput[] = [];
  const sink = {
    impression(impression: Impression) {
      const pipeline = policies[impression.bucket]!.name;
      const userId = population.ids[impression.user]!;
      const itemId = catalogue.ids[impression.item]!;
      const requestId = `req-${impression.request}`;
      let feed = feeds.get(impression.request);
      if (feed === undefined) {
        const generative = pipeline === 'generative';
        const stages = generative
          ? { beam: { cpuMs: 0.3 + 0.2 * random.next(), latencyMs: 0.6 + 0.3 * random.next() } }
          : {
              recall: { cpuMs: 1 + random.next(), latencyMs: 1.5 + random.next() },
              prerank: { cpuMs: 0.5 + 0.5 * random.next(), latencyMs: 0.8 + 0.5 * random.next() },
              rank: { cpuMs: 1.5 + random.next(), latencyMs: 2 + random.next() },
            };
        const cost = Object.values(stages).reduce(
          (sum, stage) => ({ cpuMs: sum.cpuMs + stage.cpuMs, latencyMs: sum.latencyMs + stage.latencyMs }),
          { cpuMs: 0, latencyMs: 0 },
        );
        feed = {
          requestId,
          userId,
          pipeline,
          experiment,
          time: impression.timeMs,
          items: [],
          stages,
          ...cost,
        };
        feeds.set(impression.request, feed);
      }
      feed.items.push({ itemId, score: 1 / (1 + impression.position) });
      const { outcome } = impression;
      events.push({
        id: `${requestId}:${impression.position}`,
        userId,
        itemId,
        time: impression.timeMs,
        requestId,
        pipeline,
        position: impression.position,
        experiment,
        signals: {
          click: outcome.click,
          like: outcome.like,
          follow: outcome.follow,
          comment: outcome.comment,
          forward: outcome.forward,
          hate: outcome.hate,
          longView: outcome.longView,
          profileEnter: outcome.profileEnter,
          playTimeMs: Math.round(outcome.playTimeMs),
          durationMs: catalogue.durationMs[impression.item]!,
          profileStayTimeMs: Math.round(outcome.profileStayMs),
          commentStayTimeMs: Math.round(outcome.commentStayMs),
        },
      });
    },
  };
  const end = Math.floor((options.now ?? Date.now()) / DAY_MS) * DAY_MS;
  const startDate = new Date(end - days * DAY_MS).toISOString().slice(0, 10);
  const state = new SimulationState(world, environment.reference);
  simulateDays(world, environment.params, environment.reference, state, {
    days,
    assignment,
    policies,
    sink,
    seed,
    startDate,
  });

  const allFeeds = [...feeds.values()];
  for (let start = 0; start < allFeeds.length; start += 2000)
    await store.insertFeeds(allFeeds.slice(start, start + 2000));
  for (let start = 0; start < events.length; start += 5000)
    await store.upsertEvents(events.slice(start, start + 5000));

  const sample = events[0]!;
  const sampleItem = items.find((item) => item.id === sample.itemId)!;
  return {
    experiment,
    pipelines: ['cascade', 'generative'],
    requests: allFeeds.length,
    events: events.length,
    sampleUser: sample.userId,
    sampleItem: sample.itemId,
    sampleAuthor: sampleItem.author!,
  };
}
