// The request mix of `npm run bench:soak`, drawn from a seeded generator:
// feeds for many users (the playground's users and some new ones, which get the
// cold-start feed), events posted for pages that were served (the page's items
// up to where the user stopped, with their request id and position), API reads
// (a user, an item's neighbours) and dashboard/admin reads. Every served feed
// is kept per user, so repeated items can be counted afterwards.
import { Random } from '../../dist/core/index.js';

/**
 * Shares of the requests, in order of the draw. Admin reads are a person at a
 * dashboard (about one page every 2 s at 200 req/s), not a share of the app's
 * traffic: the overview and experiments pages scan the event log (0.3-2 s each
 * on the demo's store), so at 5% of 200 req/s they alone saturated the server.
 */
export const mixShares = { feed: 0.6, events: 0.3, read: 0.0975, admin: 0.0025 };

const adminPaths = [
  '/dashboard',
  '/dashboard/experiments',
  '/dashboard/models',
  '/dashboard/items',
  '/dashboard/users',
  '/metrics',
  '/health/ready',
];
const timeoutMs = 10_000;

/**
 * @param {{ url: string, apiKey: string, users: string[], items: string[],
 *   newUsers?: number, seed?: number, pageSize?: number, shares?: typeof mixShares }} options
 */
export function soakMix({
  url,
  apiKey,
  users,
  items,
  newUsers = 200,
  seed = 7,
  pageSize = 10,
  shares = mixShares,
}) {
  const random = new Random(seed);
  const everyone = [...users, ...Array.from({ length: newUsers }, (_, k) => `soak-new-${k}`)];
  const headers = { authorization: `Bearer ${apiKey}`, accept: 'application/json' };
  /** Served feeds waiting for their events, oldest first (bounded: users leave without a trace too). */
  const unposted = [];
  /** Per user: item id -> the request ids that served it. */
  const served = new Map();
  let eventsPosted = 0;

  const call = async (kind, path, init = {}) => {
    try {
      const response = await fetch(`${url}${path}`, {
        ...init,
        headers: { ...headers, ...init.headers },
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.text();
      if (!response.ok)
        return {
          kind,
          ok: false,
          error: `${init.method ?? 'GET'} ${path}: ${response.status} ${text.slice(0, 200)}`,
        };
      return { kind, ok: true, text };
    } catch (error) {
      return {
        kind,
        ok: false,
        error: `${init.method ?? 'GET'} ${path}: ${error?.cause?.code ?? error?.message ?? error}`,
      };
    }
  };

  const feed = async () => {
    const userId = everyone[random.int(everyone.length)];
    const outcome = await call('feed', `/v1/users/${encodeURIComponent(userId)}/feed?n=${pageSize}`);
    if (!outcome.ok) return outcome;
    const body = JSON.parse(outcome.text);
    const mine = served.get(userId) ?? new Map();
    served.set(userId, mine);
    for (const item of body.items) {
      const requests = mine.get(item.itemId) ?? [];
      requests.push(body.requestId);
      mine.set(item.itemId, requests);
    }
    unposted.push({ userId, body });
    if (unposted.length > 2000) unposted.shift();
    return { kind: 'feed', ok: true };
  };

  const events = async () => {
    const page = unposted.shift();
    if (page === undefined) return feed();
    const { userId, body } = page;
    const watched = 1 + random.int(body.items.length);
    const now = Date.now();
    const batch = body.items.slice(0, watched).map((item, position) => {
      const playTimeMs = Math.round(2000 + random.next() * 20_000);
      return {
        id: `${body.requestId}:${position}`,
        userId,
        itemId: item.itemId,
        time: now - (watched - position) * 1000,
        requestId: body.requestId,
        pipeline: body.pipeline,
        position,
        ...(body.experiment === undefined ? {} : { experiment: body.experiment }),
        signals: {
          playTimeMs,
          click: random.next() < 0.5 ? 1 : 0,
          longView: playTimeMs > 12_000 ? 1 : 0,
          like: random.next() < 0.05 ? 1 : 0,
        },
      };
    });
    const outcome = await call('events', '/v1/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(batch),
    });
    if (outcome.ok) eventsPosted += batch.length;
    return {
      kind: 'events',
      ok: outcome.ok,
      ...(outcome.error === undefined ? {} : { error: outcome.error }),
    };
  };

  const read = () =>
    random.next() < 0.5
      ? call('read', `/v1/users/${encodeURIComponent(users[random.int(users.length)])}`)
      : call('read', `/v1/items/${encodeURIComponent(items[random.int(items.length)])}/similar?n=10`);

  const admin = () => call('admin', adminPaths[random.int(adminPaths.length)]);

  return {
    /** One request of the mix. */
    async send() {
      const draw = random.next();
      const outcome =
        draw < shares.feed
          ? await feed()
          : draw < shares.feed + shares.events
            ? await events()
            : draw < shares.feed + shares.events + shares.read
              ? await read()
              : await admin();
      return {
        kind: outcome.kind,
        ok: outcome.ok,
        ...(outcome.error === undefined ? {} : { error: outcome.error }),
      };
    },
    /** Items served to a user more than once during the run (all within the no-repeat window), with examples. */
    repeats() {
      let count = 0;
      let usersWithRepeats = 0;
      let feeds = 0;
      const examples = [];
      const requestIds = new Set();
      for (const [userId, items] of served) {
        let repeated = false;
        for (const [itemId, requests] of items) {
          for (const requestId of requests) requestIds.add(requestId);
          if (requests.length < 2) continue;
          count += requests.length - 1;
          repeated = true;
          if (examples.length < 5) examples.push({ userId, itemId, requestIds: requests });
        }
        if (repeated) usersWithRepeats++;
      }
      feeds = requestIds.size;
      return { count, usersWithRepeats, usersServed: served.size, feeds, examples };
    },
    get eventsPosted() {
      return eventsPosted;
    },
  };
}
