/**
 * Every subcommand, in the order `faasmark --help` lists them. Each module default-exports
 * `register(program)`: it declares flags and imports its implementation lazily in the action.
 */
import type { Command } from 'commander';

export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [];
