/** Declarations of AI generation that uploaders write in captions and hashtags. */
const DECLARED =
  /aigc|ai生成|ai绘画|ai作画|ai创作|ai制作|ai视频|ai合成|ai换脸|人工智能生成|ai-generated|ai generated|made with ai|midjourney|stable ?diffusion|sora/iu;

/**
 * True when the text declares the video AI-generated, undefined otherwise: text
 * alone cannot show that a video is not AI-generated.
 */
export function declaredAiGenerated(text: string): true | undefined {
  return DECLARED.test(text.normalize('NFKC')) ? true : undefined;
}
