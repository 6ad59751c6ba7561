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

/** A repeatable option's values, in the order given (`--value a --value b`). */
export const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/**
 * How an export file is read (src/commands/import/reader-flags.ts parses them): the same three
 * flags for `import tickets` and `model evaluate --file`, which read files with one reader.
 */
export function fileFormatOptions(command: Command): Command {
  return command
    .option('--input-format <format>', 'csv, jsonl or json (an array) (default: from the file name, else from the first character)')
    .option('--delimiter <char>', 'CSV delimiter, e.g. ";" or tab (default: detected from the header line)')
    // No commander default: `model evaluate` refuses reader flags given without --file.
    .option('--encoding <name>', 'utf-8 (with or without BOM) or cp1251 (default utf-8)');
}
