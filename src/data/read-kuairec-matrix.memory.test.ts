import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { readKuaiRecMatrix } from './read-kuairec-matrix.js';
import { useTempDir } from './test-support/temp-dir.js';

const ROWS = 1_000_000;
const temp = useTempDir();

/** A real collection, so the heap measured is what is still reachable, not garbage awaiting one. */
function collectGarbage(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

async function writeMatrix(path: string): Promise<void> {
  const out = createWriteStream(path);
  out.write('user_id,video_id,play_duration,video_duration,time,date,timestamp,watch_ratio\n');
  const batch = 10_000;
  for (let start = 0; start < ROWS; start += batch) {
    let lines = '';
    for (let row = start; row < start + batch; row++) {
      const timestamp = 1_593_878_400 + row;
      // Every tenth row spells the time out in full, as the official file does; the rest keep it short.
      const spelled = row % 10 === 0 ? '2020-07-05 00:00:00.000,20200705.0' : ',';
      lines += `${row % 1411},${row % 3327},${row % 9000},7000,${spelled},${timestamp}.5,${((row % 9000) / 7000).toFixed(6)}\n`;
    }
    if (!out.write(lines)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

describe('readKuaiRecMatrix on a million rows', () => {
  it('streams in constant memory', async () => {
    const gc = collectGarbage();
    const path = temp.path('small_matrix.csv');
    await writeMatrix(path);

    gc();
    const baseline = process.memoryUsage().heapUsed;
    let peak = 0;
    let rows = 0;
    let labels = 0;
    for await (const interaction of readKuaiRecMatrix(path)) {
      rows++;
      labels += interaction.label ?? 0;
      if (rows % 100_000 === 0) {
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
      }
    }
    expect(rows).toBe(ROWS);
    expect(labels).toBeGreaterThan(0);
    expect(peak).toBeLessThan(50 * 1024 * 1024);
  }, 60_000);
});
