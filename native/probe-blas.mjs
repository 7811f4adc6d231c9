// Prints 1 when a C program calling cblas_sgemm compiles and links against
// -lopenblas here, else 0. binding.gyp reads it to pick OpenBLAS or the blocked C
// GEMM. GENFEED_BLAS=none forces the fallback (to test it).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function probe() {
  if (process.env.GENFEED_BLAS === 'none') return false;
  const dir = mkdtempSync(join(tmpdir(), 'genfeed-blas-'));
  try {
    const program = [
      '#include <cblas.h>',
      'int main(void) { float a = 1, b = 1, c = 0;',
      '  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 1, 1, 1, 1.0f, &a, 1, &b, 1, 0.0f, &c, 1);',
      '  return c == 1.0f ? 0 : 1; }',
    ].join('\n');
    const compiler = process.env.CC || 'cc';
    const out = join(dir, 'probe');
    const result = spawnSync(compiler, ['-x', 'c', '-', '-o', out, '-lopenblas'], {
      input: program,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    return result.status === 0;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

process.stdout.write(probe() ? '1' : '0');
