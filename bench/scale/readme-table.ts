/** Prints the README's bench:scale table from bench/results/scale.json: node dist/bench-scale/bench/scale/readme-table.js */
import { readFileSync } from 'node:fs';
import { readmeTable, type ScaleJson } from './scale-report.js';

const file = new URL('../../../../bench/results/scale.json', import.meta.url);
process.stdout.write(`${readmeTable(JSON.parse(readFileSync(file, 'utf8')) as ScaleJson)}\n`);
