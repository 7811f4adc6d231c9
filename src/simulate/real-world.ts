import { dirname } from 'node:path';
import { type Logger, Random, silentLogger } from '../core/index.js';
import {
  type Item,
  loadDataset,
  readKuaiRandUsers,
  readKuaiRandVideos,
  readKuaiRecCaptions,
} from '../data/index.js';
import { locate } from './data-files.js';
import { factorize, kmeans } from './factorize.js';
import { emptyPopulation } from './playground-world.js';
import { readSignalStatsFile } from './signal-stats-file.js';
import type { PlaygroundSummary } from './summary.js';
import { drawTraits } from './user-traits.js';
import { affinityMoments, type Catalogue, type World } from './world.js';

export interface RealWorldOptions {
  seed?: number;
  /** Figures used where an optional file is absent (categories, activity shares, targets); without it they are required. */
  fallback?: PlaygroundSummary;
  logger?: Logger;
}

/** What the real-mode world was built from, for reports and the summary derivation. */
export interface RealWorldSources {
  kuairec: string;
  videos: string;
  captions?: string;
  users?: string;
  signalStats?: string;
  /** Rows of the KuaiRec split the taste model was fit on. */
  trainRows: number;
  /** Share of the dot product variance between the item clusters. */
  clusterShare: number;
  itemBiasMean: number;
  itemBiasSd: number;
  interactionSd: number;
}

/**
 * The real-mode world (docs/simulate.md, "Real mode"): users, items and taste
 * from a logistic factorisation of the KuaiRec small-matrix train split;
 * durations, authors, tags and upload dates from KuaiRand video rows; categories
 * and captions from KuaiRec, matched to taste clusters of the items.
 */
