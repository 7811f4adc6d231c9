/**
 * Title mining on the real KuaiRec captions. The shipped KuaiRec files hold no
 * engagement that joins with the captions (the small-matrix ids are re-indexed),
 * so every caption gets engagement 1 and the miner returns the most similar real
 * captions: the retrieval half of the title suggestions, shown on real Chinese text.
 */
import { TitleMiner, type TitleSuggestion } from '../../src/assistant/index.js';
import { readKuaiRecCaptions } from '../../src/data/index.js';

export async function kuaiRecTitleExamples(captionsPath: string): Promise<{
  captions: number;
  examples: Array<{ draft: string; categories: string[]; titles: TitleSuggestion[] }>;
}> {
  const corpus = [];
  for await (const item of readKuaiRecCaptions(captionsPath)) {
    if (!item.text) continue;
    corpus.push({
      itemId: item.id,
      caption: item.text,
      ...(item.hashtags && { hashtags: item.hashtags }),
      ...(item.categories && { categories: item.categories }),
      engagement: 1,
    });
  }
  const miner = new TitleMiner(corpus, { minQuantile: 0 });
  const drafts = [
    { caption: '我家猫咪今天学会了开门', categories: ['宠物'] },
    { caption: '周末在家做一道红烧排骨', categories: ['美食'] },
  ];
  return {
    captions: corpus.length,
    examples: drafts.map((draft) => ({
      draft: draft.caption,
      categories: draft.categories,
      titles: miner.mine(draft, 3),
    })),
  };
}
