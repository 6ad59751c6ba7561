import { plural } from '../../output/plural.ts';
import type { EntityManager } from '@mikro-orm/sql';
import { Category, Department, OPEN_STATUSES, Operator, Ticket } from '../../entities/index.ts';
import { ConflictError, InputError } from '../../errors.ts';
import { departmentRow, type DepartmentRow } from './departments-store.ts';
import { assertUnique, assignChanges, count, findByKey, guarded, notFound, OPEN_STATUS_SQL, requireField, requireReference, type RemoveResult, type SaveOutcome } from './common.ts';
import type { ImportSpec } from './import.ts';
import { lockReferenceData } from './serialise.ts';
import { booleanValue, nameValue, naturalKey, optionalText, type Label } from './values.ts';

export { listDepartments, type DepartmentRow } from './departments-store.ts';

export interface DepartmentDetail extends DepartmentRow {
  operatorNames: string[];
  categories: string[];
  tickets: number;
  createdAt: string;
  updatedAt: string;
}

export interface DepartmentPatch {
  name?: string | undefined;
  description?: string | null | undefined;
  active?: boolean | undefined;
}

export async function findDepartment(em: EntityManager, name: string): Promise<Department> {
  const department = await findByKey(em, Department, 'name', name);
  if (!department) throw notFound('department', name);
  return department;
}

export async function showDepartment(em: EntityManager, name: string): Promise<DepartmentDetail> {
  const department = await findDepartment(em, name);
  const row = await departmentRow(em.getKysely(), department.id);
  const operators = await em.find(Operator, { department }, { orderBy: { name: 'asc' } });
  const categories = await em.find(Category, { defaultDepartment: department }, { orderBy: { name: 'asc' } });
  return {
    ...row!,
    operatorNames: operators.map((o) => o.name),
    categories: categories.map((c) => c.name),
    tickets: await em.count(Ticket, { department }),
    createdAt: department.createdAt.toISOString(),
    updatedAt: department.updatedAt.toISOString(),
  };
}

export function parseDepartment(record: Record<string, unknown>, label: Label): DepartmentPatch {
  return {
    name: nameValue(record.name, label('name')),
    description: optionalText(record.description, label('description')),
    active: booleanValue(record.active, label('active')),
  };
}

const duplicate = (name: string) => (existing: Department) =>
  existing.name === name ? `a department named "${name}" already exists` : `a department named "${existing.name}" already exists (names are unique regardless of case)`;

/** Creates (existing = null) or updates a department; validates before anything is written. */
export async function saveDepartment(em: EntityManager, existing: Department | null, patch: DepartmentPatch, label: Label): Promise<{ department: Department; outcome: SaveOutcome }> {
  if (patch.name !== undefined) await assertUnique(em, Department, 'name', patch.name, existing, duplicate(patch.name));
  let department = existing;
  let outcome: SaveOutcome;
  if (!department) {
    department = em.create(Department, { name: requireField(patch.name, 'name', label, 'department'), description: patch.description ?? null, active: patch.active ?? true });
    outcome = 'created';
  } else {
    outcome = assignChanges(department, { name: patch.name, description: patch.description, active: patch.active }) ? 'updated' : 'unchanged';
  }
  await guarded(() => em.flush(), { unique: duplicate(patch.name ?? department.name)(department) });
  return { department, outcome };
}

export async function addDepartment(em: EntityManager, patch: DepartmentPatch, label: Label): Promise<DepartmentDetail> {
  const { department } = await saveDepartment(em, null, patch, label);
  return showDepartment(em, department.name);
}

export async function updateDepartment(em: EntityManager, name: string, patch: DepartmentPatch, label: Label): Promise<SaveOutcome> {
  return (await saveDepartment(em, await findDepartment(em, name), patch, label)).outcome;
}

export interface DepartmentDependents {
  operators: string[];
  categories: string[];
  openTickets: number;
}

