#!/usr/bin/env node
/**
 * The faasmark executable. Before the CLI loads: the process-wide hooks (signals, uncaught
 * errors, the launcher watchdog: core/lifecycle.ts), the environment's secrets registered for
 * scrubbing (core/secrets.ts), and a sweep of what a killed faasmark left (core/ownership.ts).
 */
import { installProcessHooks } from '../core/lifecycle.js';
import { sweepOrphans } from '../core/ownership.js';
import { registerEnvSecrets } from '../core/secrets.js';

installProcessHooks();
registerEnvSecrets();
await sweepOrphans((line) => process.stderr.write(`${line}\n`));
const { main } = await import('./cli/main.js');
process.exitCode = await main(process.argv.slice(2));
