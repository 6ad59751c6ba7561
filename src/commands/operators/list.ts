import { listOperators, type OperatorRow } from '../../services/reference/operators.ts';
import type { CommandContext } from '../context.ts';
import { runList, yesNo, type ListOptions, type ListView } from '../reference.ts';

/** Open tickets against capacity, e.g. "3/5". */
export const load = (o: { openTickets: number; capacity: number }): string => `${o.openTickets}/${o.capacity}`;

export const operatorsView: ListView<OperatorRow> = {
  plural: 'operators',
  table: [
    { header: 'name', value: (o) => o.name },
    { header: 'email', value: (o) => o.email },
    { header: 'department', value: (o) => o.department },
    { header: 'languages', value: (o) => o.languages.join(',') },
    { header: 'load', value: load, align: 'right' },
    { header: 'active', value: (o) => yesNo(o.active) },
  ],
  fields: ['name', 'email', 'department', 'languages', 'capacity', 'active', 'openTickets'],
  csvJoin: { languages: ',' },
};

export async function operatorsList(ctx: CommandContext, options: ListOptions & { department?: string }): Promise<void> {
  await runList(ctx, options, operatorsView, (em) => listOperators(em, { department: options.department }));
}
