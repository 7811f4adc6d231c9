// The server side of `npm run bench:serve`, in its own process so the load
// generator's CPU is not counted: builds the demo platform (store, trained
// models, registry, server) and answers the bench over IPC.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { servePlatformOverIpc } from '../lib/server-process.mjs';

let session;
await servePlatformOverIpc({
  // No dashboard: the bench measures the feed route alone, as it always has.
  dashboard: false,
  handlers: {
    split: async ({ pipeline }, platform) => {
      await platform.feeds.setSplit({ [pipeline]: 100 }, `bench: all traffic to ${pipeline}`);
      return { type: 'split', pipeline };
    },
    cost: (_message, platform) => ({
      type: 'cost',
      cpu: process.cpuUsage(),
      stages: platform.feeds.stages.costs(),
      counters: platform.feeds.counters(),
    }),
    'profile-start': async () => {
      session ??= new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
      return { type: 'profiling' };
    },
    'profile-stop': async ({ file }) => {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      writeFileSync(file, JSON.stringify(profile));
      return { type: 'profiled', file };
    },
  },
  ready: (platform) => ({
    url: platform.urls.api,
    apiKey: platform.urls.apiKey,
    users: [
      ...new Set(
        platform.data.events.filter((event) => event.signals?.click === 1).map((event) => event.userId),
      ),
    ],
    training: platform.training,
  }),
});
