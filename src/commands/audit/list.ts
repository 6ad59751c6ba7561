import type { Column } from '../../output/render.ts';
import { describeChange, listAudit, parseSince, type AuditRow } from '../../services/audit/audit.ts';
import { parseFormat, printRows, withDatabase, type CommandContext } from '../context.ts';

export const AUDIT_COLUMNS: Column<AuditRow>[] = [
  { header: 'at', value: (r) => r.at },
  { header: 'who', value: (r) => r.login },
  { header: 'table', value: (r) => r.table },
  { header: 'action', value: (r) => r.action },
  { header: 'row', value: (r) => r.rowId },
  { header: 'change', value: (r) => describeChange(r) },
];

export async function auditList(ctx: CommandContext, options: { table?: string; since?: string; who?: string; limit?: string; format?: string; json?: boolean }): Promise<void> {
  const format = parseFormat(options.format, options.json);
  const filters = {
    table: options.table,
    since: options.since !== undefined ? parseSince(options.since) : undefined,
    who: options.who,
    limit: options.limit !== undefined ? Number(options.limit) : undefined,
  };
  const rows = await withDatabase(ctx, (db) => listAudit(db.em.getKysely<any>(), filters));
  printRows(ctx, format, AUDIT_COLUMNS, rows);
}
