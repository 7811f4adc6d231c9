// `npm run bench:cluster` (docs/deploy.md): 1, 2 and 3 `genfeed serve`
// processes on one PostgreSQL database behind HAProxy (deploy/haproxy.cfg), all
// on this machine, under the same fixed open-loop mix of feeds and events
// (bench/soak's driver and mix). Per server count: throughput, p99, errors, CPU
// per request of the servers, the database and the balancer. Then database
// queries per feed (pg_stat_database and pg_stat_user_tables counters of the
// bench's own database: nothing to install, no superuser), three kill -9 runs
// under ingest load (acknowledged events all stored?), and how long an
// activation takes to reach every server. Writes bench/results/cluster.json.
//
// Needs PostgreSQL (GENFEED_BENCH_POSTGRES_URL, else GENFEED_TEST_POSTGRES_URL:
// a role that may create databases) and haproxy on the PATH.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { importPlaygroundData, prepareDemoPlatform } from '../../dist/platform/index.js';
import { ModelRegistry, readCatalogue } from '../../dist/serve/index.js';
import { quantile } from '../../dist/statistics/index.js';
import { openPostgresStore } from '../../dist/storage/index.js';
import { flag } from '../lib/server-process.mjs';
import { openLoop } from '../soak/open-loop.mjs';
import { soakMix } from '../soak/soak-mix.mjs';
import {
  freePort,
  machineCpuSeconds,
  parentOf,
  startHaproxy,
  startServer,
  stop,
  treeCpuSeconds,
} from './cluster-processes.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const rate = flag('rate', 100);
// Then the most each server count gives: this many clients sending back to back (a closed loop).
const clients = flag('clients', 16);
const mostSeconds = flag('most-seconds', 15);
const seconds = flag('seconds', 30);
const warmupSeconds = flag('warmup', 5);
const feedsForQueries = flag('query-feeds', 400);
const outIndex = process.argv.indexOf('--out');
const out =
  outIndex >= 0 ? resolve(process.argv[outIndex + 1]) : join(root, 'bench', 'results', 'cluster.json');
const adminUrl = process.env.GENFEED_BENCH_POSTGRES_URL ?? process.env.GENFEED_TEST_POSTGRES_URL;
if (adminUrl === undefined) {
  console.error('bench:cluster needs PostgreSQL: set GENFEED_BENCH_POSTGRES_URL (a role with CREATEDB)');
  process.exit(2);
}
// Feeds and events only: the servers' share of an app's traffic (API and dashboard reads are bench:soak's).
const shares = { feed: 0.65, events: 0.35, read: 0, admin: 0 };
const key = `bench-${randomBytes(12).toString('hex')}`;
const auth = { authorization: `Bearer ${key}` };
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
const log = (message) => process.stderr.write(`${message}\n`);

const database = `genfeed_bench_cluster_${randomBytes(4).toString('hex')}`;
const databaseUrl = (() => {
  const copy = new URL(adminUrl);
  copy.pathname = `/${database}`;
  return copy.toString();
})();
const query = async (connectionString, text, values) => {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return (await client.query(text, values)).rows;
  } finally {
    await client.end();
  }
};

// 1. A small demo platform (simulated logs, the generative model trained on them), copied into PostgreSQL.
const dir = join(root, '.genfeed', 'bench-cluster');
log('building a small demo platform (simulated logs, trained generative model and cascade)...');
const platform = await prepareDemoPlatform({
  dir,
  users: flag('users', 500),
  items: flag('items', 1000),
  days: 1,
  seed: 42,
  generative: { epochs: flag('epochs', 2), decayEpochs: flag('epochs', 2) },
  port: 0,
  dashboard: false,
});
const { data } = platform;
await platform.close();
await query(adminUrl, `create database ${database}`);
const store = await openPostgresStore({ connectionString: databaseUrl, maxConnections: 2 });
await importPlaygroundData(store, data);
const registry = new ModelRegistry({
  store,
  root: join(dir, 'publisher'),
  catalogue: () => readCatalogue(store),
});
await registry.publish('generative', join(dir, 'models', 'generative'));
await registry.publish('cascade', join(dir, 'models', 'cascade'));
const keys = join(dir, 'cluster-keys.json');
writeFileSync(keys, JSON.stringify([{ key, scopes: ['admin'], name: 'bench' }]));
// The postmaster: the parent of this connection's backend; its tree is the database's CPU.
// (Read while the connection is open: its backend exits with it.)
const probe = new pg.Client({ connectionString: databaseUrl });
await probe.connect();
const postmaster = parentOf((await probe.query('select pg_backend_pid() as pid')).rows[0].pid);
await probe.end();
if (postmaster === undefined)
  throw new Error('cannot find the postmaster in /proc: PostgreSQL must run on this machine');
