import { describePipelineContract } from '../feed/test-support/pipeline-contract.js';
import { buildCascade } from './build-cascade.js';
import { coldStartPipeline } from './cold-start-feed.js';
import { tinyCatalogue } from './test-support/tiny-catalogue.js';

describePipelineContract('cascade coldstart', async () => {
  const { items, interactions } = tinyCatalogue();
  const cascade = buildCascade({ items, interactions }, { settings: { dim: 8 } });
  return {
    pipeline: coldStartPipeline(cascade),
    itemIds: items.filter((item) => !item.hidden).map((item) => item.id),
    history: interactions.get('u1')!,
  };
});
