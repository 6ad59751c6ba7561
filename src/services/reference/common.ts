import { CheckConstraintViolationException, ForeignKeyConstraintViolationException, sql, UniqueConstraintViolationException, type EntityName, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/sql';
import { ConflictError, InputError, NotFoundError } from '../../errors.ts';
import { naturalKey, type Label } from './values.ts';

// Plumbing shared by the reference-data services (departments, operators, categories, answer
// templates, users): case-insensitive lookups by natural key, change detection, and turning the
// database's constraint errors into one-line messages.

export { OPEN_STATUS_SQL } from '../../db/schema.ts';

export type SaveOutcome = 'created' | 'updated' | 'unchanged';

/** What `remove` did: deleted the row, or kept it deactivated because history refers to it. */
export interface RemoveResult {
  removed: string;
  outcome: 'removed' | 'deactivated';
  /** Why the row was kept (deactivated), e.g. "12 tickets refer to it". */
  reason?: string;
  /** What moved elsewhere first (department removal with --reassign-to). */
  reassigned?: { to: string; operators: string[]; categories: string[]; openTickets: number };
}

/** Finds one row whose text column equals `value` regardless of case and surrounding spaces. */
export async function findByKey<T extends object>(em: EntityManager, entity: EntityName<T>, column: string, value: string, extra: Record<string, unknown> = {}): Promise<T | null> {
  const where = { [sql.lower(column)]: naturalKey(value), ...extra } as unknown as FilterQuery<NoInfer<T>>;
  return em.findOne(entity, where);
}

/** Existing names for an "unknown X" message, when there are few enough to be helpful. */
export async function knownNames(em: EntityManager, table: string, column = 'name'): Promise<string> {
  const rows = await em.execute<{ name: string }[]>(`select "${column}" as name from "${table}" order by lower("${column}"), "${column}" limit 11`);
  if (rows.length === 0) return ` (there are none yet)`;
  if (rows.length > 10) return '';
  return ` (known: ${rows.map((r) => r.name).join(', ')})`;
}

/** Loads a row referred to by a flag or a file field, or fails naming the field and the choices. */
export async function requireReference<T extends object>(em: EntityManager, entity: EntityName<T>, table: string, noun: string, value: string, label: string): Promise<T> {
  const found = await findByKey(em, entity, 'name', value);
  if (!found) throw new InputError(`${label}: unknown ${noun} "${value}"${await knownNames(em, table)}`);
  return found;
}

export function notFound(noun: string, key: string): NotFoundError {
  return new NotFoundError(`no ${noun} "${key}"`);
}

const same = (a: unknown, b: unknown): boolean => (Array.isArray(a) || Array.isArray(b) ? JSON.stringify(a) === JSON.stringify(b) : a === b);

/** Sets the fields of `patch` that differ from the entity; true when anything changed. */
export function assignChanges<T extends object>(entity: T, patch: Partial<T>): boolean {
  let changed = false;
  for (const [field, value] of Object.entries(patch) as [keyof T, T[keyof T]][]) {
    if (value === undefined) continue;
    const current = entity[field];
    const comparable = (v: unknown): unknown => (v !== null && typeof v === 'object' && 'id' in v ? (v as { id: unknown }).id : v);
    if (same(comparable(current), comparable(value))) continue;
    entity[field] = value;
    changed = true;
  }
  return changed;
}

/** Names a field that a new row needs but the input lacks. */
export function requireField<T>(value: T | undefined, field: string, label: Label, noun: string): T {
  if (value === undefined) throw new InputError(`a new ${noun} needs ${label(field)}`);
  return value;
}

/** Runs database work, turning constraint violations into one-line errors (exit 2). */
export async function guarded<T>(work: () => Promise<T>, describe: { unique: string; foreignKey?: string }): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) throw new ConflictError(describe.unique);
    if (error instanceof ForeignKeyConstraintViolationException) throw new ConflictError(describe.foreignKey ?? 'other rows still refer to it');
    if (error instanceof CheckConstraintViolationException) throw new InputError(`the database refused a value: ${error.message.split('\n')[0]}`);
    throw error;
  }
}

/** Fails when another row already has this natural key (names are unique regardless of case). */
export async function assertUnique<T extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  column: string,
  value: string,
  self: T | null,
  describe: (existing: T) => string,
  extra: Record<string, unknown> = {},
): Promise<void> {
  const existing = await findByKey(em, entity, column, value, extra);
  if (existing && existing !== self) throw new ConflictError(describe(existing));
}

export async function count(em: EntityManager, query: string, params: unknown[]): Promise<number> {
  const rows = await em.execute<{ n: number | string }[]>(query, params);
  return Number(rows[0]?.n ?? 0);
}
