import { renderJson, renderRecord, renderTable, type Column } from '../../output/render.ts';
import { describeChange, type AuditRow } from '../../services/audit/audit.ts';
import { showTicket, type TicketDetail } from '../../services/tickets/ticket-store.ts';
import { statsTimeZone } from '../calendar.ts';
import { isTerminal, print, show, withDatabase, tableOptions, type CommandContext } from '../context.ts';

export async function ticketsShow(ctx: CommandContext, ref: string, options: { json?: boolean }): Promise<void> {
  // Times are local times of the database's statistics time zone (formatted by the database).
  const ticket = await withDatabase(ctx, (db) => showTicket(db.sql, ref, { timeZone: statsTimeZone(db) }), { orm: false });
  if (options.json) print(ctx, renderJson(ticket));
  else show(ctx, describeTicket(ctx, ticket) + describeAudit(ctx, ticket.audit));
}

/** Who changed the ticket, its messages and predictions, and how (the audit trail). */
function describeAudit(ctx: CommandContext, audit: AuditRow[] | null): string {
  if (audit === null) return '';
  const tty = isTerminal(ctx);
  let text = `\n${ctx.out.bold(`changes (${audit.length})`)}\n`;
  if (audit.length > 0) {
    text += renderTable(
      [
        { header: 'at', value: (r: AuditRow) => r.at, keep: true },
        { header: 'who', value: (r) => r.login },
        { header: 'what', value: (r) => (r.table === 'tickets' ? r.action : `${r.table} ${r.action}`) },
        { header: 'change', value: (r) => describeChange(r) },
      ],
      audit,
      tableOptions(ctx),
    );
  }
  return text;
}

type Message = TicketDetail['messages'][number];
type Prediction = TicketDetail['predictions'][number];

/** The ticket as a record, then its messages and predictions as tables. */
export function describeTicket(ctx: CommandContext, t: TicketDetail): string {
  const tty = isTerminal(ctx);
  const style = ctx.out;
  const record = renderRecord(
    [
      ['number', t.number],
      ['id', t.id],
      ['status', t.status],
      ['source', t.source],
      ['external id', t.externalId],
      ['user', t.user ? (t.user.name ? `${t.user.name} <${t.user.email}>` : t.user.email) : null],
      ['language', t.language],
      ['category', t.category],
      ['department', t.department],
      ['operator', t.operator],
      ['priority', t.priority],
      ['issue type', t.issueType],
      ['escalated', t.escalated ? 'yes' : 'no'],
      ['created', t.createdAt],
      ['updated', t.updatedAt],
      ['first response', t.firstResponseAt],
      ['resolved', t.resolvedAt],
      ['closed', t.closedAt],
      ['SLA due', t.slaDueAt],
      ['subject', t.subject],
      ['body', t.body],
    ],
    { tty, style },
  );
  // On a narrow terminal the least needed columns go first (drop 1, 2, ...), and times stay
  // whole: a time cut to "2026-1…" says nothing.
  const messageColumns: Column<Message>[] = [
    { header: 'created', value: (m) => m.createdAt, keep: true },
    { header: 'author kind', value: (m) => m.authorKind, drop: 1 },
    { header: 'author', value: (m) => m.author },
    { header: 'body', value: (m) => m.body },
  ];
  const predictionColumns: Column<Prediction>[] = [
    { header: 'created', value: (p) => p.createdAt, keep: true },
    { header: 'category', value: (p) => p.category },
    { header: 'department', value: (p) => p.department },
    { header: 'priority', value: (p) => p.priority, drop: 3 },
    { header: 'confidence', value: (p) => p.confidence.toFixed(2), align: 'right' },
    { header: 'decision', value: (p) => p.decision, keep: true },
    { header: 'review', value: (p) => p.review, drop: 4 },
    { header: 'corrected category', value: (p) => p.correctedCategory, drop: 2 },
    { header: 'corrected department', value: (p) => p.correctedDepartment, drop: 1 },
  ];
  let text = record;
  text += `\n${style.bold(`messages (${t.messages.length})`)}\n`;
  if (t.messages.length > 0) text += renderTable(messageColumns, t.messages, { ...tableOptions(ctx), tty });
  text += `\n${style.bold(`predictions (${t.predictions.length})`)}\n`;
  if (t.predictions.length > 0) text += renderTable(predictionColumns, t.predictions, { ...tableOptions(ctx), tty });
  return text;
}
