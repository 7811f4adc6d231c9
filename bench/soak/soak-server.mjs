// The server side of `npm run bench:soak`, alone in its process so its resident
// memory is the server's: the demo platform (playground logs in SQLite, the
// generative model and the cascade trained and published, the experiment split
// 50/50, the dashboard mounted) serving on a free port. Answers the bench over
// IPC: `memory` (process.memoryUsage and CPU time) and `close`.
import { prepareDemoPlatform } from '../../dist/platform/index.js';

const options = JSON.parse(process.argv[2] ?? '{}');
const logger = {
  info: (message) => process.stderr.write(`[server] ${message}\n`),
  warn: (message) => process.stderr.write(`[server] warning: ${message}\n`),
  error: (message) => process.stderr.write(`[server] error: ${message}\n`),
  debug: () => {},
};
const platform = await prepareDemoPlatform({ ...options, port: 0, logger, dashboard: true });

process.on('message', async (message) => {
  try {
    if (message.type === 'memory') {
      process.send({ type: 'memory', memory: process.memoryUsage(), cpu: process.cpuUsage() });
    } else if (message.type === 'close') {
      const counts = await platform.store.counts();
      await platform.close();
      process.send({ type: 'closed', counts });
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
  users: platform.data.users.map((user) => user.id),
  items: platform.data.items.map((item) => item.id),
  noRepeatWindowMs: 7 * 86_400_000,
  training: platform.training,
});
