import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../cli-io.js';
import { main } from '../main.js';

/** A CliIo whose stderr is a log file (not a terminal), as `genfeed eval ... 2> run.log` sees it. */
function logFileIo(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (text) => void stdout.push(text),
    logger: {
      info: (message) => void stderr.push(message),
      warn: (message) => void stderr.push(`warning: ${message}`),
      error: (message) => void stderr.push(`error: ${message}`),
      // Not --verbose: every line below must come through info.
      debug: () => {},
    },
    interactive: false,
  };
}

describe('genfeed eval', () => {
  it('writes a line per epoch and per phase when stderr is a log file, and both columns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'genfeed-eval-'));
    const data = join(dir, 'shop.txt');
    // 12 users of 5 items each over 8 items: every user has validation and test targets.
    const lines = Array.from({ length: 12 }, (_, user) =>
      [user + 1, ...Array.from({ length: 5 }, (_, step) => ((user + step * 3) % 8) + 1)].join(' '),
    );
    writeFileSync(data, `${lines.join('\n')}\n`);
    const config = join(dir, 'sasrec.json');
    writeFileSync(
      config,
      JSON.stringify({
        model: 'sasrec',
        params: { dim: 8, heads: 1, layers: 1, maxLength: 5, epochs: 2, batchSize: 4, validationUsers: 0 },
      }),
    );
    const out = join(dir, 'report.json');
    const io = logFileIo();
    const code = await main(
      ['node', 'genfeed', 'eval', '--data', data, '--format', 'sequences', '--config', config, '--json', out],
      io,
    );
    expect(io.stderr.join('\n')).not.toContain('error');
    expect(code).toBe(0);

    const epoch = /^epoch (\d+): loss \d+\.\d{4}(, recall@10 (\d\.\d{4}))? \(\d+\.\d s\)$/;
    const phases = [
      /^validation fit: sasrec on the training part$/,
      epoch,
      epoch,
      /^validation fit (epochs=\d+ )?decayEpochs=2: validation ndcg@10 \d\.\d{4} \(fit \d+\.\d s, ranking \d+\.\d s\)$/,
      /^test ranking, no refit: recall@10 \d\.\d{4}, ndcg@10 \d\.\d{4}, 12 users in \d+\.\d s$/,
      /^refit on train \+ validation: sasrec (epochs=\d+ )?decayEpochs=2$/,
      epoch,
      /^refit on train \+ validation: \d+\.\d s$/,
      /^test ranking, refit: recall@10 \d\.\d{4}, ndcg@10 \d\.\d{4}, 12 users in \d+\.\d s$/,
    ];
    const log = io.stderr.filter((line) => phases.some((phase) => phase.test(line)));
    const firstPhase = log.findIndex((line) => phases[0]!.test(line));
    const expected = log.slice(firstPhase, firstPhase + phases.length);
    expect(expected.map((line, index) => phases[index]!.test(line))).toEqual(phases.map(() => true));
    // The validation fit's epochs carry the validation metric; the refit's have none.
    expect(expected[1]).toMatch(/^epoch 1: .*recall@10/);
    expect(expected[2]).toMatch(/^epoch 2: .*recall@10/);
    expect(expected[6]).toMatch(/^epoch 1: loss \d\.\d{4} \(/);

    expect(io.stdout.join('\n')).toMatch(/R@10 no-refit\s+N@10 no-refit/);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.noRefit).toMatchObject({ users: 12, coldUsers: 0 });
    expect(Object.keys(report.noRefit.metrics)).toEqual(Object.keys(report.metrics));
    expect(report.noRefit.trainSeconds).toBe(report.search[0].fitSeconds);
  });
});
