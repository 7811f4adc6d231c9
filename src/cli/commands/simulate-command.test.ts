import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../cli-io.js';
import { main } from '../main.js';

function captureIo(): CliIo & { stdout: string[]; stderr: string[] } {
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
      debug: () => {},
    },
    interactive: false,
  };
}

const run = async (...args: string[]) => {
  const io = captureIo();
  const code = await main(['node', 'genfeed', 'simulate', ...args], io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
};

describe('genfeed simulate', () => {
  it('runs an A/B test in the playground and writes the report the issue specifies', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'genfeed-simulate-'));
    const out = join(folder, 'report.json');
    const log = join(folder, 'log.csv');
    const result = await run(
      ...['--users', '300', '--items', '1500', '--days', '2', '--seeds', '2', '--warmup-days', '1'],
      ...['--policy', 'random', '--policy', 'pop', '--json', out, '--log', log, '--calibration'],
    );
    expect(result.err).not.toMatch(/error/);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/\| is_click +\| +0\.\d+ \| +0\.4597 \|/);
    expect(result.out).toMatch(/pop vs random/);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.calibration.is_click).toEqual(
      expect.objectContaining({ simulated: expect.any(Number), target: expect.closeTo(0.4597, 4) }),
    );
    expect(report.policies.map((policy: { name: string }) => policy.name)).toEqual(['random', 'pop']);
    expect(report.policies[0].stayTimePerUserDay.ci95).toHaveLength(2);
    expect(report.policies[0].retention.mean).toBeGreaterThan(0);
    expect(report.comparisons[0]).toEqual(
      expect.objectContaining({
        a: 'pop',
        b: 'random',
        stayTimeLiftPct: expect.objectContaining({ mean: expect.any(Number) }),
      }),
    );
    expect(readFileSync(log, 'utf8').split('\n')[0]).toMatch(
      /^user_id,video_id,date,hourmin,time_ms,is_click/,
    );
  });

  it('runs the satisfaction world at a strength and records its calibration error', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'genfeed-simulate-')), 'world.json');
    const result = await run(
      ...['--users', '300', '--items', '1500', '--world-strength', '0.5', '--calibration', '--json', out],
    );
    expect(result.code).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.world).toEqual({
      strength: 0.5,
      strengths: { durationBias: 0.5, temptation: 0.5, expression: 0.5, longRun: 0.5 },
    });
    expect(report.calibrationMaxRelError).toBeGreaterThan(0);
    expect(report.calibration.is_click.ok).toBe(true);
  });

  it('refuses bad input with one clear line', async () => {
    const bad = join(mkdtempSync(join(tmpdir(), 'genfeed-simulate-')), 'summary.json');
    writeFileSync(bad, '{"description": "x"}');
    const summary = await run('--summary', bad, '--calibration');
    expect(summary.code).toBe(2);
    expect(summary.err).toMatch(/Invalid playground summary .*summary.json: field "signalStats"/);
    const policy = await run('--policy', 'nope', '--users', '10');
    expect(policy.code).toBe(2);
    expect(policy.err).toMatch(/Unknown policy "nope"/);
    const days = await run('--days', '0');
    expect(days.err).toMatch(/--days must be at least 1/);
    const items = await run('--items', '10');
    expect(items.err).toMatch(/--items must be at least 100, got 10/);
    for (const strength of ['5', '-1', 'strong', '']) {
      const world = await run('--world-strength', strength, '--calibration');
      expect(world.code).toBe(2);
      expect(world.err).toMatch(`--world-strength must be a number from 0 to 4, got "${strength}"`);
    }
    const fusion = await run('--reward-fusion', 'gbdt', '--calibration');
    expect(fusion.code).not.toBe(0);
    expect(fusion.err).toMatch(/--reward-fusion.*gbdt|gbdt.*--reward-fusion/);
    const real = await run('--mode', 'real', '--data', join(tmpdir(), 'genfeed-no-such-folder'));
    expect(real.code).toBe(2);
    expect(real.err).toMatch(/is not a folder/);
  });
});