export async function realWorld(
  root: string,
  options: RealWorldOptions,
): Promise<{ world: World; sources: RealWorldSources }> {
  const logger = options.logger ?? silentLogger;
  const random = new Random(options.seed ?? 42);
  const kuairecFile = locate(
    root,
    /^small_matrix(_train\.txt|\.csv)$/,
    'KuaiRec small matrix (small_matrix_train.txt or small_matrix.csv)',
    true,
  );
  const videosFile = locate(
    root,
    /^video_features_basic_.*\.csv$/,
    'KuaiRand video features (video_features_basic_*.csv)',
    true,
  );
  const required = options.fallback === undefined;
  const captionsFile = locate(
    root,
    /^kuairec_caption_category\.csv$/,
    'KuaiRec captions (kuairec_caption_category.csv)',
    required,
  );
  const usersFile = locate(
    root,
    /^user_features_(pure|1k|27k)\.csv$/,
    'KuaiRand user features (user_features_*.csv)',
    required,
  );
  const statsFile = locate(root, /^SIGNAL_STATS\.md$/, 'signal statistics (SIGNAL_STATS.md)', required);
  const fallback = options.fallback as PlaygroundSummary;

  const dataset = await loadDataset(dirname(kuairecFile), { format: 'kuairec' });
  const table = dataset.interactions;
  const threshold = dataset.positiveThreshold ?? 1;
  const rows: number[] = [];
  for (let row = 0; row < table.length; row++) if (!dataset.part || dataset.part[row] === 0) rows.push(row);
  const users = Int32Array.from(rows, (row) => table.user[row]!);
  const items = Int32Array.from(rows, (row) => table.item[row]!);
  const labels = Float32Array.from(rows, (row) => (table.label[row]! >= threshold ? 1 : 0));
  const numUsers = table.users.size;
  const numItems = table.items.size;
  logger.info(
    `real world: fitting taste on ${rows.length} KuaiRec rows (${numUsers} users x ${numItems} videos)`,
  );
  const model = factorize(users, items, labels, { numUsers, numItems }, { seed: random.nextUint32() });
  const dimensions = model.dimensions;

  const categories = captionsFile ? await categoriesOf(captionsFile) : fallbackCategories(fallback);
  const clusters = Math.min(20, categories.length);
  const cluster = kmeans(model.itemFactors, dimensions, clusters, random.nextUint32());
  const clusterSizes = new Array(clusters).fill(0);
  for (const c of cluster) clusterSizes[c]++;
  const byClusterSize = [...clusterSizes.keys()].sort((a, b) => clusterSizes[b] - clusterSizes[a]);
  const rankOfCluster = new Int32Array(clusters);
  byClusterSize.forEach((c, rank) => {
    rankOfCluster[c] = rank;
  });
  const itemOrder = random
    .shuffle([...Array(numItems).keys()])
    .sort((a, b) => rankOfCluster[cluster[a]!]! - rankOfCluster[cluster[b]!]!);

  const videos: Item[] = [];
  for await (const video of readKuaiRandVideos(videosFile))
    if (video.durationMs !== undefined && video.durationMs > 0) videos.push(video);
  random.shuffle(videos);
  // More items than video rows (another KuaiRec matrix): rows are reused.
  const chosen = Array.from(
    { length: numItems },
    (_, k) => videos[k < videos.length ? k : random.int(videos.length)]!,
  );
  // Same-tag, same-author videos land on neighbouring (same-cluster) items.
  chosen.sort(
    (a, b) =>
      (a.tags?.join(',') ?? '').localeCompare(b.tags?.join(',') ?? '') ||
      (a.author ?? '').localeCompare(b.author ?? ''),
  );

  const authorIndex = new Map<string, number>();
  const catalogue: Catalogue = {
    size: numItems,
    ids: [...table.items.ids()],
    durationMs: new Float64Array(numItems),
    author: new Int32Array(numItems),
    authorIds: [],
    category: new Int32Array(numItems),
    categoryNames: categories.slice(0, clusters).map((entry) => entry.name),
    tags: new Array(numItems).fill(''),
    uploadDates: new Array(numItems).fill(''),
    captions: new Array(numItems).fill(''),
    bias: model.itemBias,
    dimensions,
    factors: model.itemFactors,
  };
  itemOrder.forEach((item, k) => {
    const video = chosen[k]!;
    const author = video.author ?? `unknown${k}`;
    let index = authorIndex.get(author);
    if (index === undefined) {
      index = catalogue.authorIds.length;
      authorIndex.set(author, index);
      catalogue.authorIds.push(author);
    }
    const categoryIndex = rankOfCluster[cluster[item]!]!;
    const captions = categories[categoryIndex]!.captions;
    catalogue.durationMs[item] = video.durationMs!;
    catalogue.author[item] = index;
    catalogue.category[item] = categoryIndex;
    catalogue.tags[item] = video.tags?.join(',') ?? '';
    catalogue.uploadDates[item] = video.uploadTime
      ? new Date(video.uploadTime * 1000).toISOString().slice(0, 10)
      : '';
    catalogue.captions[item] = captions.length > 0 ? captions[random.int(captions.length)]! : '';
  });

  const population = emptyPopulation(numUsers, dimensions, model.userFactors);
  population.ids = [...table.users.ids()];
  drawTraits(population, usersFile ? await activityShares(usersFile) : fallback.userActivity, random);
  const histories: number[][] = Array.from({ length: numUsers }, () => []);
  const seen: number[][] = Array.from({ length: numUsers }, () => []);
  for (let k = 0; k < rows.length; k++) {
    seen[users[k]!]!.push(items[k]!);
    if (labels[k]) histories[users[k]!]!.push(items[k]!);
  }

  population.initialHistory = histories.map((history) => Int32Array.from(history));
  population.initialSeen = seen.map((list) => Int32Array.from(list));

  const moments = affinityMoments(catalogue, population, () => random.next());
  const spread = spreadOf(catalogue, population, cluster, clusters, random);
  const biasMean = mean(model.itemBias);
  const world: World = {
    mode: 'real',
    catalogue,
    population,
    affinityMean: moments.mean,
    affinitySd: moments.sd,
    targets: statsFile ? readSignalStatsFile(statsFile) : (fallback.signalStats as World['targets']),
  };
  return {
    world,
    sources: {
      kuairec: dirname(kuairecFile),
      videos: videosFile,
      ...(captionsFile && { captions: captionsFile }),
      ...(usersFile && { users: usersFile }),
      ...(statsFile && { signalStats: statsFile }),
      trainRows: rows.length,
      clusterShare: spread.clusterShare,
      itemBiasMean: biasMean,
      itemBiasSd: Math.sqrt(mean(model.itemBias.map((b) => (b - biasMean) ** 2))),
      interactionSd: spread.interactionSd,
    },
  };
}

