import { Command } from 'commander';
import { type Dataset, loadDataset, type ReadReport } from '../../data/index.js';
import type { CliIo } from '../cli-io.js';
import { withDataOptions } from '../data-options.js';
import { reportSkipped } from '../evaluate.js';

export function dataCommand(io: CliIo): Command {
  return withDataOptions(new Command('data'))
    .description('Read a data set and print what it holds (counts, time range, metadata, split sizes)')
    .argument('<path>', 'data file or folder')
    .action(async (path: string, flags) => {
      const reports: ReadReport[] = [];
      const dataset = await loadDataset(path, {
        ...(flags.format && { format: flags.format }),
        ...(flags.kuairecMatrix && { kuairecMatrix: flags.kuairecMatrix }),
        skipBadRows: Boolean(flags.skipBadRows),
        reports,
      });
      io.out(describeDataset(dataset));
      reportSkipped(reports, io);
    });
}

export function describeDataset(dataset: Dataset): string {
  const table = dataset.interactions;
  const lines: Array<[string, string]> = [
    ['name', dataset.name],
    ['format', dataset.format],
    ['users', String(table.users.size)],
    ['items', String(table.items.size)],
    ['interactions', String(table.length)],
    ['density', (table.length / Math.max(1, table.users.size * table.items.size)).toExponential(3)],
    ['mean per user', (table.length / Math.max(1, table.users.size)).toFixed(2)],
  ];
  let minTime = Number.POSITIVE_INFINITY;
  let maxTime = Number.NEGATIVE_INFINITY;
  let labelled = 0;
  let positives = 0;
  for (let row = 0; row < table.length; row++) {
    const time = table.time[row]!;
    if (time < minTime) minTime = time;
    if (time > maxTime) maxTime = time;
    const label = table.label[row]!;
    if (!Number.isNaN(label)) {
      labelled++;
      if (dataset.positiveThreshold !== undefined && label >= dataset.positiveThreshold) positives++;
    }
  }
  if (Number.isFinite(minTime) && dataset.format !== 'sequences') {
    const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
    lines.push(['time range', `${iso(minTime)} .. ${iso(maxTime)}`]);
  }
  if (labelled > 0) lines.push(['labelled', String(labelled)]);
  if (dataset.positiveThreshold !== undefined) {
    lines.push(['positives', `${positives} (label >= ${dataset.positiveThreshold})`]);
  }
  if (dataset.part) {
    const counts = [0, 0, 0];
    for (const part of dataset.part) counts[part]!++;
    lines.push(['given split', `train ${counts[0]}, valid ${counts[1]}, test ${counts[2]}`]);
  }
  lines.push(['item metadata', String(dataset.items.size)]);
  lines.push(['user features', String(dataset.users.size)]);
  const width = Math.max(...lines.map(([key]) => key.length));
  return lines.map(([key, value]) => `${key.padEnd(width)}  ${value}`).join('\n');
}
