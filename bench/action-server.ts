/**
 * A host action server (the OpenWhisk action protocol: POST /init, POST /run) as a bench
 * baseline: started on a free port, initialised, then `post(input)` = POST /run over one
 * keep-alive connection. The baseline of the container and wasmtime benches.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Pool } from 'undici';

export interface ActionServer {
  /** POST /run {value: input}, the answer read to its end. */
  post: (input: unknown) => Promise<void>;
  stop: () => Promise<void>;
}

export async function startActionServer(command: string, args: readonly string[]): Promise<ActionServer> {
  const child = spawn(command, [...args, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${command} exited (${code}) before it listened`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /"listening":\s*(\d+)/.exec(line);
      if (m) resolve(Number(m[1]));
    });
  });
  const client = new Pool(`http://127.0.0.1:${port}`, { connections: 1 });
  const call = async (path: string, body: string) => {
    const res = await client.request({
      path,
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
    });
    await res.body.text();
  };
  await call('/init', '{"value":{}}');
  return {
    post: (input) => call('/run', JSON.stringify({ value: input })),
    stop: async () => {
      await client.close();
      child.kill('SIGKILL');
    },
  };
}
