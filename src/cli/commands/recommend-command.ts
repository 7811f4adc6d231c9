import { Command } from 'commander';
import { InvalidInputError } from '../../core/index.js';
import { loadModelDirectory } from '../../generative/index.js';
import type { CliIo } from '../cli-io.js';
import { parseInteger } from '../parse-flags.js';

export function recommendCommand(io: CliIo): Command {
  return new Command('recommend')
    .description('Recommend the next items after a history with a model directory written by `genfeed train`')
    .requiredOption('--model-dir <dir>', 'model directory (genfeed train --out)')
    .requiredOption('--user-history <ids>', 'item ids the user consumed, oldest first, comma-separated')
    .option('-k, --k <n>', 'items to recommend', parseInteger, 10)
    .option('--json', 'print the list as JSON')
    .action(async (flags) => {
      if (!(flags.k > 0)) throw new InvalidInputError(`-k must be a positive integer, got ${flags.k}`);
      const model = await loadModelDirectory(flags.modelDir);
      const history = String(flags.userHistory)
        .split(',')
        .map((id) => id.trim())
        .filter((id) => id.length > 0);
      const { items, unknownIds } = model.recommend(history, flags.k);
      if (unknownIds.length > 0)
        io.logger.warn(
          `ignored ${unknownIds.length} history id(s) the model does not know: ${unknownIds.slice(0, 10).join(', ')}`,
        );
      if (flags.json) {
        io.out(JSON.stringify({ model: model.manifest.model, items, unknownIds }, null, 2));
        return;
      }
      io.out('rank  item                  score');
      items.forEach(({ itemId, score }, rank) => {
        io.out(`${String(rank + 1).padStart(4)}  ${itemId.padEnd(20)}  ${score.toFixed(4)}`);
      });
    });
}
