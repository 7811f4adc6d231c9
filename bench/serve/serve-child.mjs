// The server side of `npm run bench:serve`, in its own process so the load
// generator's CPU is not counted: builds the demo platform (store, trained
// models, registry, server) and answers the bench over IPC.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { prepareDemoPlatform } from '../../dist/platform/index.js';

const options = JSON.parse(process.argv[2] ?? '{}');
const logger = {
  info: (message) => process.stderr.write(`[server] ${message}\n`),
  warn: (message) => process.stderr.write(`[server] warning: ${message}\n`),
  error: (message) => process.stderr.write(`[server] error: ${message}\n`),
  debug: () => {},
};
// No dashboard: the bench measures the feed route alone, as it always has.
const platform = await prepareDemoPlatform({ ...options, port: 0, logger, dashboard: false });
const warmUsers = [
  ...new Set(platform.data.events.filter((event) => event.signals?.click === 1).map((event) => event.userId)),
];

let session;
process.on('message', async (message) => {
  try {
    if (message.type === 'split') {
      await platform.feeds.setSplit({ [message.pipeline]: 100 }, `bench: all traffic to ${message.pipeline}`);
      process.send({ type: 'split', pipeline: message.pipeline });
    } else if (message.type === 'cost') {
      process.send({
        type: 'cost',
        cpu: process.cpuUsage(),
        stages: platform.feeds.stages.costs(),
        counters: platform.feeds.counters(),
      });
    } else if (message.type === 'profile-start') {
      session ??= new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
      process.send({ type: 'profiling' });
    } else if (message.type === 'profile-stop') {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      writeFileSync(message.file, JSON.stringify(profile));
      process.send({ type: 'profiled', file: message.file });
    } else if (message.type === 'close') {
      await platform.close();
      process.send({ type: 'closed' });
      process.exit(0);
    }
  } catch (error) {
    process.send({ type: 'error', message: error.message });
  }
});
process.send({
  type: 'ready',
  url: platform.urls.api,
  apiKey: platform.urls.apiKey,
  users: warmUsers,
  training: platform.training,
});
