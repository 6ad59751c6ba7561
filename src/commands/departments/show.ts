import { showDepartment } from '../../services/reference/departments.ts';
import { departmentChoices } from '../choices.ts';
import type { CommandContext } from '../context.ts';
import { listCell, runShow, yesNo } from '../reference.ts';

export async function departmentsShow(ctx: CommandContext, name: string | undefined, options: { json?: boolean }): Promise<void> {
  await runShow(
    ctx,
    name,
    'NAME',
    options,
    async (em, ask) => showDepartment(em, await ask.pick(name, 'NAME', 'Which department?', () => departmentChoices(em))),
    (d) => [
      ['name', d.name],
      ['description', d.description],
      ['active', yesNo(d.active)],
      ['operators', `${d.operators}: ${listCell(d.operatorNames)}`],
      ['categories', listCell(d.categories)],
      ['open tickets', d.openTickets],
      ['tickets', d.tickets],
      ['created', d.createdAt],
      ['updated', d.updatedAt],
    ],
  );
}
