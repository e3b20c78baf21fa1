/**
 * float workload: the pyperformance "float" benchmark kernel (pyperformance
 * benchmarks/bm_float: Point(i) with x = sin i, y = 3 cos i, z = x²/2; normalise every
 * point; fold with the component-wise maximum). One source for every build: the Node
 * action server, the Spin JS HTTP component and the function component for the local
 * Wasm host all bundle this file. It must not import anything (it runs in StarlingMonkey).
 */

/** Cap on points per request (same as CAPS.floatPoints in workloads/inputs.ts). */
export const MAX_POINTS = 10_000_000;
export const DEFAULT_POINTS = 100_000;

class Point {
  x: number;
  y: number;
  z: number;

  constructor(i: number) {
    const x = Math.sin(i);
    this.x = x;
    this.y = Math.cos(i) * 3;
    this.z = (x * x) / 2;
  }

  normalize(): void {
    const norm = Math.sqrt(this.x * this.x + this.y * this.y + this.z * this.z);
    this.x /= norm;
    this.y /= norm;
    this.z /= norm;
  }

  maximize(other: Point): Point {
    // biome-ignore lint/complexity/useMathMinMax: pyperformance's `a if a > b else b`, kept as written
    this.x = this.x > other.x ? this.x : other.x;
    // biome-ignore lint/complexity/useMathMinMax: pyperformance's `a if a > b else b`, kept as written
    this.y = this.y > other.y ? this.y : other.y;
    // biome-ignore lint/complexity/useMathMinMax: pyperformance's `a if a > b else b`, kept as written
    this.z = this.z > other.z ? this.z : other.z;
    return this;
  }
}

export interface FloatResult {
  n: number;
  x: number;
  y: number;
  z: number;
}

/** Run the kernel over n points; returns the component-wise maximum. */
export function floatKernel(n: number): FloatResult {
  const points: Point[] = new Array(n);
  for (let i = 0; i < n; i++) points[i] = new Point(i);
  for (const p of points) p.normalize();
  let next = points[0] as Point;
  for (let i = 1; i < n; i++) next = next.maximize(points[i] as Point);
  return { n, x: next.x, y: next.y, z: next.z };
}

/** Parse and check a request body (the input JSON; empty = defaults); errors are messages. */
export function parseFloatInput(body: string): { ok: true; n: number } | { ok: false; error: string } {
  let input: unknown = {};
  if (body.trim() !== '') {
    try {
      input = JSON.parse(body);
    } catch (err) {
      return { ok: false, error: `invalid JSON: ${err instanceof Error ? err.message : String(err)}` };
    }
  }
  if (input === null) input = {};
  if (typeof input !== 'object' || Array.isArray(input))
    return { ok: false, error: 'float input must be a JSON object' };
  for (const key of Object.keys(input as object)) {
    if (key !== 'n') return { ok: false, error: `float input has unknown field "${key}"; known fields: n` };
  }
  const n = (input as { n?: unknown }).n ?? DEFAULT_POINTS;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_POINTS) {
    return {
      ok: false,
      error: `float input field "n" must be an integer in [1, ${MAX_POINTS}], got ${JSON.stringify(n)}`,
    };
  }
  return { ok: true, n };
}

/** One invocation: input JSON text → [status, result JSON text] (502 + {"error"} on failure). */
export function handleFloat(body: string): [number, string] {
  const parsed = parseFloatInput(body);
  if (!parsed.ok) return [502, JSON.stringify({ error: parsed.error })];
  try {
    return [200, JSON.stringify(floatKernel(parsed.n))];
  } catch (err) {
    return [502, JSON.stringify({ error: err instanceof Error ? err.message : String(err) })];
  }
}
