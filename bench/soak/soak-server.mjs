// The server side of `npm run bench:soak`, alone in its process so its resident
// memory is the server's: the demo platform (playground logs in SQLite, the
// generative model and the cascade trained and published, the experiment split
// 50/50, the dashboard mounted) serving on a free port. Answers the bench over
// IPC: `memory` (process.memoryUsage, CPU time of all threads, and the event
// loop's utilization since start: the share of time its one thread was busy) and
// `close` (the store's counts).
//
// With `processes` > 1 the load goes to `genfeed serve --processes N` on the
// demo's store and registry instead (one event loop per process); the demo's own
// server then only stays up, idle, and `memory` answers the cluster's resident
// memory and CPU (all its processes, from /proc; no event-loop figure).
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { servePlatformOverIpc } from '../lib/server-process.mjs';

const options = JSON.parse(process.argv[2] ?? '{}');
const processes = options.processes ?? 1;
let cluster;

await servePlatformOverIpc({
  dashboard: true,
  handlers: {
    memory: () =>
      cluster === undefined
        ? {
            type: 'memory',
            memory: process.memoryUsage(),
            cpu: process.cpuUsage(),
            eventLoop: performance.eventLoopUtilization(),
          }
        : { type: 'memory', ...treeUsage(cluster.pid) },
  },
  beforeClose: async (platform) => {
    if (cluster !== undefined) await cluster.stop();
    return { counts: await platform.store.counts() };
  },
  ready: async (platform) => {
    if (processes > 1) cluster = await startCluster(platform, processes);
    return {
      url: cluster?.url ?? platform.urls.api,
      apiKey: platform.urls.apiKey,
      users: platform.data.users.map((user) => user.id),
      items: platform.data.items.map((item) => item.id),
      noRepeatWindowMs: 7 * 86_400_000,
      training: platform.training,
      processes,
    };
  },
});

/** `genfeed serve --processes n` on the demo's store, registry, experiment and key; resolves once it serves. */
async function startCluster(platform, n) {
  const keys = join(options.dir, 'soak-keys.json');
  writeFileSync(keys, JSON.stringify([{ key: platform.urls.apiKey, scopes: ['admin'], name: 'soak' }]));
  const bin = fileURLToPath(new URL('../../bin/genfeed.js', import.meta.url));
  const child = spawn(
    process.execPath,
    [
      bin,
      'serve',
      '--processes',
      String(n),
      '--port',
      '0',
      '--db',
      platform.store.location,
      '--models',
      join(options.dir, 'registry'),
      '--experiment',
      'demo-ab',
      '--default-pipeline',
      'cascade',
      '--keys',
      keys,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /genfeed API on (\S+): \d+ server processes/.exec(output);
      if (match) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`genfeed serve exited with ${code}: ${output}`)));
  });
  process.stderr.write(`[server] load goes to genfeed serve --processes ${n} at ${url} (pid ${child.pid})\n`);
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return {
    url,
    pid: child.pid,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Resident memory and CPU time of a process and its descendants, from /proc (Linux). */
function treeUsage(root) {
  const pageBytes = 4096;
  const ticksPerSecond = 100;
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const parent = Number(fields[1]);
      if (!children.has(parent)) children.set(parent, []);
      children.get(parent).push({ pid: Number(entry), fields });
    } catch {
      // exited meanwhile
    }
  }
  let rss = 0;
  let cpuTicks = 0;
  // Per process: anonymous (heaps), file-backed (code, mapped files) and shared (SQLite's -shm) resident MB.
  const parts = [];
  const visit = (pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      cpuTicks += Number(fields[11]) + Number(fields[12]); // utime, stime
      rss += Number(fields[21]) * pageBytes;
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
      parts.push({
        pid,
        anonMb: kb('RssAnon') / 1024,
        fileMb: kb('RssFile') / 1024,
        shmemMb: kb('RssShmem') / 1024,
      });
    } catch {
      return;
    }
    for (const child of children.get(pid) ?? []) visit(child.pid);
  };
  visit(root);
  const micros = (cpuTicks / ticksPerSecond) * 1e6;
  return { memory: { rss, heapUsed: 0, external: 0 }, cpu: { user: micros, system: 0 }, processes: parts };
}
