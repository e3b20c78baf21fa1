/**
 * faasmark's error classes: a stable `code`, a message naming the problem, an optional
 * `hint` naming the fix, and the exit code the CLI uses (modelled on undici's
 * lib/core/errors.js and changesets' exit handling).
 * The exit-code policy that maps them to process exit codes lives with the CLI
 * (harness/cli/exit.ts).
 */

export type ErrorCode =
  | 'FM_USAGE' // bad CLI flag or argument
  | 'FM_CONFIG' // bad suite / config file
  | 'FM_INPUT' // bad workload input or data file
  | 'FM_MISSING_TOOL' // a binary (helm, kubectl, spin, cargo, docker, ...) is not installed
  | 'FM_PLATFORM' // platform unreachable / failed / misbehaved
  | 'FM_BUILD' // workload build failed or artifact missing
  | 'FM_TIMEOUT' // a bounded wait ran out
  | 'FM_REGRESSION' // compare found a regression / thresholds not met
  | 'FM_ABORTED' // SIGINT / SIGTERM
  | 'FM_INTERNAL'; // a bug in faasmark

export interface FaasmarkErrorOptions {
  hint?: string;
  cause?: unknown;
}

export class FaasmarkError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: FaasmarkErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FaasmarkError';
    this.code = code;
    this.hint = options.hint;
  }
}

/** Bad CLI flags or arguments (exit 2). */
export class UsageError extends FaasmarkError {
  constructor(message: string, options: FaasmarkErrorOptions = {}) {
    super('FM_USAGE', message, options);
    this.name = 'UsageError';
  }
}

/** Bad suite or config file (exit 2). Carries every problem found, with dot paths. */
export class ConfigError extends FaasmarkError {
  readonly problems: string[];
  constructor(message: string, problems: string[] = [], options: FaasmarkErrorOptions = {}) {
    super(
      'FM_CONFIG',
      problems.length ? `${message}\n${problems.map((p) => `  - ${p}`).join('\n')}` : message,
      options,
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Bad workload input or data file (exit 2). */
export class InputError extends FaasmarkError {
  constructor(message: string, options: FaasmarkErrorOptions = {}) {
    super('FM_INPUT', message, options);
    this.name = 'InputError';
  }
}

/** A required external tool is missing (exit 2): the hint says how to install it. */
export class MissingToolError extends FaasmarkError {
  readonly tool: string;
  constructor(tool: string, hint: string, options: Omit<FaasmarkErrorOptions, 'hint'> = {}) {
    super('FM_MISSING_TOOL', `required tool not found: ${tool}`, { ...options, hint });
    this.name = 'MissingToolError';
    this.tool = tool;
  }
}

/** A platform was unreachable, failed to start, or misbehaved (exit 1). */
export class PlatformError extends FaasmarkError {
  constructor(message: string, options: FaasmarkErrorOptions = {}) {
    super('FM_PLATFORM', message, options);
    this.name = 'PlatformError';
  }
}

/** A workload build failed or an artifact is missing (exit 1). */
export class BuildError extends FaasmarkError {
  constructor(message: string, options: FaasmarkErrorOptions = {}) {
    super('FM_BUILD', message, options);
    this.name = 'BuildError';
  }
}

/** A bounded wait ran out (exit 1). */
export class TimeoutError extends FaasmarkError {
  constructor(message: string, options: FaasmarkErrorOptions = {}) {
    super('FM_TIMEOUT', message, options);
    this.name = 'TimeoutError';
  }
}

/** The run finished but did not pass: regression found or thresholds not met (exit 1). */
export class RegressionError extends FaasmarkError {
  constructor(message: string, options: FaasmarkErrorOptions = {}) {
    super('FM_REGRESSION', message, options);
    this.name = 'RegressionError';
  }
}

/** A bug in faasmark itself. */
export class InternalError extends FaasmarkError {
  constructor(message: string, options: FaasmarkErrorOptions = {}) {
    super('FM_INTERNAL', message, options);
    this.name = 'InternalError';
  }
}
