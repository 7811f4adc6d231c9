/**
 * Function words that carry no topic: Chinese particles, pronouns, conjunctions
 * and the commonest English ones. Kept short on purpose; TF-IDF weighting already
 * discounts frequent words, this list only removes those that would still rank
 * as keywords in one-line captions.
 */
const CHINESE = `的 了 着 过 是 在 和 与 及 或 而 也 都 就 还 又 很 太 更 最 吗 呢 吧 啊 呀 哦 哈 嘛 啦 哇 呐 么 之 其
我 你 他 她 它 我们 你们 他们 她们 它们 咱 咱们 自己 大家 这 那 这个 那个 这些 那些 这样 那样 这里 那里 哪 哪里
什么 怎么 怎么样 为什么 一个 一下 一些 一点 一样 有 没 没有 不 不是 就是 还是 但是 可是 因为 所以 如果 虽然
然后 而且 已经 被 把 给 让 从 对 向 到 为 以 于 比 跟 地 得 个 啥 嗯 哎 喔 噢 么么 才 再 只 又 等 等等 吧吧`;

const ENGLISH = `a an the and or but if of to in on at by for with from as is are was were be been being am
it its this that these those i me my we our you your he him his she her they them their what which who
whom so not no do does did have has had will would can could should just than then there here very`;

const STOP_WORDS: ReadonlySet<string> = new Set([...CHINESE.split(/\s+/), ...ENGLISH.split(/\s+/)]);

export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word);
}
