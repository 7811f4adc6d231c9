// The processes of `npm run bench:cluster`: `genfeed serve` from the build on a
// port, HAProxy with deploy/haproxy.cfg in front of them, and CPU time of process
// trees from /proc (Linux), so the bench can split the machine's CPU between the
// servers, the database and the balancer.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/genfeed.js', import.meta.url));
const haproxyConfig = fileURLToPath(new URL('../../deploy/haproxy.cfg', import.meta.url));

/** A port nothing listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function track(child) {
  let output = '';
  const append = (chunk) => {
    output = (output + chunk).slice(-20_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return { child, output: () => output, exited };
}

/** Resolves once `pattern` is in the output; rejects when the process exits first or after `timeoutMs`. */
export function waitForOutput(running, pattern, timeoutMs = 120_000) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if (pattern.test(running.output())) {
        clearInterval(poll);
        resolve();
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(poll);
        reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${running.output()}`));
      }
    }, 50);
    running.exited.then((code) => {
      clearInterval(poll);
      if (!pattern.test(running.output())) reject(new Error(`exited with ${code}:\n${running.output()}`));
    });
  });
}

/** `genfeed serve` (the build) on `port`, resolved once it listens. */
export async function startServer({ port, database, models, keys, experiment }) {
  const args = ['serve', '--port', String(port), '--db', database, '--models', models, '--keys', keys];
  if (experiment !== undefined) args.push('--experiment', experiment);
  const server = track(spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }));
  await waitForOutput(server, /genfeed API on http/);
  return server;
}

/** HAProxy with deploy/haproxy.cfg, listening on `port`, the first `servers.length` slots used, the others on `unused`. */
export function startHaproxy(port, servers, unused) {
  const env = { ...process.env, GENFEED_LISTEN: `127.0.0.1:${port}` };
  for (let slot = 0; slot < 3; slot++)
    env[`GENFEED_API_${slot + 1}`] = `127.0.0.1:${servers[slot] ?? unused}`;
  return track(spawn('haproxy', ['-db', '-f', haproxyConfig], { env, stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** SIGTERM, then SIGKILL after `graceMs`. */
export async function stop(running, graceMs = 5000) {
  if (running === undefined || running.child.exitCode !== null || running.child.signalCode !== null) return;
  running.child.kill('SIGTERM');
  const timer = setTimeout(() => running.child.kill('SIGKILL'), graceMs);
  await running.exited;
  clearTimeout(timer);
}

const ticksPerSecond = 100;

/** Parent pid and CPU seconds (user + system) of every process, from /proc. */
function processTable() {
  const table = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      table.set(Number(entry), {
        parent: Number(fields[1]),
        // utime + stime, and cutime + cstime: what its children that exited used (a PostgreSQL
        // backend that closed is counted in the postmaster's), so a tree's total never goes back.
        cpuSeconds:
          (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) /
          ticksPerSecond,
      });
    } catch {
      // exited meanwhile
    }
  }
  return table;
}

/** CPU seconds used so far by each root and its descendants, exited ones included (through their parents' cutime). */
export function treeCpuSeconds(roots) {
  const table = processTable();
  const children = new Map();
  for (const [pid, { parent }] of table) {
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent).push(pid);
  }
  const sum = (pid) =>
    (table.get(pid)?.cpuSeconds ?? 0) +
    (children.get(pid) ?? []).reduce((total, child) => total + sum(child), 0);
  return roots.map(sum);
}

/** The parent of a process (for a PostgreSQL backend: the postmaster). */
export function parentOf(pid) {
  return processTable().get(pid)?.parent;
}

/** The machine's busy CPU seconds so far (all cores), from /proc/stat. */
export function machineCpuSeconds() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = fields[3] + fields[4];
  return (fields.reduce((a, b) => a + b, 0) - idle) / ticksPerSecond;
}
