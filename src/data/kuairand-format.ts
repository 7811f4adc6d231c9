import { InvalidInputError } from '../core/index.js';
import type { DataSource } from './data-source.js';
import type { FormatLoader, LoadDatasetOptions } from './dataset.js';
import { collectById, readOptionsFor, readTable } from './load-helpers.js';
import { readKuaiUserFeatures } from './read-kuai-user-features.js';
import { readKuaiRandLog } from './read-kuairand-log.js';
import { readKuaiRandVideos } from './read-kuairand-videos.js';
import type { Interaction, Item, User } from './types.js';

const LOG = /^log_.*\.csv$/;
const STANDARD_LOG = /^log_standard_.*\.csv$/;
const VIDEOS = /^video_features_basic.*\.csv$/;
const USERS = /^user_features.*\.csv$/;

/**
 * A KuaiRand folder (Pure, 1K or 27K): the standard-policy logs (or the given
 * log file) as interactions. The logs are impressions, not positive feedback,
 * so label = is_click (a valid play, the usual KuaiRand target) with
 * positiveThreshold 1; the other signals stay in the reader's output.
 */
export const kuairandFormat: FormatLoader = {
  format: 'kuairand',
  lookingFor: 'log_*.csv or video_features_basic*.csv',

  async detect(source) {
    const names = source.file === undefined ? source.files : [source.file];
    return names.some((name) => LOG.test(name) || VIDEOS.test(name));
  },

  async load(source, options) {
    const logs = logFiles(source);
    if (logs.length === 0) {
      throw new InvalidInputError(
        `Cannot load ${source.path} as KuaiRand: no interaction log (log_standard_*.csv) in ${source.directory}`,
      );
    }
    const { interactions } = await readTable(logs, (file) => labelByClick(source.pathOf(file), options));
    const items = new Map<string, Item>();
    for (const file of source.matching(VIDEOS)) {
      await collectById(items, readKuaiRandVideos(source.pathOf(file), readOptionsFor(options)));
    }
    const users = new Map<string, User>();
    for (const file of source.matching(USERS)) {
      await collectById(users, readKuaiUserFeatures(source.pathOf(file), readOptionsFor(options)));
    }
    return { name: source.name, format: 'kuairand', interactions, positiveThreshold: 1, items, users };
  },
};

function logFiles(source: DataSource): string[] {
  if (source.file !== undefined && LOG.test(source.file)) return [source.file];
  return source.matching(STANDARD_LOG);
}

async function* labelByClick(path: string, options: LoadDatasetOptions): AsyncGenerator<Interaction> {
  for await (const interaction of readKuaiRandLog(path, readOptionsFor(options))) {
    yield { ...interaction, label: interaction.signals?.click ?? 0 };
  }
}
