import { renderJson } from '../../output/render.ts';
import { requireValue } from '../../prompts/prompter.ts';
import { createTicket } from '../../services/tickets/tickets.ts';
import { configZone, statsTimeZone } from '../calendar.ts';
import { print, withDatabase, type CommandContext } from '../context.ts';

export interface CreateOptions {
  subject?: string;
  body?: string;
  source?: string;
  language?: string;
  email?: string;
  name?: string;
  json?: boolean;
}

export async function ticketsCreate(ctx: CommandContext, options: CreateOptions): Promise<void> {
  const body = await requireValue(ctx.prompter, options.body, '--body', 'Ticket text');
  const ticket = await withDatabase(ctx, (db) =>
    createTicket(db.em, { subject: options.subject, body, source: options.source ?? 'portal', language: options.language, email: options.email, name: options.name }, statsTimeZone(db, configZone(ctx, undefined))),
  );
  if (options.json) print(ctx, renderJson(ticket));
  else print(ctx, `${ctx.out.ok('✓')} created ticket #${ticket.number} (${ticket.id}): ${ticket.subject} [${ticket.language}]\n`);
}
