export type { CliIo } from './cli-io.js';
export { processIo } from './cli-io.js';
export { generateDemoSequences } from './demo-data.js';
export { buildProgram, main } from './main.js';
