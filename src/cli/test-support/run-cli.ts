// `genfeed` from the sources, for tests that need the CLI in a process of its own
// (`spawnTypeScript(new URL('./run-cli.ts', import.meta.url), ['serve', ...])`).
import { main } from '../main.js';

process.exitCode = await main(process.argv);
