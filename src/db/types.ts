/**
 * The type parsers @mikro-orm/sql gives both of its PostgreSQL drivers (createPostgreSqlTypeParsers):
 * date, timestamp, timestamptz and interval stay text, and their arrays are parsed as text arrays.
 * The embedded cluster and the ORM-free connections use them too, so a query returns the same
 * values whichever way the database was opened.
 */
export async function typeParsers(): Promise<Record<number, (text: string) => unknown>> {
  const { default: array } = await import('postgres-array');
  const raw = (text: string) => text;
  const parsers: Record<number, (text: string) => unknown> = {};
  for (const oid of [1082, 1114, 1184, 1186]) parsers[oid] = raw;
  for (const oid of [1182, 1115, 1185, 1187]) parsers[oid] = (text: string) => array.parse(text);
  return parsers;
}
