// The OpenAI-compatible vision-language tagger: prompt, answer schema, validation, retries.
export {
  OpenAiVisionTagger,
  type OpenAiVisionTaggerOptions,
  parseVlmAnswer,
  VlmError,
} from './openai-vision-tagger.js';
export { VLM_SYSTEM_PROMPT, type VlmAnswer, vlmAnswerSchema } from './vlm-answer.js';
