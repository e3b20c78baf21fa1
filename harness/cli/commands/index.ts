/**
 * Every subcommand, in the order `faasmark --help` lists them. Each module default-exports
 * `register(program)`: it declares flags and imports its implementation lazily in the action.
 */
import type { Command } from 'commander';
import compare from './compare/index.js';
import invoke from './invoke/index.js';
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
  // models
  predict,
  simulate,
  recommend,
  // workloads and platforms
  profile,
  invoke,
  serve,
  probe,
  openwhisk,
  spin,
];
