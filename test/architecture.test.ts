/**
 * The architecture's rules, checked on the sources (docs/architecture.md):
 * - the layers: who may import whom;
 * - no function in harness/, platforms/ or analysis/ longer than 120 lines.
 * Each checker is also run on a planted violation, so a broken checker cannot pass silently.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';

const ROOT = normalize(join(dirname(new URL(import.meta.url).pathname), '..'));

/** Top-level folder → the top-level folders it must never import. */
const FORBIDDEN: Record<string, readonly string[]> = {
  core: ['harness', 'platforms', 'analysis', 'workloads', 'results', 'ci', 'bench', 'test', 'scripts'],
  workloads: ['harness', 'platforms', 'analysis', 'ci', 'bench', 'test'],
  analysis: ['harness', 'platforms', 'workloads', 'ci', 'bench', 'test'],
  results: ['harness', 'platforms', 'analysis', 'workloads', 'ci', 'bench', 'test'],
  platforms: ['harness', 'ci', 'bench', 'test'],
  harness: ['ci', 'bench', 'test'],
};
const MAX_FUNCTION_LINES = 120;
const LENGTH_CHECKED = ['harness', 'platforms', 'analysis'];

function sourceFiles(top: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const rel = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name === 'node_modules' || entry.name === 'build' || entry.name === 'target') continue;
        walk(rel);
      } else if (/\.(ts|mts|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(rel);
    }
  };
  walk(top);
  return out;
}

/** Every relative module specifier of a file: static imports, re-exports and dynamic import(). */
export function relativeImports(text: string): string[] {
  const specs: string[] = [];
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) specs.push(m[1] as string);
  return specs;
}

/** Layer violations of one file (its path relative to the repository root). */
export function layerViolations(file: string, text: string): string[] {
  const top = file.split('/')[0] as string;
  const forbidden = FORBIDDEN[top] ?? [];
  const problems: string[] = [];
  for (const spec of relativeImports(text)) {
    const target = normalize(join(dirname(file), spec));
    const targetTop = target.split('/')[0] as string;
    if (forbidden.includes(targetTop))
      problems.push(`${file} imports ${target} (${top}/ must not import ${targetTop}/)`);
  }
  return problems;
}

/** Functions (declarations, methods, arrows, expressions) longer than `max` lines. */
export function longFunctions(file: string, text: string, max = MAX_FUNCTION_LINES): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (
      ts.isFunctionDeclaration(node) ||
      ts.isMethodDeclaration(node) ||
      ts.isArrowFunction(node) ||
      ts.isFunctionExpression(node) ||
      ts.isConstructorDeclaration(node) ||
      ts.isGetAccessorDeclaration(node) ||
      ts.isSetAccessorDeclaration(node)
    ) {
      const first = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const last = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = last - first + 1;
      if (lines > max) {
        const parent = node.parent;
        const name =
          (node as { name?: ts.Node }).name?.getText(sf) ??
          (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent))
            ? parent.name.getText(sf)
            : '<anonymous>');
        found.push(`${file}:${first + 1} ${name} is ${lines} lines (at most ${max})`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

describe('architecture', () => {
  it('keeps the layers: core imports nothing of the project; analysis, workloads and results never import the engine or platforms; platforms never import the engine', () => {
    const problems: string[] = [];
    for (const top of Object.keys(FORBIDDEN))
      for (const file of sourceFiles(top))
        problems.push(...layerViolations(file, readFileSync(join(ROOT, file), 'utf8')));
    assert.deepEqual(problems, []);
  });

  it(`has no function over ${MAX_FUNCTION_LINES} lines in ${LENGTH_CHECKED.join('/, ')}/`, () => {
    const problems: string[] = [];
    for (const top of LENGTH_CHECKED)
      for (const file of sourceFiles(top))
        problems.push(...longFunctions(file, readFileSync(join(ROOT, file), 'utf8')));
    assert.deepEqual(problems, []);
  });

  it('the checkers catch planted violations', () => {
    const text = [
      "import { a } from '../../harness/cli/main.js';",
      "import type { B } from '../../core/records.js';",
      "export { c } from '../spin/x.js';",
      "const d = await import('../../harness/engine/run.js');",
    ].join('\n');
    assert.deepEqual(layerViolations('platforms/local-wasm/x.ts', text), [
      'platforms/local-wasm/x.ts imports harness/cli/main.js (platforms/ must not import harness/)',
      'platforms/local-wasm/x.ts imports harness/engine/run.js (platforms/ must not import harness/)',
    ]);
    assert.equal(layerViolations('core/x.ts', "import '../analysis/y.js';").length, 1);
    const body = Array.from({ length: 130 }, (_, i) => `  const v${i} = ${i};`).join('\n');
    const long = longFunctions('analysis/x.ts', `export function big() {\n${body}\n}\nconst ok = () => 1;\n`);
    assert.equal(long.length, 1);
    assert.match(long[0] as string, /big is 132 lines/);
  });
});
