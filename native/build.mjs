// Builds the genfeed native addon (build/Release/genfeed_native.node) with npm's
// bundled node-gyp. Runs as the package's `install` script, so it must never
// break `npm ci`: on any failure it prints one warning and exits 0, and the
// engine falls back to its TypeScript kernels. `--strict` (npm run build:native)
// exits 1 instead. GENFEED_SKIP_NATIVE=1 skips the build.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const strict = process.argv.includes('--strict');
const log = join(root, 'build', 'genfeed-native.log');

function finish(ok, message) {
  if (ok) {
    process.stdout.write(`genfeed: ${message}\n`);
    process.exit(0);
  }
  process.stderr.write(
    `genfeed: native addon not built (${message}); the engine will use its TypeScript kernels\n`,
  );
  process.exit(strict ? 1 : 0);
}

if (process.env.GENFEED_SKIP_NATIVE === '1') finish(false, 'GENFEED_SKIP_NATIVE=1');

function findNodeGyp() {
  const candidates = [process.env.npm_config_node_gyp];
  if (process.env.npm_execpath) {
    candidates.push(
      join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    );
  }
  candidates.push(
    join(
      dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
  );
  return candidates.find((path) => path && existsSync(path));
}

const nodeGyp = findNodeGyp();
if (!nodeGyp) finish(false, "npm's node-gyp was not found");

const args = [nodeGyp, 'rebuild'];
// Node's headers come from the machine (.npmrc nodedir=/usr); pass it when run outside npm.
if (!process.env.npm_config_nodedir && existsSync('/usr/include/node/node_api.h'))
  args.push('--nodedir=/usr');
// A build that hangs (e.g. a header download with no network) must not hang npm ci either.
const result = spawnSync(process.execPath, args, {
  cwd: root,
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
  timeout: 10 * 60 * 1000,
});
const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
try {
  mkdirSync(dirname(log), { recursive: true });
  writeFileSync(log, output);
} catch {
  // The log is a convenience; a read-only tree must not fail the install.
}
if (result.status !== 0 || !existsSync(join(root, 'build', 'Release', 'genfeed_native.node'))) {
  const why = result.error ? result.error.message : `node-gyp exited with ${result.status}`;
  finish(false, `${why}; see ${log}`);
}
let blas = 'unknown GEMM';
try {
  const addon = createRequire(import.meta.url)(join(root, 'build', 'Release', 'genfeed_native.node'));
  blas =
    addon.info().blas === 'openblas' ? 'OpenBLAS cblas_sgemm' : 'blocked C GEMM (libopenblas-dev not found)';
} catch (error) {
  finish(false, `built but cannot be loaded: ${error.message.split('\n')[0]}`);
}
finish(true, `native addon built (${blas})`);
