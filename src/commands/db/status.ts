import { plural } from '../../output/plural.ts';
import { CheckFailedError } from '../../errors.ts';
import { databaseStatus, type DatabaseStatus } from '../../services/database-admin.ts';
import { renderJson, renderRecord, renderTable } from '../../output/render.ts';
import { isTerminal, print, withDatabase, tableOptions, type CommandContext } from '../context.ts';

export async function dbStatus(ctx: CommandContext, options: { json?: boolean; check?: boolean }): Promise<void> {
  const status = await withDatabase(ctx, databaseStatus);
  if (options.json) print(ctx, renderJson(status));
  else print(ctx, describe(ctx, status));
  if (options.check) {
    if (status.pending.length > 0) throw new CheckFailedError(`${plural(status.pending.length, 'pending migration')}: run \`helpdesk db migrate\``);
    if (status.drift.length > 0) throw new CheckFailedError(`the schema differs from the entities (${plural(status.drift.length, 'statement')}): ${status.drift[0]}`);
  }
}

function describe(ctx: CommandContext, status: DatabaseStatus): string {
  const tty = isTerminal(ctx);
  const summary = renderRecord(
    [
      ['backend', status.backend],
      ['location', status.location],
      ['migrations applied', status.applied.length],
      ['migrations pending', status.pending.length ? status.pending.join(', ') : 0],
      ['schema drift', status.drift.length ? plural(status.drift.length, 'statement') : 'none'],
    ],
    { ...tableOptions(ctx), tty },
  );
  const tables = renderTable(
    [
      { header: 'table', value: (t: DatabaseStatus['tables'][number]) => t.table },
      { header: 'rows', value: (t: DatabaseStatus['tables'][number]) => t.rows, align: 'right' },
    ],
    status.tables,
    { ...tableOptions(ctx), tty },
  );
  return summary + '\n' + tables;
}
