/** A CommandRunner for tests: records every call and answers from rules (first match wins). */
import { MissingToolError } from '../../../core/errors.js';
import type {
  CommandOptions,
  CommandResult,
  CommandRunner,
  FollowHandle,
} from '../../../platforms/openwhisk/runner.js';
import { INSTALL_HINTS } from '../../../platforms/openwhisk/runner.js';

export interface Rule {
  /** Matches `command args…` joined by spaces. */
  match: RegExp;
  result?: Partial<CommandResult>;
  /** Tool not installed. */
  missing?: boolean;
  /** Answer this rule only so many times. */
  times?: number;
}

export class ScriptedRunner implements CommandRunner {
  readonly calls: string[] = [];
  readonly followed: string[] = [];
  /** Where `follow` gets its lines: a fixed list, or a live subscription returning an unsubscribe. */
  constructor(
    private readonly rules: Rule[],
    private readonly followLines: string[] | ((onLine: (line: string) => void) => () => void) = [],
  ) {}

  async run(command: string, args: string[], _options: CommandOptions): Promise<CommandResult> {
    const line = [command, ...args].join(' ');
    this.calls.push(line);
    const rule = this.rules.find((r) => r.match.test(line) && (r.times === undefined || r.times > 0));
    if (rule?.times !== undefined) rule.times--;
    if (rule?.missing) throw new MissingToolError(command, INSTALL_HINTS[command] ?? 'install it');
    return { exitCode: 0, stdout: '', stderr: '', ...(rule?.result ?? {}) };
  }

  follow(command: string, args: string[], onLine: (line: string) => void): FollowHandle {
    this.followed.push([command, ...args].join(' '));
    if (typeof this.followLines === 'function') {
      const off = this.followLines(onLine);
      return { stop: async () => off() };
    }
    for (const l of this.followLines) onLine(l);
    return { stop: async () => {} };
  }

  /** Calls reduced to their first two words (tool + verb) for sequence assertions. */
  verbs(): string[] {
    return this.calls.map((c) => c.split(' ').slice(0, 2).join(' '));
  }
}
