/**
 * Lexical cues of traffic-begging and platform boilerplate in a hashtag, in five
 * families (fixtures/hashtags/GUIDELINE.md lists the kinds of tags behind them).
 * Each family is one pattern over the normalised tag.
 */
export const promoCueFamilies = {
  /** Asking for exposure, followers or interaction. */
  begging: /热门|上热|求|涨粉|限流|屏蔽|关注|双击|点赞|推送|助推|扶持|曝光|流量/u,
  /** Thanking or declaring love for the platform, its staff or the audience. */
  thanks: /感谢|谢谢|感恩|支持快手|热爱快手|爱官方|热爱官方|老铁们/u,
  /** Platform accounts, programmes and services. */
  platform: /快手|官方|官大大|小助手|推广|创作者|创业者|主播|商家号|平台|同城|激励|计划|拍点啥/u,
  /** Capture, editing and upload tools and formats. */
  tool: /高清|全面屏|快影|相机|贴纸|影集|上传|一键出片/u,
  /** Platform slogans. */
  slogan: /正能量/u,
} as const;

export type PromoCueFamily = keyof typeof promoCueFamilies;
export const promoCueNames = Object.keys(promoCueFamilies) as PromoCueFamily[];

/** 1 for each family whose pattern matches the normalised tag, in `promoCueNames` order. */
export function promoCues(normalizedTag: string): number[] {
  return promoCueNames.map((name) => (promoCueFamilies[name].test(normalizedTag) ? 1 : 0));
}

/** The words of the keyword-rule baseline: the promotional cues without the bare platform name and 计划, which name topical channels too (快手厨房, 超级段子手计划). */
export const ruleKeywords =
  /热门|上热|求|涨粉|限流|屏蔽|关注|双击|点赞|推送|助推|感谢|谢谢|感恩|官方|官大大|小助手|推广|创作者|创业者|主播|商家号|同城|拍点啥|高清|全面屏|快影|相机|正能量/u;

/** The keyword-rule baseline: promotional when the normalised tag holds one of the rule's words, else content; it never says unrelated. */
export function promoKeywordRule(normalizedTag: string): 'content' | 'promotional' {
  return ruleKeywords.test(normalizedTag) ? 'promotional' : 'content';
}
