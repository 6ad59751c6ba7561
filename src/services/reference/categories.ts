import { plural } from '../../output/plural.ts';
import type { EntityManager } from '@mikro-orm/sql';
import { AutoResponse, Category, Department, Ticket, type Priority } from '../../entities/index.ts';
import { ConflictError } from '../../errors.ts';
import { assertUnique, assignChanges, findByKey, guarded, notFound, requireField, requireReference, type RemoveResult, type SaveOutcome } from './common.ts';
import type { ImportSpec } from './import.ts';
import { booleanValue, nameValue, naturalKey, optionalText, priorityValue, type Label } from './values.ts';
import { lockReferenceData } from './serialise.ts';

export interface CategoryRow {
  name: string;
  department: string;
  defaultPriority: Priority;
  description: string | null;
  active: boolean;
  /** Tickets in the category, open or not (read-only). */
  tickets: number;
}

export interface CategoryDetail extends CategoryRow {
  responses: string[];
  createdAt: string;
  updatedAt: string;
}

export interface CategoryPatch {
  name?: string | undefined;
  department?: string | undefined;
  defaultPriority?: Priority | undefined;
  description?: string | null | undefined;
  active?: boolean | undefined;
}

const LIST_SQL = `
  select c.name, d.name as department, c.default_priority, c.description, c.active,
    (select count(*) from tickets t where t.category_id = c.id)::int as tickets
  from categories c join departments d on d.id = c.default_department_id`;

type ListRecord = Omit<CategoryRow, 'defaultPriority'> & { default_priority: Priority };
const toRow = (r: ListRecord): CategoryRow => ({
  name: r.name,
  department: r.department,
  defaultPriority: r.default_priority,
  description: r.description,
  active: r.active,
  tickets: Number(r.tickets),
});

export async function listCategories(em: EntityManager): Promise<CategoryRow[]> {
  return (await em.execute<ListRecord[]>(`${LIST_SQL} order by lower(c.name), c.name`)).map(toRow);
}

export async function findCategory(em: EntityManager, name: string): Promise<Category> {
  const category = await findByKey(em, Category, 'name', name);
  if (!category) throw notFound('category', name);
  return category;
}

export async function showCategory(em: EntityManager, name: string): Promise<CategoryDetail> {
  const category = await findCategory(em, name);
  const [row] = (await em.execute<ListRecord[]>(`${LIST_SQL} where c.id = ?`, [category.id])).map(toRow);
  const responses = await em.find(AutoResponse, { category }, { orderBy: { name: 'asc', language: 'asc' } });
  return { ...row!, responses: responses.map((r) => `${r.name} (${r.language})`), createdAt: category.createdAt.toISOString(), updatedAt: category.updatedAt.toISOString() };
}

export function parseCategory(record: Record<string, unknown>, label: Label): CategoryPatch {
  return {
    name: nameValue(record.name, label('name')),
    department: nameValue(record.department, label('department')),
    defaultPriority: priorityValue(record.defaultPriority, label('defaultPriority')),
    description: optionalText(record.description, label('description')),
    active: booleanValue(record.active, label('active')),
  };
}

const duplicate = (name: string) => (existing: Category) =>
  existing.name === name ? `a category named "${name}" already exists` : `a category named "${existing.name}" already exists (names are unique regardless of case)`;

export async function saveCategory(em: EntityManager, existing: Category | null, patch: CategoryPatch, label: Label): Promise<{ category: Category; outcome: SaveOutcome }> {
  if (patch.name !== undefined) await assertUnique(em, Category, 'name', patch.name, existing, duplicate(patch.name));
  const department = patch.department === undefined ? undefined : await requireReference(em, Department, 'departments', 'department', patch.department, label('department'));
  let category = existing;
  let outcome: SaveOutcome;
  if (!category) {
    category = em.create(Category, {
      name: requireField(patch.name, 'name', label, 'category'),
      defaultDepartment: requireField(department, 'department', label, 'category'),
      defaultPriority: patch.defaultPriority ?? 'medium',
      description: patch.description ?? null,
      active: patch.active ?? true,
    });
    outcome = 'created';
  } else {
    const changed = assignChanges(category, { name: patch.name, defaultDepartment: department, defaultPriority: patch.defaultPriority, description: patch.description, active: patch.active });
    outcome = changed ? 'updated' : 'unchanged';
  }
  await guarded(() => em.flush(), { unique: duplicate(patch.name ?? category.name)(category) });
  return { category, outcome };
}

export async function addCategory(em: EntityManager, patch: CategoryPatch, label: Label): Promise<CategoryDetail> {
  const { category } = await saveCategory(em, null, patch, label);
  return showCategory(em, category.name);
}

export async function updateCategory(em: EntityManager, name: string, patch: CategoryPatch, label: Label): Promise<SaveOutcome> {
  return (await saveCategory(em, await findCategory(em, name), patch, label)).outcome;
}

/**
 * Deletes a category. Answer templates belong to a category, so a category that still has some
 * is refused with their list; one that tickets refer to is deactivated instead.
 */
export async function removeCategory(em: EntityManager, name: string): Promise<RemoveResult> {
  return em.transactional(async (tx) => {
    // Pipeline batches in flight write ids of reference rows: wait for them (serialise.ts).
    await lockReferenceData(tx.getKysely<any>());
    const category = await findCategory(tx, name);
    const responses = await tx.find(AutoResponse, { category }, { orderBy: { name: 'asc', language: 'asc' } });
    if (responses.length > 0) {
      throw new ConflictError(`category "${category.name}" still has answer templates: remove them or move them to another category first`, [
        `responses (${responses.length}): ${responses.map((r) => `${r.name} (${r.language})`).join(', ')}`,
      ]);
    }
    const history = await tx.count(Ticket, { category });
    if (history > 0) {
      category.active = false;
      await tx.flush();
      return { removed: category.name, outcome: 'deactivated', reason: `${plural(history, 'ticket')} ${history === 1 ? 'refers' : 'refer'} to it` };
    }
    tx.remove(category);
    await guarded(() => tx.flush(), { unique: 'unexpected duplicate', foreignKey: `category "${category.name}" is still referred to` });
    return { removed: category.name, outcome: 'removed' };
  });
}

export const categoryImport: ImportSpec<CategoryPatch> = {
  noun: 'category',
  fields: ['name', 'department', 'defaultPriority', 'description', 'active'],
  computed: ['tickets'],
  parse: parseCategory,
  keyOf: (patch) => (patch.name === undefined ? undefined : naturalKey(patch.name)),
  keyFields: ['name'],
  async upsert(em, patch, label) {
    return (await saveCategory(em, await findByKey(em, Category, 'name', patch.name!), patch, label)).outcome;
  },
};
