import { Option, type Command } from 'commander';
import type { CommandContext, GlobalOptions } from '../commands/context.ts';

export type ContextFactory = (globals: GlobalOptions, commandLine: string) => CommandContext;
/** Builds the context for the command being run (global options come from the root program). */
export type ContextFor = (command: Command) => CommandContext;

export function examples(lines: string[]): string {
  return '\nExamples:\n' + lines.map((l) => `  $ ${l}`).join('\n') + '\n';
}

export function commandLine(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** `--format` of a list command: an explicit `table` draws the table even when piped. */
export function formatOption(): Option {
  return new Option('--format <format>', 'table, json or csv (default: a table on a terminal, tab-separated when piped)').choices(['table', 'json', 'csv']);
}
