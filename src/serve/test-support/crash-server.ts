// The server as a child process for the kill -9 test: serves the API on a
// SQLite file (argv[2]) on a free port, prints `listening <url>` once ready,
// and closes gracefully on SIGTERM.
import { openSqliteStore } from '../../storage/index.js';
import { ApiKeys } from '../http/api-keys.js';
import { PopularFeedSource } from '../http/popular-feed-source.js';
import { startServer } from '../server.js';

const path = process.argv[2];
const key = process.env.GENFEED_TEST_KEY;
if (path === undefined || key === undefined)
  throw new Error('usage: GENFEED_TEST_KEY=... crash-server.ts <file.sqlite>');
const store = await openSqliteStore({ path });
const server = await startServer({
  store,
  feeds: new PopularFeedSource(store),
  keys: ApiKeys.from([{ key, scopes: ['admin'] }]),
  port: 0,
});
process.stdout.write(`listening ${server.url}\n`);
process.once('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
