import { plural } from '../../output/plural.ts';
import type { EntityManager } from '@mikro-orm/sql';
import { Department, Operator, Ticket, type Language } from '../../entities/index.ts';
import { assertUnique, assignChanges, count, findByKey, guarded, notFound, OPEN_STATUS_SQL, requireField, requireReference, type RemoveResult, type SaveOutcome } from './common.ts';
import type { ImportSpec } from './import.ts';
import { booleanValue, emailValue, languagesValue, nameValue, naturalKey, positiveInteger, type Label } from './values.ts';
import { lockReferenceData } from './serialise.ts';

export interface OperatorRow {
  name: string;
  email: string;
  department: string;
  languages: Language[];
  capacity: number;
  active: boolean;
  /** Open tickets assigned to the operator (read-only): their load against capacity. */
  openTickets: number;
}

export interface OperatorDetail extends OperatorRow {
  tickets: number;
  createdAt: string;
  updatedAt: string;
}

export interface OperatorPatch {
  name?: string | undefined;
  email?: string | undefined;
  department?: string | undefined;
  languages?: Language[] | undefined;
  capacity?: number | undefined;
  active?: boolean | undefined;
}

const LIST_SQL = `
  select o.name, o.email, d.name as department, o.languages, o.capacity, o.active,
    (select count(*) from tickets t where t.operator_id = o.id and t.status in (${OPEN_STATUS_SQL}))::int as open_tickets
  from operators o join departments d on d.id = o.department_id`;

type ListRecord = Omit<OperatorRow, 'openTickets' | 'languages'> & { languages: Language[] | string; open_tickets: number };

/** Enum arrays come back as arrays from node-postgres and as "{ru,en}" text from some drivers. */
const languagesOf = (value: Language[] | string): Language[] => (Array.isArray(value) ? value : (value.replace(/[{}]/g, '').split(',').filter(Boolean) as Language[]));

const toRow = (r: ListRecord): OperatorRow => ({
  name: r.name,
  email: r.email,
  department: r.department,
  languages: languagesOf(r.languages),
  capacity: Number(r.capacity),
  active: r.active,
  openTickets: Number(r.open_tickets),
});

export async function listOperators(em: EntityManager, filter: { department?: string | undefined } = {}): Promise<OperatorRow[]> {
  if (filter.department !== undefined) {
    const department = await requireReference(em, Department, 'departments', 'department', filter.department, '--department');
    return (await em.execute<ListRecord[]>(`${LIST_SQL} where o.department_id = ? order by lower(o.name), lower(o.email)`, [department.id])).map(toRow);
  }
  return (await em.execute<ListRecord[]>(`${LIST_SQL} order by lower(o.name), lower(o.email)`)).map(toRow);
}

export async function findOperator(em: EntityManager, email: string): Promise<Operator> {
  const operator = await findByKey(em, Operator, 'email', email);
  if (!operator) throw notFound('operator', email);
  return operator;
}

export async function showOperator(em: EntityManager, email: string): Promise<OperatorDetail> {
  const operator = await findOperator(em, email);
  const [row] = (await em.execute<ListRecord[]>(`${LIST_SQL} where o.id = ?`, [operator.id])).map(toRow);
  return { ...row!, tickets: await em.count(Ticket, { operator }), createdAt: operator.createdAt.toISOString(), updatedAt: operator.updatedAt.toISOString() };
}

export function parseOperator(record: Record<string, unknown>, label: Label): OperatorPatch {
  return {
    name: nameValue(record.name, label('name'), 200),
    email: emailValue(record.email, label('email')),
    department: nameValue(record.department, label('department')),
    languages: languagesValue(record.languages, label('languages')),
    capacity: positiveInteger(record.capacity, label('capacity')),
    active: booleanValue(record.active, label('active')),
  };
}

const duplicate = (email: string) => (existing: Operator) => `an operator with e-mail ${existing.email} already exists` + (existing.email === email ? '' : ' (e-mail addresses are unique regardless of case)');

export async function saveOperator(em: EntityManager, existing: Operator | null, patch: OperatorPatch, label: Label): Promise<{ operator: Operator; outcome: SaveOutcome }> {
  if (patch.email !== undefined) await assertUnique(em, Operator, 'email', patch.email, existing, duplicate(patch.email));
  const department = patch.department === undefined ? undefined : await requireReference(em, Department, 'departments', 'department', patch.department, label('department'));
  let operator = existing;
  let outcome: SaveOutcome;
  if (!operator) {
    operator = em.create(Operator, {
      name: requireField(patch.name, 'name', label, 'operator'),
      email: requireField(patch.email, 'email', label, 'operator'),
      department: requireField(department, 'department', label, 'operator'),
      languages: requireField(patch.languages, 'languages', label, 'operator'),
      capacity: requireField(patch.capacity, 'capacity', label, 'operator'),
      active: patch.active ?? true,
    });
    outcome = 'created';
  } else {
    const changed = assignChanges(operator, { name: patch.name, email: patch.email, department, languages: patch.languages, capacity: patch.capacity, active: patch.active });
    outcome = changed ? 'updated' : 'unchanged';
  }
  await guarded(() => em.flush(), { unique: duplicate(patch.email ?? operator.email)(operator) });
  return { operator, outcome };
}

export async function addOperator(em: EntityManager, patch: OperatorPatch, label: Label): Promise<OperatorDetail> {
  const { operator } = await saveOperator(em, null, patch, label);
  return showOperator(em, operator.email);
}

export async function updateOperator(em: EntityManager, email: string, patch: OperatorPatch, label: Label): Promise<SaveOutcome> {
  return (await saveOperator(em, await findOperator(em, email), patch, label)).outcome;
}

/** Deletes an operator; one with ticket history is deactivated instead, so the history keeps its name. */
export async function removeOperator(em: EntityManager, email: string): Promise<RemoveResult> {
  return em.transactional(async (tx) => {
    // Pipeline batches in flight write ids of reference rows: wait for them (serialise.ts).
    await lockReferenceData(tx.getKysely<any>());
    const operator = await findOperator(tx, email);
    const history = await tx.count(Ticket, { operator });
    if (history > 0) {
      const open = await count(tx, `select count(*) as n from tickets where operator_id = ? and status in (${OPEN_STATUS_SQL})`, [operator.id]);
      operator.active = false;
      await tx.flush();
      return { removed: operator.email, outcome: 'deactivated', reason: `${plural(history, 'ticket')} in their history` + (open ? `, ${open} still open` : '') };
    }
    tx.remove(operator);
    await guarded(() => tx.flush(), { unique: 'unexpected duplicate', foreignKey: `operator ${operator.email} is still referred to` });
    return { removed: operator.email, outcome: 'removed' };
  });
}

export const operatorImport: ImportSpec<OperatorPatch> = {
  noun: 'operator',
  fields: ['name', 'email', 'department', 'languages', 'capacity', 'active'],
  computed: ['openTickets'],
  parse: parseOperator,
  keyOf: (patch) => (patch.email === undefined ? undefined : naturalKey(patch.email)),
  keyFields: ['email'],
  async upsert(em, patch, label) {
    return (await saveOperator(em, await findByKey(em, Operator, 'email', patch.email!), patch, label)).outcome;
  },
};
