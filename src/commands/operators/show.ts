import { showOperator } from '../../services/reference/operators.ts';
import { operatorChoices } from '../choices.ts';
import type { CommandContext } from '../context.ts';
import { runShow, yesNo } from '../reference.ts';
import { load } from './list.ts';

export async function operatorsShow(ctx: CommandContext, email: string | undefined, options: { json?: boolean }): Promise<void> {
  await runShow(
    ctx,
    email,
    'EMAIL',
    options,
    async (em, ask) => showOperator(em, await ask.pick(email, 'EMAIL', 'Which operator?', () => operatorChoices(em))),
    (o) => [
      ['name', o.name],
      ['email', o.email],
      ['department', o.department],
      ['languages', o.languages.join(', ')],
      ['capacity', o.capacity],
      ['load', `${load(o)} open tickets`],
      ['tickets', o.tickets],
      ['active', yesNo(o.active)],
      ['created', o.createdAt],
      ['updated', o.updatedAt],
    ],
  );
}
