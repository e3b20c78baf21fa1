/**
 * The faasmark command line: one file registers every subcommand (changesets'
 * packages/cli/src/cli.ts; the command folders are described in ./commands/index.ts).
 * `main` is the one place an exit code is decided: 0 when the command returns, else the
 * code of what it threw (./exit.ts); harness/bin.ts hands it to the process. `main` is pure
 * enough to test unspawned.
 */
import { Command, CommanderError } from 'commander';
import { runCleanups } from '../../core/lifecycle.js';
import { scrub } from '../../core/secrets.js';
import { faasmarkVersion } from '../../core/version.js';
import { COMMANDS } from './commands/index.js';
import { exitCodeFor, formatError } from './exit.js';
import { log, type Sinks, setSinks } from './io.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('faasmark')
    .description(
      'Benchmark harness for serverless executors: when is a WebAssembly executor (Spin) better than a container executor (OpenWhisk)?\nMeasurements and models (SMP, M/G/∞, simulator) side by side.',
    )
    .version(faasmarkVersion(), '-V, --version')
    .option('--debug', 'print stack traces for errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => process.stdout.write(scrub(s)),
      writeErr: (s) => process.stderr.write(scrub(s)),
    });
  for (const register of COMMANDS) register(program);
  return program;
}

/** Run the CLI with `argv` (without node and script); returns the exit code. */
export async function main(argv: string[], sinks?: Sinks): Promise<number> {
  setSinks(sinks);
  const program = buildProgram();
  if (sinks) {
    const output = {
      writeOut: (s: string) => sinks.stdout(scrub(s)),
      writeErr: (s: string) => sinks.stderr(scrub(s)),
    };
    program.configureOutput(output);
    for (const cmd of allCommands(program)) cmd.configureOutput(output);
  }
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through here with exitCode 0
      return err.exitCode === 0 ? 0 : 2;
    }
    log(formatError(err, debug));
    return exitCodeFor(err);
  } finally {
    const failures = await runCleanups();
    for (const f of failures) log(`cleanup failed: ${f}`);
    setSinks(undefined);
  }
}

function allCommands(cmd: Command): Command[] {
  return [cmd, ...cmd.commands.flatMap((c) => allCommands(c))];
}
