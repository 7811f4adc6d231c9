/** What a hashtag is to its video (fixtures/hashtags/GUIDELINE.md). */
export const hashtagLabels = ['content', 'promotional', 'unrelated'] as const;
export type HashtagLabel = (typeof hashtagLabels)[number];

/** One labelled hashtag on one video. */
export interface LabelledHashtag {
  hashtag: string;
  videoId: string;
  label: HashtagLabel;
}
