import { describe, expect, it } from 'vitest';
import { parseTorchResult } from '../bench/engine/torch-result.js';

describe('parseTorchResult (bench/engine/torch_step.py output)', () => {
  const result = {
    torch: '1.13.0a0',
    python: '3.11.2',
    threads: 2,
    openblasThreads: [2, 2],
    mlpStepMs: 101.5,
    sasrec: {
      items: 12101,
      steps: 88,
      positions: 128000,
      paddedSlots: 300000,
      meanStepMs: 150,
      medianStepMs: 90,
      epochS: 13.2,
      loss: 'fused',
    },
  };

  it('reads the last RESULT line and ignores the rest', () => {
    const stdout = `noise\nRESULT {"torch": "old"}\nRESULT ${JSON.stringify(result)}\n`;
    expect(parseTorchResult(stdout)).toEqual(result);
  });

  it('names what is wrong', () => {
    expect(() => parseTorchResult('mlp step 100 ms\n')).toThrow('printed no RESULT line');
    expect(() => parseTorchResult('RESULT {oops\n')).toThrow('is not JSON');
    const bad = { ...result, sasrec: { ...result.sasrec, meanStepMs: 'fast' } };
    expect(() => parseTorchResult(`RESULT ${JSON.stringify(bad)}`)).toThrow('field sasrec.meanStepMs');
  });
});
