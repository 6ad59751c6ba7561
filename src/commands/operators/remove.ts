import { findOperator, removeOperator } from '../../services/reference/operators.ts';
import { operatorChoices } from '../choices.ts';
import type { CommandContext } from '../context.ts';
import { runRemove, type RemoveOptions } from '../reference.ts';

export async function operatorsRemove(ctx: CommandContext, email: string | undefined, options: RemoveOptions): Promise<void> {
  await runRemove(ctx, email, options, {
    noun: 'operator',
    keyName: 'EMAIL',
    find: async (em, ask) => (await findOperator(em, await ask.pick(email, 'EMAIL', 'Which operator?', () => operatorChoices(em)))).email,
    display: (key) => key,
    displayGiven: (key) => key,
    remove: (em, key) => removeOperator(em, key),
  });
}
