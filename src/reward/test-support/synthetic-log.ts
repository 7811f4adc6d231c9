import { Random } from '../../core/index.js';
import { type ImpressionLog, ImpressionLogBuilder } from '../impression-log.js';
import type { ItemSide } from '../item-side.js';

/**
 * A small log with learnable structure for tests: each item has a quality, each
 * user a liked half of the catalogue; pages of 8 over `days` days; signals are
 * drawn from one latent taste like the simulator's (a test cannot import it).
 */
export function syntheticLog(
  options: { users?: number; items?: number; days?: number; seed?: number } = {},
): {
  log: ImpressionLog;
  side: ItemSide;
} {
  const users = options.users ?? 60;
  const items = options.items ?? 80;
  const days = options.days ?? 3;
  const random = new Random(options.seed ?? 1);
  const quality = Float32Array.from({ length: items }, () => random.normal());
  const builder = new ImpressionLogBuilder(users, items);
  let request = 0;
  const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
  for (let day = 0; day < days; day++) {
    for (let user = 0; user < users; user++) {
      for (let page = 0; page < 3; page++, request++) {
        for (let position = 0; position < 8; position++) {
          const item = random.int(items);
          const taste = quality[item]! + ((item + user) % 2 === 0 ? 1 : -1) + 0.5 * random.normal();
          const durationMs = 5000 + (item % 5) * 10_000;
          const click = random.next() < sigmoid(taste) ? 1 : 0;
          const longView = click && random.next() < sigmoid(taste - 0.5) ? 1 : 0;
          const like = random.next() < sigmoid(taste - 2.5) ? 1 : 0;
          const hate = random.next() < sigmoid(-taste - 3) ? 1 : 0;
          builder.push({
            user,
            item,
            request,
            position,
            day,
            hour: (user + page) % 24,
            durationMs,
            playTimeMs: click ? durationMs * sigmoid(taste) : 2000 * random.next(),
            signals: [click, longView, like, 0, 0, 0, hate, like && random.next() < 0.3 ? 1 : 0],
          });
        }
      }
    }
  }
  const side: ItemSide = {
    numItems: items,
    numAuthors: 10,
    numCategories: 3,
    author: Int32Array.from({ length: items }, (_, i) => i % 10),
    category: Int32Array.from({ length: items }, (_, i) => i % 3),
    durationMs: Float32Array.from({ length: items }, (_, i) => 5000 + (i % 5) * 10_000),
  };
  return { log: builder.build(), side };
}
