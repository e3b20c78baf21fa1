/**
 * Where the invoker log comes from, fed into an InvokerLogParser:
 * - `follow` (kubernetes mode): `kubectl logs -f <invoker pod>` while the point runs;
 * - `{file}`: the file is re-read from the last offset every `intervalS` (tail -F style,
 *   survives truncation by starting again);
 * - `{command}`: a shell command run once when spans are asked for (e.g. `ssh host cat …`).
 */
import { open, stat } from 'node:fs/promises';
import { onShutdown } from '../../core/lifecycle.js';
import { InvokerLogParser } from './invoker-log.js';
import type { CommandRunner, FollowHandle } from './runner.js';

export interface LogSource {
  readonly parser: InvokerLogParser;
  /** Bring the parser up to date (reads the file / runs the command). */
  refresh(): Promise<void>;
  stop(): Promise<void>;
}

/** Follow a file by offset; `refresh()` reads what was appended. */
export class FileLogSource implements LogSource {
  readonly parser = new InvokerLogParser();
  private offset = 0;
  private partial = '';
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<void> | undefined;
  private readonly unregister: () => void;

  constructor(
    private readonly path: string,
    intervalS = 0.2,
  ) {
    this.timer = setInterval(() => void this.refresh().catch(() => {}), intervalS * 1000);
    this.timer.unref();
    this.unregister = onShutdown(`openwhisk log file ${path}`, () => this.stop());
  }

  refresh(): Promise<void> {
    this.reading ??= this.read().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async read(): Promise<void> {
    let size: number;
    try {
      size = (await stat(this.path)).size;
    } catch {
      return; // not there yet
    }
    if (size < this.offset) {
      this.offset = 0; // truncated / rotated
      this.partial = '';
    }
    if (size === this.offset) return;
    const fh = await open(this.path, 'r');
    try {
      const buf = Buffer.alloc(size - this.offset);
      const { bytesRead } = await fh.read(buf, 0, buf.length, this.offset);
      this.offset += bytesRead;
      const text = this.partial + buf.subarray(0, bytesRead).toString('utf8');
      const lines = text.split('\n');
      this.partial = lines.pop() ?? '';
      for (const l of lines) this.parser.feed(l);
    } finally {
      await fh.close();
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.refresh();
    if (this.partial) this.parser.feed(this.partial);
    this.partial = '';
    this.unregister();
  }
}

/** Run a shell command once per refresh and parse its whole output (fresh parser each time). */
export class CommandLogSource implements LogSource {
  parser = new InvokerLogParser();
  constructor(
    private readonly runner: CommandRunner,
    private readonly command: string,
    private readonly timeoutS = 120,
  ) {}

  async refresh(): Promise<void> {
    const r = await this.runner.run('sh', ['-c', this.command], { timeout: this.timeoutS });
    if (r.exitCode !== 0) {
      const { PlatformError } = await import('../../core/errors.js');
      throw new PlatformError(
        `invokerLog.command exited with ${r.exitCode}: ${r.stderr.split('\n')[0] ?? ''}`,
        {
          hint: 'the command must print the invoker log on stdout (e.g. `kubectl -n openwhisk logs owdev-invoker-0`)',
        },
      );
    }
    const parser = new InvokerLogParser();
    parser.feedText(r.stdout);
    this.parser = parser;
  }

  async stop(): Promise<void> {}
}

/** Stream a child's stdout (e.g. `kubectl logs -f`) into the parser. */
export class FollowLogSource implements LogSource {
  readonly parser = new InvokerLogParser();
  private handle: FollowHandle | undefined;
  private readonly unregister: () => void;

  constructor(runner: CommandRunner, command: string, args: string[]) {
    this.handle = runner.follow(command, args, (line) => this.parser.feed(line));
    this.unregister = onShutdown(`openwhisk log follow ${command}`, () => this.stop());
  }

  async refresh(): Promise<void> {}

  async stop(): Promise<void> {
    const h = this.handle;
    this.handle = undefined;
    if (h) await h.stop();
    this.unregister();
  }
}