log(
  `database ${database} (postmaster pid ${postmaster}); ${data.items.length} items, ${data.events.length} events`,
);

const ports = [await freePort(), await freePort(), await freePort()];
const balancerPort = await freePort();
const unusedPort = await freePort();
const balancerUrl = `http://127.0.0.1:${balancerPort}`;
const servers = [];
const startAt = async (index) => {
  servers[index] = await startServer({
    port: ports[index],
    database: databaseUrl,
    models: join(dir, `cache-${index}`),
    keys,
  });
};
const call = async (base, path, init = {}) => {
  const response = await fetch(`${base}${path}`, {
    ...init,
    headers: { ...auth, ...(init.body !== undefined && { 'content-type': 'application/json' }) },
    signal: AbortSignal.timeout(15_000),
  });
  return {
    status: response.status,
    server: response.headers.get('x-genfeed-server'),
    body: await response.text(),
  };
};
/** Until answers through the balancer came from every named server. */
const balancedOver = async (names) => {
  const seen = new Set();
  const started = Date.now();
  while (names.some((name) => !seen.has(name))) {
    if (Date.now() - started > 60_000) throw new Error(`the balancer never reached ${names}`);
    const answer = await call(balancerUrl, '/health/ready').catch(() => undefined);
    if (answer?.status === 200) seen.add(answer.server);
    else await sleep(100);
  }
};

// 2. Throughput and p99 for 1, 2 and 3 servers at the same offered load.
const serverRows = [];
let balancer;
for (const n of [1, 2, 3]) {
  for (let index = servers.length; index < n; index++) await startAt(index);
  await stop(balancer);
  balancer = startHaproxy(balancerPort, ports.slice(0, n), unusedPort);
  await balancedOver(Array.from({ length: n }, (_, index) => `api${index + 1}`));
  await sleep(2000); // the unused slots fail their checks and leave the rotation
  const driver = soakMix({
    url: balancerUrl,
    apiKey: key,
    users: data.users.map((user) => user.id),
    items: data.items.map((item) => item.id),
    shares,
    seed: 7 + n,
  });
  log(`${n} server(s): warm-up ${warmupSeconds} s, then ${rate} req/s for ${seconds} s`);
  await openLoop({ rate, seconds: warmupSeconds, send: () => driver.send() });
  const pids = () => [
    ...servers.slice(0, n).map((server) => server.child.pid),
    postmaster,
    balancer.child.pid,
  ];
  const before = treeCpuSeconds(pids());
  const machineBefore = machineCpuSeconds();
  const run = await openLoop({ rate, seconds, send: () => driver.send() });
  const after = treeCpuSeconds(pids());
  const machineBusy = machineCpuSeconds() - machineBefore;
  const used = after.map((value, index) => value - before[index]);
  const serverCpu = used.slice(0, n).reduce((a, b) => a + b, 0);
  const [databaseCpu, balancerCpu] = used.slice(n);
  const ok = run.results.filter((result) => result.ok);
  const latencies = Float64Array.from(ok.map((result) => result.latencyMs)).sort();
  const feeds = Float64Array.from(ok.filter((r) => r.kind === 'feed').map((r) => r.latencyMs)).sort();
  // The most it gives: `clients` requests always in flight, for the aggregate's ceiling.
  const mostStarted = performance.now();
  const mostLatencies = [];
  let mostErrors = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() - mostStarted < mostSeconds * 1000) {
        const sentAt = performance.now();
        const outcome = await driver.send();
        if (outcome.ok) mostLatencies.push(performance.now() - sentAt);
        else mostErrors++;
      }
    }),
  );
  const most = {
    clients,
    rps: mostLatencies.length / ((performance.now() - mostStarted) / 1000),
    p99Ms: quantile(Float64Array.from(mostLatencies).sort(), 0.99),
    errors: mostErrors,
  };
  const repeats = driver.repeats();
  const row = {
    n,
    offeredRps: rate,
    rps: ok.length / run.seconds,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    feedP99Ms: quantile(feeds, 0.99),
    errors: run.results.length - ok.length,
    errorExamples: [...new Set(run.results.filter((r) => !r.ok).map((r) => r.error))].slice(0, 3),
    requests: run.results.length,
    repeats: repeats.count,
    most,
    serverCpuMsPerRequest: (serverCpu * 1000) / run.results.length,
    databaseCpuMsPerRequest: (databaseCpu * 1000) / run.results.length,
    balancerCpuMsPerRequest: (balancerCpu * 1000) / run.results.length,
    // Shares of the CPU the machine spent during the run (all its processes, other people's jobs too).
    databaseCpuShare: databaseCpu / machineBusy,
    serverCpuShare: serverCpu / machineBusy,
    balancerCpuShare: balancerCpu / machineBusy,
    machineBusyCores: machineBusy / run.seconds,
  };
  serverRows.push(row);
  log(
    `  ${row.rps.toFixed(1)} req/s, p50 ${row.p50Ms.toFixed(1)} ms, p99 ${row.p99Ms.toFixed(1)} ms, ${row.errors} errors, ` +
      `server ${row.serverCpuMsPerRequest.toFixed(2)} / database ${row.databaseCpuMsPerRequest.toFixed(2)} / ` +
      `balancer ${row.balancerCpuMsPerRequest.toFixed(2)} CPU ms per request, database ${(100 * row.databaseCpuShare).toFixed(0)}% of the busy CPU; ` +
      `most ${most.rps.toFixed(1)} req/s (p99 ${most.p99Ms.toFixed(1)} ms, ${most.errors} errors)`,
  );
  await sleep(3000); // let the servers finish what the closed loop left in flight
}

