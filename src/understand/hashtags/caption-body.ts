/** `#tag`, `#tag#` and `@name(O123)` mentions: markup, not description. */
const MARKUP = /#[^#\s@]+#?|@[^\s#@]+(?:\([^)]*\))?|#/gu;

/** The caption without its hashtags and mentions: the words the creator wrote about the video. */
export function captionBody(caption: string): string {
  return caption.replace(MARKUP, ' ').replace(/\s+/gu, ' ').trim();
}
