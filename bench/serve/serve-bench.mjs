// `npm run bench:serve`: the feed endpoint under load, per pipeline.
// A child process builds the demo platform (docs/demo.md: playground logs in
// SQLite, the generative model and the cascade trained and published) and
// serves it; this process drives autocannon against GET /v1/users/{id}/feed
// with all traffic forced to one pipeline at a time (an experiment at 100%),
// first as fast as it goes, then at 200 requests/s twice: autocannon's
// `overallRate` (each second's quota leaves as a burst at its start) and an
// open-loop steady pace (paced-load.mjs: one request every 5 ms, latency from
// when it was due); p50/p99 in the headline are the steady pace's. CPU per request
// is the server process's CPU time over the run divided by its requests.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { flag, serverProcess } from '../lib/server-process.mjs';
import { pacedLoad } from './paced-load.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const seconds = flag('seconds', 15);
const rate = flag('rate', 200);
const connections = flag('connections', 8);
const platformOptions = {
  dir: join(root, '.genfeed', 'bench-serve'),
  users: flag('users', 1000),
  items: flag('items', 2000),
  days: flag('days', 2),
  seed: 42,
  generative: { epochs: flag('epochs', 3), decayEpochs: flag('epochs', 3) },
  sqliteSynchronous: process.argv.includes('--sync-normal') ? 'normal' : 'full',
};

// --cpu-prof: the server process profiles each pipeline's measured runs (not the training) and
// writes bench/results/profiles/<pipeline>.cpuprofile (open in Chrome DevTools or speedscope).
const profile = process.argv.includes('--cpu-prof');
const profileDir = join(root, 'bench', 'results', 'profiles');
const { next, ask, close } = serverProcess(join(here, 'serve-child.mjs'), platformOptions);

const ready = await next();
console.error(`server at ${ready.url}; ${ready.users.length} warm users`);
let cursor = 0;
const run = (options) =>
  autocannon({
    url: ready.url,
    connections,
    duration: options.duration,
    ...(options.rate ? { overallRate: options.rate } : {}),
    headers: { authorization: `Bearer ${ready.apiKey}` },
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => {
          const user = ready.users[cursor++ % ready.users.length];
          return { ...request, path: `/v1/users/${encodeURIComponent(user)}/feed?n=10` };
        },
      },
    ],
  });

const pace = (options) =>
  pacedLoad({
    url: ready.url,
    path: () => `/v1/users/${encodeURIComponent(ready.users[cursor++ % ready.users.length])}/feed?n=10`,
    headers: { authorization: `Bearer ${ready.apiKey}` },
    rate: options.rate,
    seconds: options.duration,
  });

/** CPU of the server (whole process and the pipeline's stages) over `work`. */
const costOf = async (pipeline, work) => {
  const before = await ask({ type: 'cost' });
  const result = await work();
  const after = await ask({ type: 'cost' });
  const cpuMs = (after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system) / 1000;
  const stage = (costs) =>
    costs.find((cost) => cost.pipeline === pipeline) ?? { requests: 0, cpuMsPerRequest: 0 };
  const [b, a] = [stage(before.stages), stage(after.stages)];
  const served = a.requests - b.requests;
  const pipelineCpu =
    served > 0 ? (a.cpuMsPerRequest * a.requests - b.cpuMsPerRequest * b.requests) / served : 0;
  return { result, cpuMs, pipelineCpu, served };
};

const measure = async (pipeline, options) => {
  const { result, cpuMs, pipelineCpu, served } = await costOf(pipeline, () => run(options));
  const requests = result.requests.total;
  return {
    rps: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests,
    cpuMsPerRequest: requests > 0 ? cpuMs / requests : 0,
    pipelineCpuMsPerRequest: pipelineCpu,
    servedBy: served,
    errors: result.errors + result.non2xx + result.timeouts,
  };
};

const measurePaced = async (pipeline, options) => {
  const { result, cpuMs, pipelineCpu, served } = await costOf(pipeline, () => pace(options));
  return {
    ...result,
    cpuMsPerRequest: result.requests > 0 ? cpuMs / result.requests : 0,
    pipelineCpuMsPerRequest: pipelineCpu,
    servedBy: served,
  };
};

const pipelines = [];
for (const pipeline of ['generative', 'cascade']) {
  await ask({ type: 'split', pipeline });
  await run({ duration: 3 }); // warm-up: JIT, page cache
  if (profile) await ask({ type: 'profile-start' });
  const max = await measure(pipeline, { duration: seconds });
  const fixed = await measure(pipeline, { duration: seconds, rate });
  const paced = await measurePaced(pipeline, { duration: seconds, rate });
  if (profile) {
    mkdirSync(profileDir, { recursive: true });
    await ask({ type: 'profile-stop', file: join(profileDir, `${pipeline}.cpuprofile`) });
  }
  pipelines.push({
    name: pipeline,
    rps: max.rps,
    p50Ms: paced.p50Ms,
    p99Ms: paced.p99Ms,
    cpuMsPerRequest: paced.cpuMsPerRequest,
    errors: max.errors + fixed.errors + paced.errors,
    pipelineCpuMsPerRequest: paced.pipelineCpuMsPerRequest,
    maxThroughput: max,
    fixedRate: { rate, ...fixed },
    steadyRate: { rate, ...paced },
  });
}
await close().catch(() => {});

const by = Object.fromEntries(pipelines.map((pipeline) => [pipeline.name, pipeline]));
const ratio = (a, b) => (b > 0 ? a / b : null);
const result = {
  pipelines,
  cpuRatio: ratio(by.generative.cpuMsPerRequest, by.cascade.cpuMsPerRequest),
  pipelineCpuRatio: ratio(by.generative.pipelineCpuMsPerRequest, by.cascade.pipelineCpuMsPerRequest),
  settings: { seconds, rate, connections, ...platformOptions, dir: undefined },
  training: ready.training,
  machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
  date: new Date().toISOString(),
};
const out = join(
  root,
  'bench',
  'results',
  process.argv.includes('--sync-normal') ? 'serve-sync-normal.json' : 'serve.json',
);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);

const row = (cells) => cells.map((cell, i) => String(cell).padStart(i === 0 ? 10 : 13)).join(' ');
console.log(
  row(['pipeline', 'max rps', `p50/p99 @${rate}`, `burst p50/p99`, 'CPU ms/req', 'pipe CPU ms', 'errors']),
);
const pair = (a, b) => `${a.toFixed(1)} / ${b.toFixed(1)}`;
for (const p of pipelines)
  console.log(
    row([
      p.name,
      p.rps.toFixed(0),
      pair(p.p50Ms, p.p99Ms),
      pair(p.fixedRate.p50Ms, p.fixedRate.p99Ms),
      p.cpuMsPerRequest.toFixed(2),
      p.pipelineCpuMsPerRequest.toFixed(2),
      p.errors,
    ]),
  );
console.log(
  `CPU per request generative / cascade: ${result.cpuRatio?.toFixed(3)} (whole server), ${result.pipelineCpuRatio?.toFixed(3)} (pipeline stages only)`,
);
console.log(`wrote ${out}`);
