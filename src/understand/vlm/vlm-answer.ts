import { z } from 'zod';

/**
 * What the vision-language model must answer: one JSON object. The same schema
 * is sent to the server as `response_format` (servers that honour JSON schema
 * constrain decoding with it) and checks the answer.
 */
export const vlmAnswerSchema = z
  .object({
    categories: z.array(z.string().min(1)).max(3).describe('category path, coarse to fine, 1 to 3 names'),
    elements: z.array(z.string().min(1)).max(10).describe('objects, people, animals, places shown'),
    actions: z.array(z.string().min(1)).max(10).describe('what happens in the video'),
    emotions: z.array(z.string().min(1)).max(5).describe('emotions the video conveys'),
    language: z.enum(['zh', 'en', 'mixed', 'other']).describe('language of speech and on-screen text'),
    topics: z
      .array(z.string().min(1))
      .max(10)
      .describe('content hashtags worth keeping, without promotional ones'),
    aiGenerated: z.boolean().nullable().describe('true if the video looks AI-generated, null if unsure'),
    onScreenText: z.string().describe('text visible in the frames, empty if none'),
  })
  .strict();

export type VlmAnswer = z.infer<typeof vlmAnswerSchema>;

export const VLM_SYSTEM_PROMPT = `You tag short videos for a video platform. You see sampled frames and the uploader's text.
Answer with one JSON object only, no prose, matching this JSON schema:
${JSON.stringify(z.toJSONSchema(vlmAnswerSchema))}
Rules: use the language of the video for tags; categories go from coarse to fine; drop hashtags that only beg for
traffic (e.g. 上热门, 求关注) from topics; set aiGenerated to null unless the frames clearly show AI generation.`;
