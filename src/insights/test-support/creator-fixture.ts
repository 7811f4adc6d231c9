import { type EventInput, eventId, type ItemInput, type Store } from '../../storage/index.js';

/**
 * A hand-made platform for the insights tests, 14 days up to `NOW` (Monday
 * 2026-03-16 12:00 UTC; events after it are left out):
 * - creator `chef` posts home cooking (#美食 #家常菜, plus the traffic-begging
 *   #上热门); 12 fans (`fan0`..`fan11`) watch only between 20:00 and 21:59 UTC,
 *   on the chef's videos and on others';
 * - creator `fryer` posts air-fryer recipes (#美食 #空气炸锅): 1 viewer a day
 *   for 13 days, then 20 distinct viewers on the last day (the rising topic);
 * - creator `hiker` posts camping (#露营 #户外), watched steadily at 08:00 by
 *   four `walker*` users (no trend, no overlap with the cooking niche);
 * - other creators upload at 20:00-21:00 only on Saturdays (some competition).
 */
export const NOW = Date.parse('2026-03-16T12:00:00Z');
const DAY = 86_400_000;
const HOUR = 3_600_000;
const DAYS = 14;
/** Midnight UTC of the first day. */
const START = Date.parse('2026-03-03T00:00:00Z');

export const chefItems = ['chef-1', 'chef-2', 'chef-3', 'chef-4'];
export const fryerItems = ['fryer-1', 'fryer-2', 'fryer-3'];
export const FAN_HOURS = [20, 21];

export function fixtureItems(): ItemInput[] {
  const chefCaptions = [
    '今天在家做红烧肉，肥而不腻超级下饭',
    '家常番茄炒蛋的做法，简单又好吃',
    '十分钟搞定的葱油拌面',
    '妈妈教我做的糖醋排骨',
  ];
  const fryerCaptions = [
    '空气炸锅烤鸡翅，外酥里嫩零失败',
    '空气炸锅版薯条，比油炸还香',
    '用空气炸锅做蛋挞，新手也能学会',
  ];
  const items: ItemInput[] = [
    ...chefItems.map((id, index) => ({
      id,
      author: 'chef',
      caption: chefCaptions[index]!,
      hashtags: ['#美食', '#家常菜', '#上热门'],
      categories: ['美食', '家常菜'],
      uploadTime: START + index * DAY + 10 * HOUR,
    })),
    ...fryerItems.map((id, index) => ({
      id,
      author: 'fryer',
      caption: fryerCaptions[index]!,
      hashtags: ['#美食', '#空气炸锅'],
      categories: ['美食', '小家电'],
      uploadTime: START + index * DAY + 9 * HOUR,
    })),
    ...[1, 2, 3].map((index) => ({
      id: `hike-${index}`,
      author: 'hiker',
      caption: `周末去山里露营第${index}天，看日出`,
      hashtags: ['#露营', '#户外'],
      categories: ['旅行', '户外'],
      uploadTime: START + index * DAY + 7 * HOUR,
    })),
  ];
  // Competition: other creators upload on Saturday evenings.
  for (let index = 0; index < 6; index++) {
    items.push({
      id: `rival-${index}`,
      author: `rival${index}`,
      caption: '周末vlog',
      hashtags: ['#日常'],
      categories: ['生活'],
      uploadTime: Date.parse('2026-03-07T20:00:00Z') + (index % 2) * HOUR,
    });
  }
  return items;
}

export function fixtureEvents(): EventInput[] {
  const events: EventInput[] = [];
  const add = (userId: string, itemId: string, time: number, signals: EventInput['signals'] = {}) =>
    events.push({ id: eventId(userId, itemId, time), userId, itemId, time, signals });
  for (let day = 0; day < DAYS; day++) {
    const midnight = START + day * DAY;
    // Fans: a chef video a day (a third of them a hiking one too), always at 20:00-21:59 UTC.
    for (let fan = 0; fan < 12; fan++) {
      const hour = FAN_HOURS[(fan + day) % 2]!;
      const base = midnight + hour * HOUR + fan * 60_000;
      add(`fan${fan}`, chefItems[(fan + day) % chefItems.length]!, base, { click: 1, longView: 1 });
      if (fan % 3 === 0) add(`fan${fan}`, `hike-${1 + (day % 3)}`, base + 20 * 60_000, { click: 1 });
    }
    // Walkers: hiking videos at 08:00, every day alike.
    for (let walker = 0; walker < 4; walker++) {
      add(`walker${walker}`, `hike-${1 + ((walker + day) % 3)}`, midnight + 8 * HOUR + walker * 60_000);
    }
    // The rising topic: one viewer a day, then twenty on the last day (before NOW), each
    // watching every air-fryer video twice (the most engaged captions of the log).
    if (day < DAYS - 1) add(`cook${day}`, fryerItems[day % fryerItems.length]!, midnight + 9 * HOUR);
    else {
      for (let viewer = 0; viewer < 20; viewer++) {
        for (const [index, itemId] of fryerItems.entries()) {
          const time = midnight + 9 * HOUR + viewer * 60_000 + index * 10_000;
          add(`cook${day}-${viewer}`, itemId, time, { click: 1 });
          add(`cook${day}-${viewer}`, itemId, time + 5_000, { click: 1, like: 1 });
        }
      }
    }
  }
  return events.filter((event) => event.time < NOW);
}

/** Writes the fixture into `store`. */
export async function seedCreatorFixture(store: Store): Promise<void> {
  await store.upsertItems(fixtureItems());
  await store.upsertEvents(fixtureEvents(), { createMissing: true });
}
