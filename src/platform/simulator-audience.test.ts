import { describe, expect, it } from 'vitest';
import { AudienceFinder, evaluateAudience, signalOnly } from '../understand/index.js';
import { simulatorAudience } from './simulator-audience.js';

describe('audience finding on a small simulated world', () => {
  it('content profiles find the users of high hidden affinity better than activity does', async () => {
    const benchmark = await simulatorAudience({ users: 300, items: 600, days: 4, heldOutItems: 40, seed: 3 });
    const finder = new AudienceFinder(benchmark.log, benchmark.itemTokens);
    const report = evaluateAudience(finder, benchmark.cases, signalOnly, { k: 30 });
    expect(report.contentOnly!.auc).toBeGreaterThan(0.6);
    expect(report.contentOnly!.auc).toBeGreaterThan(report.popularity!.auc + 0.05);
  }, 60_000);
});
