import { readKuaiRecCaptions } from '../../data/index.js';
import { HashtagCorpus } from './hashtag-corpus.js';

/** Builds the hashtag corpus of a KuaiRec `kuairec_caption_category.csv` (~5 s for the 10,728 videos). */
export async function loadHashtagCorpus(captionsPath: string): Promise<HashtagCorpus> {
  const corpus = new HashtagCorpus();
  for await (const item of readKuaiRecCaptions(captionsPath)) corpus.add(item);
  return corpus;
}
