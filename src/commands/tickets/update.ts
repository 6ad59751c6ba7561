import { renderJson } from '../../output/render.ts';
import { configZone, statsTimeZone } from '../calendar.ts';
import { updateTicket, type TicketChanges } from '../../services/tickets/tickets.ts';
import { print, withDatabase, type CommandContext } from '../context.ts';

export async function ticketsUpdate(ctx: CommandContext, ref: string, options: TicketChanges & { json?: boolean }): Promise<void> {
  const { json, ...changes } = options;
  // Daily statistics follow the change, on days of the database's statistics time zone.
  const result = await withDatabase(ctx, async (db) => {
    const timeZone = statsTimeZone(db, configZone(ctx, undefined));
    return updateTicket(db.em, ref, changes, timeZone);
  });
  if (json) {
    print(ctx, renderJson(result));
    return;
  }
  const t = result.ticket;
  const lines = [
    result.changed.length > 0
      ? `${ctx.out.ok('✓')} ticket #${t.number}: ${result.changed.map((field) => `${field} ${String(t[field as 'status'] ?? 'none')}`).join(', ')}`
      : `ticket #${t.number}: nothing changed`,
  ];
  if (result.routing) lines.push(`  ${result.routing.reason}`);
  if (result.corrected) {
    const what = [result.corrected.category && `category ${result.corrected.category}`, result.corrected.department && `department ${result.corrected.department}`].filter(Boolean);
    lines.push(what.length > 0 ? `  AI prediction marked corrected (${what.join(', ')})` : '  AI prediction marked confirmed');
  }
  if (result.changed.length === 0 && (changes.category !== undefined || changes.department !== undefined) && t.predictions.at(-1)?.review === 'pending') {
    // Setting a label to what it already is says nothing about the AI: confirming does.
    lines.push(`  to mark the AI prediction right: helpdesk tickets confirm ${t.number}`);
  }
  if (result.sample) lines.push('  training sample recorded (label source human)');
  print(ctx, lines.join('\n') + '\n');
}
