import { sql, type Kysely, type RawBuilder } from 'kysely';

/**
 * Rows of a query in keyset pages on (created_at, id): constant memory whatever the volume, and
 * the same on PGlite, which has no cursors. `select` must return `_at` (created_at as text, full
 * precision) and `id`, take the page's lower bound as `after`, and be ordered by created_at, id.
 */
export async function* keysetPages<Row extends { _at: string; id: string }>(
  db: Kysely<any>,
  select: (after: RawBuilder<unknown>, limit: number) => RawBuilder<Row>,
  pageSize = 5000,
): AsyncGenerator<Row[]> {
  let after: RawBuilder<unknown> = sql`true`;
  for (;;) {
    const rows = (await select(after, pageSize).execute(db)).rows;
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1]!;
    after = sql`(x.created_at, x.id) > (${last._at}::timestamptz, ${last.id}::uuid)`;
  }
}
