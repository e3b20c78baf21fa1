/**
 * The float workload as a Spin JS HTTP component (StarlingMonkey fetch-event API, built by
 * `j2w` from @spinframework/build-tools). Request body = the input JSON (as WAGI stdin for
 * the compiled workloads); response = result JSON, or 502 {"error"}.
 */
import { handleFloat } from './kernel.js';

declare function addEventListener(
  type: 'fetch',
  listener: (event: { request: Request; respondWith(response: Promise<Response> | Response): void }) => void,
): void;

async function respond(request: Request): Promise<Response> {
  const body = request.method === 'POST' || request.method === 'PUT' ? await request.text() : '';
  const [status, text] = handleFloat(body);
  return new Response(text, { status, headers: { 'content-type': 'application/json' } });
}

addEventListener('fetch', (event) => event.respondWith(respond(event.request)));
