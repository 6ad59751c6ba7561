import { parseOperator, showOperator, updateOperator } from '../../services/reference/operators.ts';
import { operatorChoices } from '../choices.ts';
import { withDatabase, type CommandContext } from '../context.ts';
import { asker, flagLabels, reportSaved, requireChanges, requireFlags } from '../reference.ts';
import type { OperatorAddOptions } from './add.ts';

const label = flagLabels({});

export async function operatorsUpdate(ctx: CommandContext, current: string | undefined, options: OperatorAddOptions): Promise<void> {
  requireFlags(ctx, [[current, 'EMAIL']]);
  const patch = parseOperator(
    { name: options.name, email: options.email, department: options.department, languages: options.languages, capacity: options.capacity, active: options.active },
    label,
  );
  requireChanges(patch, ['--name', '--email', '--department', '--languages', '--capacity', '--active', '--no-active']);
  const { outcome, row } = await withDatabase(ctx, async (db) => {
    const email = await asker(ctx).pick(current, 'EMAIL', 'Which operator?', () => operatorChoices(db.em));
    const outcome = await updateOperator(db.em, email, patch, label);
    return { outcome, row: await showOperator(db.em, patch.email ?? email) };
  });
  reportSaved(ctx, options, 'operator', row.email, outcome, row);
}
