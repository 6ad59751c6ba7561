import type { Command } from 'commander';
import { collect, examples, fileFormatOptions, type ContextFor } from './shared.ts';

export function registerImportCommands(importCommand: Command, context: ContextFor): void {
  fileFormatOptions(
    importCommand
      .command('tickets')
      .description('import tickets from a CSV, JSONL or JSON-array export (a file, or - for stdin): validated row by row, all or nothing, safe to run again; ends with a migration report')
      .argument('<file>', 'the export to read, or - for standard input')
      .option('--map <field=column,...>', 'map ticket fields to the file\'s columns (JSONL: keys); fields: external_id, source, email, name, subject, body, language, created_at, category, department, priority, issue_type, status, first_response_at, resolved_at, closed_at, messages', collect)
      .option('--from <preset>', 'the export of another helpdesk: zendesk, freshdesk, zammad, rt, osticket or jira (its columns, values and date order; see import presets)')
      .option('--preset-file <file>', 'a preset as JSON (start from `import presets show NAME`)')
      .option('--value <field:foreign=ours>', 'map a foreign value of source, language, priority, issue_type or status to ours, case-insensitive (repeatable), e.g. "source:Social media=portal"', collect)
      .option('--date-order <order>', 'numeric dates with slashes: dmy (D/M/YYYY) or mdy (M/D/YYYY); default: decided by the file (a day above 12), else the file is refused')
      .option('--tz <zone>', 'time zone of times written without one, e.g. Europe/Moscow, UTC or +05:00 (default: the helpdesk\'s calendar zone)')
      .option('--epoch', 'plain numbers in time columns are Unix seconds')
      .option('--strict-times', 'reject rows whose times are out of order (created, first response, resolved, closed) instead of importing them with a warning'),
  )
    .option('--source <source>', 'source for rows without one: email, chat, portal or phone', 'email')
    .option('--status <status>', 'status for rows without one, e.g. closed for a handled history (default: closed when the row has a closed time, else new)')
    .option('--history', 'every row is imported history, counted apart from the intake of its day whatever its status (rows already handled are history anyway; new rows are intake)')
    .option('--id-prefix <prefix>', 'put before every external id of the file, e.g. jira: for a second system whose ticket numbers would meet the first\'s (find them again as email:jira:123)')
    .option('--create-missing', 'create categories and departments the file names that do not exist (otherwise such rows are rejected)')
    .option('--on-error <mode>', 'fail: any rejected row means nothing is written; skip: write the valid rows', 'fail')
    .option('--errors <file>', 'write every rejected value as JSON lines (line, field, value, reason)')
    .option('--dry-run', 'validate everything and report what would be created, skipped and rejected, writing nothing')
    .option('--rebuild-indexes <when>', 'auto: for a large import into a small tickets table, drop the indexes, unique constraints and foreign keys of tickets and training samples (not the primary keys) and build them again at the end (the writing twice as fast; both tables are locked until the import ends; waits 3 s at most for a table in use, then keeps them); always (waits for the lock); never', 'auto')
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      examples([
        'helpdesk import tickets export.csv --map body=Document,category=Topic_group --create-missing',
        'helpdesk import tickets old-helpdesk.csv --encoding cp1251 --delimiter ";" --map external_id=ID,email=Email,subject=Subject,body=Text,created_at=Date',
        'helpdesk import tickets nightly.jsonl --on-error skip --errors rejected.jsonl',
        'zcat tickets.jsonl.gz | helpdesk import tickets - --dry-run',
        'helpdesk import tickets zendesk-export.csv --from zendesk --create-missing --dry-run',
        'helpdesk import tickets tickets.csv --map external_id=Ticket_ID,email=Customer_Email,subject=Ticket_Subject,body=Ticket_Description --value "source:Social media=portal" --value "priority:Urgent=critical" --dry-run',
      ]) + '\nExit codes: 0 every row accepted, 2 any row rejected (or bad usage), 3 database unavailable.\n',
    )
    .action(async (file: string, options: Record<string, unknown>, command: Command) => {
      const { importTicketsCommand } = await import('../commands/import/tickets.ts');
      await importTicketsCommand(context(command), file, options);
    });

  importCommand
    .command('presets')
    .description('the presets for other helpdesks\' exports: list them, or show one as JSON to edit and pass back with --preset-file')
    .argument('[show]', 'show')
    .argument('[name]', 'the preset to show')
    .option('--json', 'print the list as JSON')
    .addHelpText('after', examples(['helpdesk import presets', 'helpdesk import presets show zendesk > my-zendesk.json', 'helpdesk import tickets export.csv --preset-file my-zendesk.json --dry-run']))
    .action(async (verb: string | undefined, name: string | undefined, options: Record<string, unknown>, command: Command) => {
      const { importPresetsCommand } = await import('../commands/import/presets.ts');
      await importPresetsCommand(context(command), verb, name, options);
    });
}
