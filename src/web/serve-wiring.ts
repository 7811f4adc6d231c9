import type { FeedPipeline } from '../feed/index.js';
import type { ApiKeys, PipelineProvider } from '../serve/index.js';
import type { DashboardOptions } from './dashboard-options.js';

/**
 * The dashboard's `authorize` over the server's API keys (their scopes; `admin`
 * opens every page, `read` the creator view). A creator's key becomes the one
 * scope `creator:<author>`: the creator view of that author only.
 */
export function authorizeWithApiKeys(keys: ApiKeys): DashboardOptions['authorize'] {
  return (key) => {
    const principal = keys.authenticate(key);
    if (principal === undefined) return undefined;
    return principal.creator === undefined ? [...principal.scopes] : [`creator:${principal.creator}`];
  };
}

/**
 * The dashboard's `pipelines` over the server's pipeline provider (the model
 * registry or `fixedPipelines`): the current instance of every pipeline it
 * reports, or of `names` when it reports none.
 */
export function pipelinesOf(
  provider: PipelineProvider,
  names: readonly string[] = ['generative', 'cascade'],
): () => FeedPipeline[] {
  return () => {
    const listed = provider.statuses?.().map((status) => status.name) ?? [];
    return (listed.length > 0 ? listed : names)
      .map((name) => provider.current(name))
      .filter((pipeline): pipeline is FeedPipeline => pipeline !== undefined);
  };
}
