import { type Command, Option } from 'commander';
import { dataFormats } from '../data/index.js';

/** The options every command that reads a data set takes: --format, --skip-bad-rows, --kuairec-matrix. */
export function withDataOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--format <format>', 'data format (detected when left out)').choices(
        dataFormats.map((format) => format.format),
      ),
    )
    .option('--skip-bad-rows', 'count and skip malformed rows instead of stopping at the first')
    .addOption(
      new Option(
        '--kuairec-matrix <which>',
        'KuaiRec interactions: the binarised splits or an official matrix',
      ).choices(['splits', 'small', 'big']),
    );
}
