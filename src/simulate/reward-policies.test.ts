import { describe, expect, it } from 'vitest';
import { Random, silentLogger, silentProgress } from '../core/index.js';
import { runAbTest } from './ab-test.js';
import { findPolicy } from './policies.js';
import { fillRandom, type PolicyFactory } from './policy.js';
import { RecallCandidates } from './recall-candidates.js';
import { learnedSessionReward } from './reward-policies.js';
import { rewardReport } from './reward-report.js';
import { SeenItems } from './seen-items.js';
import { smallEnvironment } from './test-support/small-world.js';
import { expectedSatisfaction } from './world.js';

describe('reward policies', () => {
  it('offline: losses fall, every signal gets an AUC, fusion and formula get an NDCG', async () => {
    const environment = await smallEnvironment();
    const report = await rewardReport(environment, { days: 3, epochs: 3, candidateRequests: 50 });
    expect(report.trainImpressions).toBeGreaterThan(5000);
    expect(report.epochs.at(-1)!.headLoss).toBeLessThan(report.epochs[0]!.headLoss);
    const longView = report.signals.find((row) => row.signal === 'long_view')!;
    expect(longView.auc).toBeGreaterThan(0.6);
    for (const quality of [report.loggedPages, report.candidateSets]) {
      expect(quality.fused).toBeGreaterThan(0.5);
      expect(quality.formula).toBeGreaterThan(0.5);
    }
    expect(report.candidateSets.candidatesPerRequest).toBe(100);
  });

  it('fixed-formula and learned-reward rank the same recall candidates in an A/B; no warm-up is a clear error', async () => {
    const environment = await smallEnvironment({ users: 120 });
    const messages: string[] = [];
    const report = await runAbTest(environment, {
      policies: ['fixed-formula', 'learned-reward'].map(findPolicy),
      days: 1,
      users: 120,
      seeds: 1,
      warmupDays: 2,
      rewardFusion: 'mlp',
      logger: { ...silentLogger, info: (message) => void messages.push(message) },
    });
    expect(report.policies.map((policy) => policy.name)).toEqual(['fixed-formula', 'learned-reward']);
    expect(report.comparisons[0]!.stayTimeLiftPct.mean).toBeTypeOf('number');
    // One model for both policies, with the fusion the run names.
    const trained = messages.filter((message) => message.startsWith('training the reward model'));
    expect(trained).toHaveLength(1);
    expect(trained[0]).toMatch(/\(mlp fusion\)/);

    const context = {
      world: environment.world,
      training: { numUsers: 120, numItems: environment.world.catalogue.size, sequences: [] },
      random: new Random(1),
      logger: silentLogger,
      progress: silentProgress,
    };
    expect(() => findPolicy('learned-reward').create(context)).toThrow(/--warmup-days 1 or more/);
  });

  it('the learned session reward (the aligned generator reward) prefers sessions the hidden truth rates higher', async () => {
    // 300 users x 3 warm-up days: with 120 x 2 the heads have too few plays per user to learn taste.
    const environment = await smallEnvironment({ users: 300 });
    let reward: ((user: number, history: Int32Array, session: Int32Array) => number) | undefined;
    let histories: readonly Int32Array[] = [];
    const probe: PolicyFactory = {
      name: 'probe',
      description: 'captures the learned session reward of the warm-up log',
      async create(context) {
        reward = await learnedSessionReward(context);
        histories = context.training.sequences;
        const random = context.random.fork();
        const numItems = context.world.catalogue.size;
        return { name: 'probe', rank: (request, out) => fillRandom(request, out, 0, random, numItems) };
      },
    };
    await runAbTest(environment, { policies: [probe], days: 1, users: 300, seeds: 1, warmupDays: 3 });
    const { world } = environment;
    const random = new Random(3);
    let agree = 0;
    // Warm-up participants, with the long-view history the reward model saw for them.
    const participants = histories
      .flatMap((history, user) => (history.length > 0 ? [user] : []))
      .slice(0, 40);
    const users = participants.length;
    expect(users).toBe(40);
    for (const user of participants) {
      // 100 random videos, ordered by the user's hidden expected satisfaction: best 5 vs worst 5.
      const pool = random.shuffle([...Array(world.catalogue.size).keys()]).slice(0, 100);
      pool.sort((a, b) => expectedSatisfaction(world, user, b) - expectedSatisfaction(world, user, a));
      const history = histories[user]!;
      const best = reward!(user, history, Int32Array.from(pool.slice(0, 5)));
      const worst = reward!(user, history, Int32Array.from(pool.slice(-5)));
      expect(Number.isFinite(best) && Number.isFinite(worst)).toBe(true);
      if (best > worst) agree++;
    }
    expect(agree / users).toBeGreaterThan(0.75);
  }, 60_000);

  it('the candidate generator returns distinct unseen items from both sources', () => {
    const sequences = Array.from({ length: 30 }, (_, user) => Int32Array.of(user, user + 1, 7));
    const recall = new RecallCandidates({ numUsers: 30, numItems: 200, sequences }, 20);
    const seen = new SeenItems(200);
    seen.add(7);
    const candidates = recall.of({ user: 0, day: 0, hour: 0, history: Int32Array.of(1, 2), seen, size: 10 });
    expect(candidates.length).toBe(40);
    expect(new Set(candidates).size).toBe(40);
    expect(candidates.includes(7)).toBe(false);
  });
});
