import { Command } from 'commander';
import { examples, formatOption, type ContextFor } from './shared.ts';

export function registerTicketsCommands(tickets: Command, context: ContextFor): void {
  tickets
    .command('list')
    .description('list tickets, newest first, with filters')
    .option('--status <status>', 'new, auto_resolved, in_work, waiting or closed')
    .option('--department <name>', 'department name')
    .option('--category <name>', 'category name')
    .option('--language <lang>', 'ru, kk or en')
    .option('--source <source>', 'email, chat, portal or phone')
    .option('--from <date>', "created on or after this day, YYYY-MM-DD or DD.MM.YYYY (days of the database's statistics time zone, as in stats daily)")
    .option('--to <date>', 'created on or before this day (the whole day), YYYY-MM-DD or DD.MM.YYYY')
    .option('--history <choice>', 'exclude (default): imported history left out, as in stats daily; include: list it too')
    .option('--limit <n>', 'at most this many tickets', '50')
    .option('--offset <n>', 'skip this many first', '0')
    .addOption(formatOption())
    .option('--columns <names>', 'only these columns, in this order, e.g. number,status,subject')
    .option('--json', 'same as --format json')
    .addHelpText('after', examples(['helpdesk tickets list --status new --language kk', 'helpdesk tickets list --department "Service Desk" --from 2026-11-01 --to 2026-11-30 --format csv > november.csv', 'helpdesk tickets list --limit 20 --offset 40']))
    .action(async (options: Record<string, string | undefined>, command: Command) => {
      const { ticketsList } = await import('../commands/tickets/list.ts');
      await ticketsList(context(command), options);
    });

  tickets
    .command('show')
    .description('show one ticket with its messages and AI predictions')
    .argument('<ticket>', 'ticket number (42 or #42), id, or source:external-id (email:MSG-2211)')
    .option('--json', 'print the ticket as JSON')
    .addHelpText('after', examples(['helpdesk tickets show 42', 'helpdesk tickets show 42 --json']))
    .action(async (ref: string, options: { json?: boolean }, command: Command) => {
      const { ticketsShow } = await import('../commands/tickets/show.ts');
      await ticketsShow(context(command), ref, options);
    });

  tickets
    .command('create')
    .description('create a ticket (language detected when not given; the user matched by e-mail or created)')
    .option('--body <text>', 'the request (asked on a terminal when missing)')
    .option('--subject <text>', 'short subject (default: from the body)')
    .option('--source <source>', 'email, chat, portal or phone', 'portal')
    .option('--language <lang>', 'ru, kk or en (default: detected)')
    .option('--email <address>', "the client's e-mail")
    .option('--name <name>', "the client's name, for a new user")
    .option('--json', 'print the created ticket as JSON')
    .addHelpText('after', examples(['helpdesk tickets create --email aigerim@example.kz --subject "VPN" --body "VPN қосылмайды"', 'helpdesk tickets create --source phone --body "Printer on floor 3 is jammed" --json']))
    .action(async (options: Record<string, string | undefined>, command: Command) => {
      const { ticketsCreate } = await import('../commands/tickets/create.ts');
      await ticketsCreate(context(command), options);
    });

  tickets
    .command('watch')
    .description('print events as they happen: created, decided, updated, confirmed, corrected, closed, sla_breached, operator_at_capacity')
    .option('--since <time>', 'first replay the stored events from this time (2026-12-01, 2026-12-01T09:00Z, 15m, 2h, 1d)')
    .option('--no-follow', 'with --since: print the stored events and exit (the only mode on the embedded database)')
    .option('--event <kinds>', 'only these events, comma-separated')
    .option('--department <name>', 'only events of tickets in this department')
    .option('--language <lang>', 'ru, kk or en')
    .option('--status <status>', "only events leaving the ticket in this status")
    .option('--poll <seconds>', 'look at least this often even without a notification (default 5)')
    .option('--json', 'JSON Lines: id, at, event, ticket, ticket_id, department, operator, language, status, actor, data')
    .addHelpText('after', examples(['helpdesk tickets watch', 'helpdesk tickets watch --since 1h --event decided,sla_breached --department "Service Desk"', 'helpdesk tickets watch --since 2026-12-01 --no-follow --json | jq -c .data']))
    .action(async (options: Record<string, string | boolean | undefined>, command: Command) => {
      const { ticketsWatch } = await import('../commands/tickets/watch.ts');
      await ticketsWatch(context(command), options);
    });

  tickets
    .command('update')
    .description('change status, priority, category, department or operator; a changed category or department corrects the AI prediction, re-routes and records a training sample')
    .argument('<ticket>', 'ticket number (42 or #42), id, or source:external-id (email:MSG-2211)')
    .option('--status <status>', 'new, auto_resolved, in_work, waiting or closed')
    .option('--priority <priority>', 'low, medium, high or critical')
    .option('--category <name>', 'category name')
    .option('--department <name>', 'department name')
    .option('--operator <email>', 'operator e-mail, or none to unassign')
    .option('--force', 'assign --operator even if of another department, without the language, inactive or at capacity')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nA new category brings its default department and a new department routes the ticket to one of its\n' +
        'operators who speaks its language and has room, unless --department / --operator are given.\n' +
        examples(['helpdesk tickets update 42 --status in_work --operator a.nurlanova@company.example.kz', 'helpdesk tickets update 42 --category Access', 'helpdesk tickets update 42 --category Access --department "Access Management"']),
    )
    .action(async (ref: string, options: Record<string, string | undefined>, command: Command) => {
      const { ticketsUpdate } = await import('../commands/tickets/update.ts');
      await ticketsUpdate(context(command), ref, options);
    });

  tickets
    .command('confirm')
    .description("mark the tickets' latest AI predictions right (all or nothing); AI accuracy moves at once")
    .argument('[tickets...]', 'ticket numbers (42 or #42), ids or source:external-id')
    .option('--from-file <file>', 'one ticket per line (- for standard input)')
    .option('--json', 'print the outcomes as JSON')
    .addHelpText(
      'after',
      '\nAn already confirmed prediction is left as it is; a corrected one is refused (set the ticket back with\n' +
        '`tickets update` to confirm what the model said). A confirmed escalation goes to its category\'s department.\n' +
        examples(['helpdesk tickets confirm 42 43 #44', 'helpdesk tickets list --status in_work --format csv | cut -d, -f1 | tail -n +2 | helpdesk tickets confirm --from-file -']),
    )
    .action(async (refs: string[], options: { fromFile?: string; json?: boolean }, command: Command) => {
      const { ticketsConfirm } = await import('../commands/tickets/confirm.ts');
      await ticketsConfirm(context(command), refs, options);
    });

  tickets
    .command('review')
    .description('on a terminal: walk the unreviewed AI decisions one by one (accept, correct, skip, quit)')
    .option('--order <order>', 'newest or least-confident', 'newest')
    .option('--language <lang>', 'ru, kk or en')
    .option('--department <name>', "the ticket's department now")
    .option('--decision <decision>', 'auto_resolved, escalated, routed or queued')
    .option('--limit <n>', 'at most this many decisions', '20')
    .addHelpText('after', '\nWithout a terminal use `tickets confirm` and `tickets update`.\n' + examples(['helpdesk tickets review', 'helpdesk tickets review --order least-confident --language kk --limit 10']))
    .action(async (options: Record<string, string | undefined>, command: Command) => {
      const { ticketsReview } = await import('../commands/tickets/review.ts');
      await ticketsReview(context(command), options);
    });
}
