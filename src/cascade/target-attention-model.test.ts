import { describe, expect, it } from 'vitest';
import { Random } from '../core/index.js';
import {
  batchOfCandidates,
  batchOfLog,
  type ImpressionLog,
  ImpressionLogBuilder,
  numHeads,
} from '../reward/index.js';
import {
  backward,
  binaryCrossEntropyWithLogits,
  clearTape,
  intTensor,
  noGrad,
  tensor,
} from '../tensor/index.js';
import { TargetAttentionModel } from './target-attention-model.js';
import { impressionTargets, trainTargetAttention } from './train-target-attention.js';

/**
 * 40 items in two topics (0-19, 20-39); a user's plays stay in one topic. A
 * candidate of the user's topic is clicked, liked and long-viewed, the other
 * topic's are skipped: only the candidate-history interaction predicts the
 * signals (item quality does not).
 */
function topicLog(users: number, seed: number): { log: ImpressionLog; topicOf: (user: number) => number } {
  const random = new Random(seed);
  const builder = new ImpressionLogBuilder(users, 40);
  const topicOf = (user: number) => user % 2;
  let request = 0;
  for (let user = 0; user < users; user++) {
    for (let page = 0; page < 4; page++, request++) {
      for (let position = 0; position < 6; position++) {
        // The first page is all in-topic so every later request has a history.
        const inTopic = page === 0 || random.next() < 0.5;
        const topic = inTopic ? topicOf(user) : 1 - topicOf(user);
        const item = topic * 20 + random.int(20);
        const liked = inTopic ? 1 : 0;
        builder.push({
          user,
          item,
          request,
          position,
          day: page < 3 ? 0 : 1,
          hour: 12,
          durationMs: 20_000,
          playTimeMs: liked ? 20_000 : 1_000,
          signals: [liked, liked, liked, 0, 0, 0, 1 - liked, 0],
        });
      }
    }
  }
  return { log: builder.build(), topicOf };
}

const side = {
  author: new Int32Array(40).fill(-1),
  category: new Int32Array(40).fill(-1),
  durationMs: new Float32Array(40).fill(20_000),
  numAuthors: 0,
  numCategories: 0,
};

describe('target-attention ranker', () => {
  it('learns the candidate x history interaction: loss falls, held-out users get their topic ranked first', () => {
    const { log } = topicLog(80, 1);
    const trained = trainTargetAttention(log, side, {
      dim: 8,
      hidden: 16,
      attentionHidden: 8,
      historyLength: 6,
      epochs: 25,
      batchSize: 64,
      seed: 2,
    });
    expect(trained.losses.at(-1)!).toBeLessThan(0.3 * trained.losses[0]!);
    // New users: history in one topic, every item a candidate; the topic's 20 items must fill the top 20.
    let correct = 0;
    const candidates = Int32Array.from({ length: 40 }, (_, i) => i);
    for (let user = 0; user < 20; user++) {
      const topic = user % 2;
      const history = [topic * 20 + ((user * 3) % 20), topic * 20 + ((user * 7 + 1) % 20)];
      const batch = batchOfCandidates(candidates, { user, history, hour: 12 }, 6);
      const scores = trained.model.score(batch, side);
      const order = Array.from(candidates).sort((a, b) => scores[b]! - scores[a]!);
      correct += order.slice(0, 20).filter((item) => Math.floor(item / 20) === topic).length;
    }
    // Chance is 0.5; measured 0.915.
    expect(correct / (20 * 20)).toBeGreaterThan(0.85);
  });

  it('computes the attention weights and interest of one example as by hand', () => {
    const config = {
      numItems: 6,
      numAuthors: 0,
      numCategories: 0,
      dim: 3,
      hidden: 4,
      attentionHidden: 5,
      historyLength: 4,
    };
    const model = new TargetAttentionModel(config, new Random(4));
    const history = [1, 4, 2]; // padded at the front to K = 4
    const batch = batchOfCandidates(Int32Array.of(5), { user: 0, history, hour: 3 }, 4);
    const { weights } = noGrad(() => model.attend(batch, model.item.forward(intTensor([5], [1]))));
    const embedding = (item: number) => Array.from(model.item.weight.data.subarray(item * 3, item * 3 + 3));
    const c = embedding(5);
    const W1 = model.attentionHidden.weight.data; // [12, 5]
    const b1 = model.attentionHidden.bias!.data;
    const W2 = model.attentionOut.weight.data; // [5, 1]
    const b2 = model.attentionOut.bias!.data;
    const logits = history.map((item) => {
      const h = embedding(item);
      const x = [...h, ...c, ...h.map((v, j) => v * c[j]!), ...h.map((v, j) => v - c[j]!)];
      let out = b2[0]!;
      for (let u = 0; u < 5; u++) {
        let a = b1[u]!;
        for (let i = 0; i < 12; i++) a += x[i]! * W1[i * 5 + u]!;
        out += Math.max(a, 0) * W2[u]!;
      }
      return out;
    });
    const top = Math.max(...logits);
    const total = logits.reduce((sum, l) => sum + Math.exp(l - top), 0);
    expect(weights.data[0]).toBe(0); // the padded slot
    history.forEach((_, k) => {
      expect(weights.data[1 + k]).toBeCloseTo(Math.exp(logits[k]! - top) / total, 5);
    });
  });

  it('has the gradient of central differences for the attention and head weights', () => {
    const { log } = topicLog(6, 3);
    const config = {
      numItems: 40,
      numAuthors: 0,
      numCategories: 0,
      dim: 4,
      hidden: 6,
      attentionHidden: 5,
      historyLength: 4,
    };
    const model = new TargetAttentionModel(config, new Random(5));
    const rows = batchOfLog(log, 4);
    const targets = tensor(impressionTargets(log), [log.size, numHeads]);
    const loss = () => binaryCrossEntropyWithLogits(model.forward(rows, side), targets);
    for (const parameter of [model.attentionHidden.weight, model.attentionOut.weight, model.heads.weight])
      parameter.grad = null;
    backward(loss());
    clearTape();
    const random = new Random(6);
    for (const parameter of [model.attentionHidden.weight, model.attentionOut.weight, model.heads.weight]) {
      for (let check = 0; check < 6; check++) {
        const i = random.int(parameter.size);
        const saved = parameter.data[i]!;
        const eps = 1e-2;
        parameter.data[i] = saved + eps;
        const plus = noGrad(() => loss().data[0]!);
        parameter.data[i] = saved - eps;
        const minus = noGrad(() => loss().data[0]!);
        parameter.data[i] = saved;
        const numeric = (plus - minus) / (2 * eps);
        const analytic = parameter.grad![i]!;
        expect(Math.abs(analytic - numeric)).toBeLessThanOrEqual(
          2e-3 + 2e-2 * Math.max(Math.abs(analytic), Math.abs(numeric)),
        );
      }
    }
  });
});
