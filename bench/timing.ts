/** What the benches time with: sequential samples, a GC between blocks, and how they print. */

/** Samples per block between GCs. */
export const BLOCK = 25;
/** A full GC between measurement blocks (bench/index.ts runs benches with --expose-gc). */
export const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
export const ms = (s: number) => `${(s * 1000).toFixed(3)} ms`;
export const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** `n` sequential calls of `fn`, each one's wall time in seconds. */
export async function timeSeq(n: number, fn: () => Promise<unknown> | unknown): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    out.push((performance.now() - t0) / 1000);
  }
  return out;
}