// 3. Database work per feed: counters of this database only, a quiet baseline subtracted
// (health checks, registry polls). Backends flush their counters at most once a second
// and within 10 s when idle, hence the waits.
log(`database work per feed: ${feedsForQueries} feeds through the balancer, between quiet baselines`);
const counters = async () => {
  const [totals] = await query(
    databaseUrl,
    `select xact_commit + xact_rollback as transactions, tup_returned, tup_fetched, tup_inserted, tup_updated
       from pg_stat_database where datname = $1`,
    [database],
  );
  const [scans] = await query(
    databaseUrl,
    'select sum(seq_scan + coalesce(idx_scan, 0)) as scans from pg_stat_user_tables',
  );
  return { ...totals, scans: scans.scans, at: performance.now() };
};
await sleep(12_000);
const quiet0 = await counters();
await sleep(12_000);
const quiet1 = await counters();
const feedUsers = data.users.slice(0, 100).map((user) => user.id);
let feedsSent = 0;
await Promise.all(
  Array.from({ length: 4 }, async (_, lane) => {
    for (let index = lane; index < feedsForQueries; index += 4) {
      const answer = await call(balancerUrl, `/v1/users/${feedUsers[index % feedUsers.length]}/feed?n=10`);
      if (answer.status === 200) feedsSent++;
    }
  }),
);
await sleep(12_000);
const loaded = await counters();
const perFeed = (name) => {
  const quietRate = (Number(quiet1[name]) - Number(quiet0[name])) / (quiet1.at - quiet0.at);
  return (Number(loaded[name]) - Number(quiet1[name]) - quietRate * (loaded.at - quiet1.at)) / feedsSent;
};
const databaseWork = {
  source:
    'pg_stat_database (transactions, tuples) and pg_stat_user_tables (scans) of the bench database, quiet rate subtracted',
  feeds: feedsSent,
  transactionsPerFeed: perFeed('transactions'),
  scansPerFeed: perFeed('scans'),
  rowsReturnedPerFeed: perFeed('tup_returned'),
  rowsFetchedPerFeed: perFeed('tup_fetched'),
  rowsInsertedPerFeed: perFeed('tup_inserted'),
  rowsUpdatedPerFeed: perFeed('tup_updated'),
};
log(`  ${JSON.stringify(databaseWork)}`);