interface CategoryEntry {
  name: string;
  share: number;
  captions: string[];
}

/** KuaiRec first-level categories by share of videos, with their captions. */
export async function categoriesOf(file: string): Promise<CategoryEntry[]> {
  const byName = new Map<string, { count: number; captions: string[] }>();
  let total = 0;
  for await (const item of readKuaiRecCaptions(file)) {
    const name = item.categories?.[0];
    if (!name) continue;
    total++;
    const entry = byName.get(name) ?? { count: 0, captions: [] };
    byName.set(name, entry);
    entry.count++;
    if (item.text) entry.captions.push(item.text.replace(/\s+/g, ' ').trim());
  }
  return [...byName.entries()]
    .map(([name, entry]) => ({ name, share: entry.count / total, captions: entry.captions }))
    .sort((a, b) => b.share - a.share || a.name.localeCompare(b.name));
}

function fallbackCategories(summary: PlaygroundSummary): CategoryEntry[] {
  return summary.categories.map((entry) => ({ ...entry, captions: [] }));
}

/** KuaiRand `user_active_degree` shares. */
export async function activityShares(file: string): Promise<Array<{ degree: string; share: number }>> {
  const counts = new Map<string, number>();
  let total = 0;
  for await (const user of readKuaiRandUsers(file)) {
    const degree = String(user.features?.user_active_degree ?? 'UNKNOWN');
    counts.set(degree, (counts.get(degree) ?? 0) + 1);
    total++;
  }
  return [...counts.entries()]
    .map(([degree, count]) => ({ degree, share: count / total }))
    .sort((a, b) => b.share - a.share);
}

/** Sd of the user . item product over random pairs and the share of its variance between item clusters. */
function spreadOf(
  catalogue: Catalogue,
  population: { size: number; factors: Float32Array },
  cluster: Int32Array,
  clusters: number,
  random: Random,
): { interactionSd: number; clusterShare: number } {
  const dimensions = catalogue.dimensions;
  const centres = new Float64Array(clusters * dimensions);
  const counts = new Float64Array(clusters);
  for (let item = 0; item < catalogue.size; item++) {
    counts[cluster[item]!]!++;
    for (let d = 0; d < dimensions; d++)
      centres[cluster[item]! * dimensions + d]! += catalogue.factors[item * dimensions + d]!;
  }
  for (let c = 0; c < clusters; c++)
    for (let d = 0; d < dimensions; d++) centres[c * dimensions + d]! /= Math.max(counts[c]!, 1);
  const full: number[] = [];
  const between: number[] = [];
  for (let s = 0; s < 30_000; s++) {
    const user = random.int(population.size);
    const item = random.int(catalogue.size);
    let dot = 0;
    let centreDot = 0;
    for (let d = 0; d < dimensions; d++) {
      const p = population.factors[user * dimensions + d]!;
      dot += p * catalogue.factors[item * dimensions + d]!;
      centreDot += p * centres[cluster[item]! * dimensions + d]!;
    }
    full.push(dot);
    between.push(centreDot);
  }
  const variance = (values: number[]) => {
    const m = mean(values);
    return mean(values.map((v) => (v - m) ** 2));
  };
  const total = variance(full);
  return { interactionSd: Math.sqrt(total), clusterShare: Math.min(1, variance(between) / total) };
}

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let k = 0; k < values.length; k++) sum += values[k]!;
  return sum / values.length;
}
