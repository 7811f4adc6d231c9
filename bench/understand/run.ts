import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { streamLogger } from '../../src/core/index.js';
import type { BenchSection } from './section.js';

/**
 * `npm run bench:understand [-- section ...]`: runs every section in
 * `sections/` (or the named ones), prints each table, and writes
 * `bench/results/understand.json` with one key per section. Sections not run
 * this time keep their previous results in the file.
 */
async function main(): Promise<void> {
  const logger = streamLogger({ debug: process.env.GENFEED_VERBOSE === '1' });
  const here = dirname(fileURLToPath(import.meta.url));
  const sectionFiles = readdirSync(resolve(here, 'sections'))
    .filter((name) => /\.(js|ts)$/.test(name) && !name.endsWith('.d.ts') && !name.includes('.test.'))
    .sort();
  const sections: BenchSection[] = [];
  for (const name of sectionFiles) {
    const loaded = (await import(pathToFileURL(resolve(here, 'sections', name)).href)) as {
      section?: BenchSection;
    };
    if (loaded.section === undefined)
      throw new Error(`bench/understand/sections/${name} exports no \`section\``);
    sections.push(loaded.section);
  }
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !sections.some((section) => section.name === name));
  if (unknown.length > 0) {
    throw new Error(
      `unknown section(s) ${unknown.join(', ')}; known: ${sections.map((s) => s.name).join(', ')}`,
    );
  }
  const projectRoot = process.cwd();
  const outPath = resolve(projectRoot, 'bench/results/understand.json');
  const results: Record<string, unknown> = existsSync(outPath)
    ? JSON.parse(readFileSync(outPath, 'utf8'))
    : {};
  const context = {
    dataRoot: process.env.GENFEED_DATA ?? resolve(projectRoot, '../shared/data'),
    seed: Number(process.env.GENFEED_SEED ?? 42),
    logger,
  };
  for (const section of sections) {
    if (wanted.length > 0 && !wanted.includes(section.name)) continue;
    const started = performance.now();
    logger.info(`== ${section.name}`);
    const outcome = await section.run(context);
    if (outcome === null) continue;
    results[section.name] = outcome.results;
    process.stdout.write(
      `\n${section.name} (${((performance.now() - started) / 1000).toFixed(0)} s)\n${outcome.table}\n`,
    );
  }
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\nwrote ${outPath}\n`);
}

await main();
