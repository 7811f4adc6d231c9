// The server side of `npm run bench:soak`, alone in its process so its resident
// memory is the server's: the demo platform (playground logs in SQLite, the
// generative model and the cascade trained and published, the experiment split
// 50/50, the dashboard mounted) serving on a free port. Answers the bench over
// IPC: `memory` (process.memoryUsage, CPU time of all threads, and the event
// loop's utilization since start: the share of time its one thread was busy) and
// `close` (the store's counts).
import { performance } from 'node:perf_hooks';
import { servePlatformOverIpc } from '../lib/server-process.mjs';

await servePlatformOverIpc({
  dashboard: true,
  handlers: {
    memory: () => ({
      type: 'memory',
      memory: process.memoryUsage(),
      cpu: process.cpuUsage(),
      eventLoop: performance.eventLoopUtilization(),
    }),
  },
  beforeClose: async (platform) => ({ counts: await platform.store.counts() }),
  ready: (platform) => ({
    url: platform.urls.api,
    apiKey: platform.urls.apiKey,
    users: platform.data.users.map((user) => user.id),
    items: platform.data.items.map((item) => item.id),
    noRepeatWindowMs: 7 * 86_400_000,
    training: platform.training,
  }),
});
