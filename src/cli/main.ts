import { Command } from 'commander';
import { GenfeedError } from '../core/index.js';
import { type CliIo, processIo } from './cli-io.js';
import { alignCommand } from './commands/align-command.js';
import { assistantCommand } from './commands/assistant-command.js';
import { benchCommand } from './commands/bench-command.js';
import { dataCommand } from './commands/data-command.js';
import { demoCommand } from './commands/demo-command.js';
import { evalCommand } from './commands/eval-command.js';
import { experimentCommand } from './commands/experiment-command.js';
import { importCommand } from './commands/import-command.js';
import { modelsCommand } from './commands/models-command.js';
import { recommendCommand } from './commands/recommend-command.js';
import { rewardCommand } from './commands/reward-command.js';
import { serveCommand } from './commands/serve-command.js';
import { simulateCommand } from './commands/simulate-command.js';
import { tagCommand } from './commands/tag-command.js';
import { tokenizeCommand } from './commands/tokenize-command.js';
import { trainCommand } from './commands/train-command.js';
import { packageVersion } from './package-paths.js';

export function buildProgram(io: CliIo): Command {
  const program = new Command('genfeed')
    .description('Self-hostable AI-native engine for short-video platforms')
    .version(packageVersion())
    .option('--verbose', 'print debug lines (e.g. every hyperparameter trial)')
    .addCommand(demoCommand(io))
    .addCommand(evalCommand(io))
    .addCommand(dataCommand(io))
    .addCommand(importCommand(io))
    .addCommand(serveCommand(io))
    .addCommand(experimentCommand(io))
    .addCommand(modelsCommand(io))
    .addCommand(tokenizeCommand(io))
    .addCommand(benchCommand(io))
    .addCommand(trainCommand(io))
    .addCommand(recommendCommand(io))
    .addCommand(alignCommand(io))
    .addCommand(simulateCommand(io))
    .addCommand(tagCommand(io))
    .addCommand(assistantCommand(io))
    .addCommand(rewardCommand(io));
  // Commander exits the process on --help and bad flags; route both through `main` and `io` instead.
  const configure = (command: Command): void => {
    command.exitOverride().configureOutput({
      writeOut: (text) => io.out(text.trimEnd()),
      writeErr: (text) => io.logger.error(text.replace(/^error: /, '').trimEnd()),
    });
    for (const child of command.commands) configure(child);
  };
  configure(program);
  return program;
}

/** Runs the CLI; returns the exit code. Project errors print as one clear line, not a stack. */
export async function main(
  argv: readonly string[],
  io: CliIo = processIo({ verbose: argv.includes('--verbose') }),
): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (error) {
    if (error instanceof GenfeedError) {
      io.logger.error(error.message);
      return 2;
    }
    const code = (error as { code?: string }).code;
    if (typeof code === 'string' && code.startsWith('commander.')) {
      return code === 'commander.helpDisplayed' || code === 'commander.version' ? 0 : 2;
    }
    throw error;
  }
}
