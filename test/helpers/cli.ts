/** Run the CLI unspawned and capture what it writes (autocannon's argumentParsing tests style). */
import { main } from '../../harness/cli/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(argv: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const previous = process.exitCode;
  process.exitCode = undefined;
  const code = await main(argv, {
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
    isTTY: false,
  });
  process.exitCode = previous;
  return { code, stdout, stderr };
}
