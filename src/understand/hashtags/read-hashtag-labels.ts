import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { InvalidInputError } from '../../core/index.js';
import { hashtagLabels, type LabelledHashtag } from './hashtag-label.js';

const rowSchema = z.object({
  hashtag: z.string().trim().min(1, 'empty hashtag'),
  video_id: z.string().regex(/^\d+$/, 'video_id must be a number'),
  caption_excerpt: z
    .string()
    .refine((text) => [...text].length <= 40, 'caption_excerpt is longer than 40 characters'),
  label: z.enum(hashtagLabels),
});

/** Reads a hashtag label file (`hashtag,video_id,caption_excerpt,label`, the format of fixtures/hashtags/labels.csv). */
export function readHashtagLabels(path: string): LabelledHashtag[] {
  const rows = parse(readFileSync(path), { columns: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];
  return rows.map((row, index) => {
    const parsed = rowSchema.safeParse(row);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new InvalidInputError(
        `Cannot read line ${index + 2} of ${path}: ${String(issue.path[0] ?? 'row')}: ${issue.message}`,
      );
    }
    return { hashtag: parsed.data.hashtag, videoId: parsed.data.video_id, label: parsed.data.label };
  });
}
