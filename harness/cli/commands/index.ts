/**
 * Every subcommand, in the order `faasmark --help` lists them. Each lives in its own folder,
 * commands/<name>/: `index.ts` default-exports `register(program)`, which declares the flags
 * and parses their values strictly into a typed options object (a pure, exported
 * `parse…Flags`); `action.ts` does the work and is imported lazily by the commander action,
 * so `--help` stays fast; `render.ts` turns the result into stdout text where the command
 * formats it itself (compare, reproduce and build print text made by analysis/ and
 * workloads/; invoke and serve print one line). Commands never set an exit code: they
 * return, or throw a FaasmarkError that main maps (../exit.ts).
 */
import type { Command } from 'commander';
import advise from './advise/index.js';
import build from './build/index.js';
import compare from './compare/index.js';
import gate from './gate/index.js';
import invoke from './invoke/index.js';
import nightly from './nightly/index.js';
import openwhisk from './openwhisk/index.js';
import predict from './predict/index.js';
import probe from './probe/index.js';
import profile from './profile/index.js';
import recommend from './recommend/index.js';
import report from './report/index.js';
import reproduce from './reproduce/index.js';
import run from './run/index.js';
import serve from './serve/index.js';
import simulate from './simulate/index.js';
import spin from './spin/index.js';

export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [
  // the main job and what is done with its results
  run,
  report,
  compare,
  reproduce,
  gate,
  nightly,
  // the answer, and the models
  advise,
  predict,
  simulate,
  recommend,
  // workloads and platforms
  build,
  profile,
  invoke,
  serve,
  probe,
  openwhisk,
  spin,
];