// 4. kill -9 of each server in turn under ingest load through the balancer, then restart it.
const killRuns = [];
for (let run = 0; run < 3; run++) {
  const acknowledged = [];
  const outcomes = [];
  let stopAt = Number.POSITIVE_INFINITY;
  const started = performance.now();
  const lane = async (stream) => {
    for (let batch = 0; performance.now() < stopAt; batch++) {
      const events = Array.from({ length: 10 }, (_, event) => ({
        id: `bench-kill-${run}-${stream}-${batch}-${event}`,
        userId: data.users[(stream * 31 + batch) % data.users.length].id,
        itemId: data.items[(batch * 10 + event) % data.items.length].id,
        time: Date.now(),
        signals: { playTimeMs: 1000 + event },
      }));
      const sentAt = performance.now();
      const status = await call(balancerUrl, '/v1/events', {
        method: 'POST',
        body: JSON.stringify(events),
      }).then(
        (answer) => answer.status,
        () => 0,
      );
      if (status >= 200 && status < 300) acknowledged.push(...events.map((event) => event.id));
      outcomes.push({ sentAt, ok: status >= 200 && status < 300 });
    }
  };
  const lanes = Promise.all(Array.from({ length: 6 }, (_, stream) => lane(stream)));
  while (acknowledged.length < 500 && performance.now() - started < 30_000) await sleep(20);
  servers[run].child.kill('SIGKILL');
  const killedAt = performance.now();
  await servers[run].exited;
  stopAt = killedAt + 3000;
  await lanes;
  const stored = await query(
    databaseUrl,
    'select count(*)::int as n from events where id = any($1::text[])',
    [acknowledged],
  );
  const afterKill = outcomes.filter((outcome) => outcome.sentAt > killedAt);
  const restartedAt = performance.now();
  await startAt(run);
  await balancedOver([`api${run + 1}`]);
  killRuns.push({
    killed: `api${run + 1}`,
    acknowledged: acknowledged.length,
    missing: acknowledged.length - stored[0].n,
    failedRequests: outcomes.filter((outcome) => !outcome.ok).length,
    requestsAfterKill: afterKill.length,
    failedAfterKill: afterKill.filter((outcome) => !outcome.ok).length,
    rejoinSeconds: (performance.now() - restartedAt) / 1000,
  });
  log(`  kill run ${run + 1}: ${JSON.stringify(killRuns.at(-1))}`);
}

// 5. An activation through the store reaching every server.
const recorded = await registry.publish('generative', join(dir, 'models', 'generative'), { activate: false });
const versionOf = async (index) => {
  const body = JSON.parse((await call(`http://127.0.0.1:${ports[index]}`, '/health/ready')).body);
  return body.pipelines.find((pipeline) => pipeline.name === 'generative')?.modelVersion;
};
await registry.activate('generative', recorded.version);
const activated = performance.now();
const lags = await Promise.all(
  ports.map(async (_, index) => {
    while ((await versionOf(index)) !== `generative@${recorded.version}`) {
      if (performance.now() - activated > 30_000) return Number.POSITIVE_INFINITY;
      await sleep(20);
    }
    return (performance.now() - activated) / 1000;
  }),
);
log(`activation generative@${recorded.version} served everywhere after ${Math.max(...lags).toFixed(2)} s`);

await Promise.all([...servers, balancer].map((running) => stop(running)));
await registry.close();
await store.close();

const onePerServer = serverRows[0];
const result = {
  machine: { cores: cpus().length, loadAverageAtEnd: loadavg()[0] },
  setup: {
    note: 'servers, PostgreSQL, HAProxy and the load driver all on one shared 2-core machine: the aggregate flattens once the cores are busy (see flattening); other jobs ran beside it, so absolute figures are slow',
    offeredRps: rate,
    seconds,
    mix: shares,
    pipeline: 'generative (every user; the demo model with its reward rerank)',
    items: data.items.length,
    users: data.users.length,
    loggedEvents: data.events.length,
  },
  servers: serverRows,
  flattening:
    serverRows.length === 3
      ? {
          mostRpsRatio2to1: serverRows[1].most.rps / onePerServer.most.rps,
          mostRpsRatio3to1: serverRows[2].most.rps / onePerServer.most.rps,
          why: 'more server processes do not add cores: once the servers, PostgreSQL, HAProxy and the driver keep both cores busy, a third server only adds context switches and memory',
        }
      : undefined,
  killRuns,
  repeats: serverRows.reduce((total, row) => total + row.repeats, 0),
  activationSeconds: Math.max(...lags),
  queriesPerFeed: databaseWork.transactionsPerFeed,
  queriesPerFeedMeaning:
    'PostgreSQL transactions per feed request (pg_stat_database xact_commit + xact_rollback; a statement outside a transaction is one, a group-committed feed log shares one among the feeds of its batch); pg_stat_statements needs a superuser to preload it, so it is not used',
  database: databaseWork,
};
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
log(`wrote ${out}`);
// An autovacuum worker in it (not ours to end) can refuse the drop: then say so and leave it.
await query(adminUrl, `drop database if exists ${database} with (force)`).catch((error) =>
  log(`could not drop ${database}: ${error.message}`),
);
process.exit(0);