export async function departmentDependents(em: EntityManager, department: Department): Promise<DepartmentDependents> {
  const operators = await em.find(Operator, { department }, { orderBy: { name: 'asc' } });
  const categories = await em.find(Category, { defaultDepartment: department }, { orderBy: { name: 'asc' } });
  const openTickets = await count(em, `select count(*) as n from tickets where department_id = ? and status in (${OPEN_STATUS_SQL})`, [department.id]);
  return { operators: operators.map((o) => `${o.name} <${o.email}>`), categories: categories.map((c) => c.name), openTickets };
}

/** Lines naming what depends on a department, for the error that refuses to remove it. */
export function describeDependents(dependents: DepartmentDependents): string[] {
  const lines: string[] = [];
  if (dependents.operators.length) lines.push(`operators (${dependents.operators.length}): ${dependents.operators.join(', ')}`);
  if (dependents.categories.length) lines.push(`categories (${dependents.categories.length}): ${dependents.categories.join(', ')}`);
  if (dependents.openTickets) lines.push(`open tickets: ${dependents.openTickets}`);
  return lines;
}

/** Fails listing the dependents when there are any and nowhere to move them. */
export async function checkRemovable(em: EntityManager, department: Department, reassignTo: string | undefined): Promise<DepartmentDependents> {
  const dependents = await departmentDependents(em, department);
  const lines = describeDependents(dependents);
  if (reassignTo === undefined && lines.length > 0) {
    throw new ConflictError(`department "${department.name}" still has dependents: move or remove them first, or use --reassign-to OTHER`, lines);
  }
  return dependents;
}

/**
 * Removes a department. Operators, categories and open tickets must go elsewhere first: with
 * `reassignTo` they all move in the same transaction, otherwise nothing changes and the error
 * lists them. A department that closed tickets still refer to is deactivated instead.
 */
export async function removeDepartment(em: EntityManager, name: string, options: { reassignTo?: string | undefined } = {}): Promise<RemoveResult> {
  return em.transactional(async (tx) => {
    // Waits for pipeline batches in flight, which then reread the reference data (serialise.ts).
    await lockReferenceData(tx.getKysely<any>());
    const department = await findDepartment(tx, name);
    const dependents = await checkRemovable(tx, department, options.reassignTo);
    let reassigned: RemoveResult['reassigned'];
    if (options.reassignTo !== undefined) {
      const target = await requireReference(tx, Department, 'departments', 'department', options.reassignTo, '--reassign-to');
      if (target === department) throw new InputError(`--reassign-to must name another department (got "${options.reassignTo}")`);
      await tx.nativeUpdate(Operator, { department }, { department: target });
      await tx.nativeUpdate(Category, { defaultDepartment: department }, { defaultDepartment: target });
      const openTickets = await tx.nativeUpdate(Ticket, { department, status: { $in: [...OPEN_STATUSES] } }, { department: target });
      reassigned = { to: target.name, operators: dependents.operators, categories: dependents.categories, openTickets };
    }
    const history = await tx.count(Ticket, { department });
    if (history > 0) {
      department.active = false;
      await tx.flush();
      return { removed: department.name, outcome: 'deactivated', reason: `${plural(history, 'closed ticket')} ${history === 1 ? 'refers' : 'refer'} to it`, ...(reassigned ? { reassigned } : {}) };
    }
    // A native delete: the identity map still holds the dependents as they were before the move.
    await guarded(() => tx.nativeDelete(Department, { id: department.id }), { unique: 'unexpected duplicate', foreignKey: `department "${department.name}" is still referred to` });
    return { removed: department.name, outcome: 'removed', ...(reassigned ? { reassigned } : {}) };
  });
}

export const departmentImport: ImportSpec<DepartmentPatch> = {
  noun: 'department',
  fields: ['name', 'description', 'active'],
  computed: ['operators', 'openTickets', 'queued', 'atCapacity'],
  parse: parseDepartment,
  keyOf: (patch) => (patch.name === undefined ? undefined : naturalKey(patch.name)),
  keyFields: ['name'],
  async upsert(em, patch, label) {
    const existing = await findByKey(em, Department, 'name', patch.name!);
    return (await saveDepartment(em, existing, patch, label)).outcome;
  },
};
