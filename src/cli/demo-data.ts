import { Random } from '../core/index.js';

export interface DemoDataOptions {
  users?: number;
  items?: number;
  topics?: number;
  seed?: number;
}

/**
 * A small synthetic shop in the sequence-file format (`user item1 item2 ...`),
 * for the demo and smoke tests: it must run with nothing downloaded. Users
 * have one or two favourite topics; within a topic items follow a Zipf-like
 * popularity; every item has two "successors" (think: the next product of a
 * line) that users often take next. So popularity, co-consumption and order
 * all carry signal, and pop < item-kNN < Markov + kNN should hold.
 */
export function generateDemoSequences(options: DemoDataOptions = {}): string {
  const numUsers = options.users ?? 1500;
  const numItems = options.items ?? 600;
  const numTopics = options.topics ?? 12;
  const random = new Random(options.seed ?? 7);

  const topicItems: number[][] = Array.from({ length: numTopics }, () => []);
  for (let item = 0; item < numItems; item++) topicItems[item % numTopics]!.push(item);
  const topicWeights = topicItems.map((items) => cumulative(items.map((_, rank) => 1 / (rank + 1) ** 0.8)));
  const successors = Array.from({ length: numItems }, (_, item) => {
    const items = topicItems[item % numTopics]!;
    return [items[random.int(items.length)]!, items[random.int(items.length)]!];
  });
  const popularIn = (topic: number): number => {
    const weights = topicWeights[topic]!;
    const u = random.next() * weights.at(-1)!;
    return topicItems[topic]![weights.findIndex((total) => total > u)]!;
  };

  const lines: string[] = [];
  for (let user = 0; user < numUsers; user++) {
    const favourites = [random.int(numTopics)];
    if (random.next() < 0.5) favourites.push(random.int(numTopics));
    let length = 5;
    while (length < 40 && random.next() < 0.85) length++;
    const sequence: number[] = [];
    const seen = new Set<number>();
    for (let position = 0; position < length; position++) {
      let next = -1;
      for (let attempt = 0; attempt < 10 && (next < 0 || seen.has(next)); attempt++) {
        const u = random.next();
        const previous = sequence.at(-1);
        if (previous !== undefined && u < 0.45) next = successors[previous]![random.int(2)]!;
        else if (u < 0.85) next = popularIn(favourites[random.int(favourites.length)]!);
        else next = popularIn(random.int(numTopics));
      }
      if (seen.has(next)) break;
      seen.add(next);
      sequence.push(next);
    }
    lines.push([user + 1, ...sequence.map((item) => item + 1)].join(' '));
  }
  return `${lines.join('\n')}\n`;
}

function cumulative(values: number[]): number[] {
  let total = 0;
  return values.map((value) => {
    total += value;
    return total;
  });
}
