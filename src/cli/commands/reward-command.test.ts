import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
  const code = await main(['node', 'genfeed', ...args], io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
};

describe('genfeed reward', () => {
  it('trains on a simulated KuaiRand log, saves the model, and evaluates it; a corrupt model names its file', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'genfeed-reward-'));
    const log = join(folder, 'sim.csv');
    const simulated = await run(
      ...['simulate', '--users', '200', '--items', '800', '--days', '3', '--seeds', '1'],
      ...['--warmup-days', '1', '--policy', 'random', '--log', log],
    );
    expect(simulated.code).toBe(0);
    const model = join(folder, 'model');
    const trained = await run('reward', 'train', '--log', log, '--out', model, '--epochs', '2');
    expect(trained.err).not.toMatch(/error/);
    expect(trained.code).toBe(0);
    expect(trained.out).toMatch(/\| long_view \| \d+ \| 0\.\d{4} \| 0\.\d{4} \|/);
    expect(existsSync(join(model, 'reward-model.safetensors'))).toBe(true);

    const evaluated = await run('reward', 'eval', '--log', log, '--model', model);
    expect(evaluated.code).toBe(0);
    expect(evaluated.out).toMatch(/\| is_click \| \d+ \| 0\.\d{4} \| 0\.\d{4} \|/);

    const setModel = join(folder, 'set-model');
    const setTrained = await run(
      ...['reward', 'train', '--log', log, '--out', setModel, '--epochs', '1'],
      ...['--architecture', 'set-transformer'],
    );
    expect(setTrained.err).not.toMatch(/error/);
    expect(setTrained.code).toBe(0);
    const setEvaluated = await run('reward', 'eval', '--log', log, '--model', setModel);
    expect(setEvaluated.code).toBe(0);
    expect(setEvaluated.out).toMatch(/\| is_click \| \d+ \| 0\.\d{4} \| 0\.\d{4} \|/);

    writeFileSync(join(model, 'reward-model.safetensors'), 'not a model');
    const broken = await run('reward', 'eval', '--log', log, '--model', model);
    expect(broken.code).toBe(2);
    expect(broken.err).toMatch(/reward-model\.safetensors/);
  });

  it('refuses an unknown fusion and a world strength out of range, naming the flag', async () => {
    const architecture = await run('reward', 'report', '--architecture', 'gbdt');
    expect(architecture.code).not.toBe(0);
    expect(architecture.err).toMatch(/--architecture.*gbdt|gbdt.*--architecture/);
    const strength = await run('reward', 'report', '--world-strength', '9');
    expect(strength.code).toBe(2);
    expect(strength.err).toMatch(/--world-strength must be a number from 0 to 4, got "9"/);
  });

  it('tune-formula searches the weights on a tuning world and writes every candidate; bad counts name the flag', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'genfeed-tune-')), 'tuned.json');
    const tuned = await run(
      ...['reward', 'tune-formula', '--world-strength', '1', '--users', '150', '--items', '800'],
      ...['--candidates', '2', '--seeds', '1', '--finalists', '1', '--warmup-days', '1', '--days', '1'],
      ...['--json', out],
    );
    expect(tuned.err).not.toMatch(/error/);
    expect(tuned.code).toBe(0);
    expect(tuned.out).toMatch(/\| hand-set( \(best\))? \| \d+\.\d \| 1 \| 1\.00 \| 2\.00 \|/);
    expect(tuned.out).toMatch(/\(best\) \| \d+\.\d \| 2 \|/);
    const json = JSON.parse(readFileSync(out, 'utf8'));
    expect(json.strength).toBe(1);
    expect(json.candidates).toHaveLength(3);
    expect(json.candidates.map((candidate: { meanStayTime: number }) => candidate.meanStayTime)).toContain(
      json.best.meanStayTime,
    );
    expect(json.command).toMatch(/--world-strength 1 --users 150 --seed 7/);

    const zero = await run('reward', 'tune-formula', '--warmup-days', '0');
    expect(zero.code).toBe(2);
    expect(zero.err).toMatch(/--warmup-days must be at least 1, got 0/);
  }, 120_000);

  it('refuses a missing log with a clear error', async () => {
    const result = await run('reward', 'train', '--log', '/nonexistent/log.csv', '--out', '/tmp/never');
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/\/nonexistent\/log\.csv/);
  });
});
