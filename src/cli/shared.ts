import type { Command } from 'commander';
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
