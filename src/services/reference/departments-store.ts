import { sql, type Kysely } from 'kysely';
import { OPEN_STATUS_SQL, type HelpdeskSchema } from '../../db/schema.ts';

// The departments' list rows in plain SQL over the Kysely handle: `departments list` reads them
// without the ORM, `departments show` (through the ORM's connection) with it.

/** One department as lists, `--json` and import files have it. */
export interface DepartmentRow {
  name: string;
  description: string | null;
  active: boolean;
  /** Operators in the department (read-only, ignored on import). */
  operators: number;
  /** Tickets routed to it that are still open (read-only, ignored on import). */
  openTickets: number;
  /** Open tickets routed to it that wait for a free operator (queued, not escalated; read-only). */
  queued: number;
  /** Active operators whose open tickets fill their capacity (read-only). */
  atCapacity: number;
}

const OPEN = sql.raw(OPEN_STATUS_SQL);

function selectRows(db: Kysely<HelpdeskSchema>, where: ReturnType<typeof sql>, orderBy: ReturnType<typeof sql>) {
  return sql<{ name: string; description: string | null; active: boolean; operators: number; open_tickets: number; queued: number; at_capacity: number }>`
    select d.name, d.description, d.active,
      (select count(*) from operators o where o.department_id = d.id)::int as operators,
      (select count(*) from tickets t where t.department_id = d.id and t.status in (${OPEN}))::int as open_tickets,
      (select count(*) from tickets t where t.department_id = d.id and t.status in (${OPEN}) and t.operator_id is null and not t.escalated)::int as queued,
      (select count(*) from operators o where o.department_id = d.id and o.active
         and (select count(*) from tickets t where t.operator_id = o.id and t.status in (${OPEN})) >= o.capacity)::int as at_capacity
    from departments d
    where ${where}
    ${orderBy}`
    .execute(db)
    .then(({ rows }) =>
      rows.map(
        (r): DepartmentRow => ({
          name: r.name,
          description: r.description,
          active: r.active,
          operators: Number(r.operators),
          openTickets: Number(r.open_tickets),
          queued: Number(r.queued),
          atCapacity: Number(r.at_capacity),
        }),
      ),
    );
}

export async function listDepartments(db: Kysely<HelpdeskSchema>): Promise<DepartmentRow[]> {
  return selectRows(db, sql`true`, sql`order by lower(d.name), d.name`);
}

/** One department's list row, by id. */
export async function departmentRow(db: Kysely<HelpdeskSchema>, id: string): Promise<DepartmentRow | undefined> {
  return (await selectRows(db, sql`d.id = ${id}`, sql``))[0];
}
