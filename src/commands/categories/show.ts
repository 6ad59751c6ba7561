import { showCategory } from '../../services/reference/categories.ts';
import { categoryChoices } from '../choices.ts';
import type { CommandContext } from '../context.ts';
import { listCell, runShow, yesNo } from '../reference.ts';

export async function categoriesShow(ctx: CommandContext, name: string | undefined, options: { json?: boolean }): Promise<void> {
  await runShow(
    ctx,
    name,
    'NAME',
    options,
    async (em, ask) => showCategory(em, await ask.pick(name, 'NAME', 'Which category?', () => categoryChoices(em))),
    (c) => [
      ['name', c.name],
      ['department', c.department],
      ['default priority', c.defaultPriority],
      ['description', c.description],
      ['active', yesNo(c.active)],
      ['tickets', c.tickets],
      ['answer templates', listCell(c.responses)],
      ['created', c.createdAt],
      ['updated', c.updatedAt],
    ],
  );
}
