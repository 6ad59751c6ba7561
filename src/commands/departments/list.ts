import { listDepartments, type DepartmentRow } from '../../services/reference/departments-store.ts';
import type { CommandContext } from '../context.ts';
import { runSqlList, yesNo, type ListOptions, type ListView } from '../lists.ts';

export const departmentsView: ListView<DepartmentRow> = {
  plural: 'departments',
  table: [
    { header: 'name', value: (d) => d.name, keep: true },
    { header: 'operators', value: (d) => d.operators, align: 'right', drop: 3 },
    { header: 'open tickets', value: (d) => d.openTickets, align: 'right' },
    { header: 'queued', key: 'queued', value: (d) => d.queued, align: 'right', drop: 2 },
    { header: 'at capacity', key: 'atCapacity', value: (d) => d.atCapacity, align: 'right', drop: 1 },
    { header: 'active', value: (d) => yesNo(d.active) },
    { header: 'description', value: (d) => d.description },
  ],
  fields: ['name', 'description', 'active', 'operators', 'openTickets', 'queued', 'atCapacity'],
};

export async function departmentsList(ctx: CommandContext, options: ListOptions): Promise<void> {
  await runSqlList(ctx, options, departmentsView, listDepartments);
}
