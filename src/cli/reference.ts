import { Option, type Command } from 'commander';
import type { CommandContext } from '../commands/context.ts';
import { examples, type ContextFor } from './shared.ts';

// Sub-commands that every reference-data noun has in the same shape. Each `run` imports its
// command module lazily, so that `--help` loads nothing but commander.

type Run<Args extends unknown[], Options> = (ctx: CommandContext, ...rest: [...Args, Options]) => Promise<void>;

export function listCommand<Options = { format?: string; json?: boolean }>(parent: Command, context: ContextFor, plural: string, sample: string[], run: Run<[], Options>): Command {
  return parent
    .command('list')
    .description(`list ${plural}`)
    .addOption(new Option('--format <format>', 'table, json or csv (csv and json import back; table is drawn even when piped)').choices(['table', 'json', 'csv']))
    .option('--columns <names>', 'only these columns, in this order, e.g. name,active (any case; _ for spaces)')
    .option('--json', 'same as --format json')
    .addHelpText('after', examples(sample))
    .action(async (options: Options, command: Command) => run(context(command), options));
}

export function showCommand(parent: Command, context: ContextFor, noun: string, key: string, sample: string[], run: Run<[string | undefined], { json?: boolean }>): Command {
  return parent
    .command('show')
    .description(`show one ${noun} (picked from a list on a terminal when ${key} is left out)`)
    .argument(`[${key}]`)
    .option('--json', 'print it as JSON')
    .addHelpText('after', examples(sample))
    .action(async (value: string | undefined, options: { json?: boolean }, command: Command) => run(context(command), value, options));
}

export function removeCommand<Options>(parent: Command, context: ContextFor, noun: string, key: string, sample: string[], run: Run<[string | undefined], Options>): Command {
  return parent
    .command('remove')
    .description(`remove a ${noun} (asks first; needs --yes without a terminal)`)
    .argument(`[${key}]`)
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', examples(sample))
    .action(async (value: string | undefined, options: Options, command: Command) => run(context(command), value, options));
}

export function importCommand(parent: Command, context: ContextFor, plural: string, naturalKey: string, sample: string[], run: Run<[string], { format?: string; json?: boolean }>): Command {
  return parent
    .command('import')
    .description(`create or update ${plural} from a CSV or JSON file, matched by ${naturalKey} (all or nothing)`)
    .argument('<file>', `CSV with a header line, a JSON array or JSON Lines, e.g. what \`${plural} list --json\` prints`)
    .addOption(new Option('--format <format>', 'file format (default: from the extension or the content)').choices(['csv', 'json']))
    .option('--json', 'print the counts as JSON')
    .addHelpText('after', examples(sample))
    .action(async (file: string, options: { format?: string; json?: boolean }, command: Command) => run(context(command), file, options));
}

/** `--active` / `--no-active` left undefined unless given. */
export function activeOptions(command: Command, noun: string): Command {
  return command.option('--active', `the ${noun} is active (default for new ones)`).option('--no-active', `the ${noun} is inactive`);
}
