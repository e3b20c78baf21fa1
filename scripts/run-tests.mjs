#!/usr/bin/env node
// Runs the test suite: every test/**/*.test.ts under node's test runner with tsx.
// Usage: npm test [-- <path-fragment> ...]   (only files whose path contains a fragment)
// FAASMARK_LONG=1 also runs the long end-to-end tests (they run in a short form otherwise).
// With CI=true nothing may be skipped: a skipped test fails the run, named with its reason.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walk(full));
    else if (name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

const files = walk(join(root, 'test'))
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(2);
}
const inCi = process.env.CI === 'true' || process.env.CI === '1';
const tapDir = inCi ? mkdtempSync(join(tmpdir(), 'faasmark-tests-')) : null;
const reporters = tapDir
  ? [
      '--test-reporter=tap',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${join(tapDir, 'all.tap')}`,
    ]
  : [];
const args = [
  '--import',
  'tsx',
  '--test',
  '--test-concurrency=2',
  '--test-timeout=300000',
  ...reporters,
  ...files,
];
const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
let status = result.status ?? 1;
if (tapDir) {
  const skipped = readFileSync(join(tapDir, 'all.tap'), 'utf8')
    .split('\n')
    .filter((l) => /^\s*ok \d+ - .*# SKIP/.test(l))
    .map((l) => l.trim());
  rmSync(tapDir, { recursive: true, force: true });
  if (skipped.length > 0) {
    console.error(
      `CI=true: ${skipped.length} test(s) skipped; in CI every test must run:\n  ${skipped.join('\n  ')}`,
    );
    status = 1;
  }
}
process.exit(status);
